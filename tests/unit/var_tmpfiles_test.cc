#include "lib/compose/var_tmpfiles.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/util/fs.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

using Tree = test_support::TempTree;

TEST(VarTmpfiles, VarBecomesLinesAndFactoryFiles) {
  Tree tree;
  tree.file("var/lib/pam/seen", "seen");
  tree.file("var/cache/debconf/passwords.dat", "secret");
  ::chmod((tree.root / "var/cache/debconf/passwords.dat").c_str(), 0600);
  ::chmod((tree.root / "var/cache/debconf").c_str(), 0700);
  fs::create_directories(tree.root / "var/my dir");
  fs::create_symlink("/run/lock", tree.root / "var/lock");
  tree.file("usr/lib/tmpfiles.d/var.conf", "L /var/lock - - - - ../run/lock\n");

  compose::VarConversion conversion = compose::convert_var(tree.root);
  EXPECT_EQ(conversion.tmpfiles,
            "d /var/cache 0755 0 0 - -\n"
            "d /var/cache/debconf 0700 0 0 - -\n"
            "C /var/cache/debconf/passwords.dat - - - -\n"
            "d /var/lib 0755 0 0 - -\n"
            "d /var/lib/pam 0755 0 0 - -\n"
            "C /var/lib/pam/seen - - - -\n"
            "d \"/var/my dir\" 0755 0 0 - -\n");
  EXPECT_EQ(conversion.files, 2u);
  EXPECT_EQ(conversion.directories, 5u);
  EXPECT_EQ(conversion.symlinks, 0u);  // /var/lock is declared by the tree already
  EXPECT_TRUE(fs::is_empty(tree.root / "var"));
  fs::path factory = tree.root / "usr/share/factory/var";
  EXPECT_EQ(util::read_file(factory / "lib/pam/seen"), "seen");
  EXPECT_EQ(util::read_file(factory / "cache/debconf/passwords.dat"), "secret");
  EXPECT_EQ(fs::status(factory / "cache/debconf").permissions(), fs::perms(0700));
  EXPECT_EQ(fs::status(factory / "cache/debconf/passwords.dat").permissions(), fs::perms(0600));
}

TEST(VarTmpfiles, UndeclaredSymlinksBecomeLLines) {
  Tree tree;
  fs::create_directories(tree.root / "var/lib");
  fs::create_symlink("../../usr/lib/sysimage/dpkg", tree.root / "var/lib/dpkg");
  compose::VarConversion conversion = compose::convert_var(tree.root);
  EXPECT_EQ(conversion.tmpfiles,
            "d /var/lib 0755 0 0 - -\nL /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg\n");
  EXPECT_EQ(conversion.symlinks, 1u);
}
