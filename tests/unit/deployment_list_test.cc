#include "lib/deploy/deployment_list.h"

#include <gtest/gtest.h>

#include "fake_sysroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

using DeploymentListTest = test_support::FakeSysrootTest;

// The files alone give what libostree gives.
TEST_F(DeploymentListTest, ListsWhatLibostreeLists) {
  store::SysrootLock lock(*sysroot);
  for (const char* argument : {"n=1", "n=2", "n=3"})
    sysroot->deploy({"debian", commit, "[origin]\nrefspec=origin:debian/test\n",
                     std::vector<std::string>{"rw", argument}});
  std::vector<store::Deployment> expected = sysroot->deployments();
  std::vector<deploy::ListedDeployment> listed = deploy::list_deployments(dir / "sysroot");
  ASSERT_EQ(listed.size(), expected.size());
  ASSERT_EQ(listed.size(), 2u);  // the new one and the previous default (the rollback)
  for (size_t i = 0; i < listed.size(); ++i) {
    const store::Deployment& got = listed[i].deployment;
    EXPECT_EQ(got.osname, expected[i].osname);
    EXPECT_EQ(got.checksum, expected[i].checksum);
    EXPECT_EQ(got.serial, expected[i].serial);
    EXPECT_EQ(got.boot_checksum, expected[i].boot_checksum);
    EXPECT_EQ(fs::weakly_canonical(got.path), fs::weakly_canonical(expected[i].path));
    EXPECT_EQ(got.kernel_arguments, expected[i].kernel_arguments);
    EXPECT_EQ(got.refspec, "origin:debian/test");
    EXPECT_FALSE(got.booted);  // a sysroot that is not "/" is never the running system
  }
  EXPECT_NE(listed[0].deployment.kernel_arguments.find("n=3"), std::string::npos);
  EXPECT_EQ(listed[0].role, deploy::DeploymentRole::current);
  EXPECT_EQ(listed[1].role, deploy::DeploymentRole::rollback);
  EXPECT_EQ(listed[0].origin.refspec, "origin:debian/test");
  EXPECT_FALSE(listed[0].origin.derived());
}

TEST_F(DeploymentListTest, NoDeploymentsAndNotASysroot) {
  EXPECT_TRUE(deploy::list_deployments(dir / "sysroot").empty());
  EXPECT_THROW(deploy::list_deployments(dir / "source"), Error);
}
