#include "lib/store/sysroot.h"

#include <gtest/gtest.h>

#include "fake_sysroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

using SysrootTest = test_support::FakeSysrootTest;

TEST_F(SysrootTest, DeploysACommitWithItsBootEntry) {
  store::SysrootLock lock(*sysroot);
  store::Deployment deployed = sysroot->deploy(
      {"debian", commit, "[origin]\nrefspec=debian/test\n",
       std::vector<std::string>{"root=UUID=1234", "rw", "console=ttyS0"}});
  EXPECT_EQ(deployed.checksum, commit);
  EXPECT_EQ(deployed.refspec, "debian/test");
  EXPECT_EQ(util::read_file(deployed.path / "etc/hostname"), "debian\n");
  std::vector<store::Deployment> all = sysroot->deployments();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].path, deployed.path);
  EXPECT_FALSE(all[0].booted);
  EXPECT_NE(all[0].kernel_arguments.find("root=UUID=1234 rw console=ttyS0"), std::string::npos);
  EXPECT_NE(all[0].kernel_arguments.find("ostree=/ostree/boot.1/debian/"), std::string::npos);

  const std::string entry = util::read_file(dir / "sysroot/boot/loader/entries/ostree-1-debian.conf");
  EXPECT_NE(entry.find("vmlinuz-6.1.0-50-amd64"), std::string::npos) << entry;
  EXPECT_NE(entry.find("initramfs-6.1.0-50-amd64.img"), std::string::npos) << entry;

  // A second deployment goes first; the first stays, for rollback.
  store::Deployment second =
      sysroot->deploy({"debian", commit, "[origin]\nrefspec=debian/test\n", std::nullopt});
  all = sysroot->deployments();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].serial, 1);
  EXPECT_EQ(all[1].serial, 0);
  // No kernel arguments given: the current deployment's carry over.
  EXPECT_NE(all[0].kernel_arguments.find("root=UUID=1234 rw console=ttyS0"), std::string::npos);
}

TEST_F(SysrootTest, ReordersAndDropsDeployments) {
  store::SysrootLock lock(*sysroot);
  for (const char* argument : {"n=1", "n=2"})
    sysroot->deploy({"debian", commit, "[origin]\nrefspec=debian/test\n",
                     std::vector<std::string>{argument}});
  std::vector<store::Deployment> before = sysroot->deployments();
  ASSERT_EQ(before.size(), 2u);
  sysroot->write_order({1, 0});  // what rollback does
  std::vector<store::Deployment> after = sysroot->deployments();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].path, before[1].path);
  EXPECT_NE(after[0].kernel_arguments.find("n=1"), std::string::npos);

  sysroot->write_order({0});  // cleanup -r: the rollback goes
  ASSERT_EQ(sysroot->deployments().size(), 1u);
  sysroot->cleanup(false);
  EXPECT_FALSE(fs::exists(before[0].path));
  EXPECT_TRUE(fs::exists(before[1].path));
  EXPECT_THROW(sysroot->write_order({3}), Error);
}

// (Deploying prunes too, as ostree's postclean does: the orphan is made after.)
TEST_F(SysrootTest, PruneKeepsWhatRefsAndDeploymentsReach) {
  store::SysrootLock lock(*sysroot);
  sysroot->deploy({"debian", commit, "[origin]\nrefspec=debian/test\n", std::nullopt});
  auto repo = store::open_repo(sysroot->repo_path(), store::RepoMode::bare, false);
  util::write_file_atomic(dir / "tree/usr/etc/unreferenced", "gone after prune");
  const std::string orphan = repo->commit(dir / "tree", store::CommitOptions{});
  repo->set_ref(k_ref, std::nullopt);  // the deployment alone keeps `commit`
  auto object = [&](const std::string& checksum) {
    return sysroot->repo_path() / "objects" / checksum.substr(0, 2) /
           (checksum.substr(2) + ".commit");
  };
  ASSERT_TRUE(fs::exists(object(orphan)));
  EXPECT_GT(sysroot->cleanup(true), 0u);
  EXPECT_FALSE(fs::exists(object(orphan)));
  EXPECT_TRUE(fs::exists(object(commit)));
}

TEST_F(SysrootTest, LockIsExclusive) {
  std::unique_ptr<store::Sysroot> other = store::open_sysroot(dir / "sysroot", false);
  {
    store::SysrootLock lock(*sysroot);
    EXPECT_FALSE(store::SysrootLock::try_acquire(*other));
  }
  EXPECT_TRUE(store::SysrootLock::try_acquire(*other));
}

TEST(Sysroot, NotASysrootIsOneSentence) {
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "sysroot-test");
  EXPECT_THROW(store::open_sysroot(dir / "missing", false), Error);
  fs::remove_all(dir);
}
