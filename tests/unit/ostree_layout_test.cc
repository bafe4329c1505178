#include "lib/compose/ostree_layout.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

using Tree = test_support::TempTree;

// A small merged-/usr Debian tree with a kernel.
void make_debian_tree(const test_support::TempTree& tree) {
  fs::create_directories(tree.root / "usr/bin");
  fs::create_symlink("usr/bin", tree.root / "bin");
  tree.file("etc/hostname", "debian\n");
  tree.file("var/lib/dpkg/status", "Package: bash\n");
  tree.file("root/.bashrc", "# bashrc\n");
  fs::create_directories(tree.root / "home");
  fs::create_directories(tree.root / "opt");
  fs::create_directories(tree.root / "var/opt");
  fs::create_directories(tree.root / "media");
  fs::create_directories(tree.root / "usr/local/bin");
  tree.file("boot/vmlinuz-6.1.0-9-amd64", "kernel");
  tree.file("boot/initrd.img-6.1.0-9-amd64", "initramfs");
  tree.file("boot/config-6.1.0-9-amd64", "config");
  fs::create_symlink("boot/vmlinuz-6.1.0-9-amd64", tree.root / "vmlinuz");
  fs::create_directories(tree.root / "usr/lib/modules/6.1.0-9-amd64/kernel");
}

}  // namespace

TEST(OstreeLayout, DebianTreeGetsTheLayoutStockOstreeDeploys) {
  Tree tree;
  make_debian_tree(tree);
  compose::OstreeLayout layout = compose::apply_ostree_layout(tree.root);
  ASSERT_EQ(layout.kernel_version, "6.1.0-9-amd64");
  fs::path modules = tree.root / "usr/lib/modules/6.1.0-9-amd64";
  EXPECT_EQ(util::read_file(modules / "vmlinuz"), "kernel");
  EXPECT_EQ(util::read_file(modules / "initramfs.img"), "initramfs");
  EXPECT_EQ(util::read_file(modules / "config"), "config");
  EXPECT_TRUE(fs::is_empty(tree.root / "boot"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree.root / "vmlinuz")));

  EXPECT_FALSE(fs::exists(tree.root / "etc"));
  EXPECT_EQ(util::read_file(tree.root / "usr/etc/hostname"), "debian\n");
  EXPECT_EQ(util::read_file(tree.root / "usr/lib/sysimage/dpkg/status"), "Package: bash\n");

  const std::pair<const char*, const char*> links[] = {
      {"home", "var/home"}, {"opt", "var/opt"},         {"srv", "var/srv"},
      {"root", "var/roothome"}, {"mnt", "var/mnt"},     {"media", "run/media"},
      {"usr/local", "../var/usrlocal"}, {"ostree", "sysroot/ostree"}};
  for (const auto& [link, target] : links)
    EXPECT_EQ(fs::read_symlink(tree.root / link), target) << link;
  EXPECT_TRUE(fs::is_directory(tree.root / "sysroot"));

  EXPECT_TRUE(fs::is_empty(tree.root / "var"));
  std::string tmpfiles = util::read_file(tree.root / compose::k_var_tmpfiles_conf);
  for (const char* line :
       {"L /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg\n", "d /var/roothome 0755 0 0 - -\n",
        "C /var/roothome/.bashrc - - - -\n", "d /var/usrlocal/bin 0755 0 0 - -\n",
        "d /var/opt 0755 0 0 - -\n", "d /var/home 0755 0 0 - -\n"})
    EXPECT_NE(tmpfiles.find(line), std::string::npos) << line << " in\n" << tmpfiles;
  EXPECT_EQ(util::read_file(tree.root / "usr/share/factory/var/roothome/.bashrc"), "# bashrc\n");
}

TEST(OstreeLayout, TreeWithoutKernelIsNotBootable) {
  Tree tree;
  tree.file("etc/hostname");
  EXPECT_FALSE(compose::apply_ostree_layout(tree.root).kernel_version);
}

