// The `raspberrypi` layout, as Debian's own Raspberry Pi images are made: an msdos disk whose first
// partition is FAT, mounted at /boot/firmware, where the tree's raspi-firmware package has already
// put the boot firmware, the newest kernel, its initramfs, the device trees, config.txt and
// cmdline.txt (its kernel hook runs when the stage is built). The layout checks that all of it is
// there and points the kernel command line at the root partition by PARTUUID, also for the
// cmdline.txt the hook writes again when a kernel is upgraded on the device, and adds the serial
// console the hook leaves out when it runs on a build host.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/image/partition_plan.h"

namespace apt_ostree::image {

// `cmdline` (cmdline.txt) with its root= argument replaced by `root` (added when missing).
std::string with_root_argument(std::string_view cmdline, std::string_view root);

// /etc/default/raspi-firmware with ROOTPART set to `root`, unless it sets ROOTPART itself (the
// tree's own choice is kept; `nullopt` then).
std::optional<std::string> with_rootpart_default(std::string_view defaults, std::string_view root);

// Whether /etc/default/raspi-firmware (`defaults`) sets the variable `name`.
bool sets_variable(std::string_view defaults, std::string_view name);

// `cmdline` with `console` ("ttyS1,115200") added after its other consoles, unless it names a
// serial console already.
std::string with_serial_console(std::string_view cmdline, std::string_view console);

// Checks the firmware partition's content and writes the root into cmdline.txt and
// `tree`/etc/default/raspi-firmware, and the board's serial console into cmdline.txt (as the
// kernel hook would write it on the board) unless the tree sets CONSOLES. Throws Error naming the package that is missing.
void install_raspberrypi_boot(const std::filesystem::path& tree, const DiskPlan& plan,
                              std::string_view architecture);

}  // namespace apt_ostree::image
