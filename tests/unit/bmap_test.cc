#include "lib/image/bmap.h"

#include <gtest/gtest.h>

#include <regex>

#include "lib/util/hash.h"

using namespace apt_ostree;
using image::BmapBuilder;

namespace {

constexpr uint64_t k_block = BmapBuilder::k_block_size;

std::string field(const std::string& xml, const std::string& name) {
  std::smatch match;
  std::regex pattern("<" + name + "> ([^ ]*) </" + name + ">");
  return std::regex_search(xml, match, pattern) ? match[1].str() : "";
}

// Feeds `image` to the builder in chunks of `chunk_size`, as SparseFile would (zeros as null).
std::string build(const std::string& image, const std::vector<image::Extent>& extents,
                  uint64_t chunk_size) {
  BmapBuilder builder(image.size(), extents);
  for (uint64_t offset = 0; offset < image.size(); offset += chunk_size) {
    image::Chunk chunk;
    chunk.offset = offset;
    chunk.length = std::min<uint64_t>(chunk_size, image.size() - offset);
    std::string bytes = image.substr(offset, chunk.length);
    if (bytes.find_first_not_of('\0') != std::string::npos)
      chunk.data = std::make_shared<std::string>(bytes);
    builder.add(chunk);
  }
  return builder.xml();
}

}  // namespace

TEST(Bmap, RangesCoverTheDataExtentsInBlocks) {
  // 10 blocks and a partial one; data in block 1 (partly), blocks 2-3 and block 7.
  std::string image(10 * k_block + 100, '\0');
  image.replace(k_block + 10, 3 * k_block - 20, 3 * k_block - 20, 'a');
  image.replace(7 * k_block, 5, "hello");
  std::vector<image::Extent> extents = {{k_block + 10, 3 * k_block - 20}, {7 * k_block, 5}};
  std::string xml = build(image, extents, 3000);  // chunks that straddle blocks
  EXPECT_EQ(field(xml, "ImageSize"), std::to_string(image.size()));
  EXPECT_EQ(field(xml, "BlocksCount"), "11");
  EXPECT_EQ(field(xml, "MappedBlocksCount"), "4");
  const std::string range_1_3 = util::sha256_hex(image.substr(k_block, 3 * k_block));
  const std::string range_7 = util::sha256_hex(image.substr(7 * k_block, k_block));
  EXPECT_NE(xml.find("<Range chksum=\"" + range_1_3 + "\"> 1-3 </Range>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Range chksum=\"" + range_7 + "\"> 7 </Range>"), std::string::npos) << xml;
}

TEST(Bmap, ChunkSizeDoesNotChangeTheMap) {
  std::string image(64 * k_block, '\0');
  image.replace(5 * k_block, 20 * k_block, 20 * k_block, 'z');
  std::vector<image::Extent> extents = {{5 * k_block, 20 * k_block}};
  EXPECT_EQ(build(image, extents, 1000), build(image, extents, 1 << 20));
}

TEST(Bmap, FileChecksumIsOfTheFileWithZerosInItsPlace) {
  std::string image(4 * k_block, 'x');
  std::string xml = build(image, {{0, image.size()}}, k_block);
  std::string checksum = field(xml, "BmapFileChecksum");
  ASSERT_EQ(checksum.size(), 64u);
  std::string zeroed = xml;
  zeroed.replace(zeroed.find(checksum), 64, std::string(64, '0'));
  EXPECT_EQ(util::sha256_hex(zeroed), checksum);
}

TEST(Bmap, ImageWithoutDataHasNoRanges) {
  std::string xml = build(std::string(8 * k_block, '\0'), {}, k_block);
  EXPECT_EQ(field(xml, "MappedBlocksCount"), "0");
  EXPECT_EQ(xml.find("<Range"), std::string::npos);
}
