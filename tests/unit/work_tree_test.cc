#include "lib/compose/work_tree.h"

#include <gtest/gtest.h>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

TEST(WorkTree, FreshTreeAndScratchWithLogBesideThemRemovedAtTheEnd) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "work-tree-test"));
  fs::path directory;
  {
    compose::WorkTree work(dir.path() / "tmp", "rootfs-main");
    directory = work.path().parent_path();
    EXPECT_EQ(work.scratch().parent_path(), directory);
    EXPECT_NE(work.scratch(), work.path());
    for (const fs::path& path : {work.path(), work.scratch()}) {
      EXPECT_TRUE(fs::is_directory(path));
      EXPECT_TRUE(fs::is_empty(path));
    }
    EXPECT_TRUE(directory.filename().string().starts_with("apt-ostree-rootfs-main."));
    EXPECT_EQ(work.log().string(), directory.string() + ".log");
    util::write_file_atomic(work.path() / "file", "x");
    util::write_file_atomic(work.scratch() / "file", "x");
  }
  EXPECT_FALSE(fs::exists(directory));
  EXPECT_FALSE(fs::exists(directory.string() + ".lock"));
}

TEST(WorkTree, StaleTreesAreClearedLiveOnesAndOtherFilesKept) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "work-tree-test"));
  fs::path work_dir = dir.path();
  // A build killed outright: its tree and an unheld lock.
  fs::create_directories(work_dir / "apt-ostree-tree-main.AAAAAA/usr/bin");
  util::write_file_atomic(work_dir / "apt-ostree-tree-main.AAAAAA.lock", "");
  util::write_file_atomic(work_dir / "apt-ostree-tree-main.AAAAAA.log", "the failed build's log");
  // OSTree's own staging directory in the same tmp/.
  fs::create_directories(work_dir / "staging-1234");
  {
    compose::WorkTree live(work_dir, "rootfs-main");
    EXPECT_EQ(compose::clear_stale_work_trees(work_dir), 0u);  // the live one is held
    EXPECT_TRUE(fs::exists(live.path()));
    EXPECT_FALSE(fs::exists(work_dir / "apt-ostree-tree-main.AAAAAA"));
    EXPECT_FALSE(fs::exists(work_dir / "apt-ostree-tree-main.AAAAAA.lock"));
    EXPECT_TRUE(fs::exists(work_dir / "apt-ostree-tree-main.AAAAAA.log"));
    EXPECT_TRUE(fs::exists(work_dir / "staging-1234"));
  }
}

TEST(WorkTree, OnlyTheNewestLogsAreKept) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "work-tree-test"));
  auto now = fs::file_time_type::clock::now();
  for (size_t i = 0; i < compose::k_kept_logs + 3; ++i) {
    fs::path log = dir.path() / ("apt-ostree-rootfs-main." + std::to_string(i) + ".log");
    util::write_file_atomic(log, "log");
    fs::last_write_time(log, now - std::chrono::hours(100 - i));  // higher i: newer
  }
  compose::clear_stale_work_trees(dir.path());
  for (size_t i = 0; i < 3; ++i)
    EXPECT_FALSE(fs::exists(dir.path() / ("apt-ostree-rootfs-main." + std::to_string(i) + ".log")));
  EXPECT_TRUE(fs::exists(dir.path() / "apt-ostree-rootfs-main.3.log"));
}
