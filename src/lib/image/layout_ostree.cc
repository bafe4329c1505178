#include "lib/image/layout_ostree.h"

#include <fmt/format.h>

#include "lib/deploy/grub_config.h"
#include "lib/deploy/origin.h"
#include "lib/image/disk_image.h"
#include "lib/image/layout_pc.h"
#include "lib/store/sysroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::image {

namespace fs = std::filesystem;

namespace {

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

void install_ostree_boot(const fs::path& sysroot, const DiskPlan& plan,
                         std::string_view architecture, const OstreeDeploySpec& spec) {
  const PlannedPartition& esp = efi_system_partition(plan, "ostree", architecture);
  const PlannedPartition& root = *plan.mounted_at("/");
  if (plan.mounted_at("/boot"))
    fail("layout ostree keeps /boot on the root partition (ostree's boot entries live there); "
         "remove the /boot partition");

  std::unique_ptr<store::Sysroot> target = store::open_sysroot(sysroot, false);
  target->init_osname(spec.osname);
  deploy::Origin origin;
  origin.refspec = spec.refspec;
  store::Deployment deployed;
  try {
    store::SysrootLock lock(*target);
    deployed = target->deploy({spec.osname, spec.commit, deploy::serialize_origin(origin),
                               std::vector<std::string>{
                                   fmt::format("root=UUID={}", root.filesystem_uuid), "rw",
                                   "console=tty0", "console=ttyS0,115200n8"}});
    target->cleanup(false);
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
  if (deploy::read_boot_entries(sysroot / "boot/loader/entries").empty())
    fail("ostree wrote no boot entry for {}: the commit has no kernel in /usr/lib/modules; add "
         "linux-image-{} to the stage's packages",
         spec.commit, architecture);
  deploy::write_grub_config(sysroot, {root.filesystem_uuid, "/boot"});
  install_grub_efi(deployed.path, plan, esp);
}

}  // namespace apt_ostree::image
