#include "lib/deploy/transaction.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/deploy/grub_config.h"
#include "lib/deploy/package_layering.h"
#include "lib/util/error.h"

namespace apt_ostree::deploy {

Transaction::Transaction(const TransactionOptions& options)
    : m_phases(options.phases ? *options.phases : m_own_phases),
      m_path(options.sysroot),
      m_sysroot(store::open_sysroot(options.sysroot, false)) {
  m_lock = store::SysrootLock::try_acquire(*m_sysroot);
  if (!m_lock) wait_for_lock(options);
  // A transaction killed between ostree's swap of the boot entries and the boot loader's
  // configuration left the latter behind: bring it in line before changing anything.
  refresh_grub_config(m_path);
  for (const ListedDeployment& listed : deployments())
    m_deployed_at_start.insert(listed.deployment.checksum);
}

void Transaction::wait_for_lock(const TransactionOptions& options) {
  if (!options.wait)
    fail("another transaction holds the sysroot {} (ostree/lock); try again when it ends",
         m_path.string());
  if (options.on_wait)
    options.on_wait(fmt::format("waiting for another transaction on {} to end", m_path.string()));
  m_lock.emplace(*m_sysroot);
}

ListedDeployment Transaction::base() const { return base_deployment(deployments(), m_path); }

store::Deployment Transaction::deploy(const std::string& osname, const std::string& commit,
                                      const Origin& origin,
                                      std::optional<std::vector<std::string>> kernel_arguments) {
  store::Deployment deployed;
  {
    util::ScopedPhase phase(m_phases, "deploy");
    deployed = m_sysroot->deploy(
        {osname, commit, serialize_origin(origin), std::move(kernel_arguments)});
  }
  finish();
  return deployed;
}

uint64_t Transaction::write_order(const std::vector<size_t>& order) {
  {
    util::ScopedPhase phase(m_phases, "write the deployments");
    m_sysroot->write_order(order);
  }
  return finish();
}

uint64_t Transaction::finish(Prune prune) {
  {
    util::ScopedPhase phase(m_phases, "boot loader");
    refresh_grub_config(m_path);
  }
  std::vector<ListedDeployment> now = deployments();
  bool dropped = std::any_of(m_deployed_at_start.begin(), m_deployed_at_start.end(),
                             [&](const std::string& commit) {
                               return std::none_of(now.begin(), now.end(), [&](const auto& listed) {
                                 return listed.deployment.checksum == commit;
                               });
                             });
  const bool pruning = prune == Prune::always || dropped;
  util::ScopedPhase phase(m_phases, pruning ? "clean up and prune" : "clean up");
  ref_layered_bases(m_sysroot->repo_path(), now);
  return m_sysroot->cleanup(pruning);
}

}  // namespace apt_ostree::deploy
