#include "lib/util/chroot.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A root holding the host's dash and the libraries it links, enough to run shell commands.
class ChrootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "chroot and mounts need root";
    m_root = util::make_temp_dir(fs::temp_directory_path(), "chroot-test");
    copy_in("/bin/dash");
    util::ProcessResult ldd = util::run_process({"ldd", "/bin/dash"});
    ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
    for (size_t at = ldd.out.find('/'); at != std::string::npos; at = ldd.out.find('/', at)) {
      size_t end = ldd.out.find_first_of(" \n", at);
      copy_in(ldd.out.substr(at, end - at));
      at = end;
    }
    fs::create_directories(m_root / "bin");
    fs::create_symlink("dash", m_root / "bin/sh");
  }
  void TearDown() override {
    if (!m_root.empty()) fs::remove_all(m_root);
  }

  void copy_in(const fs::path& host_path) {
    fs::path target = m_root / host_path.relative_path();
    fs::create_directories(target.parent_path());
    fs::copy_file(fs::canonical(host_path), target, fs::copy_options::overwrite_existing);
    fs::permissions(target, fs::status(fs::canonical(host_path)).permissions());
  }

  // Runs `script` with /bin/sh inside the root; returns exit status, output in `output`.
  int sh(const std::string& script, std::string& output) {
    fs::path log = m_root.parent_path() / (m_root.filename().string() + ".log");
    util::UniqueFd fd(::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    util::ChrootCommand command;
    command.argv = {"/bin/sh", "-c", script};
    command.environment = {"PATH=/bin", "MARK=inside"};
    command.output_fd = fd.get();
    int status = util::run_in_chroot(m_root, command);
    output = util::read_file(log);
    fs::remove(log);
    return status;
  }

  static bool mounted(const fs::path& path) {
    std::string mounts = util::read_file("/proc/self/mountinfo");
    return mounts.find(" " + path.string() + " ") != std::string::npos;
  }

  fs::path m_root;
};

TEST_F(ChrootTest, RunsInsideWithApiFilesystemsAndUnmountsAfter) {
  {
    util::ChrootMounts mounts(m_root);
    EXPECT_TRUE(mounted(m_root / "proc"));
    EXPECT_TRUE(mounted(m_root / "run"));
    std::string output;
    EXPECT_EQ(sh("echo $MARK; test -e /proc/self/status && echo proc; test -c /dev/null && echo "
                 "dev; test -d /dev/pts && echo pts; test -w /sys || echo sys-ro",
                 output),
              0);
    EXPECT_EQ(output, "inside\nproc\ndev\npts\nsys-ro\n");
  }
  EXPECT_FALSE(mounted(m_root / "proc"));
  EXPECT_FALSE(mounted(m_root / "dev"));
  EXPECT_FALSE(mounted(m_root / "dev/pts"));
  EXPECT_FALSE(mounted(m_root / "run"));
  EXPECT_FALSE(mounted(m_root / "sys"));
}

TEST_F(ChrootTest, ExitStatusAndSignalsAreReported) {
  std::string output;
  EXPECT_EQ(sh("exit 3", output), 3);
  EXPECT_EQ(sh("kill -TERM $$", output), 128 + 15);
}

TEST_F(ChrootTest, TheRootIsTheRoot) {
  std::string output;
  ASSERT_EQ(sh("cd /; for f in *; do echo $f; done", output), 0);
  EXPECT_EQ(output, "bin\nlib\nlib64\n");
}

TEST_F(ChrootTest, MissingProgramIsAnErrorNamingIt) {
  util::ChrootCommand command;
  command.argv = {"/usr/bin/nonexistent"};
  try {
    util::run_in_chroot(m_root, command);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot run /usr/bin/nonexistent in"), std::string::npos)
        << e.what();
  }
}

TEST_F(ChrootTest, TreesWithMountsAreNeverRemoved) {
  {
    util::ChrootMounts mounts(m_root);
    EXPECT_GE(util::mounts_below(m_root).size(), 5u);
    EXPECT_THROW(util::remove_tree(m_root), Error);
    EXPECT_TRUE(fs::exists(m_root / "bin/dash"));
  }
  EXPECT_TRUE(util::mounts_below(m_root).empty());
  util::remove_tree(m_root);
  EXPECT_FALSE(fs::exists(m_root));
  m_root.clear();
}

TEST_F(ChrootTest, MountsAreUndoneWhenTheStackUnwinds) {
  try {
    util::ChrootMounts mounts(m_root);
    throw Error("a failing script");
  } catch (const Error&) {
  }
  EXPECT_FALSE(mounted(m_root / "proc"));
  EXPECT_FALSE(mounted(m_root / "dev"));
}

}  // namespace
