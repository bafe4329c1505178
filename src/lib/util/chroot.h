// Running programs inside a directory tree as if it were the root (maintainer scripts, hooks):
// the API filesystems a Debian system expects (/proc, /sys, /dev, /dev/pts, /run) are mounted for
// the time a ChrootMounts lives and always unmounted after, also when an error or Ctrl-C unwinds
// the stack, so a failed build never leaves mounts behind on the build machine.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::util {

class ChrootMounts {
 public:
  // Mounts proc, sysfs (read-only), a bind of the host's /dev, devpts and a tmpfs on /run below
  // `root`; throws Error naming the mount point if one fails (undoing those already made).
  explicit ChrootMounts(std::filesystem::path root);
  ~ChrootMounts();  // unmounts in reverse order; lazily if something still holds one open
  ChrootMounts(const ChrootMounts&) = delete;
  ChrootMounts& operator=(const ChrootMounts&) = delete;

  const std::filesystem::path& root() const { return m_root; }

 private:
  void mount_one(const char* source, const char* target, const char* type, unsigned long flags,
                 const char* data = nullptr);
  void unmount_all() noexcept;

  std::filesystem::path m_root;
  std::vector<std::filesystem::path> m_mounted;  // in mount order
};

// A bind mount of `source` on `target` (created if missing) for the life of the object, read-only
// if asked: a host directory made visible inside a tree. Unmounted (lazily if busy) and the
// target directory removed again on destruction.
class BindMount {
 public:
  BindMount(const std::filesystem::path& source, std::filesystem::path target, bool read_only);
  ~BindMount();
  BindMount(const BindMount&) = delete;
  BindMount& operator=(const BindMount&) = delete;

 private:
  std::filesystem::path m_target;
};

// Mount points at or below `path` (from /proc/self/mountinfo): a tree is only removed when this
// is empty, so a removal can never reach into the host's /dev or /proc.
std::vector<std::filesystem::path> mounts_below(const std::filesystem::path& path);

// Removes a composed tree: refuses (Error naming the mount) if anything is still mounted in it.
void remove_tree(const std::filesystem::path& path);

// Detaches every mount at or below `path`, deepest first: what a killed build left mounted in its
// tree (a live build's ChrootMounts unmounts its own).
void unmount_below(const std::filesystem::path& path);

struct ChrootCommand {
  std::vector<std::string> argv;         // argv[0] is a path inside the root
  std::vector<std::string> environment;  // "NAME=value", the whole environment
  int output_fd = -1;                    // stdout and stderr go here (a log); -1 = /dev/null
  bool in_root = true;                   // false: run on the host (a "run" hook), cwd = root
};

// Runs the command chrooted into `root` (or on the host, see ChrootCommand::in_root), stdin from
// /dev/null; returns its exit status (128 + signal when killed). Throws Error if it cannot start.
int run_in_chroot(const std::filesystem::path& root, const ChrootCommand& command);

}  // namespace apt_ostree::util
