#include "lib/util/fs.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lib/util/error.h"

namespace apt_ostree::util {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read {}: {}", path.string(), std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

void UniqueFd::reset() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

UniqueFd open_anonymous_file(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot create a temporary file in {}: {}", dir.string(), std::strerror(errno));
  return UniqueFd(fd);
}

void write_all(int fd, std::string_view bytes, std::string_view what) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write {}: {}", what, std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

AtomicFile::AtomicFile(fs::path path) : m_path(std::move(path)) {
  m_temp = (m_path.parent_path() / ("." + m_path.filename().string() + ".XXXXXX")).string();
  m_fd = ::mkostemp(m_temp.data(), O_CLOEXEC);
  if (m_fd < 0)
    fail("cannot create a file in {}: {}", m_path.parent_path().string(), std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (m_fd < 0) return;
  ::close(m_fd);
  ::unlink(m_temp.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  write_all(m_fd, bytes, m_path.string());
}

void AtomicFile::commit() {
  int fd = m_fd;
  m_fd = -1;
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(m_temp.c_str());
    fail("cannot write {}: {}", m_path.string(), std::strerror(saved));
  }
  if (::rename(m_temp.c_str(), m_path.c_str()) != 0) {
    int saved = errno;
    ::unlink(m_temp.c_str());
    fail("cannot replace {}: {}", m_path.string(), std::strerror(saved));
  }
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

fs::path make_temp_dir(const fs::path& parent, std::string_view prefix) {
  fs::create_directories(parent);
  std::string pattern = (parent / (std::string(prefix) + ".XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    fail("cannot create a directory in {}: {}", parent.string(), std::strerror(errno));
  return pattern;
}

void replace_symlink(const fs::path& link, const fs::path& target) {
  fs::path temp = link;
  temp += ".new." + std::to_string(::getpid());
  std::error_code ignored;
  fs::remove(temp, ignored);
  fs::create_symlink(target, temp);
  if (::rename(temp.c_str(), link.c_str()) != 0) {
    int saved = errno;
    fs::remove(temp, ignored);
    fail("cannot replace {}: {}", link.string(), std::strerror(saved));
  }
}

TempDirGuard::~TempDirGuard() {
  if (m_path.empty()) return;
  std::error_code ignored;
  fs::remove_all(m_path, ignored);
}

void link_or_copy(const fs::path& source, const fs::path& target) {
  struct stat from {
  }, to{};
  // rename() over another link to the same inode does nothing, which would strand the temp link.
  if (::stat(source.c_str(), &from) == 0 && ::stat(target.c_str(), &to) == 0 &&
      from.st_dev == to.st_dev && from.st_ino == to.st_ino)
    return;
  fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp");
  std::error_code error;
  fs::remove(temp, error);
  if (::link(source.c_str(), temp.c_str()) != 0) {
    if (errno != EXDEV && errno != EPERM)
      fail("cannot link {} to {}: {}", source.string(), target.string(), std::strerror(errno));
    fs::copy_file(source, temp, error);
    if (error) fail("cannot copy {} to {}: {}", source.string(), target.string(), error.message());
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int saved = errno;
    fs::remove(temp, error);
    fail("cannot write {}: {}", target.string(), std::strerror(saved));
  }
}

struct stat lstat_or_fail(const fs::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0)
    fail("cannot stat {}: {}", path.string(), std::strerror(errno));
  return status;
}

void clear_immutable(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return;
  int flags = 0;
  if (::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0 || !(flags & FS_IMMUTABLE_FL)) return;
  flags &= ~FS_IMMUTABLE_FL;
  if (::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags) != 0)
    fail("cannot make {} mutable again: {}", path.string(), std::strerror(errno));
}

}  // namespace apt_ostree::util
