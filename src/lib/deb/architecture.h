// Debian architecture names of the machine we run on and what emulating another one takes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apt_ostree::deb {

// The Debian architecture this program was built for ("amd64", "arm64", ...).
std::string host_architecture();

// True when the host runs the architecture's programs itself: its own, and the 32-bit sibling of
// a 64-bit x86 or Arm host.
bool runs_natively(std::string_view architecture);

// The CPU name qemu-user and binfmt_misc use for a Debian architecture ("arm64" -> "aarch64");
// nullopt for names qemu has no emulator for.
std::optional<std::string> qemu_cpu_for(std::string_view architecture);

}  // namespace apt_ostree::deb
