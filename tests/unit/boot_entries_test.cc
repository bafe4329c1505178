#include "lib/deploy/boot_entries.h"

#include <gtest/gtest.h>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

// As ostree 2022.7 wrote them after three deploys: the newest deployment (index 0) has the
// highest version and boots by default, whatever the file names say.
TEST(BootEntriesTest, HighestVersionBootsFirst) {
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "boot-entries-test");
  util::write_file_atomic(dir / "ostree-1-debian.conf",
                          "title Debian 12 1.0 (ostree:1)\nversion 1\noptions n=2 "
                          "ostree=/ostree/boot.1/debian/b/1\nlinux /ostree/debian-b/vmlinuz-6.1.0-9\n"
                          "initrd /ostree/debian-b/initramfs-6.1.0-9.img\n");
  util::write_file_atomic(dir / "ostree-2-debian.conf",
                          "title Debian 12 1.0 (ostree:0)\nversion 2\noptions n=3 "
                          "ostree=/ostree/boot.1/debian/a/0\nlinux /ostree/debian-a/vmlinuz-6.1.0-10\n"
                          "initrd /ostree/debian-a/initramfs-6.1.0-10.img\n");
  util::write_file_atomic(dir / "ostree-10-debian.conf", "title ten\nversion 10\n");
  util::write_file_atomic(dir / "README", "not an entry");
  std::vector<deploy::BootEntry> entries = deploy::read_boot_entries(dir);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].title, "ten");  // 10 > 2 as versions, not as strings
  EXPECT_EQ(entries[1].file, "ostree-2-debian.conf");
  EXPECT_EQ(entries[1].options, "n=3 ostree=/ostree/boot.1/debian/a/0");
  EXPECT_EQ(entries[1].ostree_argument(), "/ostree/boot.1/debian/a/0");
  EXPECT_EQ(entries[2].linux, "/ostree/debian-b/vmlinuz-6.1.0-9");
  EXPECT_TRUE(deploy::read_boot_entries(dir / "missing").empty());
  fs::remove_all(dir);
}

TEST(BootEntriesTest, KernelArgument) {
  EXPECT_EQ(deploy::kernel_argument("root=UUID=x rw ostree=/ostree/boot.0/a/b/0 quiet", "ostree"),
            "/ostree/boot.0/a/b/0");
  EXPECT_EQ(deploy::kernel_argument("rootwait root=/dev/sda", "root"), "/dev/sda");
  EXPECT_EQ(deploy::kernel_argument("quiet", "root"), "");
}
