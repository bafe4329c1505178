// What `status` shows: the deployments with their commits and origins, and whether a
// transaction holds the sysroot. Read from files only (no libostree, no package metadata): the
// command must answer in a few milliseconds.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "lib/deploy/deployment_list.h"
#include "lib/store/repo.h"

namespace apt_ostree::deploy {

struct DeploymentStatus {
  ListedDeployment listed;
  std::optional<store::CommitInfo> commit;  // nullopt when the repository lacks it
  // A derived deployment's commit is built here on its base: the commit's parent.
  std::string base_checksum;
  // Layered packages the base has itself and removals of packages it does not have (an upgrade
  // made them moot): still requested, nothing done for them. Read from the base commit's package
  // list; empty when it has none.
  std::vector<std::string> inactive;
};

struct SysrootStatus {
  bool busy = false;  // another process holds the sysroot lock (a transaction is running)
  std::vector<DeploymentStatus> deployments;
};

SysrootStatus read_status(const std::filesystem::path& sysroot);

// Whether a process holds ostree's sysroot lock (ostree/lock, an open file description lock).
bool sysroot_locked(const std::filesystem::path& sysroot);

nlohmann::ordered_json status_json(const SysrootStatus& status);
// rpm-ostree's layout: one block per deployment, ● marking the booted one; `verbose` adds the
// deployment's identity, subject, boot checksum and kernel arguments.
std::string format_status(const SysrootStatus& status, bool verbose);

// UTC, as rpm-ostree prints commit times: 2026-12-04T19:22:24Z.
std::string format_timestamp(uint64_t seconds);

}  // namespace apt_ostree::deploy
