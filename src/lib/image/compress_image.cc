#include "lib/image/compress_image.h"

#include <thread>

#include "lib/image/bmap.h"
#include "lib/image/encoders.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::image {

std::optional<Compression> parse_compression(std::string_view name) {
  if (name == "gz" || name == "gzip") return Compression::gz;
  if (name == "xz") return Compression::xz;
  if (name == "zstd" || name == "zst") return Compression::zstd;
  if (name == "none") return Compression::none;
  return std::nullopt;
}

std::string_view compression_name(Compression format) {
  switch (format) {
    case Compression::gz: return "gz";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
    case Compression::none: break;
  }
  return "none";
}

std::string_view compression_suffix(Compression format) {
  switch (format) {
    case Compression::gz: return ".gz";
    case Compression::xz: return ".xz";
    case Compression::zstd: return ".zst";
    case Compression::none: break;
  }
  return "";
}

int default_level(Compression format) {
  switch (format) {
    case Compression::gz: return 6;
    case Compression::xz: return 6;
    case Compression::zstd: return 3;
    case Compression::none: break;
  }
  return 0;
}

std::pair<int, int> level_range(Compression format) {
  switch (format) {
    case Compression::gz: return {1, 12};
    case Compression::xz: return {0, 9};
    case Compression::zstd: return {1, 22};
    case Compression::none: break;
  }
  return {0, 0};
}

namespace {

void encode(Compression format, SparseFile& input, ChecksummedOutput& output, int level,
            unsigned threads) {
  switch (format) {
    case Compression::gz: return encode_gzip(input, output, level, threads);
    case Compression::xz: return encode_xz(input, output, level, threads);
    case Compression::zstd: return encode_zstd(input, output, level, threads);
    case Compression::none: return encode_none(input, output);
  }
}

}  // namespace

CompressedImage compress_image(const std::filesystem::path& raw,
                               const std::filesystem::path& output,
                               const CompressOptions& options) {
  SparseFile input(raw);
  CompressedImage result;
  result.file = output;
  result.format = options.format;
  result.level = options.level.value_or(default_level(options.format));
  if (auto [lowest, highest] = level_range(options.format);
      options.level && (result.level < lowest || result.level > highest))
    fail("level {} is out of range for {} ({} to {})", result.level,
         compression_name(options.format), lowest, highest);
  result.raw_bytes = input.size();
  result.data_bytes = input.data_bytes();

  std::optional<BmapBuilder> bmap;
  if (!options.bmap.empty()) {
    bmap.emplace(input.size(), input.data());
    input.observe([&bmap](const Chunk& chunk) { bmap->add(chunk); });
  }
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  ChecksummedOutput out(output, options.checksums);
  encode(options.format, input, out, result.level, threads);
  result.bytes = out.bytes();
  result.checksums = out.commit();
  if (options.checksums) write_checksum_files(output, result.checksums);
  if (bmap) util::write_file_atomic(options.bmap, bmap->xml());
  return result;
}

nlohmann::ordered_json to_json(const CompressedImage& image) {
  nlohmann::ordered_json json = {{"file", image.file.filename().string()},
                                 {"compression", compression_name(image.format)},
                                 {"level", image.level},
                                 {"raw_bytes", image.raw_bytes},
                                 {"data_bytes", image.data_bytes},
                                 {"bytes", image.bytes}};
  if (!image.checksums.sha256.empty()) {
    json["sha256"] = image.checksums.sha256;
    json["sha1"] = image.checksums.sha1;
    json["md5"] = image.checksums.md5;
    json["blake2b512"] = image.checksums.blake2b512;
  }
  return json;
}

}  // namespace apt_ostree::image
