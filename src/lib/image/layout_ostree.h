// The `ostree` layout: the root partition holds an OSTree sysroot (as `ostree admin init-fs`
// makes one) with the stage's commit, in the OSTree layout, deployed in a stateroot as stock
// `ostree admin deploy` would: the deployment, its /var, the kernel and initramfs in /boot/ostree
// and the boot entries in /boot/loader/entries. The disk boots like a `pc` one (UEFI, GRUB from the
// tree built into the ESP); GRUB's configuration is made from the boot entries, because Debian's
// GRUB does not read them itself. The deployment's /etc/fstab mounts the partitions by UUID.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "lib/image/partition_plan.h"

namespace apt_ostree::image {

// What to deploy: a commit already in the sysroot's repository.
struct OstreeDeploySpec {
  std::string osname;   // the stateroot
  std::string commit;
  std::string refspec;  // what the deployment follows (its origin): upgrades pull it
};

// Deploys into the sysroot `sysroot` (which `plan` lays out on the root partition) with the kernel
// arguments the disk needs, writes the deployment's fstab, GRUB's configuration and BOOTX64.EFI.
// Throws Error naming what is missing.
void install_ostree_boot(const std::filesystem::path& sysroot, const DiskPlan& plan,
                         std::string_view architecture, const OstreeDeploySpec& spec);

}  // namespace apt_ostree::image
