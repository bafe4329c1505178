#include "lib/image/filesystems.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/util/error.h"
#include "lib/util/interrupt.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace {

// Runs `tool` (argv, through `env` when it needs variables set) for `partition`.
void run_tool(std::string_view tool, const std::vector<std::string>& argv,
              const PlannedPartition& partition) {
  util::ProcessResult result = util::run_process(argv);
  util::throw_if_interrupted("making the filesystems");
  if (result.exit_code != 0)
    fail("{} failed on partition '{}' ({}): {}", tool, partition.spec.name, partition.spec.mount,
         std::string(util::trim(result.err)));
}

void make_ext4(const std::filesystem::path& raw, const PlannedPartition& partition,
               uint64_t epoch) {
  // nodiscard: mke2fs would punch the whole range of a regular file, which is a hole already.
  // hash_seed: the directory-index hash seed, otherwise random.
  run_tool(
      "mke2fs",
      {"env", fmt::format("E2FSPROGS_FAKE_TIME={}", epoch), "mke2fs", "-q", "-F", "-t", "ext4",
       "-L", partition.spec.label, "-U", partition.filesystem_uuid, "-E",
       fmt::format("offset={},nodiscard,hash_seed={}", partition.offset, partition.filesystem_uuid),
       "-d", partition.content.string(), raw.string(), fmt::format("{}k", partition.size / 1024)},
      partition);
}

// mkfs.fat's options for the FAT type and cluster size: FAT32 (what UEFI and the Raspberry Pi
// firmware expect of a boot partition) with the largest clusters up to 4 KiB that still make the
// 65525 clusters FAT32 needs; FAT16 for partitions too small for that. Left to itself, mkfs.fat
// judges by the size of the whole disk image and can pick FAT32 for a partition too small for it.
std::vector<std::string> fat_geometry(uint64_t size) {
  constexpr uint64_t k_min_fat32_clusters = 65525 + 1024;  // and room for the FATs themselves
  const uint64_t sectors = size / 512;
  for (uint64_t per_cluster = 8; per_cluster >= 1; per_cluster /= 2)
    if (sectors / per_cluster >= k_min_fat32_clusters)
      return {"-F", "32", "-s", std::to_string(per_cluster)};
  return {"-F", "16"};
}

void make_vfat(const std::filesystem::path& raw, const PlannedPartition& partition,
               uint64_t epoch) {
  std::string volume_id = partition.filesystem_uuid;
  volume_id.erase(std::remove(volume_id.begin(), volume_id.end(), '-'), volume_id.end());
  std::vector<std::string> mkfs = {"env",
                                   fmt::format("SOURCE_DATE_EPOCH={}", epoch),
                                   "mkfs.fat",
                                   "--offset",
                                   std::to_string(partition.offset / 512),
                                   "-i",
                                   volume_id,
                                   "-n",
                                   partition.spec.label};
  for (std::string& option : fat_geometry(partition.size)) mkfs.push_back(std::move(option));
  mkfs.push_back(raw.string());
  mkfs.push_back(std::to_string(partition.size / 1024));
  run_tool("mkfs.fat", mkfs, partition);
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(partition.content))
    entries.push_back(entry.path().string());
  if (entries.empty()) return;
  std::sort(entries.begin(), entries.end());
  // -s recursive, -p -m attributes and times, -Q stop at the first error; the image@@offset
  // syntax addresses the partition inside the disk image.
  std::vector<std::string> argv = {"env",
                                   "MTOOLS_SKIP_CHECK=1",
                                   "mcopy",
                                   "-s",
                                   "-p",
                                   "-m",
                                   "-Q",
                                   "-i",
                                   fmt::format("{}@@{}", raw.string(), partition.offset)};
  argv.insert(argv.end(), entries.begin(), entries.end());
  argv.push_back("::/");
  run_tool("mcopy", argv, partition);
}

}  // namespace

void make_filesystem(const std::filesystem::path& raw, const PlannedPartition& partition,
                     uint64_t epoch) {
  if (partition.spec.filesystem == Filesystem::ext4)
    make_ext4(raw, partition, epoch);
  else
    make_vfat(raw, partition, epoch);
}

}  // namespace apt_ostree::image
