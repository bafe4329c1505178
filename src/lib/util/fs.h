// Filesystem helpers. Every write that replaces a file goes through write_file_atomic so a reader
// (or a crash) never sees half a file.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace apt_ostree::util {

std::string read_file(const std::filesystem::path& path);

// A file written under a temporary name in its final directory and renamed over `path` by
// commit() after an fsync; destroyed uncommitted (an error, Ctrl-C), it leaves nothing behind.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return m_fd; }
  void write(std::string_view bytes);
  void commit();  // mode 0644, fsync, rename

 private:
  std::filesystem::path m_path;
  std::string m_temp;
  int m_fd = -1;
};

// Writes `content` through an AtomicFile.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Creates a fresh, empty, uniquely named directory `parent/prefix.XXXXXX`.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent, std::string_view prefix);

// Atomically points symlink `link` at `target` (create new link, rename over the old one).
void replace_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

// Makes `target` a hardlink to `source` (a copy when they are on different filesystems), replacing
// what is there atomically; a target that already is a link to `source` is left alone.
void link_or_copy(const std::filesystem::path& source, const std::filesystem::path& target);

// Clears the immutable attribute (chattr -i) of `path` if it has it, so it can be removed:
// ostree sets it on every deployment's root directory. Filesystems without attributes are fine.
void clear_immutable(const std::filesystem::path& path);

// lstat(2) of `path` (a symlink is not followed); throws Error naming the path if it fails.
struct stat lstat_or_fail(const std::filesystem::path& path);

// Owns a file descriptor and closes it.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return m_fd; }
  void reset();

 private:
  int m_fd = -1;
};

// An unnamed read-write file in `dir` (O_TMPFILE): scratch space on disk that vanishes when closed,
// whatever happens to the process.
UniqueFd open_anonymous_file(const std::filesystem::path& dir);

// Writes all of `bytes` to `fd`; `what` names the file in the error (disk full, ...).
void write_all(int fd, std::string_view bytes, std::string_view what);

// Removes a directory tree on scope exit unless release() is called.
class TempDirGuard {
 public:
  explicit TempDirGuard(std::filesystem::path path) : m_path(std::move(path)) {}
  ~TempDirGuard();
  TempDirGuard(const TempDirGuard&) = delete;
  TempDirGuard& operator=(const TempDirGuard&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  void release() { m_path.clear(); }

 private:
  std::filesystem::path m_path;
};

}  // namespace apt_ostree::util
