#include "lib/deploy/deployment_order.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using deploy::DeploymentRole;
using Order = std::vector<size_t>;

namespace {

std::vector<deploy::ListedDeployment> with_roles(std::vector<DeploymentRole> roles) {
  std::vector<deploy::ListedDeployment> list;
  for (size_t i = 0; i < roles.size(); ++i) {
    deploy::ListedDeployment listed;
    listed.deployment.checksum = std::string(64, static_cast<char>('a' + i));
    listed.role = roles[i];
    list.push_back(listed);
  }
  return list;
}

}  // namespace

TEST(DeploymentOrderTest, Rollback) {
  using enum DeploymentRole;
  EXPECT_EQ(deploy::rollback_order(with_roles({booted, rollback})), (Order{1, 0}));
  EXPECT_EQ(deploy::rollback_order(with_roles({pending, booted, rollback})), (Order{1, 0, 2}));
  EXPECT_EQ(deploy::rollback_order(with_roles({current, rollback, rollback})), (Order{1, 0, 2}));
  EXPECT_THROW(deploy::rollback_order(with_roles({booted})), Error);
  EXPECT_THROW(deploy::rollback_order(with_roles({})), Error);
}

TEST(DeploymentOrderTest, Cleanup) {
  using enum DeploymentRole;
  auto list = with_roles({pending, booted, rollback});
  EXPECT_EQ(deploy::cleanup_order(list, true, false), (Order{1, 2}));
  EXPECT_EQ(deploy::cleanup_order(list, false, true), (Order{0, 1}));
  EXPECT_EQ(deploy::cleanup_order(list, true, true), (Order{1}));
  EXPECT_EQ(deploy::cleanup_order(with_roles({current, rollback}), true, false), (Order{0, 1}));
}
