#include "lib/deploy/package_diff.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;

namespace {

store::CommitInfo commit_with(std::vector<std::string> lines) {
  store::CommitInfo commit;
  commit.checksum = std::string(64, 'c');
  commit.metadata["apt-ostree.packages"] = std::move(lines);
  return commit;
}

}  // namespace

TEST(PackageDiffTest, ComparesDebianVersions) {
  auto from = deploy::commit_packages(commit_with(
      {"libc6 2.36-9 amd64", "bash 5.2.15-2 amd64", "nano 7.2-1 amd64", "zlib1g 1:1.2.13 amd64"}));
  auto to = deploy::commit_packages(commit_with(
      {"bash 5.2.15-2+b1 amd64", "libc6 2.36-9+deb12u4 amd64", "htop 3.2.2-2 amd64",
       "zlib1g 1:1.2.12 amd64"}));
  ASSERT_EQ(from.size(), 4u);
  EXPECT_EQ(from[0].name, "bash");  // sorted
  deploy::PackageDiff diff = deploy::diff_packages(from, to);
  ASSERT_EQ(diff.upgraded.size(), 2u);
  EXPECT_EQ(diff.upgraded[0].name, "bash");
  EXPECT_EQ(diff.upgraded[1].to, "2.36-9+deb12u4");
  ASSERT_EQ(diff.downgraded.size(), 1u);
  EXPECT_EQ(diff.downgraded[0].name, "zlib1g");  // epochs compare as dpkg does
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0].name, "htop");
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(diff.removed[0].from, "7.2-1");
  const std::string text = deploy::format_package_diff(diff);
  EXPECT_NE(text.find("Upgraded:\n  bash:amd64 5.2.15-2 -> 5.2.15-2+b1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Removed:\n  nano:amd64 7.2-1\n"), std::string::npos) << text;
  EXPECT_TRUE(deploy::diff_packages(from, from).empty());
  EXPECT_EQ(deploy::format_package_diff({}), "No package changes.\n");
}

TEST(PackageDiffTest, ACommitWithoutAListIsNamed) {
  store::CommitInfo commit;
  commit.checksum = std::string(64, 'd');
  try {
    deploy::commit_packages(commit);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(commit.checksum), std::string::npos);
  }
}
