// An exclusive advisory lock (flock) on a file, held for the life of the object: serialises
// processes that update one cache (two refreshes of a view, two fetches into the package cache).
// The kernel drops it when the process dies, so a killed run never leaves a stale lock.
#pragma once

#include <filesystem>
#include <optional>

#include "lib/util/fs.h"

namespace apt_ostree::util {

class FileLock {
 public:
  // Creates `path` if needed and waits for the lock. Throws Error naming the path on failure.
  explicit FileLock(const std::filesystem::path& path);
  // The lock if no other process holds it, else nullopt (no waiting).
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path);

 private:
  explicit FileLock(UniqueFd fd) : m_fd(std::move(fd)) {}
  UniqueFd m_fd;
};

}  // namespace apt_ostree::util
