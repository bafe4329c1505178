#include "lib/store/sysroot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "lib/store/repo.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A commit in the OSTree layout with a kernel, deployed into a new sysroot as `compose image`
// does for the ostree layout and `ostree admin deploy` would.
class SysrootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "deploying writes owners and immutable flags: needs root";
    dir = util::make_temp_dir(fs::temp_directory_path(), "sysroot-test");
    const fs::path tree = dir / "tree";
    fs::create_directories(tree / "usr/lib/modules/6.1.0-50-amd64");
    fs::create_directories(tree / "usr/etc");
    util::write_file_atomic(tree / "usr/lib/modules/6.1.0-50-amd64/vmlinuz", "kernel");
    util::write_file_atomic(tree / "usr/lib/modules/6.1.0-50-amd64/initramfs.img", "initramfs");
    util::write_file_atomic(tree / "usr/etc/hostname", "debian\n");
    util::write_file_atomic(tree / "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    auto source = store::open_repo(dir / "source", store::RepoMode::bare_user, true);
    store::CommitOptions options;
    options.ref = "debian/test";
    commit = source->commit(tree, options);

    sysroot = store::open_sysroot(dir / "sysroot", true);
    auto repo = store::open_repo(sysroot->repo_path(), store::RepoMode::bare, false);
    repo->pull_local(dir / "source", commit);
    repo->set_ref("debian/test", commit);
  }
  void TearDown() override {
    if (dir.empty()) return;
    // ostree makes each deployment's directory immutable.
    const fs::path deploy = dir / "sysroot/ostree/deploy/debian/deploy";
    if (fs::is_directory(deploy))
      for (const auto& entry : fs::directory_iterator(deploy)) util::clear_immutable(entry.path());
    fs::remove_all(dir);
  }

  fs::path dir;
  std::string commit;
  std::unique_ptr<store::Sysroot> sysroot;
};

}  // namespace

TEST_F(SysrootTest, DeploysACommitWithItsBootEntry) {
  sysroot->init_osname("debian");
  store::Deployment deployed = sysroot->deploy(
      {"debian", commit, "debian/test", {"root=UUID=1234", "rw", "console=ttyS0"}});
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
  store::Deployment second = sysroot->deploy({"debian", commit, "debian/test", {"rw"}});
  all = sysroot->deployments();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].serial, 1);
  EXPECT_EQ(all[1].serial, 0);
}

TEST(Sysroot, NotASysrootIsOneSentence) {
  const fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "sysroot-test");
  EXPECT_THROW(store::open_sysroot(dir / "missing", false), Error);
  fs::remove_all(dir);
}
