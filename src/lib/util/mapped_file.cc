#include "lib/util/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/util/error.h"

namespace apt_ostree::util {

MappedFile::MappedFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open {}: {}", path.string(), std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int saved = errno;
    ::close(fd);
    fail("cannot stat {}: {}", path.string(), std::strerror(saved));
  }
  m_size = static_cast<size_t>(st.st_size);
  if (m_size > 0) {
    m_data = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m_data == MAP_FAILED) {
      int saved = errno;
      ::close(fd);
      m_data = nullptr;
      fail("cannot map {}: {}", path.string(), std::strerror(saved));
    }
  }
  ::close(fd);
}

void MappedFile::drop_resident_pages() const {
  if (m_data) ::madvise(m_data, m_size, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (m_data) ::munmap(m_data, m_size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept : m_data(other.m_data), m_size(other.m_size) {
  other.m_data = nullptr;
  other.m_size = 0;
}

}  // namespace apt_ostree::util
