// The `pc` layout: an amd64 disk that UEFI firmware boots (QEMU with OVMF, real PCs). GRUB, from
// the tree's own grub-efi-amd64-bin, is built into the removable-media path of the ESP
// (EFI/BOOT/BOOTX64.EFI) with a small embedded configuration that finds the root filesystem by
// UUID and reads /boot/grub/grub.cfg there, which boots the tree's newest kernel and initramfs
// with root=UUID=... and a console on the screen and the first serial port. Nothing is installed
// into firmware variables, so the image boots wherever it is written.
#pragma once

#include <filesystem>
#include <string>

#include "lib/image/image_spec.h"
#include "lib/image/partition_plan.h"

namespace apt_ostree::image {

// GRUB's configuration for the tree's kernel `version` on the planned disk.
std::string pc_grub_config(const DiskPlan& plan, const std::string& kernel_version);

// Installs the boot files: grub.cfg into `tree`/boot/grub, BOOTX64.EFI into the ESP's content
// directory. Throws Error naming what is missing (the kernel, grub-efi-amd64-bin, the ESP).
void install_pc_boot(const std::filesystem::path& tree, const DiskPlan& plan,
                     std::string_view architecture);

// What the UEFI layouts (pc, ostree) share: the checks, and GRUB built with `tree`'s own
// grub-mkimage and modules into the ESP's EFI/BOOT/BOOTX64.EFI, with an embedded configuration
// that reads grub.cfg from /boot/grub of /boot's filesystem (found by UUID).
const PlannedPartition& efi_system_partition(const DiskPlan& plan, std::string_view layout,
                                             std::string_view architecture);
void check_grub_efi(const std::filesystem::path& tree);
void install_grub_efi(const std::filesystem::path& tree, const DiskPlan& plan,
                      const PlannedPartition& esp);

}  // namespace apt_ostree::image
