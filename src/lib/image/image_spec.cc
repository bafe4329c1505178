#include "lib/image/image_spec.h"

#include <algorithm>

#include "lib/util/error.h"

namespace apt_ostree::image {

std::optional<PartitionTable> parse_partition_table(std::string_view name) {
  if (name == "gpt") return PartitionTable::gpt;
  if (name == "msdos" || name == "dos" || name == "mbr") return PartitionTable::msdos;
  return std::nullopt;
}

std::optional<Filesystem> parse_filesystem(std::string_view name) {
  if (name == "ext4") return Filesystem::ext4;
  if (name == "vfat" || name == "fat" || name == "fat32") return Filesystem::vfat;
  return std::nullopt;
}

std::optional<Layout> parse_layout(std::string_view name) {
  if (name == "none") return Layout::none;
  if (name == "pc") return Layout::pc;
  if (name == "raspberrypi") return Layout::raspberrypi;
  if (name == "ostree") return Layout::ostree;
  return std::nullopt;
}

std::string_view to_string(PartitionTable table) {
  return table == PartitionTable::gpt ? "gpt" : "msdos";
}

std::string_view to_string(Filesystem filesystem) {
  return filesystem == Filesystem::ext4 ? "ext4" : "vfat";
}

std::string_view to_string(Layout layout) {
  switch (layout) {
    case Layout::pc: return "pc";
    case Layout::raspberrypi: return "raspberrypi";
    case Layout::ostree: return "ostree";
    case Layout::none: break;
  }
  return "none";
}

const PartitionSpec& ImageSpec::root() const {
  auto found = std::find_if(partitions.begin(), partitions.end(),
                            [](const PartitionSpec& partition) { return partition.mount == "/"; });
  if (found == partitions.end()) fail("internal error: the image has no root partition");
  return *found;
}

std::vector<PartitionSpec> default_partitions(Layout layout) {
  PartitionSpec root;
  root.name = "root";
  root.mount = "/";
  root.label = "root";
  if (layout == Layout::raspberrypi) {
    // Debian's Raspberry Pi images: the same labels, a 512 MiB firmware partition.
    root.label = "RASPIROOT";
    PartitionSpec firmware;
    firmware.name = "firmware";
    firmware.filesystem = Filesystem::vfat;
    firmware.mount = "/boot/firmware";
    firmware.size = 512 * k_mib;
    firmware.label = "RASPIFIRM";
    return {firmware, root};
  }
  if (layout != Layout::pc && layout != Layout::ostree) return {root};
  PartitionSpec esp;
  esp.name = "esp";
  esp.filesystem = Filesystem::vfat;
  esp.mount = "/boot/efi";
  esp.size = 256 * k_mib;
  esp.label = "EFI";
  return {esp, root};
}

size_t max_label_length(Filesystem filesystem) {
  return filesystem == Filesystem::ext4 ? 16 : 11;
}

}  // namespace apt_ostree::image
