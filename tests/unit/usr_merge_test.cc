#include "lib/compose/usr_merge.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

using Tree = test_support::TempTree;

TEST(UsrMerge, WantedWhenThePackageSetSaysSo) {
  EXPECT_TRUE(compose::wants_merged_usr({"bash", "usr-is-merged"}));
  EXPECT_TRUE(compose::wants_merged_usr({"usrmerge"}));
  EXPECT_FALSE(compose::wants_merged_usr({"bash", "coreutils"}));
}

TEST(UsrMerge, MovesTopLevelDirectoriesUnderUsrAndLinksThem) {
  Tree tree;
  tree.file("bin/bash", "bash");
  tree.file("usr/bin/env", "env");
  tree.file("lib64/ld-linux-x86-64.so.2", "loader");
  tree.file("sbin/init", "init");
  compose::merge_usr(tree.root);
  for (const char* directory : {"bin", "sbin", "lib64"})
    EXPECT_EQ(fs::read_symlink(tree.root / directory), fs::path("usr") / directory);
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree.root / "lib")));  // none to merge, none made
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/bash"), "bash");
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/env"), "env");
  EXPECT_EQ(util::read_file(tree.root / "usr/lib64/ld-linux-x86-64.so.2"), "loader");
  EXPECT_EQ(util::read_file(tree.root / "bin/bash"), "bash");  // through the link
}

TEST(UsrMerge, SubdirectoriesMergeAndDuplicatesResolveAsConvertUsrmerge) {
  Tree tree;
  tree.file("lib/udev/rules.d/a.rules", "a");
  tree.file("usr/lib/udev/rules.d/b.rules", "b");
  tree.file("bin/same", "identical");
  tree.file("usr/bin/same", "identical");
  tree.file("usr/bin/real", "real");
  fs::create_directories(tree.root / "bin");
  fs::create_symlink("/usr/bin/real", tree.root / "bin/real");  // a link to its counterpart
  tree.file("bin/moved", "moved");
  fs::create_symlink("/bin/moved", tree.root / "usr/bin/moved");  // the other way round
  compose::merge_usr(tree.root);
  EXPECT_EQ(util::read_file(tree.root / "usr/lib/udev/rules.d/a.rules"), "a");
  EXPECT_EQ(util::read_file(tree.root / "usr/lib/udev/rules.d/b.rules"), "b");
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/same"), "identical");
  EXPECT_FALSE(fs::is_symlink(tree.root / "usr/bin/real"));
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/real"), "real");
  EXPECT_FALSE(fs::is_symlink(tree.root / "usr/bin/moved"));
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/moved"), "moved");
}

TEST(UsrMerge, ConflictingFilesAreAnErrorNamingBoth) {
  Tree tree;
  tree.file("bin/tool", "one");
  tree.file("usr/bin/tool", "two");
  try {
    compose::merge_usr(tree.root);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("/bin/tool and /usr/bin/tool"), std::string::npos)
        << error.what();
  }
}

TEST(UsrMerge, AnAlreadyMergedTreeIsLeftAlone) {
  Tree tree;
  tree.file("usr/bin/bash", "bash");
  fs::create_symlink("usr/bin", tree.root / "bin");
  compose::merge_usr(tree.root);
  EXPECT_EQ(fs::read_symlink(tree.root / "bin"), "usr/bin");
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/bash"), "bash");
}
