#include "lib/compose/copy_up_view.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>

#include "lib/util/fs.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

bool is_root() { return ::geteuid() == 0; }

std::string attribute(const fs::path& path, const char* name) {
  char value[64];
  ssize_t size = ::lgetxattr(path.c_str(), name, value, sizeof value);
  return size < 0 ? std::string("<none>") : std::string(value, size);
}

void set_attribute(const fs::path& path, const char* name, const std::string& value) {
  ASSERT_EQ(::lsetxattr(path.c_str(), name, value.data(), value.size(), 0), 0) << path;
}

ino_t inode(const fs::path& path) { return util::lstat_or_fail(path).st_ino; }

}  // namespace

// What overlayfs leaves in an upper layer, written by hand: the fold gives the lower directory
// exactly what the merged view showed.
TEST(FoldUpperLayer, AppliesChangesWhiteoutsAndOpaqueDirectories) {
  if (!is_root()) GTEST_SKIP() << "whiteouts and trusted.* attributes need root";
  test_support::TempTree lower;
  test_support::TempTree upper;
  lower.file("etc/changed", "old");
  lower.file("etc/kept", "kept");
  lower.file("etc/removed", "gone");
  lower.file("opaque/old-child", "gone");
  lower.file("file-then-dir", "was a file");
  fs::create_directories(lower.root / "dir-then-file/child");

  upper.file("etc/changed", "new");
  set_attribute(upper.root / "etc/changed", "trusted.overlay.origin", "handle");
  set_attribute(upper.root / "etc/changed", "user.kept", "yes");
  ASSERT_EQ(::mknod((upper.root / "etc/removed").c_str(), S_IFCHR | 0000, makedev(0, 0)), 0);
  ::chmod((upper.root / "etc").c_str(), 0700);
  set_attribute(upper.root / "etc", "trusted.overlay.impure", "y");
  upper.file("opaque/new-child", "new");
  set_attribute(upper.root / "opaque", "trusted.overlay.opaque", "y");
  upper.file("file-then-dir/child", "now a directory");
  upper.file("dir-then-file", "now a file");
  upper.file("new/deep/file", "new");

  compose::fold_upper_layer(upper.root, lower.root);

  EXPECT_EQ(util::read_file(lower.root / "etc/changed"), "new");
  EXPECT_EQ(attribute(lower.root / "etc/changed", "trusted.overlay.origin"), "<none>");
  EXPECT_EQ(attribute(lower.root / "etc/changed", "user.kept"), "yes");
  EXPECT_EQ(util::read_file(lower.root / "etc/kept"), "kept");
  EXPECT_FALSE(fs::exists(fs::symlink_status(lower.root / "etc/removed")));
  EXPECT_EQ(util::lstat_or_fail(lower.root / "etc").st_mode & 07777, 0700u);
  EXPECT_EQ(attribute(lower.root / "etc", "trusted.overlay.impure"), "<none>");
  EXPECT_FALSE(fs::exists(lower.root / "opaque/old-child"));
  EXPECT_EQ(util::read_file(lower.root / "opaque/new-child"), "new");
  EXPECT_EQ(attribute(lower.root / "opaque", "trusted.overlay.opaque"), "<none>");
  EXPECT_EQ(util::read_file(lower.root / "file-then-dir/child"), "now a directory");
  EXPECT_EQ(util::read_file(lower.root / "dir-then-file"), "now a file");
  EXPECT_EQ(util::read_file(lower.root / "new/deep/file"), "new");
  EXPECT_FALSE(fs::exists(upper.root));
}

// The real overlay: whatever is done through the view, the files the tree shares with the
// "store" (hardlinks) never change, and after the fold the tree is what the view showed.
TEST(CopyUpView, ChangesThroughTheViewNeverReachSharedFiles) {
  if (!is_root()) GTEST_SKIP() << "mounting needs root";
  test_support::TempTree store;
  test_support::TempTree work;
  if (!compose::copy_up_views_work(work.root)) GTEST_SKIP() << "overlayfs cannot be mounted here";
  store.file("object-a", "shared a");
  store.file("object-b", "shared b");
  store.file("object-c", "shared c");
  fs::path tree = work.root / "tree";
  fs::create_directories(tree / "usr/bin");
  fs::create_directories(tree / "etc/app");
  fs::create_hard_link(store.root / "object-a", tree / "etc/app/config");
  fs::create_hard_link(store.root / "object-a", tree / "etc/app/same-content");
  fs::create_hard_link(store.root / "object-b", tree / "usr/bin/tool");
  fs::create_hard_link(store.root / "object-c", tree / "usr/bin/untouched");
  ::chmod((store.root / "object-b").c_str(), 0755);
  ino_t untouched = inode(tree / "usr/bin/untouched");
  {
    compose::CopyUpView view(tree, work.root / "scratch");
    {
      util::UniqueFd fd(::open((tree / "etc/app/config").c_str(), O_WRONLY | O_TRUNC));
      ASSERT_GE(fd.get(), 0);
      util::write_all(fd.get(), "edited in place", "config");
    }
    ASSERT_EQ(::chmod((tree / "usr/bin/tool").c_str(), 04755), 0);
    fs::remove(tree / "etc/app/same-content");
    util::write_file_atomic(tree / "etc/new", "new");
    view.fold();
  }
  EXPECT_EQ(util::read_file(store.root / "object-a"), "shared a");
  EXPECT_EQ(util::lstat_or_fail(store.root / "object-b").st_mode & 07777, 0755u);
  EXPECT_EQ(util::read_file(tree / "etc/app/config"), "edited in place");
  EXPECT_FALSE(fs::exists(tree / "etc/app/same-content"));
  EXPECT_TRUE(fs::exists(store.root / "object-a"));
  EXPECT_EQ(util::lstat_or_fail(tree / "usr/bin/tool").st_mode & 07777, 04755u);
  EXPECT_EQ(util::read_file(tree / "etc/new"), "new");
  EXPECT_EQ(inode(tree / "usr/bin/untouched"), untouched);  // still the store's file
  EXPECT_FALSE(fs::exists(work.root / "scratch/upper"));
}

TEST(SeparateSharedInodes, EveryPathItsOwnInodeTheSharedObjectUntouched) {
  test_support::TempTree store;
  test_support::TempTree tree;
  store.file("object", "the same bytes");
  fs::create_directories(tree.root / "usr/lib");
  fs::create_directories(tree.root / "boot/firmware");
  fs::create_hard_link(store.root / "object", tree.root / "usr/lib/board.dtb");
  fs::create_hard_link(store.root / "object", tree.root / "boot/firmware/board.dtb");
  ::chmod((store.root / "object").c_str(), 0640);
  tree.file("alone", "x");

  EXPECT_EQ(compose::separate_shared_inodes(tree.root), 1u);
  EXPECT_NE(inode(tree.root / "usr/lib/board.dtb"), inode(tree.root / "boot/firmware/board.dtb"));
  EXPECT_EQ(util::read_file(tree.root / "usr/lib/board.dtb"), "the same bytes");
  EXPECT_EQ(util::read_file(tree.root / "boot/firmware/board.dtb"), "the same bytes");
  EXPECT_EQ(util::lstat_or_fail(tree.root / "boot/firmware/board.dtb").st_mode & 07777, 0640u);
  EXPECT_EQ(util::lstat_or_fail(store.root / "object").st_nlink, 2u);  // the object and one path
  EXPECT_EQ(compose::separate_shared_inodes(tree.root), 0u);
}
