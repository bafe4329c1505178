#include "lib/pkgcache/fetch_packages.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class FetchPackagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "fetch-packages-test");
    for (const char* mirror : {"good", "bad"}) fs::create_directories(m_dir / mirror / "pool");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // A file published on the good mirror (and, with other bytes, on the bad one).
  pkgcache::WantedFile publish(const std::string& name, const std::string& content) {
    util::write_file_atomic(m_dir / "good/pool" / name, content);
    util::write_file_atomic(m_dir / "bad/pool" / name, std::string(content.size(), '?'));
    return {name + " 1.0", "pool/" + name, util::sha256_hex(content), content.size()};
  }
  std::string mirror(const char* name) const { return "file://" + (m_dir / name).string(); }
  std::string error_of(pkgcache::DebCache& cache, const std::vector<pkgcache::WantedFile>& wanted,
                       const pkgcache::FetchOptions& options) {
    try {
      pkgcache::fetch_into_cache(cache, wanted, options);
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "fetch_into_cache succeeded";
    return {};
  }

  fs::path m_dir;
};

TEST_F(FetchPackagesTest, MissesAreFetchedThenHit) {
  pkgcache::DebCache cache(m_dir / "cache");
  std::vector<pkgcache::WantedFile> wanted{publish("a.deb", "aaaa"), publish("b.deb", "bbbbbb")};
  pkgcache::FetchReport report = pkgcache::fetch_into_cache(cache, wanted, {{mirror("good")}});
  EXPECT_EQ(report.run.misses, 2u);
  EXPECT_EQ(report.run.bytes_downloaded, 10u);
  EXPECT_EQ(util::read_file(report.files[1].path), "bbbbbb");
  report = pkgcache::fetch_into_cache(cache, wanted, {{}, true});
  EXPECT_EQ(report.run.hits, 2u);
  EXPECT_EQ(report.run.bytes_downloaded, 0u);
  EXPECT_TRUE(report.files[0].hit);
  EXPECT_EQ(cache.stats().runs.size(), 2u);
}

TEST_F(FetchPackagesTest, OfflineNamesEveryMissingFile) {
  pkgcache::DebCache cache(m_dir / "cache");
  std::vector<pkgcache::WantedFile> wanted{publish("a.deb", "a"), publish("b.deb", "b"),
                                           publish("c.deb", "c")};
  pkgcache::fetch_into_cache(cache, {wanted[1]}, {{mirror("good")}});
  std::string error = error_of(cache, wanted, {{mirror("good")}, true});
  EXPECT_NE(error.find("2 of 3 packages"), std::string::npos) << error;
  EXPECT_NE(error.find(": a.deb 1.0, c.deb 1.0"), std::string::npos) << error;
}

TEST_F(FetchPackagesTest, WrongBytesAreNamedAndNeverCached) {
  pkgcache::DebCache cache(m_dir / "cache");
  pkgcache::WantedFile file = publish("a.deb", "right bytes");
  std::string error = error_of(cache, {file}, {{mirror("bad")}});
  EXPECT_NE(error.find(mirror("bad") + "/pool/a.deb served wrong bytes for a.deb 1.0"),
            std::string::npos)
      << error;
  EXPECT_FALSE(cache.lookup(file.sha256));

  pkgcache::FetchReport report =
      pkgcache::fetch_into_cache(cache, {file}, {{mirror("bad"), mirror("good")}});
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("used " + mirror("good")), std::string::npos);
  EXPECT_EQ(util::read_file(*cache.lookup(file.sha256)), "right bytes");
}

TEST_F(FetchPackagesTest, MissingFileMeansAStaleIndex) {
  pkgcache::DebCache cache(m_dir / "cache");
  pkgcache::WantedFile file = publish("a.deb", "a");
  pkgcache::WantedFile gone = publish("gone.deb", "g");
  fs::remove(m_dir / "good/pool/gone.deb");
  std::string error = error_of(cache, {file, gone}, {{mirror("good")}});
  EXPECT_NE(error.find("gone.deb 1.0 (pool/gone.deb) is not on " + mirror("good")),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("run 'apt-ostree refresh-md'"), std::string::npos) << error;
  // What did verify is kept.
  EXPECT_TRUE(cache.lookup(file.sha256));
}

TEST(AptFileName, EscapesTheEpoch) {
  EXPECT_EQ(pkgcache::apt_file_name("gawk", "1:5.2.1-2", "amd64"), "gawk_1%3a5.2.1-2_amd64.deb");
  EXPECT_EQ(pkgcache::apt_file_name("tzdata", "2024a-0+deb12u1", "all"),
            "tzdata_2024a-0+deb12u1_all.deb");
}

}  // namespace
