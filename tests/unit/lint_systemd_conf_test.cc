#include "lib/compose/lint_systemd_conf.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

using Fields = std::optional<std::vector<std::string>>;

void write(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

TEST(LintSystemdConf, SplitsFieldsAsSystemdDoes) {
  EXPECT_EQ(compose::split_conf_fields("d /var/lib/foo 0755 root root -"),
            (Fields{{"d", "/var/lib/foo", "0755", "root", "root", "-"}}));
  EXPECT_EQ(compose::split_conf_fields("u root 0 \"Super User\" /root"),
            (Fields{{"u", "root", "0", "Super User", "/root"}}));
  EXPECT_EQ(compose::split_conf_fields("d '/var/a b'/c /x\\x20y \"\""),
            (Fields{{"d", "/var/a b/c", "/x y", ""}}));
  EXPECT_EQ(compose::split_conf_fields("   "), Fields{std::vector<std::string>{}});
  EXPECT_EQ(compose::split_conf_fields("d \"/unbalanced"), std::nullopt);
  EXPECT_EQ(compose::split_conf_fields("d /bad\\qescape"), std::nullopt);
}

TEST(LintSystemdConf, DropInsByNameEtcFirstAndMaskedByDevNull) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-conf-test"));
  const fs::path& root = dir.path();
  write(root / "usr/lib/tmpfiles.d/b.conf", "vendor b");
  write(root / "usr/lib/tmpfiles.d/a.conf", "vendor a");
  write(root / "usr/lib/tmpfiles.d/README", "not a drop-in");
  write(root / "etc/tmpfiles.d/b.conf", "admin b");
  write(root / "usr/local/lib/tmpfiles.d/c.conf", "local c");
  fs::create_symlink("/dev/null", root / "etc/tmpfiles.d/a.conf");

  std::vector<std::string> files = compose::systemd_conf_files(root, "tmpfiles.d");
  EXPECT_EQ(files, (std::vector<std::string>{"etc/tmpfiles.d/a.conf", "etc/tmpfiles.d/b.conf",
                                             "usr/local/lib/tmpfiles.d/c.conf"}));
  EXPECT_EQ(compose::read_tree_file(root, files[0]), "");  // masked
  EXPECT_EQ(compose::read_tree_file(root, files[1]), "admin b");
  EXPECT_EQ(compose::systemd_conf_texts(root, "tmpfiles.d"),
            (std::vector<std::string>{"", "admin b", "local c"}));
  EXPECT_TRUE(compose::systemd_conf_files(root, "sysusers.d").empty());
}

TEST(LintSystemdConf, UsrEtcStandsInForAMissingEtc) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-conf-test"));
  EXPECT_EQ(compose::tree_etc(dir.path()), "etc");
  write(dir.path() / "usr/etc/sysusers.d/x.conf", "g x");
  EXPECT_EQ(compose::tree_etc(dir.path()), "usr/etc");
  EXPECT_EQ(compose::systemd_conf_files(dir.path(), "sysusers.d"),
            std::vector<std::string>{"usr/etc/sysusers.d/x.conf"});
}

TEST(LintSystemdConf, SymlinksResolveInsideTheTree) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-conf-test"));
  const fs::path& root = dir.path();
  write(root / "usr/share/base-passwd/passwd", "tree's copy");
  fs::create_directories(root / "etc");
  fs::create_symlink("/usr/share/base-passwd/passwd", root / "etc/absolute");
  fs::create_symlink("../usr/share/base-passwd/passwd", root / "etc/relative");
  fs::create_symlink("../../../../usr/share/base-passwd/passwd", root / "etc/escaping");
  fs::create_symlink("loop", root / "etc/loop");
  EXPECT_EQ(compose::read_tree_file(root, "etc/absolute"), "tree's copy");
  EXPECT_EQ(compose::read_tree_file(root, "etc/relative"), "tree's copy");
  EXPECT_EQ(compose::read_tree_file(root, "etc/escaping"), "tree's copy");
  EXPECT_EQ(compose::read_tree_file(root, "etc/loop"), std::nullopt);
  EXPECT_EQ(compose::read_tree_file(root, "etc/missing"), std::nullopt);
  EXPECT_EQ(compose::read_tree_file(root, "usr/share"), std::nullopt);  // a directory
}

}  // namespace
