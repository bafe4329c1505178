// The kernel an image boots and the partition holding its root, found without mounting anything:
// every ext4 partition's /boot is listed with debugfs. The boot test starts arm64 images this way,
// with their own kernel and initramfs on QEMU's `virt` machine (which has no Raspberry Pi boot
// firmware to read config.txt).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/image/partition_table.h"

namespace apt_ostree::image {

struct ImageKernel {
  std::string version;  // "6.1.0-50-arm64": /boot/vmlinuz-VERSION and /boot/initrd.img-VERSION
  TablePartition root;  // the ext4 partition whose /boot holds them
};

// The newest kernel (with an initramfs) on the image's ext4 partitions; throws Error naming the
// image when there is none.
ImageKernel find_image_kernel(const std::filesystem::path& raw);

// The Debian architecture a kernel's flavour is built for ("6.1.0-50-arm64" -> arm64,
// "-armmp-lpae" -> armhf), if the flavour says.
std::optional<std::string> kernel_architecture(std::string_view version);

struct ExtractedKernel {
  std::filesystem::path kernel;
  std::filesystem::path initrd;
};

// Copies the kernel and its initramfs out of the image into `dir`.
ExtractedKernel extract_image_kernel(const std::filesystem::path& raw, const ImageKernel& kernel,
                                     const std::filesystem::path& dir);

}  // namespace apt_ostree::image
