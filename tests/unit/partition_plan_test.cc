#include "lib/image/partition_plan.h"

#include <gtest/gtest.h>

#include <regex>

#include "lib/util/error.h"
#include "temp_tree.h"

using namespace apt_ostree;
using image::Filesystem;
using image::k_mib;

namespace {

image::PartitionSpec partition(std::string name, Filesystem filesystem, std::string mount,
                               std::optional<uint64_t> size = std::nullopt) {
  image::PartitionSpec spec;
  spec.name = name;
  spec.label = name;
  spec.filesystem = filesystem;
  spec.mount = std::move(mount);
  spec.size = size;
  return spec;
}

}  // namespace

TEST(PartitionPlan, MeasuresWholeBlocksAndCountsHardLinksOnce) {
  test_support::TempTree tree;
  tree.file("a", std::string(5000, 'a'));  // two blocks
  tree.file("dir/b", "b");                 // one block
  std::filesystem::create_hard_link(tree.root / "a", tree.root / "dir/a-again");
  image::TreeUsage usage = image::measure_tree(tree.root);
  EXPECT_EQ(usage.inodes, 4u);  // the root, a, dir, dir/b
  EXPECT_EQ(usage.bytes, 3 * 4096u + 2 * 4096u);  // files, then the two directories
}

TEST(PartitionPlan, AutoSizesHoldTheContentAndTheFreeSpace) {
  image::TreeUsage content{500 * k_mib, 20000};
  uint64_t size = image::partition_size_for(Filesystem::ext4, content, 100 * k_mib, k_mib);
  EXPECT_EQ(size % k_mib, 0u);
  // Content, free space, the 16 MiB journal mke2fs gives a filesystem under 1 GiB and the inode
  // tables (1/64), and not much more.
  EXPECT_GT(size, 600 * k_mib + 16 * k_mib + 600 * k_mib / 64);
  EXPECT_LT(size, 640 * k_mib);
  // Many small files need inodes more than blocks.
  image::TreeUsage small_files{100 * k_mib, 100000};
  EXPECT_GE(image::partition_size_for(Filesystem::ext4, small_files, 0, k_mib),
            100000u * 16384);
  uint64_t vfat = image::partition_size_for(Filesystem::vfat, {40 * k_mib, 10}, 0, k_mib);
  EXPECT_GT(vfat, 40 * k_mib);
  EXPECT_LT(vfat, 43 * k_mib);
}

TEST(PartitionPlan, PlacesAlignedPartitionsWithStableIdentifiers) {
  test_support::TempTree boot, root;
  boot.file("kernel", std::string(1'000'000, 'k'));
  root.file("etc/hostname", "debian\n");
  image::ImageSpec spec;
  spec.alignment = 4 * k_mib;
  spec.partitions = {partition("boot", Filesystem::vfat, "/boot/efi", 64 * k_mib),
                     partition("root", Filesystem::ext4, "/")};
  image::DiskPlan plan = image::plan_disk(spec, {boot.root, root.root}, "seed");
  ASSERT_EQ(plan.partitions.size(), 2u);
  EXPECT_EQ(plan.partitions[0].offset, 4 * k_mib);
  EXPECT_EQ(plan.partitions[0].size, 64 * k_mib);
  EXPECT_EQ(plan.partitions[1].offset, 68 * k_mib);
  EXPECT_EQ(plan.partitions[1].size % (4 * k_mib), 0u);
  EXPECT_EQ(plan.size % (4 * k_mib), 0u);
  EXPECT_GE(plan.size, plan.partitions[1].offset + plan.partitions[1].size + 33 * 512);
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(plan.disk_id, uuid)) << plan.disk_id;
  EXPECT_TRUE(std::regex_match(plan.partitions[1].partition_uuid, uuid));
  EXPECT_TRUE(std::regex_match(plan.partitions[1].filesystem_uuid, uuid));
  EXPECT_TRUE(std::regex_match(plan.partitions[0].filesystem_uuid,
                               std::regex("[0-9A-F]{4}-[0-9A-F]{4}")))
      << plan.partitions[0].filesystem_uuid;
  EXPECT_NE(plan.partitions[0].partition_uuid, plan.partitions[1].partition_uuid);

  image::DiskPlan again = image::plan_disk(spec, {boot.root, root.root}, "seed");
  EXPECT_EQ(again.disk_id, plan.disk_id);
  EXPECT_EQ(again.partitions[1].filesystem_uuid, plan.partitions[1].filesystem_uuid);
  EXPECT_NE(image::plan_disk(spec, {boot.root, root.root}, "other").disk_id, plan.disk_id);
}

TEST(PartitionPlan, MsdosPartitionUuidsAreTheDiskIdAndNumber) {
  test_support::TempTree root;
  image::ImageSpec spec;
  spec.table = image::PartitionTable::msdos;
  spec.partitions = {partition("root", Filesystem::ext4, "/")};
  image::DiskPlan plan = image::plan_disk(spec, {root.root}, "seed");
  EXPECT_EQ(plan.disk_id.size(), 8u);
  EXPECT_EQ(plan.partitions[0].partition_uuid, plan.disk_id + "-01");
}

TEST(PartitionPlan, ContentLargerThanAFixedSizeNamesBothSizes) {
  test_support::TempTree root;
  root.file("big", std::string(3'000'000, 'x'));
  image::ImageSpec spec;
  spec.partitions = {partition("root", Filesystem::ext4, "/", 2 * k_mib)};
  try {
    image::plan_disk(spec, {root.root}, "seed");
    FAIL() << "no error";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("partition 'root' needs"), std::string::npos) << message;
    EXPECT_NE(message.find("but its size is 2.1 MB"), std::string::npos) << message;
  }
}
