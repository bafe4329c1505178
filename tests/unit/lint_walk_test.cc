#include "lib/compose/lint_walk.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <fstream>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> walked(const fs::path& root, std::string_view start) {
  std::vector<std::string> paths;
  compose::walk_tree(root, start, [&](const compose::TreeEntry& entry) {
    paths.push_back(entry.path);
    return true;
  });
  return paths;
}

TEST(LintWalk, VisitsParentsFirstInByteOrderWithoutFollowingSymlinks) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-walk-test"));
  fs::create_directories(dir.path() / "b/inner");
  fs::create_directories(dir.path() / "a");
  std::ofstream(dir.path() / "b/inner/file") << "x";
  fs::create_symlink("..", dir.path() / "b/loop");        // would loop if followed
  fs::create_symlink("/etc", dir.path() / "a/host-etc");  // would leave the tree
  EXPECT_EQ(walked(dir.path(), ""), (std::vector<std::string>{"a", "a/host-etc", "b", "b/inner",
                                                              "b/inner/file", "b/loop"}));
  EXPECT_EQ(walked(dir.path(), "b/inner"), std::vector<std::string>{"b/inner/file"});
  EXPECT_TRUE(walked(dir.path(), "missing").empty());
  EXPECT_TRUE(walked(dir.path(), "b/loop").empty());  // a symlink is not a directory to walk
}

TEST(LintWalk, VisitorCanSkipADirectory) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-walk-test"));
  fs::create_directories(dir.path() / "skip/me");
  std::vector<std::string> paths;
  compose::walk_tree(dir.path(), "", [&](const compose::TreeEntry& entry) {
    paths.push_back(entry.path);
    return false;
  });
  EXPECT_EQ(paths, std::vector<std::string>{"skip"});
}

TEST(LintWalk, DoesNotEnterMountPoints) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-walk-test"));
  fs::create_directories(dir.path() / "run");
  fs::create_directories(dir.path() / "usr/mnt");
  if (::mount("tmpfs", (dir.path() / "run").c_str(), "tmpfs", 0, nullptr) != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here";
  if (::mount("tmpfs", (dir.path() / "usr/mnt").c_str(), "tmpfs", 0, nullptr) != 0) {
    ::umount((dir.path() / "run").c_str());
    GTEST_SKIP() << "cannot mount a tmpfs here";
  }
  std::ofstream(dir.path() / "run/host-state") << "x";
  std::ofstream(dir.path() / "usr/mnt/host-state") << "x";
  std::vector<std::string> all = walked(dir.path(), "");
  std::vector<std::string> run = walked(dir.path(), "run");
  ::umount((dir.path() / "run").c_str());
  ::umount((dir.path() / "usr/mnt").c_str());
  EXPECT_EQ(all, (std::vector<std::string>{"run", "usr", "usr/mnt"}));
  EXPECT_TRUE(run.empty());
}

TEST(LintWalk, ReadsSymlinksAsStored) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-walk-test"));
  fs::create_symlink("../run", dir.path() / "link");
  struct stat status;
  EXPECT_TRUE(compose::tree_lstat(dir.path(), "link", status));
  EXPECT_TRUE(S_ISLNK(status.st_mode));
  EXPECT_FALSE(compose::tree_lstat(dir.path(), "missing/deeper", status));
  EXPECT_EQ(compose::tree_readlink(dir.path(), "link"), "../run");
  EXPECT_THROW(compose::tree_readlink(dir.path(), "missing"), Error);
}

TEST(LintWalk, Utf8Validation) {
  EXPECT_TRUE(compose::is_valid_utf8("plain"));
  EXPECT_TRUE(compose::is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(compose::is_valid_utf8("bad\xff"));
  EXPECT_FALSE(compose::is_valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(compose::is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(compose::is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(compose::is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(LintWalk, DisplayEscapesWhatIsNotPrintableUtf8) {
  EXPECT_EQ(compose::display_path("usr/share/caf\xc3\xa9"), "/usr/share/caf\xc3\xa9");
  EXPECT_EQ(compose::display_path("bad\xffname"), "/bad\\xFFname");
  EXPECT_EQ(compose::display_path("new\nline\\"), "/new\\x0Aline\\x5C");
}

TEST(LintWalk, ListsAreCapped) {
  std::vector<std::string> items{"a", "b", "c", "d"};
  EXPECT_EQ(compose::list_capped(items), "a, b, c, d");
  EXPECT_EQ(compose::list_capped(items, 2), "a, b and 2 more");
  EXPECT_EQ(compose::list_capped(items, 3, "; "), "a; b; c and 1 more");
  EXPECT_EQ(compose::list_capped({}), "");
}

}  // namespace
