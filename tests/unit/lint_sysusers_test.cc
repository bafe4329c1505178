#include "lib/compose/lint_sysusers.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

using Names = std::set<std::string>;

void write(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

TEST(LintSysusers, UserLinesDeclareTheUserAndItsGroup) {
  compose::SysusersDeclarations declarations;
  compose::parse_sysusers(
      "# systemd's basic.conf, shortened\n"
      "u root 0:0 \"Super User\" /root\n"
      "g tty 5\n"
      "u! locked - \"Locked\"\n"
      "m builder kvm\n"
      "r - 500-900\n"
      "u \"unbalanced\n",
      declarations);
  EXPECT_EQ(declarations.users, (Names{"root", "locked", "builder"}));
  EXPECT_EQ(declarations.groups, (Names{"root", "tty", "locked", "kvm"}));
}

TEST(LintSysusers, AccountNamesSkipCommentsAndNisEntries) {
  EXPECT_EQ(compose::account_names("root:x:0:0:root:/root:/bin/bash\n\n# c\n+::::::\n-bad\n"
                                   "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"),
            (std::vector<std::string>{"root", "daemon"}));
}

TEST(LintSysusers, ReportsAccountsMissingFromSysusers) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-sysusers-test"));
  const fs::path& root = dir.path();
  // No passwd or group: nothing to check.
  EXPECT_TRUE(compose::accounts_not_in_sysusers(root).users.empty());

  write(root / "usr/lib/sysusers.d/basic.conf", "u root 0\ng tty 5\n");
  write(root / "etc/sysusers.d/local.conf", "u _apt 42\n");
  write(root / "etc/passwd",
        "root:x:0:0::/root:/bin/sh\n_apt:x:42:65534::/:/bin/false\n"
        "daemon:x:1:1::/:/bin/false\n");
  write(root / "etc/group", "root:x:0:\ntty:x:5:\nsudo:x:27:\nstaff:x:50:\n");
  compose::UndeclaredAccounts accounts = compose::accounts_not_in_sysusers(root);
  EXPECT_EQ(accounts.users, std::vector<std::string>{"daemon"});
  EXPECT_EQ(accounts.groups, (std::vector<std::string>{"sudo", "staff"}));
}

TEST(LintSysusers, ReadsUsrEtcInOstreeLayout) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-sysusers-test"));
  write(dir.path() / "usr/etc/passwd", "daemon:x:1:1::/:/bin/false\n");
  EXPECT_EQ(compose::accounts_not_in_sysusers(dir.path()).users,
            std::vector<std::string>{"daemon"});
}

}  // namespace
