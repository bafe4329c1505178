#include "lib/image/compress_image.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/process.h"
#include "temp_tree.h"

using namespace apt_ostree;
using image::Compression;

namespace {

std::string random_bytes(size_t count, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(count, '\0');
  // Few distinct values: compressible, as a filesystem's data is, but not trivially.
  for (char& byte : bytes) byte = static_cast<char>("abcdefgh\n\0"[generator() % 10]);
  return bytes;
}

// A raw image as images are: data, a hole, zeros written as data, more data, a hole at the end,
// and a length that is not a multiple of any block size.
struct RawImage {
  std::filesystem::path path;
  std::string content;

  RawImage(const std::filesystem::path& dir, uint64_t hole_bytes) : path(dir / "disk.raw") {
    content = random_bytes(300'000, 1) + std::string(hole_bytes, '\0') +
              std::string(200'000, '\0') + random_bytes(1'000'003, 2) +
              std::string(hole_bytes, '\0');
    util::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
    auto put = [&](uint64_t offset, uint64_t length) {
      if (::pwrite(fd.get(), content.data() + offset, length, static_cast<off_t>(offset)) !=
          static_cast<ssize_t>(length))
        throw std::runtime_error("cannot write the test image");
    };
    put(0, 300'000);                                 // data
    put(300'000 + hole_bytes, 200'000 + 1'000'003);  // written zeros, then data
    if (::ftruncate(fd.get(), static_cast<off_t>(content.size())) != 0)  // trailing hole
      throw std::runtime_error("cannot extend the test image");
  }
};

// Decompressed by the format's own command-line tool, which checks the stream's integrity too.
std::string decompressed(const std::filesystem::path& file) {
  const std::string extension = file.extension();
  const std::string tool = extension == ".gz"    ? "gzip -dc"
                           : extension == ".xz"  ? "xz -dc"
                           : extension == ".zst" ? "zstd -qdc"
                                                 : "cat";
  auto result = util::run_process({"sh", "-c", tool + " \"$0\"", file.string()});
  EXPECT_EQ(result.exit_code, 0) << tool << ": " << result.err;
  return result.out;
}

// Where two byte strings first differ ("" when equal): a readable failure for megabytes of bytes.
std::string first_difference(const std::string& actual, const std::string& expected) {
  if (actual == expected) return "";
  auto [a, e] = std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end());
  return "sizes " + std::to_string(actual.size()) + " and " + std::to_string(expected.size()) +
         ", first difference at " + std::to_string(a - actual.begin());
}

}  // namespace

class CompressImage : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressImage, RoundTripsSparseImagesOnEveryThreadCount) {
  test_support::TempTree tree;
  RawImage raw(tree.root, 5'000'000);
  for (unsigned threads : {1u, 3u}) {
    image::CompressOptions options;
    options.format = GetParam();
    options.threads = threads;
    auto output = tree.root / ("disk.raw" + std::string(image::compression_suffix(GetParam())));
    auto result = image::compress_image(raw.path, output, options);
    ASSERT_EQ(first_difference(decompressed(output), raw.content), "") << "threads " << threads;
    EXPECT_EQ(result.raw_bytes, raw.content.size());
    EXPECT_LT(result.data_bytes, raw.content.size());  // holes were not read
    EXPECT_EQ(result.bytes, std::filesystem::file_size(output));
    EXPECT_EQ(result.checksums.sha256, util::sha256_hex(util::read_file(output)));
  }
}

TEST_P(CompressImage, OutputDoesNotDependOnThreadsOrHoles) {
  // A dense copy of the same bytes (no holes) compresses to the same file, on any thread count:
  // a release's checksum does not depend on the machine that built it.
  test_support::TempTree tree;
  RawImage sparse(tree.root, 3'000'000);
  auto dense = tree.root / "dense.raw";
  util::write_file_atomic(dense, sparse.content);
  image::CompressOptions options;
  options.format = GetParam();
  options.threads = 1;
  auto one = image::compress_image(sparse.path, tree.root / "one", options);
  options.threads = 4;
  auto four = image::compress_image(dense, tree.root / "four", options);
  EXPECT_EQ(one.checksums.sha256, four.checksums.sha256);
}

TEST_P(CompressImage, EmptyImage) {
  test_support::TempTree tree;
  util::write_file_atomic(tree.root / "empty.raw", "");
  image::CompressOptions options;
  options.format = GetParam();
  auto output = tree.root / ("empty.raw" + std::string(image::compression_suffix(GetParam())));
  image::compress_image(tree.root / "empty.raw", output, options);
  EXPECT_EQ(decompressed(output), "");
}

INSTANTIATE_TEST_SUITE_P(Formats, CompressImage,
                         ::testing::Values(Compression::gz, Compression::xz, Compression::zstd,
                                           Compression::none),
                         [](const auto& info) {
                           return std::string(image::compression_name(info.param));
                         });

TEST(CompressImageFiles, WritesChecksumFilesThatTheToolsCheck) {
  test_support::TempTree tree;
  RawImage raw(tree.root, 100'000);
  image::CompressOptions options;
  auto output = tree.root / "disk.raw.gz";
  auto result = image::compress_image(raw.path, output, options);
  EXPECT_EQ(util::read_file(tree.root / "disk.raw.gz.sha256"),
            result.checksums.sha256 + "  disk.raw.gz\n");
  for (const char* suffix : {".sha1", ".md5", ".blake2b"})
    EXPECT_TRUE(std::filesystem::exists(tree.root / ("disk.raw.gz" + std::string(suffix))));
  EXPECT_EQ(result.checksums.sha1.size(), 40u);
  EXPECT_EQ(result.checksums.md5.size(), 32u);
  EXPECT_EQ(result.checksums.blake2b512.size(), 128u);
}

TEST(CompressImageFiles, MissingInputNamesItAndLeavesNoOutput) {
  test_support::TempTree tree;
  image::CompressOptions options;
  try {
    image::compress_image(tree.root / "absent.raw", tree.root / "out.gz", options);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("absent.raw"), std::string::npos) << error.what();
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(tree.root),
                          std::filesystem::directory_iterator()),
            0);
}

TEST(CompressImageFiles, CompressionNames) {
  EXPECT_EQ(image::parse_compression("gzip"), Compression::gz);
  EXPECT_EQ(image::parse_compression("zst"), Compression::zstd);
  EXPECT_EQ(image::parse_compression("bz2"), std::nullopt);
  EXPECT_EQ(image::compression_suffix(Compression::xz), ".xz");
  EXPECT_EQ(image::default_level(Compression::zstd), 3);
}
