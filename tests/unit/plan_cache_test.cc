#include "lib/solve/plan_cache.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class PlanCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = util::make_temp_dir(fs::temp_directory_path(), "plan-cache-test");
    m_request.variant = solve::Variant::minbase;
    m_request.packages = {"systemd", "vim=2:9.0"};
    m_plan.download_bytes = 1234;
    m_plan.installed_kib = 56;
    m_plan.packages = {{3, "priority required", std::nullopt},
                       {7, "Depends of base-files (>= 12)", 3},
                       {1, "requested", std::nullopt}};
  }
  void TearDown() override { fs::remove_all(m_dir); }

  fs::path only_plan_file() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(m_dir / "plans")) files.push_back(entry.path());
    EXPECT_EQ(files.size(), 1u);
    return files.at(0);
  }

  fs::path m_dir;
  solve::ResolveRequest m_request;
  solve::Plan m_plan;
};

void expect_same(const solve::Plan& a, const solve::Plan& b) {
  EXPECT_EQ(a.download_bytes, b.download_bytes);
  EXPECT_EQ(a.installed_kib, b.installed_kib);
  ASSERT_EQ(a.packages.size(), b.packages.size());
  for (size_t i = 0; i < a.packages.size(); ++i) {
    EXPECT_EQ(a.packages[i].index, b.packages[i].index);
    EXPECT_EQ(a.packages[i].reason, b.packages[i].reason);
    EXPECT_EQ(a.packages[i].pulled_by, b.packages[i].pulled_by);
  }
}

TEST_F(PlanCacheTest, StoredPlanIsLoadedBack) {
  solve::PlanCache cache(m_dir);
  EXPECT_FALSE(cache.load(m_request, "amd64", 10));
  cache.store(m_request, "amd64", m_plan);
  auto loaded = cache.load(m_request, "amd64", 10);
  ASSERT_TRUE(loaded);
  expect_same(*loaded, m_plan);
}

TEST_F(PlanCacheTest, EveryRequestFieldIsPartOfTheKey) {
  solve::PlanCache cache(m_dir);
  cache.store(m_request, "amd64", m_plan);
  EXPECT_FALSE(cache.load(m_request, "arm64", 10));
  auto changed = m_request;
  changed.variant = solve::Variant::buildd;
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
  changed = m_request;
  changed.install_recommends = false;
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
  changed = m_request;
  changed.packages.pop_back();
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
  changed = m_request;
  changed.packages_without_recommends = {"systemd"};
  changed.packages.erase(changed.packages.begin());
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
  changed = m_request;
  changed.excludes = {"systemd"};
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
  // A package and an exclusion of the same name are different requests.
  changed = m_request;
  changed.packages = {"systemd"};
  changed.excludes = {"vim=2:9.0"};
  EXPECT_FALSE(cache.load(changed, "amd64", 10));
}

TEST_F(PlanCacheTest, RecordsOutsideTheIndexAreRejected) {
  solve::PlanCache cache(m_dir);
  cache.store(m_request, "amd64", m_plan);
  EXPECT_TRUE(cache.load(m_request, "amd64", 8));
  EXPECT_FALSE(cache.load(m_request, "amd64", 7));  // record 7 would be out of range
}

TEST_F(PlanCacheTest, DamagedFilesAreIgnored) {
  solve::PlanCache cache(m_dir);
  cache.store(m_request, "amd64", m_plan);
  fs::path file = only_plan_file();
  std::string good = util::read_file(file);
  for (size_t cut : {size_t{0}, size_t{10}, good.size() / 2, good.size() - 1}) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << good.substr(0, cut);
    EXPECT_FALSE(cache.load(m_request, "amd64", 10)) << "truncated at " << cut;
  }
  std::string wrong_count = good;
  wrong_count.replace(wrong_count.find(" 3\n"), 3, " 4\n");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << wrong_count;
  EXPECT_FALSE(cache.load(m_request, "amd64", 10));
}

TEST_F(PlanCacheTest, UnwritableDirectoryIsNotAnError) {
  fs::path file_in_the_way = m_dir / "not-a-dir";
  std::ofstream(file_in_the_way) << "x";
  solve::PlanCache cache(file_in_the_way);
  cache.store(m_request, "amd64", m_plan);
  EXPECT_FALSE(cache.load(m_request, "amd64", 10));
}

}  // namespace
