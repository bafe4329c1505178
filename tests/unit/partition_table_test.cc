#include "lib/image/partition_table.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
using image::Filesystem;
using image::k_mib;

namespace {

image::PlannedPartition planned(std::string name, Filesystem filesystem, std::string mount,
                                uint64_t offset, uint64_t size) {
  image::PlannedPartition partition;
  partition.spec.name = std::move(name);
  partition.spec.filesystem = filesystem;
  partition.spec.mount = std::move(mount);
  partition.offset = offset;
  partition.size = size;
  partition.partition_uuid = "11111111-2222-4333-8444-555555555555";
  return partition;
}

}  // namespace

TEST(PartitionTable, GptScriptInSectorsWithTypesUuidsAndNames) {
  image::DiskPlan plan;
  plan.disk_id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  plan.partitions = {planned("efi", Filesystem::vfat, "/boot/efi", k_mib, 256 * k_mib),
                     planned("root", Filesystem::ext4, "/", 257 * k_mib, 1024 * k_mib)};
  EXPECT_EQ(image::sfdisk_script(plan, "arm64"),
            "label: gpt\nlabel-id: aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\nunit: sectors\n\n"
            "start=2048, size=524288, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, "
            "uuid=11111111-2222-4333-8444-555555555555, name=\"efi\"\n"
            "start=526336, size=2097152, type=B921B045-1DF0-41C3-AF44-4C6F280D3FAE, "
            "uuid=11111111-2222-4333-8444-555555555555, name=\"root\"\n");
}

TEST(PartitionTable, MsdosScriptWithIds) {
  image::DiskPlan plan;
  plan.table = image::PartitionTable::msdos;
  plan.disk_id = "1234abcd";
  plan.partitions = {planned("firmware", Filesystem::vfat, "/boot/firmware", 4 * k_mib, 8 * k_mib),
                     planned("root", Filesystem::ext4, "/", 12 * k_mib, 8 * k_mib)};
  EXPECT_EQ(image::sfdisk_script(plan, "arm64"),
            "label: dos\nlabel-id: 0x1234abcd\nunit: sectors\n\n"
            "start=8192, size=16384, type=c\n"
            "start=24576, size=16384, type=83\n");
}

TEST(PartitionTable, TypesFollowMountPointAndArchitecture) {
  image::PartitionSpec data;
  data.filesystem = Filesystem::ext4;
  data.mount = "/srv";
  EXPECT_EQ(image::partition_type(data, image::PartitionTable::gpt, "amd64"),
            "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  data.mount = "/";
  EXPECT_EQ(image::partition_type(data, image::PartitionTable::gpt, "amd64"),
            "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
  EXPECT_EQ(image::partition_type(data, image::PartitionTable::gpt, "riscv64"),
            "0FC63DAF-8483-4772-8E79-3D69D8477DE4");
  image::PartitionSpec esp;
  esp.filesystem = Filesystem::vfat;
  esp.mount = "/boot/efi";
  EXPECT_EQ(image::partition_type(esp, image::PartitionTable::msdos, "amd64"), "ef");
}

TEST(PartitionTable, ReadsBackWhatItWrote) {
  namespace fs = std::filesystem;
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "partition-table-test");
  for (image::PartitionTable table : {image::PartitionTable::gpt, image::PartitionTable::msdos}) {
    image::DiskPlan plan;
    plan.table = table;
    plan.disk_id = table == image::PartitionTable::gpt ? "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
                                                       : "0badcafe";
    plan.size = 32 * k_mib;
    plan.partitions = {planned("boot", Filesystem::vfat, "/boot/firmware", 4 * k_mib, 8 * k_mib),
                       planned("root", Filesystem::ext4, "/", 12 * k_mib, 16 * k_mib)};
    plan.partitions[1].partition_uuid = "66666666-7777-4888-8999-aaaaaaaaaaaa";
    const fs::path raw = dir / "disk.img";
    fs::remove(raw);
    util::write_file_atomic(raw, "");
    fs::resize_file(raw, plan.size);
    image::write_partition_table(raw, plan, "arm64");

    std::vector<image::TablePartition> read = image::read_partition_table(raw);
    ASSERT_EQ(read.size(), 2u);
    EXPECT_EQ(read[1].number, 2u);
    EXPECT_EQ(read[1].offset, 12 * k_mib);
    EXPECT_EQ(read[1].size, 16 * k_mib);
    if (table == image::PartitionTable::gpt) {
      EXPECT_EQ(read[1].partition_uuid, "66666666-7777-4888-8999-aaaaaaaaaaaa");
      EXPECT_EQ(read[1].type, "B921B045-1DF0-41C3-AF44-4C6F280D3FAE");
    } else {
      EXPECT_EQ(read[0].partition_uuid, "0badcafe-01");
      EXPECT_EQ(read[1].partition_uuid, "0badcafe-02");
      EXPECT_EQ(read[0].type, "c");
    }
  }
  util::write_file_atomic(dir / "empty.img", std::string(4096, '\0'));
  EXPECT_THROW(image::read_partition_table(dir / "empty.img"), Error);
  fs::remove_all(dir);
}
