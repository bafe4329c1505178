// The block map bmaptool reads (format 2.0): which blocks of a raw image hold data, as ranges with
// the SHA256 of each, so `bmaptool copy` writes only those blocks to a card and checks them. Built
// from the image's data extents while the image is read for compression (no second read).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lib/image/sparse_file.h"
#include "lib/util/hash.h"

namespace apt_ostree::image {

class BmapBuilder {
 public:
  static constexpr uint64_t k_block_size = 4096;

  BmapBuilder(uint64_t image_size, const std::vector<Extent>& data);
  // Every chunk of the image, in order.
  void add(const Chunk& chunk);
  // The finished file, after the last chunk.
  std::string xml();

 private:
  struct Range {
    uint64_t first = 0, last = 0;  // block numbers, inclusive
    std::unique_ptr<util::Digest> digest;
  };
  uint64_t range_begin(const Range& range) const { return range.first * k_block_size; }
  uint64_t range_end(const Range& range) const;

  uint64_t m_image_size;
  std::vector<Range> m_ranges;
  size_t m_next = 0;  // first range not wholly digested yet
};

}  // namespace apt_ostree::image
