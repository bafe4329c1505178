// The kernels a Debian tree holds: linux-image packages install /boot/vmlinuz-VERSION.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::compose {

// The VERSIONs of the regular files tree/boot/vmlinuz-VERSION, sorted; empty without /boot.
std::vector<std::string> boot_kernel_versions(const std::filesystem::path& tree);

}  // namespace apt_ostree::compose
