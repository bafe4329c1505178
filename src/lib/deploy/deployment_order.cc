#include "lib/deploy/deployment_order.h"

#include "lib/util/error.h"

namespace apt_ostree::deploy {

std::vector<size_t> rollback_order(const std::vector<ListedDeployment>& deployments) {
  size_t first = 0;  // what goes first: the rollback, or the booted one behind a pending one
  for (size_t i = 0; i < deployments.size(); ++i)
    if (deployments[i].role == DeploymentRole::booted) first = i == 0 ? 1 : i;
  if (first == 0) first = 1;
  if (first >= deployments.size())
    fail("there is no deployment to roll back to: the only one is {}.{}",
         deployments.empty() ? "" : deployments[0].deployment.checksum,
         deployments.empty() ? 0 : deployments[0].deployment.serial);
  std::vector<size_t> order{first};
  for (size_t i = 0; i < deployments.size(); ++i)
    if (i != first) order.push_back(i);
  return order;
}

std::vector<size_t> cleanup_order(const std::vector<ListedDeployment>& deployments,
                                  bool remove_pending, bool remove_rollback) {
  std::vector<size_t> order;
  for (size_t i = 0; i < deployments.size(); ++i) {
    DeploymentRole role = deployments[i].role;
    if ((remove_pending && role == DeploymentRole::pending) ||
        (remove_rollback && role == DeploymentRole::rollback))
      continue;
    order.push_back(i);
  }
  return order;
}

}  // namespace apt_ostree::deploy
