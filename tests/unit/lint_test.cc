#include "lib/compose/lint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A small tree that passes every lint, fatal or warning; each test breaks it in one way and
// checks that exactly the lint meant to catch that fails, naming the culprit.
class Lint : public testing::Test {
 protected:
  void SetUp() override {
    for (const char* dir : {"dev", "proc", "sys", "run", "tmp", "boot", "sysroot", "var/log"})
      fs::create_directories(root() / dir);
    fs::create_symlink("sysroot/ostree", root() / "ostree");
    fs::create_symlink("../run", root() / "var/run");
    write("usr/lib/modules/6.1.0-18-amd64/vmlinuz", "kernel");
    write("usr/lib/tmpfiles.d/var.conf", "L /var/run - - - - ../run\nd /var/log 0755 - - -\n");
    write("usr/lib/sysusers.d/basic.conf", "u root 0 \"Super User\" /root\n");
    write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
    write("etc/group", "root:x:0:\n");
    write("etc/hostname", "debian\n");
    write("usr/lib/ostree/prepare-root.conf", "[composefs]\nenabled = yes\n");
    write("usr/lib/bootc/kargs.d/10-console.toml", "kargs = [\"console=ttyS0\"]\n");
  }

  const fs::path& root() const { return m_dir.path(); }

  void write(const fs::path& path, std::string_view content) {
    fs::create_directories((root() / path).parent_path());
    std::ofstream(root() / path, std::ios::binary) << content;
  }

  // The lints that fail, with their messages.
  std::map<std::string, std::string> failures(const std::vector<std::string>& skip = {}) {
    std::map<std::string, std::string> failed;
    for (const compose::LintResult& result : compose::lint_tree(root(), skip))
      if (!result.passed) failed[result.name] = result.message;
    return failed;
  }

  // The message of the one lint that fails; a test failure if none or several do.
  std::string only_failure(std::string_view name) {
    std::map<std::string, std::string> failed = failures();
    EXPECT_EQ(failed.size(), 1u);
    EXPECT_TRUE(failed.contains(std::string(name))) << "failed: " << testing::PrintToString(failed);
    return failed.contains(std::string(name)) ? failed[std::string(name)] : "";
  }

 private:
  util::TempDirGuard m_dir{util::make_temp_dir(fs::temp_directory_path(), "lint-test")};
};

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

TEST_F(Lint, GoodTreePassesEveryLint) {
  EXPECT_TRUE(failures().empty()) << testing::PrintToString(failures());
  std::vector<compose::LintResult> results = compose::lint_tree(root());
  EXPECT_EQ(results.size(), compose::lints().size());
  for (const compose::LintResult& result : results) EXPECT_TRUE(result.message.empty());
}

TEST_F(Lint, FatalLintsComeFirstAndNamesAreUnique) {
  std::set<std::string_view> names;
  bool warnings = false;
  for (const compose::LintInfo& lint : compose::lints()) {
    EXPECT_TRUE(names.insert(lint.name).second) << lint.name;
    EXPECT_FALSE(lint.description.empty());
    if (lint.level == compose::LintLevel::warning) warnings = true;
    EXPECT_FALSE(warnings && lint.level == compose::LintLevel::fatal) << lint.name;
  }
}

TEST_F(Lint, VarRunMustBeASymlinkToRun) {
  fs::remove(root() / "var/run");
  fs::create_directory(root() / "var/run");
  EXPECT_TRUE(contains(only_failure("var-run"), "/var/run is a directory"));

  fs::remove(root() / "var/run");
  fs::create_symlink("/somewhere", root() / "var/run");
  EXPECT_TRUE(contains(only_failure("var-run"), "points to /somewhere"));

  // Debian's base-files links it absolutely.
  fs::remove(root() / "var/run");
  fs::create_symlink("/run", root() / "var/run");
  EXPECT_TRUE(failures().empty());
}

TEST_F(Lint, EtcAndUsrEtcMustNotBothExist) {
  fs::create_directories(root() / "usr/etc");
  EXPECT_TRUE(contains(only_failure("etc-usretc"), "/usr/etc"));
}

TEST_F(Lint, ApiDirectoriesMustBeDirectories) {
  fs::remove(root() / "proc");
  EXPECT_EQ(only_failure("api-base-directories"), "/proc is missing");
  fs::create_directory(root() / "proc");

  fs::remove(root() / "tmp");
  write("tmp", "not a directory");
  EXPECT_EQ(only_failure("api-base-directories"), "/tmp is a regular file, not a directory");

  // rpm-ostree's layout links /tmp to the physical root's.
  fs::remove(root() / "tmp");
  fs::create_symlink("sysroot/tmp", root() / "tmp");
  EXPECT_TRUE(failures().empty());
}

TEST_F(Lint, BaseimageRootNeedsSysrootAndOstreeLink) {
  fs::remove(root() / "ostree");
  EXPECT_TRUE(contains(only_failure("baseimage-root"), "/ostree is missing"));
  fs::create_symlink("sysroot/ostree/", root() / "ostree");
  EXPECT_TRUE(contains(only_failure("baseimage-root"), "points to sysroot/ostree/"));
  fs::remove(root() / "ostree");
  fs::create_symlink("sysroot/ostree", root() / "ostree");
  fs::remove(root() / "sysroot");
  EXPECT_EQ(only_failure("baseimage-root"), "/sysroot is missing");
}

