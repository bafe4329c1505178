#include "lib/compose/lint_tmpfiles.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

compose::TmpfilesDeclarations parsed(std::string_view text) {
  compose::TmpfilesDeclarations declarations;
  compose::parse_tmpfiles(text, declarations);
  return declarations;
}

TEST(LintTmpfiles, CreatingLinesDeclareTheirPath) {
  compose::TmpfilesDeclarations declarations = parsed(
      "# comment\n"
      "d /var/lib/apt 0755 root root -\n"
      "L+ /var/run - - - - ../run\n"
      "f /var/log/wtmp 0664 root utmp -\n"
      "q /var/tmp/ 1777 root root 30d\n"
      "z /var/lib/ssl 0700 root root -\n"  // adjusts, creates nothing
      "R /var/lib/old\n"                   // removes
      "d\n");                              // malformed: skipped
  EXPECT_EQ(declarations.created,
            (std::set<std::string>{"/var/lib/apt", "/var/run", "/var/log/wtmp", "/var/tmp"}));
  EXPECT_TRUE(declarations.copied.empty());
  EXPECT_TRUE(declarations.covers("/var/lib/apt"));
  EXPECT_FALSE(declarations.covers("/var/lib/apt/lists"));  // d declares only the directory
  EXPECT_FALSE(declarations.covers("/var/lib/ssl"));
}

TEST(LintTmpfiles, SystemSpecifiersResolveOthersAreSkipped) {
  compose::TmpfilesDeclarations declarations = parsed(
      "d %S/dpkg\nd %C/apt\nd %L/journal\nd %V/x\nd %h/.cache\nd /var/lib/%m\n"
      "d /var/lib/100%%\n");
  EXPECT_EQ(declarations.created,
            (std::set<std::string>{"/var/lib/dpkg", "/var/cache/apt", "/var/log/journal",
                                   "/var/tmp/x", "/var/lib/100%"}));
}

TEST(LintTmpfiles, CopiedTreesCoverEverythingBelow) {
  compose::TmpfilesDeclarations declarations = parsed("C /var/lib/skel - - - - /usr/share/skel\n");
  EXPECT_TRUE(declarations.covers("/var/lib/skel"));
  EXPECT_TRUE(declarations.covers("/var/lib/skel/a/b"));
  EXPECT_FALSE(declarations.covers("/var/lib/skeleton"));
  EXPECT_FALSE(declarations.covers("/var/lib"));
}

TEST(LintTmpfiles, ListsUncoveredVarContentOfTheTree) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-tmpfiles-test"));
  const fs::path& root = dir.path();
  fs::create_directories(root / "usr/lib/tmpfiles.d");
  fs::create_directories(root / "etc/tmpfiles.d");
  std::ofstream(root / "usr/lib/tmpfiles.d/var.conf") << "d /var/lib\nd /var/cache\n";
  std::ofstream(root / "etc/tmpfiles.d/apt.conf") << "d /var/cache/apt\n";
  fs::create_directories(root / "var/cache/apt/archives");
  fs::create_directories(root / "var/lib/dpkg");
  std::ofstream(root / "var/lib/dpkg/status") << "Package: x\n";
  fs::create_symlink("../run", root / "var/run");
  EXPECT_EQ(compose::var_not_in_tmpfiles(root),
            (std::vector<std::string>{"var/cache/apt/archives", "var/lib/dpkg",
                                      "var/lib/dpkg/status", "var/run"}));
}

TEST(LintTmpfiles, NoVarNothingToCover) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-tmpfiles-test"));
  EXPECT_TRUE(compose::var_not_in_tmpfiles(dir.path()).empty());
}

}  // namespace
