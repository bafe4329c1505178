// Compressing a raw image for release: one read of its data (holes are skipped), the compressed
// file written atomically with its four checksums and, optionally, its block map.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "lib/image/checksummed_output.h"

namespace apt_ostree::image {

enum class Compression { none, gz, xz, zstd };

// "gz" (or "gzip"), "xz", "zstd" (or "zst"), "none"; nullopt otherwise.
std::optional<Compression> parse_compression(std::string_view name);
std::string_view compression_name(Compression format);
// ".gz", ".xz", ".zst", "" for none.
std::string_view compression_suffix(Compression format);
// What the format's own tool uses: gzip 6, xz 6, zstd 3.
int default_level(Compression format);
// The levels the format takes: gz 1-12 (libdeflate's), xz 0-9, zstd 1-22, none 0-0.
std::pair<int, int> level_range(Compression format);

struct CompressOptions {
  Compression format = Compression::gz;
  std::optional<int> level;  // the format's default when unset
  unsigned threads = 0;      // 0: one per CPU
  // SHA256, SHA1, MD5 and BLAKE2b-512 of the output, and FILE.sha256 ... next to it.
  bool checksums = true;
  // Where to write the block map of the raw image (bmaptool); none when empty.
  std::filesystem::path bmap;
};

struct CompressedImage {
  std::filesystem::path file;
  Compression format = Compression::gz;
  int level = 0;
  uint64_t raw_bytes = 0;   // the image's size
  uint64_t data_bytes = 0;  // what is not a hole (what was read)
  uint64_t bytes = 0;       // the compressed file's size
  Checksums checksums;  // empty without CompressOptions::checksums
};

// Compresses `raw` into `output` (and writes FILE.sha256 ... next to it, unless disabled). Throws Error naming the
// file; a failure or Ctrl-C leaves no partial output.
CompressedImage compress_image(const std::filesystem::path& raw,
                               const std::filesystem::path& output, const CompressOptions& options);

nlohmann::ordered_json to_json(const CompressedImage& image);

}  // namespace apt_ostree::image
