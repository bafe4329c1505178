#include "lib/image/partition_plan.h"

#include <fmt/format.h>
#include <ftw.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "lib/util/error.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace {

constexpr uint64_t k_block = 4096;
// vfat clusters are up to 16 KiB on the sizes mkfs.fat picks for boot partitions; a file takes
// whole clusters.
constexpr uint64_t k_vfat_cluster = 16 * 1024;
// mke2fs's default: one inode per 16 KiB of filesystem.
constexpr uint64_t k_bytes_per_inode = 16 * 1024;

uint64_t round_up(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit * unit; }

// nftw has no user pointer: the walk in progress.
thread_local TreeUsage* t_usage = nullptr;
thread_local std::set<std::pair<dev_t, ino_t>>* t_links = nullptr;

int count_entry(const char*, const struct stat* st, int type, struct FTW*) {
  if (type == FTW_NS || type == FTW_DNR) return 0;
  if (st->st_nlink > 1 && !S_ISDIR(st->st_mode) &&
      !t_links->insert({st->st_dev, st->st_ino}).second)
    return 0;  // another name of a file already counted
  ++t_usage->inodes;
  if (S_ISREG(st->st_mode))
    t_usage->bytes += round_up(static_cast<uint64_t>(st->st_size), k_block);
  else if (S_ISDIR(st->st_mode))
    t_usage->bytes += round_up(std::max<uint64_t>(static_cast<uint64_t>(st->st_size), 1), k_block);
  else if (S_ISLNK(st->st_mode) && st->st_size >= 60)  // ext4 keeps shorter targets in the inode
    t_usage->bytes += k_block;
  return 0;
}

// e2fsprogs' default journal size for a filesystem of `blocks` 4 KiB blocks.
uint64_t ext4_journal_bytes(uint64_t blocks) {
  if (blocks < 32768) return 4 * k_mib;
  if (blocks < 256 * 1024) return 16 * k_mib;
  if (blocks < 512 * 1024) return 32 * k_mib;
  if (blocks < 4096 * 1024) return 64 * k_mib;
  if (blocks < 8192 * 1024) return 128 * k_mib;
  if (blocks < 16384 * 1024) return 256 * k_mib;
  if (blocks < 32768 * 1024) return 512 * k_mib;
  return 1024 * k_mib;
}

uint64_t default_free(Filesystem filesystem, const TreeUsage& content) {
  return std::max(content.bytes / 5, filesystem == Filesystem::ext4 ? 64 * k_mib : 8 * k_mib);
}

// A name-based UUID (RFC 4122 layout, version 4 bits) from the SHA256 of the seed and a purpose:
// stable for the same inputs, different for every partition and image.
std::string derived_uuid(const std::string& seed, std::string_view purpose) {
  std::string hex = util::sha256_hex(seed + "\n" + std::string(purpose)).substr(0, 32);
  hex[12] = '4';
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

}  // namespace

TreeUsage measure_tree(const std::filesystem::path& dir) {
  TreeUsage usage;
  std::set<std::pair<dev_t, ino_t>> links;
  t_usage = &usage;
  t_links = &links;
  int status = nftw(dir.c_str(), count_entry, 64, FTW_PHYS);
  t_usage = nullptr;
  t_links = nullptr;
  if (status != 0) fail("cannot measure {}: {}", dir.string(), std::strerror(errno));
  return usage;
}

uint64_t partition_size_for(Filesystem filesystem, const TreeUsage& content, uint64_t free,
                            uint64_t alignment) {
  if (filesystem == Filesystem::vfat) {
    // Whole clusters per file, two FATs of 4 bytes per 4 KiB cluster, reserved sectors.
    uint64_t data = content.bytes + content.inodes * (k_vfat_cluster - k_block) + free;
    return round_up(data + data / 512 + k_mib, alignment);
  }
  // ext4: inode tables (256 bytes per 16 KiB), block bitmaps, group descriptors and reserved GDT
  // blocks (about 1/256), the journal; sized twice because the journal grows with the size.
  uint64_t size = content.bytes + free;
  for (int pass = 0; pass < 2; ++pass)
    size = content.bytes + free + size / 64 + size / 256 + ext4_journal_bytes(size / k_block);
  // Enough inodes at mke2fs's default ratio, with a tenth to spare.
  size = std::max(size, content.inodes * k_bytes_per_inode * 11 / 10);
  return round_up(size, alignment);
}

DiskPlan plan_disk(const ImageSpec& spec, const std::vector<std::filesystem::path>& contents,
                   const std::string& seed) {
  DiskPlan plan;
  plan.table = spec.table;
  plan.disk_id = spec.table == PartitionTable::gpt
                     ? derived_uuid(seed, "disk")
                     : util::sha256_hex(seed + "\ndisk").substr(0, 8);
  // The table itself (and a GPT's 34 sectors) lives before the first partition.
  uint64_t offset = round_up(k_mib, spec.alignment);
  for (size_t i = 0; i < spec.partitions.size(); ++i) {
    PlannedPartition partition;
    partition.spec = spec.partitions[i];
    partition.content = contents.at(i);
    partition.usage = measure_tree(partition.content);
    const Filesystem filesystem = partition.spec.filesystem;
    if (partition.spec.size) {
      partition.size = round_up(*partition.spec.size, spec.alignment);
      uint64_t needed = partition_size_for(filesystem, partition.usage, 0, 512);
      if (needed > partition.size)
        fail("partition '{}' needs {} for its content ({} in {} files and directories) but its "
             "size is {}",
             partition.spec.name, util::format_bytes(needed),
             util::format_bytes(partition.usage.bytes), partition.usage.inodes,
             util::format_bytes(partition.size));
    } else {
      uint64_t free = partition.spec.free.value_or(default_free(filesystem, partition.usage));
      partition.size = partition_size_for(filesystem, partition.usage, free, spec.alignment);
    }
    partition.offset = offset;
    offset += partition.size;
    if (spec.table == PartitionTable::gpt) {
      partition.partition_uuid = derived_uuid(seed, "partition " + partition.spec.name);
    } else {
      partition.partition_uuid = fmt::format("{}-{:02x}", plan.disk_id, i + 1);
    }
    std::string fs_uuid = derived_uuid(seed, "filesystem " + partition.spec.name);
    if (filesystem == Filesystem::ext4) {
      partition.filesystem_uuid = fs_uuid;
    } else {  // a 32-bit volume id, written as blkid and fstab spell it
      unsigned long id = std::stoul(fs_uuid.substr(0, 8), nullptr, 16);
      partition.filesystem_uuid = fmt::format("{:04X}-{:04X}", id >> 16, id & 0xffff);
    }
    plan.partitions.push_back(std::move(partition));
  }
  // A GPT keeps its backup in the last 33 sectors.
  plan.size = round_up(offset + (spec.table == PartitionTable::gpt ? 33 * 512 : 0), spec.alignment);
  return plan;
}

const PlannedPartition* DiskPlan::mounted_at(std::string_view mount) const {
  for (const PlannedPartition& partition : partitions)
    if (partition.spec.mount == mount) return &partition;
  return nullptr;
}

}  // namespace apt_ostree::image
