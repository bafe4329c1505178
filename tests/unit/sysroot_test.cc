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
