// The partition table of a planned disk, written into the raw image file by sfdisk (from a script,
// so GPT and msdos are written the way util-linux writes them, with the planned identifiers), and
// read back from any image (the boot test looks for the root partition that way).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/image/partition_plan.h"

namespace apt_ostree::image {

// The sfdisk script for `plan`: label, disk id, and each partition's start, size, type, UUID and
// name in 512-byte sectors.
std::string sfdisk_script(const DiskPlan& plan, std::string_view architecture);

// The GPT partition type (or msdos id) of a partition: the EFI system partition for vfat at
// /boot/efi, the architecture's root type for ext4 at /, Linux data or FAT otherwise.
std::string partition_type(const PartitionSpec& partition, PartitionTable table,
                           std::string_view architecture);

// Writes the table into `raw` (which must be plan.size bytes long); throws Error with sfdisk's
// message.
void write_partition_table(const std::filesystem::path& raw, const DiskPlan& plan,
                           std::string_view architecture);

// A partition as the table of an existing image describes it.
struct TablePartition {
  unsigned number = 0;  // 1 for the first: the kernel's sda1, mmcblk0p1
  uint64_t offset = 0;  // bytes
  uint64_t size = 0;    // bytes
  std::string type;     // GPT type GUID or msdos id, as sfdisk prints them
  std::string partition_uuid;  // what PARTUUID= names: GPT GUID, or "<disk id>-NN" for msdos
};

// The partitions of the table in `raw` (read by sfdisk); throws Error when it has none.
std::vector<TablePartition> read_partition_table(const std::filesystem::path& raw);

}  // namespace apt_ostree::image
