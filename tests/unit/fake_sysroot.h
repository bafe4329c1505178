// A fixture for tests of code that works on an OSTree sysroot: a commit in the OSTree layout
// with a stub kernel (version metadata "1.0"), pulled into a new sysroot's repository under
// `k_ref`, as `compose image` (ostree layout) and ostree's own tests set one up. Deploying
// writes owners and immutable flags, so it needs root; the directory is removed at the end.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "lib/store/repo.h"
#include "lib/store/sysroot.h"
#include "lib/util/fs.h"

namespace apt_ostree::test_support {

class FakeSysrootTest : public ::testing::Test {
 protected:
  static constexpr const char* k_ref = "debian/test";

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "deploying writes owners and immutable flags: needs root";
    dir = util::make_temp_dir(std::filesystem::temp_directory_path(), "fake-sysroot-test");
    const std::filesystem::path tree = dir / "tree";
    std::filesystem::create_directories(tree / "usr/lib/modules/6.1.0-50-amd64");
    std::filesystem::create_directories(tree / "usr/etc");
    util::write_file_atomic(tree / "usr/lib/modules/6.1.0-50-amd64/vmlinuz", "kernel");
    util::write_file_atomic(tree / "usr/lib/modules/6.1.0-50-amd64/initramfs.img", "initramfs");
    util::write_file_atomic(tree / "usr/etc/hostname", "debian\n");
    util::write_file_atomic(tree / "usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    auto source = store::open_repo(dir / "source", store::RepoMode::bare_user, true);
    store::CommitOptions options;
    options.ref = k_ref;
    options.timestamp = 1700000000;
    options.metadata = {{"version", std::string("1.0")}};
    commit = source->commit(tree, options);

    sysroot = store::open_sysroot(dir / "sysroot", true);
    auto repo = store::open_repo(sysroot->repo_path(), store::RepoMode::bare, false);
    repo->pull_local(dir / "source", commit);
    repo->set_ref(k_ref, commit);
    sysroot->init_osname("debian");
  }
  void TearDown() override {
    if (dir.empty()) return;
    // ostree makes each deployment's directory immutable.
    const std::filesystem::path deploy = dir / "sysroot/ostree/deploy/debian/deploy";
    if (std::filesystem::is_directory(deploy))
      for (const auto& entry : std::filesystem::directory_iterator(deploy))
        util::clear_immutable(entry.path());
    std::filesystem::remove_all(dir);
  }

  std::filesystem::path dir;
  std::string commit;
  std::unique_ptr<store::Sysroot> sysroot;
};

}  // namespace apt_ostree::test_support
