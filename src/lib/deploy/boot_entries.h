// The Boot Loader Specification entries ostree writes for its deployments
// (boot/loader/entries/ostree-N-OS.conf, `boot/loader` a link swapped atomically to the new set):
// the order deployments boot in, each one's kernel, initramfs and kernel arguments.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::deploy {

struct BootEntry {
  std::string file;  // its file name
  std::string title;
  std::string version;  // ostree numbers entries; the highest boots by default
  std::string linux;
  std::string initrd;
  std::string options;
  // The ostree= kernel argument: /ostree/boot.N/OS/BOOTCSUM/SERIAL, a link to the deployment.
  std::string ostree_argument() const;
};

// The entries in `entries_dir`, in boot order: the default first, as ostree orders deployments
// (by `version`, highest first). Empty if the directory is missing.
std::vector<BootEntry> read_boot_entries(const std::filesystem::path& entries_dir);

// The value of `name=` in a kernel command line ("" if absent).
std::string kernel_argument(std::string_view command_line, std::string_view name);

}  // namespace apt_ostree::deploy
