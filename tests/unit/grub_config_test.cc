#include "lib/deploy/grub_config.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class GrubConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sysroot = util::make_temp_dir(fs::temp_directory_path(), "grub-config-test");
    fs::create_directories(sysroot / "boot/loader.1/entries");
    fs::create_directory_symlink("loader.1", sysroot / "boot/loader");
    add_entry("ostree-1-debian.conf", "1", "debian (ostree:1)", "b");
    add_entry("ostree-2-debian.conf", "2", "debian (ostree:0)", "a");
  }
  void TearDown() override { fs::remove_all(sysroot); }

  void add_entry(const std::string& file, const std::string& version, const std::string& title,
                 const std::string& boot) {
    util::write_file_atomic(
        sysroot / "boot/loader/entries" / file,
        "title " + title + "\nversion " + version + "\noptions root=UUID=r rw ostree=/ostree/boot.1/debian/" +
            boot + "/0\nlinux /ostree/debian-" + boot + "/vmlinuz-6.1\ninitrd /ostree/debian-" + boot +
            "/initramfs-6.1.img\n");
  }

  fs::path sysroot;
};

}  // namespace

TEST_F(GrubConfigTest, BootsTheEntriesDefaultFirst) {
  deploy::write_grub_config(sysroot, {"0f0f-uuid", "/boot"});
  const std::string config = util::read_file(sysroot / deploy::k_grub_config);
  EXPECT_NE(config.find("menuentry 'debian (ostree:0)' {\n"
                        "  search --no-floppy --fs-uuid --set=root 0f0f-uuid\n"
                        "  linux /boot/ostree/debian-a/vmlinuz-6.1 root=UUID=r rw "
                        "ostree=/ostree/boot.1/debian/a/0\n"
                        "  initrd /boot/ostree/debian-a/initramfs-6.1.img\n}\n"
                        "menuentry 'debian (ostree:1)'"),
            std::string::npos)
      << config;
  EXPECT_NE(config.find("set default=0\n"), std::string::npos);
}

TEST_F(GrubConfigTest, RefreshKeepsTheTargetAndFollowsTheEntries) {
  EXPECT_FALSE(deploy::refresh_grub_config(sysroot));  // not written by apt-ostree: left alone
  deploy::write_grub_config(sysroot, {"0f0f-uuid", "/boot"});
  std::optional<deploy::GrubTarget> target = deploy::managed_grub_target(sysroot);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->boot_uuid, "0f0f-uuid");
  EXPECT_EQ(target->prefix, "/boot");

  add_entry("ostree-3-debian.conf", "3", "debian newest", "c");
  EXPECT_TRUE(deploy::refresh_grub_config(sysroot));
  const std::string config = util::read_file(sysroot / deploy::k_grub_config);
  EXPECT_LT(config.find("debian newest"), config.find("debian (ostree:0)")) << config;

  util::write_file_atomic(sysroot / deploy::k_grub_config, "set default=0\n");
  EXPECT_FALSE(deploy::managed_grub_target(sysroot));
  util::write_file_atomic(sysroot / deploy::k_grub_config, "# apt-ostree grub.cfg: prefix=/boot\n");
  EXPECT_THROW(deploy::managed_grub_target(sysroot), Error);
}
