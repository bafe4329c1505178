#include "lib/image/layout_pc.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>

#include "lib/deb/version.h"
#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

// What the embedded image needs to find the root and read grub.cfg there, and what grub.cfg
// uses to load a kernel; everything else is loaded from /boot/grub/x86_64-efi on demand.
constexpr const char* k_grub_modules[] = {
    "part_gpt", "part_msdos", "fat", "ext2", "search", "search_fs_uuid", "normal", "configfile",
    "linux",    "echo",       "test",  "all_video", "gfxterm",      "serial", "terminal"};

}  // namespace

std::string pc_grub_config(const DiskPlan& plan, const std::string& kernel_version) {
  const PlannedPartition* root = plan.mounted_at("/");
  const PlannedPartition* boot = plan.mounted_at("/boot");
  // The kernel lives on /boot's filesystem: a separate /boot partition, or the root.
  const PlannedPartition* kernel_fs = boot ? boot : root;
  const std::string prefix = boot ? "" : "/boot";
  return fmt::format(
      "# Written by apt-ostree compose image (layout pc).\n"
      "serial --unit=0 --speed=115200\n"
      "terminal_input console serial\n"
      "terminal_output console serial\n"
      "set timeout=1\n"
      "menuentry 'Debian GNU/Linux, {0}' {{\n"
      "  search --no-floppy --fs-uuid --set=root {1}\n"
      "  linux {2}/vmlinuz-{0} root=UUID={3} ro console=tty0 console=ttyS0,115200n8\n"
      "  initrd {2}/initrd.img-{0}\n"
      "}}\n",
      kernel_version, kernel_fs->filesystem_uuid, prefix, root->filesystem_uuid);
}

const PlannedPartition& efi_system_partition(const DiskPlan& plan, std::string_view layout,
                                             std::string_view architecture) {
  if (architecture != "amd64")
    fail("layout {} makes amd64 images; this stage is {} (use layout none, or raspberrypi)",
         layout, architecture);
  const PlannedPartition* esp = plan.mounted_at("/boot/efi");
  if (!esp || esp->spec.filesystem != Filesystem::vfat)
    fail("layout {} needs a vfat partition mounted at /boot/efi (the EFI system partition)",
         layout);
  return *esp;
}

void install_pc_boot(const fs::path& tree, const DiskPlan& plan, std::string_view architecture) {
  const PlannedPartition& esp = efi_system_partition(plan, "pc", architecture);
  // The kernels are on /boot's filesystem: a separate /boot partition's content, or the root's.
  const PlannedPartition* boot = plan.mounted_at("/boot");
  const fs::path boot_dir = boot ? boot->content : tree / "boot";
  std::vector<std::string> kernels;
  if (fs::is_directory(boot_dir))
    for (const auto& entry : fs::directory_iterator(boot_dir)) {
      std::string name = entry.path().filename().string();
      if (name.starts_with("vmlinuz-") && entry.is_regular_file()) kernels.push_back(name.substr(8));
    }
  if (kernels.empty())
    fail("layout pc needs a kernel in the tree; add linux-image-amd64 to the stage's packages");
  // The newest, as dpkg orders versions (6.1.0-10 after 6.1.0-9).
  std::sort(kernels.begin(), kernels.end(), [](const std::string& a, const std::string& b) {
    return deb::compare_versions(a, b) < 0;
  });
  const std::string& kernel = kernels.back();
  if (!fs::exists(boot_dir / ("initrd.img-" + kernel)))
    fail("layout pc needs the initramfs of kernel {}; add initramfs-tools to the stage's packages",
         kernel);
  check_grub_efi(tree);

  fs::create_directories(boot_dir / "grub");
  util::write_file_atomic(boot_dir / "grub/grub.cfg", pc_grub_config(plan, kernel));
  install_grub_efi(tree, plan, esp);
}

void check_grub_efi(const fs::path& tree) {
  if (!fs::is_directory(tree / "usr/lib/grub/x86_64-efi") ||
      !fs::exists(tree / "usr/bin/grub-mkimage"))
    fail("the image needs GRUB for UEFI in the tree; add grub-efi-amd64-bin to the stage's "
         "packages");
}

void install_grub_efi(const fs::path& tree, const DiskPlan& plan, const PlannedPartition& esp) {
  // The embedded configuration: find /boot's filesystem, then read its grub.cfg.
  const PlannedPartition* boot = plan.mounted_at("/boot");
  const PlannedPartition* kernel_fs = boot ? boot : plan.mounted_at("/");
  const std::string grub_dir = boot ? "/grub" : "/boot/grub";
  util::write_file_atomic(tree / "tmp/apt-ostree-grub-early.cfg",
                          fmt::format("search --no-floppy --fs-uuid --set=root {}\n"
                                      "set prefix=($root){}\n"
                                      "configfile $prefix/grub.cfg\n",
                                      kernel_fs->filesystem_uuid, grub_dir));
  util::ChrootCommand command;
  command.argv = {"/usr/bin/grub-mkimage", "--format=x86_64-efi",
                  "--output=/tmp/apt-ostree-BOOTX64.EFI", "--prefix=" + grub_dir,
                  "--config=/tmp/apt-ostree-grub-early.cfg"};
  command.argv.insert(command.argv.end(), std::begin(k_grub_modules), std::end(k_grub_modules));
  command.environment = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  const fs::path log = tree / "tmp/apt-ostree-grub-mkimage.log";
  {
    util::UniqueFd fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    command.output_fd = fd.get();
    int status = util::run_in_chroot(tree, command);
    if (status != 0)
      fail("grub-mkimage failed in the tree (exit {}): {}", status,
           std::string(util::trim(util::read_file(log))));
  }
  fs::create_directories(esp.content / "EFI/BOOT");
  fs::rename(tree / "tmp/apt-ostree-BOOTX64.EFI", esp.content / "EFI/BOOT/BOOTX64.EFI");
  for (const char* name : {"apt-ostree-grub-early.cfg", "apt-ostree-grub-mkimage.log"})
    fs::remove(tree / "tmp" / name);
}

}  // namespace apt_ostree::image
