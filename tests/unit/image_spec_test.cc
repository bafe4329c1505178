#include "lib/image/image_spec.h"

#include <gtest/gtest.h>

using namespace apt_ostree;
using image::Filesystem;
using image::Layout;

TEST(ImageSpec, DefaultPartitionsFollowTheLayout) {
  auto none = image::default_partitions(Layout::none);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].mount, "/");
  EXPECT_EQ(none[0].filesystem, Filesystem::ext4);
  EXPECT_EQ(none[0].size, std::nullopt);

  auto pc = image::default_partitions(Layout::pc);
  ASSERT_EQ(pc.size(), 2u);
  EXPECT_EQ(pc[0].mount, "/boot/efi");
  EXPECT_EQ(pc[0].filesystem, Filesystem::vfat);
  EXPECT_EQ(pc[0].size, 256 * image::k_mib);
  EXPECT_EQ(pc[1].mount, "/");

  auto raspberrypi = image::default_partitions(Layout::raspberrypi);
  ASSERT_EQ(raspberrypi.size(), 2u);
  EXPECT_EQ(raspberrypi[0].mount, "/boot/firmware");
  EXPECT_EQ(raspberrypi[0].filesystem, Filesystem::vfat);
  EXPECT_EQ(raspberrypi[0].label, "RASPIFIRM");
  EXPECT_EQ(raspberrypi[1].mount, "/");
  EXPECT_EQ(raspberrypi[1].label, "RASPIROOT");
}

TEST(ImageSpec, NamesRoundTrip) {
  for (Layout layout : {Layout::none, Layout::pc, Layout::raspberrypi, Layout::ostree})
    EXPECT_EQ(image::parse_layout(image::to_string(layout)), layout);
  EXPECT_EQ(image::parse_partition_table("dos"), image::PartitionTable::msdos);
  EXPECT_EQ(image::parse_filesystem("fat32"), Filesystem::vfat);
  EXPECT_EQ(image::parse_filesystem("xfs"), std::nullopt);
  EXPECT_EQ(image::max_label_length(Filesystem::vfat), 11u);
}
