#include "lib/image/disk_image.h"

#include <gtest/gtest.h>

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
