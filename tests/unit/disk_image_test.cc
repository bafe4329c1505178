#include "lib/image/disk_image.h"

#include <gtest/gtest.h>

#include "lib/image/image_kernel.h"
#include "lib/image/partition_table.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;

TEST(DiskImage, FstabMountsByUuidParentsFirst) {
  image::DiskPlan plan;
  auto add = [&plan](std::string mount, image::Filesystem filesystem, std::string uuid) {
    image::PlannedPartition partition;
    partition.spec.mount = std::move(mount);
    partition.spec.filesystem = filesystem;
    partition.filesystem_uuid = std::move(uuid);
    plan.partitions.push_back(partition);
  };
  add("/boot/efi", image::Filesystem::vfat, "ABCD-1234");
  add("/", image::Filesystem::ext4, "0f0f0f0f-0000-4000-8000-000000000000");
  add("/boot/firmware", image::Filesystem::vfat, "DCBA-4321");
  std::string text = image::fstab(plan);
  EXPECT_NE(text.find("UUID=0f0f0f0f-0000-4000-8000-000000000000\t/\text4\t"
                      "defaults,errors=remount-ro\t0\t1\n"
                      "UUID=ABCD-1234\t/boot/efi\tvfat\tumask=0077\t0\t2\n"
                      "UUID=DCBA-4321\t/boot/firmware\tvfat\tdefaults\t0\t2\n"),
            std::string::npos)
      << text;
}

// The raspberrypi layout end to end on a tree as raspi-firmware leaves it: an msdos disk, the
// firmware partition first with the tree's /boot/firmware, cmdline.txt naming the root's PARTUUID,
// and the kernel the boot test would start found on the root partition.
TEST(DiskImage, RaspberryPiLayoutOnAnMsdosDisk) {
  namespace fs = std::filesystem;
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "disk-image-test");
  const fs::path tree = dir / "tree";
  const std::string kernel = "6.1.0-50-arm64";
  fs::create_directories(tree / "boot/firmware");
  fs::create_directories(tree / "etc/default");
  util::write_file_atomic(tree / "etc/default/raspi-firmware", "#ROOTPART=/dev/mmcblk0p2\n");
  for (const fs::path& dir : {tree / "boot", tree / "boot/firmware"}) {
    util::write_file_atomic(dir / ("vmlinuz-" + kernel), "kernel");
    util::write_file_atomic(dir / ("initrd.img-" + kernel), "initrd");
  }
  for (const char* name : {"bootcode.bin", "start.elf", "fixup.dat"})
    util::write_file_atomic(tree / "boot/firmware" / name, "firmware");
  util::write_file_atomic(tree / "boot/firmware/config.txt",
                          "arm_64bit=1\nkernel=vmlinuz-" + kernel + "\ninitramfs initrd.img-" +
                              kernel + "\n");
  util::write_file_atomic(tree / "boot/firmware/cmdline.txt",
                          "console=tty0 root=/dev/sda1 rw rootwait\n");

  image::ImageSpec spec;
  spec.layout = image::Layout::raspberrypi;
  spec.table = image::PartitionTable::msdos;
  spec.alignment = 4 * image::k_mib;
  spec.partitions = image::default_partitions(image::Layout::raspberrypi);
  spec.partitions[0].size = 16 * image::k_mib;
  spec.partitions[1].free = 8 * image::k_mib;
  image::DiskImageOptions options;
  options.architecture = "arm64";
  options.seed = "test";
  util::PhaseLog phases;
  fs::create_directories(dir / "work");
  const fs::path raw = dir / "disk.img";
  image::DiskPlan plan = image::build_disk_image(tree, spec, raw, dir / "work", options, phases);

  std::vector<image::TablePartition> table = image::read_partition_table(raw);
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].type, "c");
  EXPECT_EQ(table[0].offset, 4 * image::k_mib);
  EXPECT_EQ(table[1].partition_uuid, plan.partitions[1].partition_uuid);
  util::ProcessResult cmdline = util::run_process(
      {"mtype", "-i", raw.string() + "@@" + std::to_string(table[0].offset), "::cmdline.txt"});
  EXPECT_EQ(cmdline.out, "root=PARTUUID=" + table[1].partition_uuid +
                             " console=tty0 console=ttyS1,115200 rw rootwait\n")
      << cmdline.err;
  image::ImageKernel found = image::find_image_kernel(raw);
  EXPECT_EQ(found.version, kernel);
  EXPECT_EQ(found.root.number, 2u);
  fs::remove_all(dir);
}
