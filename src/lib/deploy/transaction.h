// A change to a sysroot: the sysroot opened through the store module with ostree's sysroot lock
// held for the transaction's lifetime, so a concurrent apt-ostree, rpm-ostree or ostree waits (or,
// with `wait` off, this one fails at once). Every change ends with finish(): the boot loader's
// configuration follows the boot entries ostree swapped in, and only then are the previous
// entries and dropped deployments deleted. A transaction killed at any point leaves a sysroot
// that boots its old or its new default; the next one repairs the boot loader's configuration.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/deploy/deployment_list.h"
#include "lib/store/sysroot.h"
#include "lib/util/timer.h"

namespace apt_ostree::deploy {

struct TransactionOptions {
  std::filesystem::path sysroot = "/";
  bool wait = true;  // false: fail at once if another process holds the lock
  // Told once, before waiting for another process's transaction.
  std::function<void(const std::string& message)> on_wait;
  // Receives the time of each step (deploy, boot loader, clean up); may be null.
  util::PhaseLog* phases = nullptr;
};

class Transaction {
 public:
  explicit Transaction(const TransactionOptions& options);
  // Not moved: the phase log may be its own (returned by value, it is constructed in place).
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  store::Sysroot& sysroot() { return *m_sysroot; }
  util::PhaseLog& phases() { return m_phases; }
  const std::filesystem::path& path() const { return m_path; }
  // The deployments now (the lock keeps them so until the transaction changes them).
  std::vector<ListedDeployment> deployments() const { return list_deployments(m_path); }
  // Where a change starts from: the booted deployment, or the default one of a sysroot that is
  // not the running system. Throws Error if there is no deployment.
  ListedDeployment base() const;

  // Deploys `commit` with `origin` as the new default; kernel arguments as given, or the
  // stateroot's current ones. Then finish().
  store::Deployment deploy(const std::string& osname, const std::string& commit,
                           const Origin& origin,
                           std::optional<std::vector<std::string>> kernel_arguments);
  // Rewrites the deployments in `order` (indexes into deployments()). Then finish(), whose
  // pruned bytes it returns.
  uint64_t write_order(const std::vector<size_t>& order);
  // Rewrites the boot loader configuration if apt-ostree manages it (lib/deploy/grub_config.h),
  // then deletes what no deployment uses, and prunes repository objects: with Prune::always, or
  // by default when a commit deployed at the start no longer is (otherwise nothing can have
  // become unreachable, and a prune walks every reachable object for nothing). Returns the bytes
  // pruned.
  enum class Prune { when_dropped, always };
  uint64_t finish(Prune prune = Prune::when_dropped);

 private:
  void wait_for_lock(const TransactionOptions& options);

  util::PhaseLog m_own_phases;  // when the options give none
  util::PhaseLog& m_phases;
  std::filesystem::path m_path;
  std::unique_ptr<store::Sysroot> m_sysroot;
  std::optional<store::SysrootLock> m_lock;  // released before the sysroot closes
  std::set<std::string> m_deployed_at_start;  // the deployments' commits
};

}  // namespace apt_ostree::deploy
