#include "lib/compose/treefile_names.h"

#include <gtest/gtest.h>

using namespace apt_ostree::compose;

TEST(TreefileNames, PackageNamesFollowPolicy) {
  EXPECT_TRUE(is_valid_package_name("systemd-sysv"));
  EXPECT_TRUE(is_valid_package_name("libstdc++6"));
  EXPECT_TRUE(is_valid_package_name("0ad"));
  EXPECT_TRUE(is_valid_package_name("g++"));
  EXPECT_FALSE(is_valid_package_name("a"));  // two characters at least
  EXPECT_FALSE(is_valid_package_name("Vim"));
  EXPECT_FALSE(is_valid_package_name("-foo"));
  EXPECT_FALSE(is_valid_package_name("foo_bar"));
  EXPECT_FALSE(is_valid_package_name("foo:amd64"));
}

TEST(TreefileNames, ArchitectureNames) {
  EXPECT_TRUE(is_valid_architecture_name("amd64"));
  EXPECT_TRUE(is_valid_architecture_name("hurd-i386"));
  EXPECT_TRUE(is_valid_architecture_name("ppc64el"));
  EXPECT_FALSE(is_valid_architecture_name("all"));
  EXPECT_FALSE(is_valid_architecture_name("any"));
  EXPECT_FALSE(is_valid_architecture_name("AMD64"));
  EXPECT_FALSE(is_valid_architecture_name("-arm"));
  EXPECT_FALSE(is_valid_architecture_name("arm_64"));
  EXPECT_FALSE(is_valid_architecture_name(""));
}

TEST(TreefileNames, Hostnames) {
  EXPECT_TRUE(is_valid_hostname("raspberrypi"));
  EXPECT_TRUE(is_valid_hostname("node-1.example.org"));
  EXPECT_TRUE(is_valid_hostname(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_hostname(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_hostname("-pi"));
  EXPECT_FALSE(is_valid_hostname("pi-"));
  EXPECT_FALSE(is_valid_hostname("a..b"));
  EXPECT_FALSE(is_valid_hostname("my_host"));
  EXPECT_FALSE(is_valid_hostname(""));
}

TEST(TreefileNames, SystemdUnitNames) {
  EXPECT_TRUE(is_valid_unit_name("ssh.service"));
  EXPECT_TRUE(is_valid_unit_name("getty@tty1.service"));
  EXPECT_TRUE(is_valid_unit_name("fstrim.timer"));
  EXPECT_TRUE(is_valid_unit_name("dev-disk-by\\x2dlabel-root.device"));
  EXPECT_FALSE(is_valid_unit_name("ssh"));
  EXPECT_FALSE(is_valid_unit_name("ssh.servce"));
  EXPECT_FALSE(is_valid_unit_name(".service"));
  EXPECT_FALSE(is_valid_unit_name("@tty1.service"));
  EXPECT_FALSE(is_valid_unit_name("a@b@c.service"));
  EXPECT_FALSE(is_valid_unit_name("my unit.service"));
}

TEST(TreefileNames, StageNames) {
  EXPECT_TRUE(is_valid_stage_name("stage0"));
  EXPECT_TRUE(is_valid_stage_name("lite_2.1-x"));
  EXPECT_FALSE(is_valid_stage_name("-base"));
  EXPECT_FALSE(is_valid_stage_name("a/b"));
  EXPECT_FALSE(is_valid_stage_name(""));
}

TEST(TreefileNames, ClosestNameAllowsTranspositionsAndRejectsFarNames) {
  std::vector<std::string> keys = {"packages", "path-exclude", "path-include", "release"};
  EXPECT_EQ(closest_name("pakages", keys), "packages");
  EXPECT_EQ(closest_name("pakcages", keys), "packages");  // one swap is one edit
  EXPECT_EQ(closest_name("path-exlcude", keys), "path-exclude");
  EXPECT_EQ(closest_name("relaese", keys), "release");
  EXPECT_FALSE(closest_name("image", keys));
  EXPECT_FALSE(closest_name("x", keys));
}