TEST(OstreeLayout, SeveralKernelsAreAnError) {
  Tree tree;
  tree.file("boot/vmlinuz-6.1.0-9-amd64");
  tree.file("boot/vmlinuz-6.1.0-10-amd64");
  EXPECT_THROW(compose::apply_ostree_layout(tree.root), Error);
}

TEST(OstreeLayout, KernelOutsideMergedUsrIsAnError) {
  Tree tree;
  tree.file("boot/vmlinuz-5.10.0-20-amd64");
  tree.file("lib/modules/5.10.0-20-amd64/modules.dep");
  try {
    compose::apply_ostree_layout(tree.root);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("merged-/usr"), std::string::npos) << error.what();
  }
}

TEST(OstreeLayout, RedirectedDirectoryAndItsVarCounterpartBothFullIsAnError) {
  Tree tree;
  tree.file("opt/vendor/tool");
  tree.file("var/opt/other");
  EXPECT_THROW(compose::apply_ostree_layout(tree.root), Error);
}

TEST(OstreeLayout, RestoredVarGivesDpkgItsLayoutAndApplyingAgainDeclaresItAgain) {
  Tree tree;
  make_debian_tree(tree);
  tree.file("var/lib/apt/extended_states", "Package: x\n");
  tree.file("var/cache/debconf/config.dat", "Name: x\n");
  fs::create_directories(tree.root / "var/spool/empty");
  fs::permissions(tree.root / "var/spool/empty", fs::perms(0700));
  tree.file("usr/share/factory/var/lib/shipped", "shipped by a package\n");
  tree.file("var/lib/dpkg/info/shipper.list", "/usr/share/factory/var/lib/shipped\n");
  compose::apply_ostree_layout(tree.root);
  std::string conf = util::read_file(tree.root / compose::k_var_tmpfiles_conf);

  compose::restore_var(tree.root);
  EXPECT_EQ(fs::read_symlink(tree.root / "var/lib/dpkg"), "../../usr/lib/sysimage/dpkg");
  EXPECT_EQ(util::read_file(tree.root / "var/lib/dpkg/status"), "Package: bash\n");
  EXPECT_EQ(util::read_file(tree.root / "var/lib/apt/extended_states"), "Package: x\n");
  EXPECT_EQ(util::read_file(tree.root / "var/cache/debconf/config.dat"), "Name: x\n");
  EXPECT_EQ(util::read_file(tree.root / "var/roothome/.bashrc"), "# bashrc\n");
  EXPECT_EQ(fs::status(tree.root / "var/spool/empty").permissions() & fs::perms::all,
            fs::perms(0700));
  EXPECT_EQ(fs::status(tree.root / "var/tmp").permissions() & fs::perms::all, fs::perms(0777));
  EXPECT_EQ(util::read_file(tree.root / "usr/share/factory/var/lib/shipped"),
            "shipped by a package\n");
  EXPECT_FALSE(fs::exists(tree.root / "usr/share/factory/var/lib/apt"));
  EXPECT_FALSE(fs::exists(tree.root / compose::k_var_tmpfiles_conf));

  // dpkg installs a package that writes to /var (with /usr/etc as its /etc); the layout is
  // applied again, /usr/etc staying where it is.
  tree.file("var/lib/newpkg/state", "new\n");
  compose::apply_ostree_layout(tree.root, /*etc_in_usr=*/true);
  EXPECT_EQ(util::read_file(tree.root / "usr/etc/hostname"), "debian\n");
  std::string again = util::read_file(tree.root / compose::k_var_tmpfiles_conf);
  EXPECT_NE(again.find("C /var/lib/newpkg/state"), std::string::npos) << again;
  // Everything the first conversion declared is declared again.
  for (std::string_view line : util::split(conf, '\n')) {
    if (line.starts_with("d /var/lib") || line.starts_with("L ") || line.starts_with("C ")) {
      EXPECT_NE(again.find(line), std::string::npos) << line;
    }
  }
  EXPECT_EQ(util::read_file(tree.root / "usr/share/factory/var/lib/apt/extended_states"),
            "Package: x\n");
}
