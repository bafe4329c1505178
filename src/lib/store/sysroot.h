// An OSTree sysroot: the physical root of a system whose /usr comes from commits, with its
// stateroots ("OS names"), deployments and boot entries, on libostree (inside the store module).
// `compose image` makes one for the `ostree` layout; the client works on the booted one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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
  std::string commit;  // in the sysroot's repository
  std::string origin;  // the origin file's text: what upgrades follow (lib/deploy/origin.h)
  // The new deployment's kernel arguments; nullopt keeps those of the stateroot's current one.
  std::optional<std::vector<std::string>> kernel_arguments;
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

  // ostree's sysroot lock (ostree/lock), which every process changing deployments takes, stock
  // ostree and rpm-ostree included. The calls below that write need it held.
  virtual void lock() = 0;      // waits
  virtual bool try_lock() = 0;  // false if another process holds it
  virtual void unlock() = 0;

  // Deploys the commit as the new default and writes the boot entries (loader/entries/*.conf,
  // kernel and initramfs under /boot/ostree); /etc carries over from the stateroot's current
  // deployment. Keeps the booted deployment and the stateroot's current one, drops the others,
  // as rpm-ostree does: a new deployment replaces a pending one. Returns it.
  // Like write_order, it swaps the boot entries but deletes nothing: the previous boot entry
  // set and dropped deployments stay (still bootable) until cleanup(), so a boot loader
  // configuration made from the entries can follow in between.
  virtual Deployment deploy(const DeployOptions& options) = 0;
  // Writes the deployments in a new order, as indexes into deployments(): the first boots by
  // default; deployments left out are dropped (deleted by cleanup()).
  virtual void write_order(const std::vector<size_t>& order) = 0;
  // Deletes what no deployment uses any more: old boot entry sets, deployment directories and,
  // with `prune`, repository objects no ref or deployment reaches. Returns the bytes freed.
  virtual uint64_t cleanup(bool prune) = 0;
};

// Holds the sysroot lock for its lifetime.
class SysrootLock {
 public:
  explicit SysrootLock(Sysroot& sysroot) : m_sysroot(&sysroot) { sysroot.lock(); }
  static std::optional<SysrootLock> try_acquire(Sysroot& sysroot) {
    if (!sysroot.try_lock()) return std::nullopt;
    return SysrootLock(&sysroot);
  }
  SysrootLock(SysrootLock&& other) noexcept : m_sysroot(std::exchange(other.m_sysroot, nullptr)) {}
  SysrootLock& operator=(SysrootLock&& other) noexcept {
    if (this != &other) {
      release();
      m_sysroot = std::exchange(other.m_sysroot, nullptr);
    }
    return *this;
  }
  ~SysrootLock() { release(); }

 private:
  explicit SysrootLock(Sysroot* locked) : m_sysroot(locked) {}
  void release() {
    if (m_sysroot) m_sysroot->unlock();
    m_sysroot = nullptr;
  }
  Sysroot* m_sysroot;
};

// Opens the sysroot at `path` (`/` on a booted system). With `create`, a new one is made first
// when `path` holds none (as `ostree admin init-fs`): an empty repository, /boot, and no boot
// loader of ostree's own choosing (sysroot.bootloader=none: the boot entries are all it writes;
// the image's boot loader reads them). Throws Error naming the path.
std::unique_ptr<Sysroot> open_sysroot(const std::filesystem::path& path, bool create);

}  // namespace apt_ostree::store
