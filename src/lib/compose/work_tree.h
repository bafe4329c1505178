// The directory a build works in: REPO/tmp/apt-ostree-NAME.XXXXXX, on the store's filesystem (so
// the tree can hold hardlinks into the store), with the tree in tree/, scratch space in scratch/
// and the log next to it (the same name + ".log").
//
// A build killed outright (SIGKILL, a crash, a power cut) cannot unmount its tree's API
// filesystems or remove it, so each work tree carries a lock file held for the life of the build
// (the kernel drops it when the process dies), and every new work tree first clears the ones
// whose lock nobody holds: mounts detached, directory removed. Logs are kept, the newest
// k_kept_logs of them, so a failed build can still be read after the next one.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "lib/util/file_lock.h"

namespace apt_ostree::compose {

inline constexpr size_t k_kept_logs = 20;

class WorkTree {
 public:
  // Clears stale work trees in `work_dir` (created if missing), then makes a fresh, empty one
  // named after `name` ("rootfs-main").
  WorkTree(const std::filesystem::path& work_dir, std::string_view name);
  ~WorkTree();  // removes the tree (refusing if something is still mounted in it) and its lock
  WorkTree(const WorkTree&) = delete;
  WorkTree& operator=(const WorkTree&) = delete;

  // The tree, an empty directory at first.
  const std::filesystem::path& path() const { return m_tree; }
  // For the build's own use (copy-up layers): an empty directory at first, removed with the tree.
  const std::filesystem::path& scratch() const { return m_scratch; }
  // A path for the build's own files beside the tree (an index it writes), removed with it.
  std::filesystem::path file(std::string_view name) const { return m_directory / name; }
  std::filesystem::path log() const;

 private:
  std::filesystem::path m_directory;
  std::filesystem::path m_tree;
  std::filesystem::path m_scratch;
  std::optional<util::FileLock> m_lock;
};

// Removes the work trees in `work_dir` that no live build holds, unmounting what a killed build
// left mounted in them, and all but the newest k_kept_logs logs. Returns how many trees it removed.
size_t clear_stale_work_trees(const std::filesystem::path& work_dir);

}  // namespace apt_ostree::compose
