#include "lib/deb/release.h"

#include <gtest/gtest.h>

#include <string>

#include "lib/util/error.h"

using namespace apt_ostree;

namespace {

// Abridged from Debian's bookworm InRelease, signature already stripped.
const char* const k_bookworm =
    "Origin: Debian\n"
    "Label: Debian\n"
    "Suite: oldstable\n"
    "Version: 12.15\n"
    "Codename: bookworm\n"
    "Changelogs: https://metadata.ftp-master.debian.org/changelogs/@CHANGEPATH@_changelog\n"
    "Date: Sat, 11 Jul 2026 10:16:37 UTC\n"
    "Acquire-By-Hash: yes\n"
    "No-Support-for-Architecture-all: Packages\n"
    "Architectures: all amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x\n"
    "Components: main contrib non-free-firmware non-free\n"
    "Description: Debian 12.15 Released 11 July 2026\n"
    "MD5Sum:\n"
    " b838d31986207780a596ce3e8010f90f  8790396 main/binary-amd64/Packages.xz\n"
    "SHA256:\n"
    " d6c9c82f4e61b4662f9ba16b9ebb379c57b4943f8b7813091d1f637325ddfb79  1484322 "
    "contrib/Contents-all\n"
    " 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 "
    "main/binary-amd64/Packages.xz\n"
    " E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855        0 "
    "main/binary-amd64/Release\n";

std::string error_of(std::string_view text) {
  try {
    deb::parse_release(text, "dists/bookworm/InRelease");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Release, ParsesDebianInRelease) {
  deb::ReleaseFile release = deb::parse_release(k_bookworm, "dists/bookworm/InRelease");
  EXPECT_EQ(release.origin, "Debian");
  EXPECT_EQ(release.label, "Debian");
  EXPECT_EQ(release.suite, "oldstable");
  EXPECT_EQ(release.codename, "bookworm");
  EXPECT_EQ(release.version, "12.15");
  EXPECT_EQ(release.date, "Sat, 11 Jul 2026 10:16:37 UTC");
  EXPECT_EQ(release.valid_until, "");
  EXPECT_TRUE(release.acquire_by_hash);
  EXPECT_EQ(release.architectures.size(), 10u);
  EXPECT_EQ(release.architectures[1], "amd64");
  EXPECT_EQ(release.components,
            (std::vector<std::string>{"main", "contrib", "non-free-firmware", "non-free"}));

  ASSERT_EQ(release.sha256_entries.size(), 3u);  // MD5Sum lines are not mixed in
  const deb::ReleaseEntry* packages = release.find("main/binary-amd64/Packages.xz");
  ASSERT_NE(packages, nullptr);
  EXPECT_EQ(packages->size, 8790396u);
  EXPECT_EQ(packages->sha256, "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5");
  const deb::ReleaseEntry* empty = release.find("main/binary-amd64/Release");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->size, 0u);
  EXPECT_EQ(empty->sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(release.find("main/binary-arm64/Packages.xz"), nullptr);
}

TEST(Release, SecuritySuiteWithValidUntilAndNoByHash) {
  deb::ReleaseFile release = deb::parse_release(
      "Origin: Debian\nLabel: Debian-Security\nSuite: oldstable-security\nVersion: 12\n"
      "Codename: bookworm-security\nDate: Sat, 21 Nov 2026 00:53:02 UTC\n"
      "Valid-Until: Sat, 28 Nov 2026 00:53:02 UTC\nArchitectures: amd64 arm64\n"
      "Components: updates/main updates/non-free-firmware\nSHA256:\n"
      " f61f27bd17de546264aa58f40f3aafaac7021e0ef69c17f6b1b4cd7664a037ec 20 "
      "updates/main/binary-amd64/Packages.gz\n",
      "security/InRelease");
  EXPECT_EQ(release.valid_until, "Sat, 28 Nov 2026 00:53:02 UTC");
  EXPECT_FALSE(release.acquire_by_hash);
  EXPECT_EQ(release.components[0], "updates/main");
  ASSERT_NE(release.find("updates/main/binary-amd64/Packages.gz"), nullptr);
}

TEST(Release, SuiteOrCodenameIsEnough) {
  const char* sums =
      "SHA256:\n 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5 1 p\n";
  EXPECT_EQ(error_of(std::string("Suite: stable\n") + sums), "");
  EXPECT_EQ(error_of(std::string("Codename: trixie\n") + sums), "");
}

TEST(Release, ErrorsNameTheSource) {
  const char* good_line = " 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5 1 p\n";
  for (std::string text : {
           std::string(""),                                       // empty
           std::string("Origin: Debian\nSHA256:\n") + good_line,  // no Suite/Codename
           std::string("Suite: stable\n"),                        // no SHA256
           std::string("Suite: stable\nMD5Sum:\n b838d31986207780a596ce3e8010f90f 1 p\n"),
           std::string("Suite: stable\nSHA256:\n 9e0b5aab 1 p\n"),  // short hash
           std::string("Suite: stable\nSHA256:\n") + " " + std::string(64, 'g') + " 1 p\n",
           std::string("Suite: stable\nSHA256:\n") + " " + std::string(64, 'a') + " x1 p\n",
           std::string("Suite: stable\nSHA256:\n") + " " + std::string(64, 'a') + " 1\n",
           std::string("<html>not a release file</html>\n"),  // no colon
       }) {
    std::string message = error_of(text);
    EXPECT_NE(message.find("dists/bookworm/InRelease"), std::string::npos)
        << "text: " << text << "\nmessage: " << message;
  }
}
