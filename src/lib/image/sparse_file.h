// A raw image read as fixed-size chunks, without reading its holes: chunks that lie wholly in a
// hole (SEEK_HOLE/SEEK_DATA) are reported as zeros and never read, so a 4 GiB image with 300 MB of
// data costs 300 MB of reads. Chunk boundaries are multiples of the chunk size whatever the holes,
// so what a consumer computes from the chunks does not depend on how the file happens to be stored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/util/fs.h"

namespace apt_ostree::image {

// [offset, offset + length) of a file.
struct Extent {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// The parts of `fd` (of `size` bytes) that hold data, in order; a filesystem that does not report
// holes gives one extent for the whole file.
std::vector<Extent> data_extents(int fd, uint64_t size);

struct Chunk {
  uint64_t index = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  // The bytes, or null when every one of them is zero (a hole, or data that reads as zeros).
  std::shared_ptr<const std::string> data;
  bool last = false;
};

class SparseFile {
 public:
  // Opens `path` for reading; throws Error naming it.
  explicit SparseFile(const std::filesystem::path& path);

  uint64_t size() const { return m_size; }
  const std::vector<Extent>& data() const { return m_data; }
  // Bytes in data extents (what is read).
  uint64_t data_bytes() const;

  // The next chunk of at most `chunk_size` bytes; false after the last one. Checks for Ctrl-C.
  bool next(uint64_t chunk_size, Chunk& chunk);
  // Called with every chunk next() returns: what else is computed from the image in the same read.
  void observe(std::function<void(const Chunk&)> observer) { m_observer = std::move(observer); }

 private:
  bool overlaps_data(uint64_t offset, uint64_t length);
  void read(Chunk& chunk);  // sets chunk.data (null if all zero)

  std::filesystem::path m_path;
  util::UniqueFd m_fd;
  uint64_t m_size = 0;
  std::vector<Extent> m_data;
  size_t m_extent = 0;  // first data extent that may overlap the next chunk
  uint64_t m_offset = 0;
  uint64_t m_index = 0;
  bool m_finished = false;
  std::function<void(const Chunk&)> m_observer;
};

// True when all of `bytes` are zero.
bool all_zero(std::string_view bytes);

}  // namespace apt_ostree::image
