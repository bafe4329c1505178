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
  auto partition = [](std::string name, Filesystem filesystem, std::string mount,
                      std::optional<uint64_t> size, std::string label) {
    PartitionSpec spec;
    spec.name = std::move(name);
    spec.filesystem = filesystem;
    spec.mount = std::move(mount);
    spec.size = size;
    spec.label = std::move(label);
    return spec;
  };
  switch (layout) {
    case Layout::raspberrypi:  // Debian's Raspberry Pi images: their labels, 512 MiB of firmware
      return {partition("firmware", Filesystem::vfat, "/boot/firmware", 512 * k_mib, "RASPIFIRM"),
              partition("root", Filesystem::ext4, "/", std::nullopt, "RASPIROOT")};
    case Layout::pc:
    case Layout::ostree:
      return {partition("esp", Filesystem::vfat, "/boot/efi", 256 * k_mib, "EFI"),
              partition("root", Filesystem::ext4, "/", std::nullopt, "root")};
    case Layout::none:
      break;
  }
  return {partition("root", Filesystem::ext4, "/", std::nullopt, "root")};
}

size_t max_label_length(Filesystem filesystem) {
  return filesystem == Filesystem::ext4 ? 16 : 11;
}

}  // namespace apt_ostree::image
