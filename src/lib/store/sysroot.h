// An OSTree sysroot: the physical root of a system whose /usr comes from commits, with its
// stateroots ("OS names"), deployments and boot entries, on libostree (inside the store module).
// `compose image` makes one for the `ostree` layout; the client works on the booted one.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace apt_ostree::store {

struct Deployment {
  std::string osname;
  std::string checksum;   // the deployed commit
  int serial = 0;         // several deployments of one commit: .0, .1, ...
  std::string boot_checksum;
  std::filesystem::path path;  // the deployment's root directory
  std::string kernel_arguments;
  std::string refspec;  // what it follows, from its origin file ("" if none)
  bool booted = false;
};

struct DeployOptions {
  std::string osname;
  std::string commit;   // in the sysroot's repository
  std::string refspec;  // written to the origin file: what upgrades follow
  std::vector<std::string> kernel_arguments;
};

class Sysroot {
 public:
  virtual ~Sysroot() = default;

  // Every deployment, the one booted next first.
  virtual std::vector<Deployment> deployments() = 0;
  // The repository deployments are checked out of (ostree/repo).
  virtual std::filesystem::path repo_path() = 0;
  // Creates the stateroot `osname` (ostree/deploy/OSNAME with its /var) if missing.
  virtual void init_osname(const std::string& osname) = 0;
  // Deploys the commit as the new default, keeping the other deployments, and writes the boot
  // entries (loader/entries/*.conf, kernel and initramfs under /boot/ostree). Returns it.
  virtual Deployment deploy(const DeployOptions& options) = 0;
};

// Opens the sysroot at `path` (`/` on a booted system). With `create`, a new one is made first
// when `path` holds none (as `ostree admin init-fs`): an empty repository, /boot, and no boot
// loader of ostree's own choosing (sysroot.bootloader=none: the boot entries are all it writes;
// the image's boot loader reads them). Throws Error naming the path.
std::unique_ptr<Sysroot> open_sysroot(const std::filesystem::path& path, bool create);

}  // namespace apt_ostree::store
