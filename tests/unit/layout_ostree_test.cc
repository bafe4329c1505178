#include "lib/image/layout_ostree.h"

#include <gtest/gtest.h>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

TEST(LayoutOstree, BootEntriesDefaultFirstAndGrubBootsThem) {
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "layout-ostree-test");
  // ostree's own words: the default deployment is ostree-1-OS.conf.
  util::write_file_atomic(dir / "ostree-2-debian.conf",
                          "title debian (ostree:1)\nversion 1\noptions root=UUID=r rw "
                          "ostree=/ostree/boot.1/debian/b/1\nlinux /ostree/debian-b/vmlinuz-6.1.0-9-amd64\n"
                          "initrd /ostree/debian-b/initramfs-6.1.0-9-amd64.img\n");
  util::write_file_atomic(dir / "ostree-1-debian.conf",
                          "title debian (ostree:0)\nversion 2\noptions root=UUID=r rw "
                          "ostree=/ostree/boot.1/debian/a/0\nlinux /ostree/debian-a/vmlinuz-6.1.0-10-amd64\n"
                          "initrd /ostree/debian-a/initramfs-6.1.0-10-amd64.img\n");
  util::write_file_atomic(dir / "README", "not an entry");
  std::vector<image::BootEntry> entries = image::read_boot_entries(dir);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].file, "ostree-1-debian.conf");
  EXPECT_EQ(entries[0].options, "root=UUID=r rw ostree=/ostree/boot.1/debian/a/0");
  EXPECT_EQ(entries[1].title, "debian (ostree:1)");

  std::string config = image::bls_grub_config(entries, "0f0f-uuid", "/boot");
  EXPECT_NE(config.find("menuentry 'debian (ostree:0)' {\n"
                        "  search --no-floppy --fs-uuid --set=root 0f0f-uuid\n"
                        "  linux /boot/ostree/debian-a/vmlinuz-6.1.0-10-amd64 root=UUID=r rw "
                        "ostree=/ostree/boot.1/debian/a/0\n"
                        "  initrd /boot/ostree/debian-a/initramfs-6.1.0-10-amd64.img\n}\n"
                        "menuentry 'debian (ostree:1)'"),
            std::string::npos)
      << config;
  EXPECT_NE(config.find("set default=0\n"), std::string::npos);
  fs::remove_all(dir);
}
