#include "lib/util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <cstring>

#include "lib/util/error.h"

namespace apt_ostree::util {

FileLock::FileLock(const std::filesystem::path& path)
    : m_fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
  if (m_fd.get() < 0) fail("cannot open the lock file {}: {}", path.string(), std::strerror(errno));
  while (::flock(m_fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) fail("cannot lock {}: {}", path.string(), std::strerror(errno));
  }
}

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("cannot open the lock file {}: {}", path.string(), std::strerror(errno));
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::nullopt;
    if (errno != EINTR) fail("cannot lock {}: {}", path.string(), std::strerror(errno));
  }
  return FileLock(std::move(fd));
}

}  // namespace apt_ostree::util
