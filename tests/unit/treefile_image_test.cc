#include "lib/compose/treefile_image.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using image::Filesystem;

namespace {

image::ImageSpec read(const std::string& yaml) {
  YAML::Node root = YAML::Load(yaml);
  return compose::read_image(root["image"], {"t.yaml", 1});
}

// The one-sentence error reading `yaml` throws ("no error" if none).
std::string error_of(const std::string& yaml) {
  try {
    read(yaml);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ExitCode::usage);
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST(TreefileImage, ReadsPartitionsAndOptions) {
  image::ImageSpec spec = read(R"(
image:
  table: msdos
  alignment: 4MiB
  compression: xz
  level: 9
  partitions:
    - name: firmware
      filesystem: vfat
      mount: /boot/firmware
      size: 512MiB
      label: RASPIFIRM
    - name: root
      filesystem: ext4
      mount: /
      free: 1G
)");
  EXPECT_EQ(spec.table, image::PartitionTable::msdos);
  EXPECT_EQ(spec.alignment, 4 * image::k_mib);
  EXPECT_EQ(spec.compression, image::Compression::xz);
  EXPECT_EQ(spec.level, 9);
  ASSERT_EQ(spec.partitions.size(), 2u);
  EXPECT_EQ(spec.partitions[0].filesystem, Filesystem::vfat);
  EXPECT_EQ(spec.partitions[0].size, 512 * image::k_mib);
  EXPECT_EQ(spec.partitions[0].label, "RASPIFIRM");
  EXPECT_EQ(spec.partitions[1].size, std::nullopt);  // auto
  EXPECT_EQ(spec.partitions[1].free, 1'000'000'000u);
  EXPECT_EQ(spec.partitions[1].label, "root");  // the name by default
  EXPECT_EQ(spec.root().name, "root");
}

TEST(TreefileImage, DefaultsToOneExt4Root) {
  image::ImageSpec spec = read("image:\n  compression: zstd\n");
  EXPECT_EQ(spec.table, image::PartitionTable::gpt);
  ASSERT_EQ(spec.partitions.size(), 1u);
  EXPECT_EQ(spec.partitions[0].mount, "/");
  EXPECT_EQ(spec.partitions[0].filesystem, Filesystem::ext4);
}

TEST(TreefileImage, MistakesNameTheLineAndTheValue) {
  EXPECT_EQ(error_of("image:\n  compresion: xz\n"),
            "t.yaml:2: key 'compresion' is not an image key (did you mean 'compression'?)");
  EXPECT_EQ(error_of("image:\n  compression: bz2\n"),
            "t.yaml:2: compression 'bz2' is not one of gz, xz, zstd, none");
  EXPECT_EQ(error_of("image:\n  compression: xz\n  level: 12\n"),
            "t.yaml:3: level 12 is out of range for xz (0 to 9)");
  EXPECT_EQ(error_of("image:\n  table: apm\n"), "t.yaml:2: table 'apm' is not one of gpt, msdos");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: btrfs\n"
                     "      mount: /\n"),
            "t.yaml:4: filesystem 'btrfs' is not one of ext4, vfat");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: ext4\n"
                     "      mount: /\n      size: big\n"),
            "t.yaml:6: 'big' in 'size' is not a size such as 512MiB or 4G");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: boot\n      filesystem: vfat\n"
                     "      mount: /boot\n"),
            "t.yaml:2: no partition is mounted at /; the tree needs a root partition");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: vfat\n"
                     "      mount: /\n"),
            "t.yaml:3: partition 'root' is mounted at / and must be ext4 (a Debian tree needs "
            "owners, modes and links that vfat lacks)");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: boot\n      filesystem: vfat\n"
                     "      mount: /boot\n      label: MUCHTOOLONGLABEL\n"),
            "t.yaml:3: label 'MUCHTOOLONGLABEL' of partition 'boot' is longer than the 11 "
            "characters vfat takes");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: ext4\n"
                     "      mount: /\n    - name: root\n      filesystem: ext4\n      mount: /srv\n"),
            "t.yaml:2: two partitions are named 'root'");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: ext4\n"
                     "      mount: /\n      size: 1G\n      free: 1G\n"),
            "t.yaml:3: partition 'root' has a fixed size; 'free' applies to 'size: auto' only");
  EXPECT_EQ(error_of("image:\n  partitions:\n    - name: root\n      filesystem: ext4\n"
                     "      mount: boot\n"),
            "t.yaml:5: mount point 'boot' is not an absolute path such as / or /boot/firmware");
  EXPECT_EQ(error_of("image: gz\n"),
            "t.yaml:1: key 'image' must be a mapping (layout, partitions, ...), not a single "
            "value");
}

