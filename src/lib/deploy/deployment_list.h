// The deployments of a sysroot read from its files alone (boot entries, deployment links, origin
// files), as libostree would list them but without loading it: `status` reads only these.
#pragma once

#include <filesystem>
#include <vector>

#include "lib/deploy/origin.h"
#include "lib/store/sysroot.h"

namespace apt_ostree::deploy {

enum class DeploymentRole {
  booted,    // running now
  pending,   // boots next, ahead of the booted one
  rollback,  // after the booted one (or, when none is booted, after the default)
  current,   // the default one of a sysroot that is not the running system
};

struct ListedDeployment {
  store::Deployment deployment;
  Origin origin;
  DeploymentRole role = DeploymentRole::current;
};

// Every deployment in boot order (the default first), as store::Sysroot::deployments() lists
// them. `booted` is found only when `sysroot` is "/" on a system booted by ostree. Throws Error if
// `sysroot` is not an OSTree sysroot.
std::vector<ListedDeployment> list_deployments(const std::filesystem::path& sysroot);

// Where a change starts from and what kargs shows: the booted deployment, or the default one of a
// sysroot that is not the running system. Throws Error if there is none.
const ListedDeployment& base_deployment(const std::vector<ListedDeployment>& deployments,
                                        const std::filesystem::path& sysroot);

std::string_view role_name(DeploymentRole role);

}  // namespace apt_ostree::deploy
