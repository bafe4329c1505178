#include "lib/pkgcache/deb_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class DebCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "deb-cache-test");
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // Writes `content` as the partial download of its own SHA256; returns that key.
  static std::string stage(pkgcache::DebCache& cache, const std::string& content) {
    std::string sha256 = util::sha256_hex(content);
    std::ofstream(cache.partial_path(sha256), std::ios::binary) << content;
    return sha256;
  }

  static void set_atime(const fs::path& path, time_t seconds) {
    const timespec times[2] = {{seconds, 0}, {0, UTIME_OMIT}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  fs::path m_dir;
};

TEST_F(DebCacheTest, MissThenHitAfterCommit) {
  pkgcache::DebCache cache(m_dir / "debs");
  std::string sha256 = stage(cache, "package bytes");
  EXPECT_FALSE(cache.lookup(sha256));
  fs::path entry = cache.commit(sha256, 13, "fx-apt 1.0");
  EXPECT_EQ(entry, m_dir / "debs" / sha256.substr(0, 2) / (sha256 + ".deb"));
  EXPECT_FALSE(fs::exists(cache.partial_path(sha256)));
  ASSERT_TRUE(cache.lookup(sha256));
  EXPECT_EQ(util::read_file(*cache.lookup(sha256)), "package bytes");
}

TEST_F(DebCacheTest, PartialIsNeverServed) {
  pkgcache::DebCache cache(m_dir / "debs");
  std::string sha256 = stage(cache, "whole file");
  std::ofstream(cache.partial_path(sha256), std::ios::binary) << "whole";
  EXPECT_FALSE(cache.lookup(sha256));
  EXPECT_THROW(cache.commit(sha256, 10, "fx-apt 1.0"), Error);
  EXPECT_FALSE(cache.lookup(sha256));
}

TEST_F(DebCacheTest, HashMismatchIsRejectedAndRemoved) {
  pkgcache::DebCache cache(m_dir / "debs");
  std::string sha256 = util::sha256_hex("expected");
  std::ofstream(cache.partial_path(sha256), std::ios::binary) << "tampered";
  try {
    cache.commit(sha256, 8, "fx-apt 1.0");
    FAIL() << "a wrong file was committed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("fx-apt 1.0"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(cache.partial_path(sha256)));
  EXPECT_FALSE(cache.lookup(sha256));
  EXPECT_FALSE(fs::exists(cache.entry_path(sha256)));
}

TEST_F(DebCacheTest, RejectsKeysThatAreNotSha256) {
  pkgcache::DebCache cache(m_dir / "debs");
  EXPECT_THROW(cache.lookup("../../etc/passwd"), Error);
  EXPECT_THROW(cache.lookup(std::string(64, 'G')), Error);
}

TEST_F(DebCacheTest, GcRemovesLeastRecentlyUsedFirst) {
  pkgcache::DebCache cache(m_dir / "debs");
  std::string old_key = stage(cache, std::string(100, 'a'));
  std::string mid_key = stage(cache, std::string(100, 'b'));
  std::string new_key = stage(cache, std::string(100, 'c'));
  for (const auto& key : {old_key, mid_key, new_key}) cache.commit(key, 100, "package");
  time_t now = ::time(nullptr);
  set_atime(cache.entry_path(old_key), now - 300);
  set_atime(cache.entry_path(mid_key), now - 200);
  set_atime(cache.entry_path(new_key), now - 100);
  // A lookup makes the oldest entry the most recent.
  ASSERT_TRUE(cache.lookup(old_key));

  pkgcache::GcResult result = cache.gc(250, std::nullopt);
  EXPECT_EQ(result.removed_entries, 1u);
  EXPECT_EQ(result.removed_bytes, 100u);
  EXPECT_EQ(result.kept_entries, 2u);
  EXPECT_FALSE(cache.lookup(mid_key));
  EXPECT_TRUE(cache.lookup(old_key));
  EXPECT_TRUE(cache.lookup(new_key));

  result = cache.gc(0, std::nullopt);
  EXPECT_EQ(result.removed_entries, 2u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST_F(DebCacheTest, GcKeepDays) {
  pkgcache::DebCache cache(m_dir / "debs");
  std::string stale = stage(cache, "stale");
  std::string fresh = stage(cache, "fresh");
  cache.commit(stale, 5, "stale");
  cache.commit(fresh, 5, "fresh");
  set_atime(cache.entry_path(stale), ::time(nullptr) - 10 * 24 * 3600);
  pkgcache::GcResult result = cache.gc(std::nullopt, 7);
  EXPECT_EQ(result.removed_entries, 1u);
  EXPECT_FALSE(fs::exists(cache.entry_path(stale)));
  EXPECT_TRUE(fs::exists(cache.entry_path(fresh)));
}

TEST_F(DebCacheTest, StatsCountEntriesAndRecentRuns) {
  pkgcache::DebCache cache(m_dir / "debs");
  cache.commit(stage(cache, "one"), 3, "one");
  cache.commit(stage(cache, "three"), 5, "three");
  EXPECT_FALSE(cache.stats().hit_rate());
  cache.record_run({1, 0, 4, 1000});
  cache.record_run({2, 3, 1, 10});
  pkgcache::CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_EQ(stats.bytes, 8u);
  ASSERT_EQ(stats.runs.size(), 2u);
  EXPECT_EQ(stats.runs[1].bytes_downloaded, 10u);
  EXPECT_DOUBLE_EQ(*stats.hit_rate(), 3.0 / 8.0);
  for (int i = 0; i < 30; ++i) cache.record_run({10 + i, 1, 0, 0});
  stats = pkgcache::DebCache(m_dir / "debs").stats();
  EXPECT_EQ(stats.runs.size(), pkgcache::DebCache::k_kept_runs);
  EXPECT_EQ(stats.runs.back().time, 39);
  EXPECT_DOUBLE_EQ(*stats.hit_rate(), 1.0);
}

}  // namespace