TEST(TreefileImage, MsdosHoldsFourPartitions) {
  std::string yaml = "image:\n  table: msdos\n  partitions:\n";
  for (int i = 0; i < 5; ++i)
    yaml += "    - {name: p" + std::to_string(i) + ", filesystem: ext4, mount: " +
            (i == 0 ? std::string("/") : "/p" + std::to_string(i)) + "}\n";
  EXPECT_EQ(error_of(yaml),
            "t.yaml:3: an msdos partition table holds 4 partitions, not 5; use 'table: gpt'");
}

TEST(TreefileImage, RaspberryPiLayoutDefaultsToDebiansDisk) {
  image::ImageSpec spec = read("image:\n  layout: raspberrypi\n");
  EXPECT_EQ(spec.table, image::PartitionTable::msdos);
  EXPECT_EQ(spec.alignment, 4 * image::k_mib);
  ASSERT_EQ(spec.partitions.size(), 2u);
  EXPECT_EQ(spec.partitions[0].mount, "/boot/firmware");
  EXPECT_EQ(spec.partitions[1].label, "RASPIROOT");

  // An explicit alignment is kept.
  EXPECT_EQ(read("image:\n  layout: raspberrypi\n  alignment: 1MiB\n").alignment, image::k_mib);
}

TEST(TreefileImage, RaspberryPiLayoutNeedsMsdosAndTheFirmwareFirst) {
  EXPECT_EQ(error_of("image:\n  table: gpt\n  layout: raspberrypi\n"),
            "t.yaml:2: layout 'raspberrypi' needs 'table: msdos' (a Raspberry Pi 3 does not "
            "boot from a GPT disk)");
  EXPECT_EQ(error_of("image:\n  layout: raspberrypi\n  partitions:\n"
                     "    - {name: root, filesystem: ext4, mount: /}\n"
                     "    - {name: fw, filesystem: vfat, mount: /boot/firmware}\n"),
            "t.yaml:3: layout 'raspberrypi' needs a vfat partition mounted at /boot/firmware, "
            "listed first (the firmware boots from the first partition)");
  EXPECT_EQ(error_of("image:\n  layout: ostree\n  partitions:\n"
                     "    - {name: root, filesystem: ext4, mount: /}\n"),
            "t.yaml:3: layout 'ostree' needs a vfat partition mounted at /boot/efi (the EFI "
            "system partition)");
}

TEST(TreefileImage, OstreeRemote) {
  image::ImageSpec spec = read(
      "image:\n  layout: ostree\n  remote: https://updates.example.org/debian\n"
      "  remote-name: debian\n");
  ASSERT_TRUE(spec.remote);
  EXPECT_EQ(spec.remote->name, "debian");
  EXPECT_EQ(spec.remote->url, "https://updates.example.org/debian");
  EXPECT_EQ(spec.remote->keyring, "");
  EXPECT_FALSE(read("image:\n  layout: ostree\n").remote);
  EXPECT_NE(error_of("image:\n  layout: pc\n  remote: https://x/\n").find("layout: ostree"),
            std::string::npos);
  EXPECT_NE(error_of("image:\n  layout: ostree\n  remote: ftp://x/\n").find("ftp://x/"),
            std::string::npos);
  EXPECT_NE(error_of("image:\n  layout: ostree\n  remote: https://x/\n  remote-name: a:b\n")
                .find("a:b"),
            std::string::npos);
  EXPECT_NE(error_of("image:\n  layout: ostree\n  remote: https://x/\n  remote-keyring: nope.gpg\n")
                .find("nope.gpg"),
            std::string::npos);
  EXPECT_NE(error_of("image:\n  layout: ostree\n  remote-name: debian\n").find("remote: URL"),
            std::string::npos);
}
