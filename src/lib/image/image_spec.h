// What a treefile's `image:` section asks for (docs/treefile.md): a partition table, partitions
// with a filesystem, a size and a mount point each, a layout and a compression. The treefile
// parser fills and checks it (lib/compose/treefile_image.h); lib/image/disk_image.h builds it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/image/compress_image.h"

namespace apt_ostree::image {

enum class PartitionTable { gpt, msdos };
enum class Filesystem { ext4, vfat };
// How the image boots: `none` only lays the tree out on the partitions.
enum class Layout { none, pc, raspberrypi, ostree };

std::optional<PartitionTable> parse_partition_table(std::string_view name);
std::optional<Filesystem> parse_filesystem(std::string_view name);
std::optional<Layout> parse_layout(std::string_view name);
std::string_view to_string(PartitionTable table);
std::string_view to_string(Filesystem filesystem);
std::string_view to_string(Layout layout);

inline constexpr uint64_t k_mib = 1024 * 1024;

struct PartitionSpec {
  std::string name;  // also the partition's name in a GPT
  Filesystem filesystem = Filesystem::ext4;
  std::string mount;            // absolute: "/", "/boot/firmware"
  std::optional<uint64_t> size;  // bytes; unset: `auto`, the content plus `free`
  // Free space an `auto` partition gets beyond its content; unset: a fifth of the content, at
  // least 64 MiB for ext4 and 8 MiB for vfat.
  std::optional<uint64_t> free;
  std::string label;  // the filesystem label; the name unless set
};

// Layout ostree: the remote the deployment's origin follows, so the device upgrades from it.
struct OstreeRemote {
  std::string name = "origin";
  std::string url;
  std::string keyring;  // an OpenPGP keyring signatures are verified with; "" for none
};

struct ImageSpec {
  Layout layout = Layout::none;
  PartitionTable table = PartitionTable::gpt;
  uint64_t alignment = k_mib;  // of every partition's start and size
  Compression compression = Compression::gz;
  std::optional<int> level;  // the format's default when unset
  std::vector<PartitionSpec> partitions;
  std::optional<OstreeRemote> remote;

  // The partition mounted at "/" (the parser makes sure there is one).
  const PartitionSpec& root() const;
};

// The partitions of an image whose treefile lists none: for `pc` and `ostree` a 256 MiB EFI
// system partition (esp, vfat, /boot/efi, label EFI) and the root; for `raspberrypi` a 512 MiB firmware partition
// (firmware, vfat, /boot/firmware, label RASPIFIRM) and the root labelled RASPIROOT; otherwise the
// root alone (root, ext4, /, auto).
std::vector<PartitionSpec> default_partitions(Layout layout);

// The longest label each filesystem takes (ext4 16 bytes, vfat 11).
size_t max_label_length(Filesystem filesystem);

}  // namespace apt_ostree::image
