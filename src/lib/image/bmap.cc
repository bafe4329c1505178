#include "lib/image/bmap.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/util/error.h"

namespace apt_ostree::image {

BmapBuilder::BmapBuilder(uint64_t image_size, const std::vector<Extent>& data)
    : m_image_size(image_size) {
  for (const Extent& extent : data) {
    if (extent.length == 0) continue;
    uint64_t first = extent.offset / k_block_size;
    uint64_t last = (extent.offset + extent.length - 1) / k_block_size;
    // Extents that share or touch a block after rounding make one range.
    if (!m_ranges.empty() && first <= m_ranges.back().last + 1) {
      m_ranges.back().last = std::max(m_ranges.back().last, last);
      continue;
    }
    m_ranges.push_back({first, last, nullptr});
  }
  for (Range& range : m_ranges) range.digest = std::make_unique<util::Digest>(util::DigestKind::sha256);
}

uint64_t BmapBuilder::range_end(const Range& range) const {
  return std::min((range.last + 1) * k_block_size, m_image_size);
}

void BmapBuilder::add(const Chunk& chunk) {
  static const std::string k_zeros(1 << 16, '\0');
  const uint64_t chunk_end = chunk.offset + chunk.length;
  for (size_t i = m_next; i < m_ranges.size() && range_begin(m_ranges[i]) < chunk_end; ++i) {
    uint64_t begin = std::max(range_begin(m_ranges[i]), chunk.offset);
    uint64_t end = std::min(range_end(m_ranges[i]), chunk_end);
    if (begin < end) {
      if (chunk.data) {
        m_ranges[i].digest->update(
            std::string_view(*chunk.data).substr(begin - chunk.offset, end - begin));
      } else {
        for (uint64_t left = end - begin; left > 0;) {
          uint64_t piece = std::min<uint64_t>(left, k_zeros.size());
          m_ranges[i].digest->update(std::string_view(k_zeros).substr(0, piece));
          left -= piece;
        }
      }
    }
    if (range_end(m_ranges[i]) <= chunk_end) m_next = i + 1;
  }
}

std::string BmapBuilder::xml() {
  if (m_next != m_ranges.size()) fail("internal error: the block map was asked for too early");
  const uint64_t blocks = (m_image_size + k_block_size - 1) / k_block_size;
  uint64_t mapped = 0;
  std::string ranges;
  for (Range& range : m_ranges) {
    mapped += range.last - range.first + 1;
    std::string span = range.first == range.last ? fmt::format("{}", range.first)
                                                 : fmt::format("{}-{}", range.first, range.last);
    ranges += fmt::format("        <Range chksum=\"{}\"> {} </Range>\n", range.digest->finish(),
                          span);
  }
  const std::string zeros(64, '0');
  std::string text = fmt::format(
      "<?xml version=\"1.0\" ?>\n"
      "<!-- The block map of an image (bmaptool's format): the blocks that hold data, and the\n"
      "     SHA256 of each range of them. `bmaptool copy` writes only these blocks. -->\n"
      "<bmap version=\"2.0\">\n"
      "    <ImageSize> {} </ImageSize>\n"
      "    <BlockSize> {} </BlockSize>\n"
      "    <BlocksCount> {} </BlocksCount>\n"
      "    <MappedBlocksCount> {} </MappedBlocksCount>\n"
      "    <ChecksumType> sha256 </ChecksumType>\n"
      "    <!-- The SHA256 of this file with this value set to 64 zeros. -->\n"
      "    <BmapFileChecksum> {} </BmapFileChecksum>\n"
      "    <BlockMap>\n{}    </BlockMap>\n"
      "</bmap>\n",
      m_image_size, k_block_size, blocks, mapped, zeros, ranges);
  size_t position = text.find(zeros);
  text.replace(position, zeros.size(), util::sha256_hex(text));
  return text;
}

}  // namespace apt_ostree::image
