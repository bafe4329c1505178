#include "lib/compose/ostree_layout.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

struct Tree {
  util::TempDirGuard dir{util::make_temp_dir(fs::temp_directory_path(), "ostree-layout-test")};
  fs::path root = dir.path();
  void file(const std::string& path, const std::string& content = "x") {
    fs::create_directories((root / path).parent_path());
    util::write_file_atomic(root / path, content);
  }
  // A small merged-/usr Debian tree with a kernel.
  void debian() {
    fs::create_directories(root / "usr/bin");
    fs::create_symlink("usr/bin", root / "bin");
    file("etc/hostname", "debian\n");
    file("var/lib/dpkg/status", "Package: bash\n");
    file("root/.bashrc", "# bashrc\n");
    fs::create_directories(root / "home");
    fs::create_directories(root / "opt");
    fs::create_directories(root / "var/opt");
    fs::create_directories(root / "media");
    fs::create_directories(root / "usr/local/bin");
    file("boot/vmlinuz-6.1.0-9-amd64", "kernel");
    file("boot/initrd.img-6.1.0-9-amd64", "initramfs");
    file("boot/config-6.1.0-9-amd64", "config");
    fs::create_symlink("boot/vmlinuz-6.1.0-9-amd64", root / "vmlinuz");
    fs::create_directories(root / "usr/lib/modules/6.1.0-9-amd64/kernel");
  }
};

}  // namespace

TEST(OstreeLayout, DebianTreeGetsTheLayoutStockOstreeDeploys) {
  Tree tree;
  tree.debian();
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
