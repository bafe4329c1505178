// The new order of a sysroot's deployments for rollback and cleanup, as indexes into the list
// (lib/deploy/deployment_list.h); Transaction::write_order applies it.
#pragma once

#include <vector>

#include "lib/deploy/deployment_list.h"

namespace apt_ostree::deploy {

// rpm-ostree's rollback: with the booted deployment the default, the rollback (the one after
// it) goes first; with a pending deployment ahead of the booted one, the booted one goes first
// again. Without a booted deployment the first two swap. Throws Error if there is nothing to
// roll back to.
std::vector<size_t> rollback_order(const std::vector<ListedDeployment>& deployments);

// The deployments kept by `cleanup`: without the pending ones and/or the rollback ones.
std::vector<size_t> cleanup_order(const std::vector<ListedDeployment>& deployments,
                                  bool remove_pending, bool remove_rollback);

}  // namespace apt_ostree::deploy