TEST_F(Lint, OneKernelWithItsVmlinuz) {
  write("usr/lib/modules/6.1.0-20-amd64/vmlinuz", "newer kernel");
  std::string message = only_failure("kernel");
  EXPECT_TRUE(contains(message, "2 kernels")) << message;
  EXPECT_TRUE(contains(message, "/usr/lib/modules/6.1.0-20-amd64")) << message;

  fs::remove(root() / "usr/lib/modules/6.1.0-20-amd64/vmlinuz");
  message = only_failure("kernel");
  EXPECT_TRUE(contains(message, "no vmlinuz in /usr/lib/modules/6.1.0-20-amd64")) << message;

  // No kernel at all is fine: a base for other images need not boot.
  fs::remove_all(root() / "usr/lib/modules");
  EXPECT_TRUE(failures().empty());
}

TEST_F(Lint, KargsFilesMustParse) {
  write("usr/lib/bootc/kargs.d/20-bad.toml", "kargs = [\"quiet\"]\nfoo = [\"bar\"]\n");
  std::string message = only_failure("bootc-kargs");
  EXPECT_EQ(message,
            "/usr/lib/bootc/kargs.d/20-bad.toml: line 2: unknown key 'foo'; only kargs and "
            "match-architectures");
}

TEST_F(Lint, NamesAndSymlinkTargetsMustBeUtf8) {
  write(
      "usr/share/bad\xff"
      "name",
      "x");
  EXPECT_EQ(only_failure("utf8"), "not UTF-8: /usr/share/bad\\xFFname");
  fs::remove(root() /
             "usr/share/bad\xff"
             "name");

  fs::create_symlink("target\xfe", root() / "usr/share/link");
  EXPECT_EQ(only_failure("utf8"), "not UTF-8: /usr/share/link -> target\\xFE");
}

TEST_F(Lint, ComposefsMustBeEnabled) {
  write("usr/lib/ostree/prepare-root.conf", "[composefs]\nenabled = no\n");
  EXPECT_TRUE(contains(only_failure("baseimage-composefs"), "does not enable composefs"));
  write("usr/lib/ostree/prepare-root.conf", "[root]\ntransient = true\n");
  EXPECT_TRUE(failures().empty());
  fs::remove(root() / "usr/lib/ostree/prepare-root.conf");
  EXPECT_TRUE(contains(only_failure("baseimage-composefs"), "is missing"));
}

TEST_F(Lint, EmptyHostnameOrResolvConfIsAWarning) {
  write("etc/resolv.conf", "");
  EXPECT_EQ(only_failure("buildah-injected"), "/etc/resolv.conf is empty");
}

TEST_F(Lint, LogFilesWithContent) {
  write("usr/lib/tmpfiles.d/log.conf",
        "f /var/log/empty.log\nd /var/log/apt\nf /var/log/apt/history.log\n");
  write("var/log/empty.log", "");  // an empty log is only a placeholder
  EXPECT_TRUE(failures().empty());
  write("var/log/apt/history.log", "Start-Date: ...");
  EXPECT_EQ(only_failure("var-log"), "log files with content: /var/log/apt/history.log");
}

TEST_F(Lint, VarContentMustBeInTmpfiles) {
  fs::create_directories(root() / "var/lib/dpkg");
  std::string message = only_failure("var-tmpfiles");
  EXPECT_EQ(message, "paths in /var no tmpfiles.d line creates: /var/lib, /var/lib/dpkg");
  write("etc/tmpfiles.d/dpkg.conf", "d /var/lib\nd %S/dpkg\n");
  EXPECT_TRUE(failures().empty());
}

TEST_F(Lint, AccountsMustBeInSysusers) {
  write("etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\n_apt:x:42:65534::/nonexistent:/bin/false\n");
  write("etc/group", "root:x:0:\nsudo:x:27:\n");
  EXPECT_EQ(only_failure("sysusers"),
            "users not in sysusers.d: _apt; groups not in sysusers.d: sudo");
}

TEST_F(Lint, BootMustExistAndBeEmpty) {
  write("boot/vmlinuz-6.1.0-18-amd64", "kernel");
  EXPECT_EQ(only_failure("nonempty-boot"), "/boot is not empty: /boot/vmlinuz-6.1.0-18-amd64");
  fs::remove_all(root() / "boot");
  EXPECT_EQ(only_failure("nonempty-boot"), "/boot is missing");
}

TEST_F(Lint, RunAndTmpMustBeEmpty) {
  write("run/lock/x", "");
  write("tmp/build.log", "");
  EXPECT_EQ(only_failure("nonempty-run-tmp"),
            "content in /run or /tmp: /run/lock, /run/lock/x, /tmp/build.log");
}

TEST_F(Lint, LongListsAreCapped) {
  for (int i = 0; i < 15; ++i) write(fmt::format("tmp/file{:02}", i), "");
  std::string message = only_failure("nonempty-run-tmp");
  EXPECT_TRUE(contains(message, "/tmp/file09 and 5 more")) << message;
  EXPECT_FALSE(contains(message, "/tmp/file10")) << message;
}

TEST_F(Lint, SkippedLintsDoNotRun) {
  write("var/log/dpkg.log", "log");
  EXPECT_TRUE(failures({"var-log", "var-tmpfiles"}).empty());
  std::vector<compose::LintResult> results = compose::lint_tree(root(), {"var-log", "utf8"});
  EXPECT_EQ(results.size(), compose::lints().size() - 2);
}

TEST_F(Lint, UnknownSkipNameIsAUsageErrorListingTheLints) {
  try {
    compose::lint_tree(root(), {"var-logs"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    std::string message = e.what();
    EXPECT_TRUE(contains(message, "unknown lint 'var-logs' (did you mean 'var-log'?)")) << message;
    EXPECT_TRUE(contains(message, "nonempty-run-tmp")) << message;
  }
}

TEST_F(Lint, TreeMustBeADirectory) {
  EXPECT_THROW(compose::lint_tree(root() / "missing"), Error);
}

}  // namespace
