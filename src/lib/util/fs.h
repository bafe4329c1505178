// Filesystem helpers. Every write that replaces a file goes through write_file_atomic so a reader
// (or a crash) never sees half a file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace apt_ostree::util {

std::string read_file(const std::filesystem::path& path);

// Writes to a temporary file in the same directory, fsyncs it and renames it over `path`.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Creates a fresh, empty, uniquely named directory `parent/prefix.XXXXXX`.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent, std::string_view prefix);

// Atomically points symlink `link` at `target` (create new link, rename over the old one).
void replace_symlink(const std::filesystem::path& link, const std::filesystem::path& target);

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
