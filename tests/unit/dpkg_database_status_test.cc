#include "lib/compose/dpkg_database_status.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lib/util/error.h"

using namespace apt_ostree;
using compose::DpkgControl;
using compose::DpkgState;

namespace {

std::string error_of(auto&& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(DpkgControl, RewritesTheControlFileAsDpkgDoes) {
  // Input and output recorded from dpkg 1.21.22 (`dpkg --unpack` of a .deb built with this control
  // file, then var/lib/dpkg/status): field order and spelling, normalised relations and versions,
  // obsolete aliases merged, archive fields, Conffiles and "no" values dropped.
  std::string control =
      "Description: first\n"
      " continued  \n"
      "package: Pkg-O\n"
      "Depends: Foo:any (< 1.0) , bar(1.0)|BAZ (>> 0:2)\n"
      "Recommended: rec1\n"
      "Recommends: rec2 (>=1)\n"
      "Optional: opt1\n"
      "Class: Important\n"
      "priority: extra\n"
      "Filename: pool/o.deb\n"
      "Size: 12\n"
      "MD5sum: abc\n"
      "Conffiles:\n"
      " /etc/x 123\n"
      "Version: 00:1.0\n"
      "Architecture: all\n"
      "Multi-Arch: Foreign\n"
      "Essential: NO\n"
      "Maintainer: m <m@x>\n"
      "x-b: 1\n"
      "X-A:\n"
      "Installed-Size: \n"
      "Bugs: mailto:x\n"
      "Origin: Debian\n";
  DpkgControl parsed(control, "amd64", "package pkg-o");
  EXPECT_EQ(parsed.package(), "pkg-o");
  EXPECT_EQ(parsed.status_stanza(DpkgState::unpacked, {}),
            "Package: pkg-o\n"
            "Status: install ok unpacked\n"
            "Priority: extra\n"
            "Origin: Debian\n"
            "Maintainer: m <m@x>\n"
            "Bugs: mailto:x\n"
            "Architecture: all\n"
            "Multi-Arch: foreign\n"
            "Version: 1.0\n"
            "Depends: foo:any (<= 1.0), bar (= 1.0) | baz (>> 2)\n"
            "Recommends: rec1, rec2 (>= 1)\n"
            "Suggests: opt1\n"
            "Description: first\n"
            " continued\n"
            "x-b: 1\n"
            "X-A: \n");
}

TEST(DpkgControl, EveryKnownFieldInDpkgsOrderWithConffiles) {
  std::string control =
      "Homepage: https://example.org\n"
      "Description: all fields\n"
      "Enhances: e\nConflicts: c\nBreaks: b\nSuggests: s\nRecommends: r\nPre-Depends: p\n"
      "Depends: d\nProvides: v (= 1)\nReplaces: old\n"
      "Version: 2:1.0-1\nSource: src (1.0-1)\nMulti-Arch: same\nArchitecture: amd64\n"
      "Bugs: b\nMaintainer: m\nOrigin: o\nInstalled-Size: 3\nSection: libs\nPriority: required\n"
      "Protected: yes\nEssential: Yes\nPackage: lib\n"
      "Built-Using: x (= 1)\n";
  DpkgControl parsed(control, "amd64", "package lib");
  std::vector<compose::DpkgConffile> conffiles = {
      {"/etc/a", false, "0123456789abcdef0123456789abcdef"},
      {"/etc/gone", true, std::string(compose::k_new_conffile_hash)}};
  EXPECT_EQ(parsed.status_stanza(DpkgState::installed, conffiles),
            "Package: lib\nEssential: yes\nProtected: yes\nStatus: install ok installed\n"
            "Priority: required\nSection: libs\nInstalled-Size: 3\nOrigin: o\nMaintainer: m\n"
            "Bugs: b\nArchitecture: amd64\nMulti-Arch: same\nSource: src (1.0-1)\n"
            "Version: 2:1.0-1\nReplaces: old\nProvides: v (= 1)\nDepends: d\nPre-Depends: p\n"
            "Recommends: r\nSuggests: s\nBreaks: b\nConflicts: c\nEnhances: e\n"
            "Conffiles:\n /etc/a 0123456789abcdef0123456789abcdef\n"
            " /etc/gone newconffile remove-on-upgrade\n"
            "Description: all fields\n"
            "Homepage: https://example.org\nBuilt-Using: x (= 1)\n");
}

TEST(DpkgControl, PriorityUnknownIsNotWritten) {
  DpkgControl parsed("Package: a\nVersion: 1\nClass: standard\nPriority: unknown\n", "amd64", "a");
  EXPECT_EQ(parsed.status_stanza(DpkgState::unpacked, {}),
            "Package: a\nStatus: install ok unpacked\nVersion: 1\n");
  DpkgControl other("Package: a\nVersion: 1\nPriority: site-local\n", "amd64", "a");
  EXPECT_NE(other.status_stanza(DpkgState::unpacked, {}).find("Priority: site-local\n"),
            std::string::npos);
}

TEST(DpkgControl, RefusesWhatDpkgRefuses) {
  auto parse = [](std::string control) {
    return error_of([&] { DpkgControl(control, "amd64", "package x"); });
  };
  EXPECT_NE(parse("Version: 1\n").find("no Package field"), std::string::npos);
  EXPECT_NE(parse("Package: x\n").find("no Version field"), std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nStatus: install ok installed\n").find("'Status'"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nConfig-Version: 1\n").find("Config-Version"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nversion: 1\nVersion: 2\n").find("twice"), std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nX-A: 1\nx-a: 2\n").find("twice"), std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nArchitecture: all\nMulti-Arch: same\n")
                .find("Multi-Arch: same"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nMulti-Arch: sometimes\n").find("Multi-Arch"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nEssential: yesplease\n").find("trailing junk"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: a1\n").find("does not start with a digit"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nDepends: a (>= )\n").find("Depends field of package x"),
            std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\nRevision: 2\n").find("obsolete"), std::string::npos);
  EXPECT_NE(parse("Package: _x\nVersion: 1\n").find("invalid package name"), std::string::npos);
  EXPECT_NE(parse("Package: x\nVersion: 1\n\nPackage: y\nVersion: 1\n").find("more than one"),
            std::string::npos);
}

TEST(DpkgVersion, WritesVersionsBackAsDpkg) {
  EXPECT_EQ(compose::dpkg_version("1.0", "v"), "1.0");
  EXPECT_EQ(compose::dpkg_version(" 0:1.0-1 ", "v"), "1.0-1");
  EXPECT_EQ(compose::dpkg_version("00:1.0", "v"), "1.0");
  EXPECT_EQ(compose::dpkg_version("01:1.0", "v"), "1:1.0");
  // Without its zero epoch the colon in the upstream version would read as an epoch.
  EXPECT_EQ(compose::dpkg_version("0:1:2", "v"), "0:1:2");
  EXPECT_EQ(compose::dpkg_version("1.0~rc1+b2-0.1~bpo1", "v"), "1.0~rc1+b2-0.1~bpo1");
  for (std::string_view bad : {"", "1 0", ":1", "x:1", "1:", "1.0-", "-1", "1_0", "1.0-a_b"})
    EXPECT_THROW(compose::dpkg_version(bad, "v"), Error) << bad;
}

TEST(DpkgControl, DatabaseNamesAndStatusOrder) {
  auto control = [](std::string name, std::string arch, bool same) {
    return DpkgControl("Package: " + name + "\nVersion: 1\nArchitecture: " + arch +
                           (same ? "\nMulti-Arch: same\n" : "\n"),
                       "amd64", name);
  };
  std::vector<DpkgControl> packages = {
      control("libc6", "i386", true),  control("zlib", "all", false),
      control("libc6", "amd64", true), control("tool", "i386", false),
      control("tool", "amd64", false), control("arm-tool", "arm64", false)};
  EXPECT_EQ(packages[0].database_name(), "libc6:i386");
  EXPECT_EQ(packages[1].database_name(), "zlib");
  // Only Multi-Arch: same packages carry the architecture in info/ file names.
  EXPECT_EQ(packages[3].database_name(), "tool");
  std::sort(packages.begin(), packages.end(), DpkgControl::status_order);
  std::vector<std::string> order;
  for (const DpkgControl& package : packages)
    order.push_back(package.package() + ":" + package.architecture());
  EXPECT_EQ(order, (std::vector<std::string>{"arm-tool:arm64", "libc6:amd64", "libc6:i386",
                                             "tool:amd64", "tool:i386", "zlib:all"}));
}

TEST(DpkgNames, FileAndPackageNames) {
  EXPECT_EQ(compose::dpkg_file_name("//./etc/x"), "/etc/x");
  EXPECT_EQ(compose::dpkg_file_name("./usr/bin/a"), "/usr/bin/a");
  EXPECT_EQ(compose::dpkg_file_name("/usr/./b"), "/usr/./b");
  EXPECT_TRUE(compose::is_dpkg_package_name("g++-12"));
  EXPECT_TRUE(compose::is_dpkg_package_name("Libc6.1_x"));
  EXPECT_FALSE(compose::is_dpkg_package_name(""));
  EXPECT_FALSE(compose::is_dpkg_package_name("-x"));
  EXPECT_FALSE(compose::is_dpkg_package_name("a b"));
  EXPECT_FALSE(compose::is_dpkg_package_name("a:amd64"));
}

TEST(DpkgConffiles, ParsesTheConffilesMember) {
  auto conffiles = compose::parse_conffiles(
      "/etc/a.conf\n\n/etc/with space.conf  \nremove-on-upgrade /etc/old.conf\n//etc/./b\n", "pkg");
  ASSERT_EQ(conffiles.size(), 4u);
  EXPECT_EQ(conffiles[0].path, "/etc/a.conf");
  EXPECT_EQ(conffiles[0].hash, "newconffile");
  EXPECT_FALSE(conffiles[0].remove_on_upgrade);
  EXPECT_EQ(conffiles[1].path, "/etc/with space.conf");
  EXPECT_EQ(conffiles[2].path, "/etc/old.conf");
  EXPECT_TRUE(conffiles[2].remove_on_upgrade);
  // dpkg names files with a single leading slash.
  EXPECT_EQ(conffiles[3].path, "/etc/./b");
  EXPECT_TRUE(compose::parse_conffiles("", "pkg").empty());

  EXPECT_NE(error_of([] { compose::parse_conffiles("etc/a\n", "pkg"); }).find("absolute"),
            std::string::npos);
  EXPECT_NE(error_of([] { compose::parse_conffiles("keep /etc/a\n", "pkg"); }).find("'keep'"),
            std::string::npos);
  EXPECT_NE(error_of([] { compose::parse_conffiles("/etc/a", "pkg"); }).find("newline"),
            std::string::npos);
}
