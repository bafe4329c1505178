// Where each partition of an image goes: its content measured, its size (fixed, or `auto`: the
// content, the filesystem's own overhead and the free space asked for), its aligned offset, and
// the identifiers (disk, partition and filesystem UUIDs) derived from a seed, so the same stage
// gives the same table and filesystem UUIDs every time (the inodes' change times, which mke2fs -d
// copies from the checkout, still differ).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lib/image/image_spec.h"

namespace apt_ostree::image {

// What a directory tree takes on a filesystem with 4 KiB blocks: every file and directory rounded
// up to whole blocks (hard links counted once), and the number of inodes.
struct TreeUsage {
  uint64_t bytes = 0;
  uint64_t inodes = 0;
};
TreeUsage measure_tree(const std::filesystem::path& dir);

// The smallest size (a multiple of `alignment`) that holds `content` on `filesystem` with `free`
// bytes to spare.
uint64_t partition_size_for(Filesystem filesystem, const TreeUsage& content, uint64_t free,
                            uint64_t alignment);

struct PlannedPartition {
  PartitionSpec spec;
  std::filesystem::path content;  // the directory that becomes the filesystem
  TreeUsage usage;
  uint64_t offset = 0;  // bytes from the start of the disk
  uint64_t size = 0;
  std::string partition_uuid;   // GPT: the partition's GUID; msdos: "<disk id>-NN"
  std::string filesystem_uuid;  // ext4: a UUID; vfat: the volume id as "ABCD-1234"
};

struct DiskPlan {
  PartitionTable table = PartitionTable::gpt;
  std::string disk_id;  // GPT: the disk GUID; msdos: 8 hex digits
  uint64_t size = 0;    // bytes
  std::vector<PlannedPartition> partitions;  // in the order of the table

  // The partition mounted at `mount` ("/", "/boot/efi"), or null.
  const PlannedPartition* mounted_at(std::string_view mount) const;
};

// Plans `spec` for the given content directories (one per partition, in spec order); throws
// Error naming the partition when content is larger than a fixed size (with both sizes).
DiskPlan plan_disk(const ImageSpec& spec, const std::vector<std::filesystem::path>& contents,
                   const std::string& seed);

}  // namespace apt_ostree::image
