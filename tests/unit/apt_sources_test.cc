#include "lib/repo/apt_sources.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// A private /etc/apt with the given files (relative path -> content).
class AptSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "apt-sources-test");
    fs::create_directories(m_dir / "sources.list.d");
  }
  void TearDown() override { fs::remove_all(m_dir); }
  void write(const std::string& name, const std::string& content) {
    util::write_file_atomic(m_dir / name, content);
  }
  fs::path m_dir;
};

}  // namespace

TEST_F(AptSourcesTest, MissingFilesAreNotAnError) {
  fs::remove_all(m_dir / "sources.list.d");
  EXPECT_TRUE(repo::read_apt_sources(m_dir).empty());
  EXPECT_FALSE(repo::mirror_for_release({}, "bookworm"));
}

TEST_F(AptSourcesTest, OneLineFormat) {
  write("sources.list",
        "# comment\n"
        "deb http://mirror.example/debian/ bookworm main contrib # trailing comment\n"
        "deb-src http://mirror.example/debian bookworm main\n"
        "\n"
        "deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/example.gpg ] "
        "http://other.example/debian bookworm-backports main\n"
        "deb [trusted=yes] file:/srv/repo ./\n");
  auto sources = repo::read_apt_sources(m_dir);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].uris, std::vector<std::string>{"http://mirror.example/debian"});
  EXPECT_EQ(sources[0].suites, std::vector<std::string>{"bookworm"});
  EXPECT_EQ(sources[0].components, (std::vector<std::string>{"main", "contrib"}));
  EXPECT_TRUE(sources[0].architectures.empty());
  EXPECT_EQ(sources[0].origin, m_dir / "sources.list");
  EXPECT_EQ(sources[1].architectures, (std::vector<std::string>{"amd64", "arm64"}));
  EXPECT_EQ(sources[1].signed_by, "/usr/share/keyrings/example.gpg");
  EXPECT_EQ(sources[1].suites, std::vector<std::string>{"bookworm-backports"});
  EXPECT_EQ(sources[2].uris, std::vector<std::string>{"file:/srv/repo"});
  EXPECT_TRUE(sources[2].components.empty());
}

TEST_F(AptSourcesTest, Deb822Format) {
  write("sources.list.d/debian.sources",
        "Types: deb deb-src\n"
        "# a comment between fields\n"
        "URIs: http://mirror.example/debian\n"
        "Suites: bookworm bookworm-updates\n"
        "Components: main non-free-firmware\n"
        "Architectures: amd64\n"
        "Signed-By: /usr/share/keyrings/example.gpg\n"
        "\n"
        "Types: deb\n"
        "URIs: http://mirror.example/debian-security\n"
        "Suites: bookworm-security\n"
        "Components: main\n"
        "Enabled: no\n"
        "\n"
        "Types: deb-src\n"
        "URIs: http://mirror.example/debian\n"
        "Suites: trixie\n"
        "Components: main\n"
        "\n"
        "Types: deb\n"
        "URIs: http://one.example/debian http://two.example/debian\n"
        "Suites: trixie\n"
        "Components: main\n"
        "Signed-By:\n"
        " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
        " .\n"
        " mDMEZ\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n");
  auto sources = repo::read_apt_sources(m_dir);
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0].suites, (std::vector<std::string>{"bookworm", "bookworm-updates"}));
  EXPECT_EQ(sources[0].components, (std::vector<std::string>{"main", "non-free-firmware"}));
  EXPECT_EQ(sources[0].architectures, std::vector<std::string>{"amd64"});
  EXPECT_EQ(sources[0].signed_by, "/usr/share/keyrings/example.gpg");
  EXPECT_EQ(sources[1].uris,
            (std::vector<std::string>{"http://one.example/debian", "http://two.example/debian"}));
  EXPECT_EQ(sources[1].signed_by, "");  // an embedded key is not a keyring file
}

TEST_F(AptSourcesTest, FilesAreReadInNameOrder) {
  write("sources.list", "deb http://first.example/debian bookworm main\n");
  write("sources.list.d/b.list", "deb http://third.example/debian bookworm main\n");
  write("sources.list.d/a.sources",
        "Types: deb\nURIs: http://second.example/debian\nSuites: bookworm\nComponents: main\n");
  write("sources.list.d/c.list.disabled", "deb http://ignored.example/debian bookworm main\n");
  auto sources = repo::read_apt_sources(m_dir);
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].uris[0], "http://first.example/debian");
  EXPECT_EQ(sources[1].uris[0], "http://second.example/debian");
  EXPECT_EQ(sources[2].uris[0], "http://third.example/debian");
}

TEST_F(AptSourcesTest, MalformedLineNamesTheFile) {
  write("sources.list.d/bad.list", "deb http://mirror.example/debian\n");
  try {
    repo::read_apt_sources(m_dir);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.list"), std::string::npos) << e.what();
  }
}

TEST(MirrorForRelease, PrefersExactSuiteThenCodenameThenAnyMainArchive) {
  std::vector<repo::AptSource> sources = {
      {{"http://mirror.example/debian-security"}, {"bookworm-security"}, {"main"}, {}, "", {}},
      {{"http://mirror.example/debian"}, {"bookworm", "bookworm-updates"}, {"main"}, {}, "", {}},
      {{"http://backports.example/debian"}, {"bookworm-backports"}, {"main"}, {}, "", {}},
  };
  EXPECT_EQ(repo::mirror_for_release(sources, "bookworm"), "http://mirror.example/debian");
  EXPECT_EQ(repo::mirror_for_release(sources, "bookworm-backports"),
            "http://backports.example/debian");
  EXPECT_EQ(repo::mirror_for_release(sources, "bookworm-security"),
            "http://mirror.example/debian-security");
  // No exact suite: a source of the same codename, never the security archive.
  EXPECT_EQ(repo::mirror_for_release(sources, "bookworm-proposed-updates"),
            "http://mirror.example/debian");
  // Another release: the first archive that is not a security archive.
  EXPECT_EQ(repo::mirror_for_release(sources, "trixie"), "http://mirror.example/debian");
  EXPECT_FALSE(repo::mirror_for_release({sources[0]}, "trixie"));
}
