#include "lib/image/layout_ostree.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/image/disk_image.h"
#include "lib/image/layout_pc.h"
#include "lib/store/sysroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

// ostree-N-OS.conf -> N; entries named otherwise sort last.
unsigned entry_index(const std::string& file) {
  if (!file.starts_with("ostree-")) return ~0u;
  unsigned index = 0;
  for (size_t i = 7; i < file.size() && file[i] >= '0' && file[i] <= '9'; ++i)
    index = index * 10 + static_cast<unsigned>(file[i] - '0');
  return index;
}

// Every deployment's root directory in the sysroot (ostree/deploy/OS/deploy/CHECKSUM.N).
std::vector<fs::path> deployment_dirs(const fs::path& sysroot) {
  std::vector<fs::path> dirs;
  std::error_code error;
  for (const auto& stateroot : fs::directory_iterator(sysroot / "ostree/deploy", error))
    for (const auto& deployment : fs::directory_iterator(stateroot.path() / "deploy", error))
      if (deployment.is_directory()) dirs.push_back(deployment.path());
  return dirs;
}

}  // namespace

std::vector<BootEntry> read_boot_entries(const fs::path& entries_dir) {
  std::vector<BootEntry> entries;
  std::error_code error;
  for (const auto& file : fs::directory_iterator(entries_dir, error)) {
    if (file.path().extension() != ".conf") continue;
    BootEntry entry;
    entry.file = file.path().filename().string();
    const std::string text = util::read_file(file.path());
    for (std::string_view line : util::split(text, '\n')) {
      size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;
      std::string_view key = line.substr(0, space);
      std::string value(util::trim(line.substr(space + 1)));
      if (key == "title") entry.title = value;
      else if (key == "linux") entry.linux = value;
      else if (key == "initrd") entry.initrd = value;
      else if (key == "options") entry.options = value;
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const BootEntry& a, const BootEntry& b) {
    return std::make_pair(entry_index(a.file), a.file) < std::make_pair(entry_index(b.file), b.file);
  });
  return entries;
}

std::string bls_grub_config(const std::vector<BootEntry>& entries, std::string_view boot_uuid,
                            std::string_view prefix) {
  std::string text =
      "# Written by apt-ostree from the OSTree boot entries in /boot/loader/entries.\n"
      "serial --unit=0 --speed=115200\n"
      "terminal_input console serial\n"
      "terminal_output console serial\n"
      "set timeout=1\n"
      "set default=0\n";
  for (const BootEntry& entry : entries)
    text += fmt::format(
        "menuentry '{}' {{\n"
        "  search --no-floppy --fs-uuid --set=root {}\n"
        "  linux {}{} {}\n"
        "  initrd {}{}\n"
        "}}\n",
        entry.title.empty() ? entry.file : entry.title, boot_uuid, prefix, entry.linux,
        entry.options, prefix, entry.initrd);
  return text;
}

void install_ostree_boot(const fs::path& sysroot, const DiskPlan& plan,
                         std::string_view architecture, const OstreeDeploySpec& deploy) {
  const PlannedPartition& esp = efi_system_partition(plan, "ostree", architecture);
  const PlannedPartition& root = *plan.mounted_at("/");
  if (plan.mounted_at("/boot"))
    fail("layout ostree keeps /boot on the root partition (ostree's boot entries live there); "
         "remove the /boot partition");

  std::unique_ptr<store::Sysroot> target = store::open_sysroot(sysroot, false);
  target->init_osname(deploy.osname);
  store::Deployment deployed;
  try {
    deployed = target->deploy({deploy.osname, deploy.commit, deploy.refspec,
                               {fmt::format("root=UUID={}", root.filesystem_uuid), "rw",
                                "console=tty0", "console=ttyS0,115200n8"}});
  } catch (...) {
    // ostree makes deployments immutable; the work tree must stay removable.
    for (const fs::path& dir : deployment_dirs(sysroot)) util::clear_immutable(dir);
    throw;
  }
  // The image's filesystem does not keep the attribute anyway (mke2fs -d copies no flags).
  for (const fs::path& dir : deployment_dirs(sysroot)) util::clear_immutable(dir);
  if (!fs::exists(deployed.path / "usr/lib/ostree/ostree-prepare-root"))
    fail("layout ostree needs the tree's initramfs to mount the deployment; add ostree-boot to "
         "the stage's packages");
  check_grub_efi(deployed.path);

  util::write_file_atomic(deployed.path / "etc/fstab", fstab(plan));
  std::vector<BootEntry> entries = read_boot_entries(sysroot / "boot/loader/entries");
  if (entries.empty())
    fail("ostree wrote no boot entry for {}: the commit has no kernel in /usr/lib/modules; add "
         "linux-image-{} to the stage's packages",
         deploy.commit, architecture);
  fs::create_directories(sysroot / "boot/grub");
  util::write_file_atomic(sysroot / "boot/grub/grub.cfg",
                          bls_grub_config(entries, root.filesystem_uuid, "/boot"));
  install_grub_efi(deployed.path, plan, esp);
}

}  // namespace apt_ostree::image
