#include "lib/compose/work_tree.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_prefix = "apt-ostree-";

fs::path lock_of(const fs::path& tree) {
  fs::path lock = tree;
  lock += ".lock";
  return lock;
}

// Held while work trees are cleared or created, so a tree is never seen between its creation and
// its lock.
util::FileLock lock_work_dir(const fs::path& work_dir) {
  fs::create_directories(work_dir);
  return util::FileLock(work_dir / (std::string(k_prefix) + "work.lock"));
}

size_t clear_stale_locked(const fs::path& work_dir) {
  size_t removed = 0;
  std::vector<fs::path> logs;
  for (const fs::directory_entry& entry : fs::directory_iterator(work_dir)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(k_prefix)) continue;
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
    if (entry.is_symlink() || !entry.is_directory()) continue;
    std::optional<util::FileLock> held = util::FileLock::try_acquire(lock_of(entry.path()));
    if (!held) continue;  // a live build
    util::unmount_below(entry.path());
    util::remove_tree(entry.path());
    fs::remove(lock_of(entry.path()));
    ++removed;
  }
  if (logs.size() > k_kept_logs) {
    std::sort(logs.begin(), logs.end(), [](const fs::path& a, const fs::path& b) {
      return fs::last_write_time(a) > fs::last_write_time(b);
    });
    for (size_t i = k_kept_logs; i < logs.size(); ++i) fs::remove(logs[i]);
  }
  return removed;
}

}  // namespace

WorkTree::WorkTree(const fs::path& work_dir, std::string_view name) {
  util::FileLock guard = lock_work_dir(work_dir);
  clear_stale_locked(work_dir);
  m_directory = util::make_temp_dir(work_dir, std::string(k_prefix) + std::string(name));
  m_lock.emplace(lock_of(m_directory));
  m_tree = m_directory / "tree";
  m_scratch = m_directory / "scratch";
  fs::create_directory(m_tree);
  fs::create_directory(m_scratch);
}

WorkTree::~WorkTree() {
  try {
    util::remove_tree(m_directory);
    fs::remove(lock_of(m_directory));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "apt-ostree: %s\n", error.what());
  }
}

fs::path WorkTree::log() const {
  fs::path log = m_directory;
  log += ".log";
  return log;
}

size_t clear_stale_work_trees(const fs::path& work_dir) {
  util::FileLock guard = lock_work_dir(work_dir);
  return clear_stale_locked(work_dir);
}

}  // namespace apt_ostree::compose
