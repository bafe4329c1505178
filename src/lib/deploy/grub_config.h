// GRUB's configuration for an OSTree sysroot, made from ostree's boot entries: Debian's GRUB has
// no blscfg, and ostree's own GRUB backend calls grub2-mkconfig, which Debian does not have. The
// `ostree` image layout writes it, and every client command that changes the deployments
// rewrites it (by rename) right after ostree swaps the boot entries. The parameters are kept in
// the file's first lines, so the client regenerates it without knowing the disk.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lib/deploy/boot_entries.h"

namespace apt_ostree::deploy {

struct GrubTarget {
  std::string boot_uuid;  // the filesystem holding /boot
  std::string prefix;     // "/boot" when /boot is a directory of that filesystem, "" otherwise
};

// Where the configuration lives in a sysroot.
inline constexpr const char* k_grub_config = "boot/grub/grub.cfg";

// The configuration booting `entries` (the first by default).
std::string grub_config(const std::vector<BootEntry>& entries, const GrubTarget& target);

// The target recorded in `sysroot`'s configuration; nullopt if apt-ostree did not write it (the
// system boots otherwise, and its configuration is not ours to touch).
std::optional<GrubTarget> managed_grub_target(const std::filesystem::path& sysroot);

// Writes the configuration for the sysroot's current boot entries (atomically), unless the file
// already says exactly that.
void write_grub_config(const std::filesystem::path& sysroot, const GrubTarget& target);

// Rewrites the configuration if apt-ostree manages it; returns whether it did.
bool refresh_grub_config(const std::filesystem::path& sysroot);

}  // namespace apt_ostree::deploy
