#include "lib/image/sparse_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lib/util/error.h"
#include "lib/util/interrupt.h"

namespace apt_ostree::image {

std::vector<Extent> data_extents(int fd, uint64_t size) {
  std::vector<Extent> extents;
  uint64_t offset = 0;
  while (offset < size) {
    off_t data = lseek(fd, static_cast<off_t>(offset), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole is left
      return {{0, size}};         // no hole reporting here: all of it is data
    }
    off_t hole = lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return {{0, size}};
    uint64_t end = std::min<uint64_t>(static_cast<uint64_t>(hole), size);
    if (end > static_cast<uint64_t>(data))
      extents.push_back({static_cast<uint64_t>(data), end - static_cast<uint64_t>(data)});
    offset = end;
  }
  return extents;
}

bool all_zero(std::string_view bytes) {
  // Compare the buffer with itself shifted by one word: zero iff the first word is zero and every
  // word equals its neighbour; memcmp runs at memory speed.
  if (bytes.size() < 64) return std::all_of(bytes.begin(), bytes.end(), [](char c) { return !c; });
  static constexpr char k_zeros[16] = {};
  return std::memcmp(bytes.data(), k_zeros, 16) == 0 &&
         std::memcmp(bytes.data(), bytes.data() + 16, bytes.size() - 16) == 0;
}

SparseFile::SparseFile(const std::filesystem::path& path)
    : m_path(path), m_fd(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
  if (m_fd.get() < 0) fail("cannot open {}: {}", path.string(), std::strerror(errno));
  struct stat st {};
  if (fstat(m_fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    fail("{} is not a regular file", path.string());
  m_size = static_cast<uint64_t>(st.st_size);
  m_data = data_extents(m_fd.get(), m_size);
  posix_fadvise(m_fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
}

uint64_t SparseFile::data_bytes() const {
  uint64_t total = 0;
  for (const Extent& extent : m_data) total += extent.length;
  return total;
}

bool SparseFile::overlaps_data(uint64_t offset, uint64_t length) {
  while (m_extent < m_data.size() &&
         m_data[m_extent].offset + m_data[m_extent].length <= offset)
    ++m_extent;
  return m_extent < m_data.size() && m_data[m_extent].offset < offset + length;
}

bool SparseFile::next(uint64_t chunk_size, Chunk& chunk) {
  if (m_finished) return false;
  util::throw_if_interrupted("reading the image");
  chunk.index = m_index++;
  chunk.offset = m_offset;
  chunk.length = std::min(chunk_size, m_size - m_offset);
  chunk.last = m_offset + chunk.length >= m_size;
  chunk.data.reset();
  m_offset += chunk.length;
  m_finished = chunk.last;  // an empty file is one empty chunk
  if (chunk.length > 0 && overlaps_data(chunk.offset, chunk.length)) read(chunk);
  if (m_observer) m_observer(chunk);
  return true;
}

void SparseFile::read(Chunk& chunk) {
  auto bytes = std::make_shared<std::string>(chunk.length, '\0');
  uint64_t done = 0;
  while (done < chunk.length) {
    ssize_t got = pread(m_fd.get(), bytes->data() + done, chunk.length - done,
                        static_cast<off_t>(chunk.offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("cannot read {}: {}", m_path.string(), std::strerror(errno));
    if (got == 0) fail("{} shrank while it was read", m_path.string());
    done += static_cast<uint64_t>(got);
  }
  if (!all_zero(*bytes)) chunk.data = std::move(bytes);
}

}  // namespace apt_ostree::image
