#include "lib/deb/version.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lib/deb/control.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;

namespace {

int sign(int value) {
  return (value > 0) - (value < 0);
}

struct Case {
  const char* a;
  const char* b;
  int expected;
};

// Every expectation below was checked with `dpkg --compare-versions` (dpkg 1.21).
const Case k_cases[] = {
    {"1.0", "1.0", 0},
    {"1.0", "1.1", -1},
    {"1.0~rc1", "1.0", -1},  // '~' sorts before the end of the string
    {"1.0~", "1.0", -1},
    {"1.0~~", "1.0~", -1},
    {"1.0~~a", "1.0~~", 1},
    {"1~", "1~a", -1},
    {"1.0", "1.0+b1", -1},
    {"1.0", "1.0.1", -1},
    {"1.0.0", "1.0", 1},
    {"1.0+", "1.0.", -1},  // non-letters by ASCII value
    {"1.0a", "1.0.", -1},  // letters before non-letters
    {"1.0a", "1.0", 1},    // a letter after the end
    {"1.0a", "1.01", -1},  // the digit run "01" outranks the end of "0"
    {"7.6p2-4", "7.6-0", 1},
    {"1.001", "1.1", 0},  // leading zeros ignored
    {"1.010", "1.9", 1},  // digit runs compared as numbers
    {"10", "9", 1},
    {"1:1.0", "2.0", 1},  // epoch first
    {"0:1.0", "1.0", 0},  // missing epoch is 0
    {"1:0.1", "0:9.9", 1},
    {"1.0", "1.0-0", 0},  // missing revision equals "0", as in dpkg
    {"1.0-0", "1.0-00", 0},
    {"1.0-0.0", "1.0-0", 1},
    {"1.0-1", "1.0-0", 1},
    {"1.0-1", "1.0-1.1", -1},
    {"1.0-1-2", "1.0-1-1", 1},  // the revision starts after the last hyphen
    {"2.0-1ubuntu1", "2.0-1", 1},
    {"1.2.3-1~bpo12+1", "1.2.3-1", -1},
    {"1.2.3-1+deb12u1", "1.2.3-1", 1},
    {"2.36-9+deb12u4", "2.36-9+deb12u10", -1},
    {"100000000000000000000000", "99999999999999999999999", 1},  // beyond 64 bits
    {"1.123456789012345678901234567890", "1.123456789012345678901234567891", -1},
    {"1.0000000000000000000000000000000001", "1.1", 0},
    {" 1.0 ", "1.0", 0},  // dpkg ignores surrounding whitespace
};

}  // namespace

TEST(Version, HandWrittenCases) {
  for (const auto& c : k_cases) {
    EXPECT_EQ(sign(deb::compare_versions(c.a, c.b)), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(deb::compare_versions(c.b, c.a)), -c.expected) << c.b << " vs " << c.a;
  }
}

TEST(Version, HugeEpochsCompareNumerically) {
  EXPECT_GT(deb::compare_versions("100000000000000000000:1", "99999999999999999999:2"), 0);
  EXPECT_EQ(deb::compare_versions("007:1", "7:1"), 0);
}

TEST(Version, ValidSyntax) {
  for (const char* version : {"0", "1.0", "1:1.0-1", "1.0~rc1+dfsg-1.1~bpo12+1", "1.2-3-4",
                              "20230101", "2:1.0.0+git20230101.abcdef-0ubuntu1", "1.0-a"})
    EXPECT_TRUE(deb::is_valid_version(version)) << version;
  for (const char* version :
       {"",               // empty
        "a1.0",           // upstream must start with a digit
        "1.0-",           // empty revision
        ":1.0",           // empty epoch
        "a:1.0",          // epoch not a number
        "99999999999:1",  // epoch too big for dpkg
        "1:",             // empty upstream
        "1.0 2",          // whitespace
        " 1.0",           // whitespace
        "1.0_1",          // '_' not allowed
        "1.0-1_2",        // nor in the revision
        "1.0-1:2",        // ':' makes "1.0-1" the epoch
        "1:2:3",          // policy no longer allows ':' in the upstream version (dpkg does)
        "1.0-1-~a!"})     // '!' not allowed
    EXPECT_FALSE(deb::is_valid_version(version)) << '"' << version << '"';
}

namespace {

// Versions by package from the host's APT lists and dpkg database. The lists may be stored
// compressed (lz4 on current Debian); apt-helper reads whichever compression apt chose.
std::map<std::string, std::set<std::string>> collect_host_versions() {
  std::vector<std::pair<std::string, std::string>> sources;  // name, text
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/var/lib/apt/lists", ec)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with("_Packages")) {
      sources.emplace_back(name, util::read_file(entry.path()));
    } else if (name.find("_Packages.") != std::string::npos &&
               std::filesystem::exists("/usr/lib/apt/apt-helper")) {
      auto result = util::run_process({"/usr/lib/apt/apt-helper", "cat-file", entry.path()});
      if (result.exit_code == 0) sources.emplace_back(name, std::move(result.out));
    }
  }
  if (std::filesystem::exists("/var/lib/dpkg/status"))
    sources.emplace_back("status", util::read_file("/var/lib/dpkg/status"));

  std::map<std::string, std::set<std::string>> versions;
  for (const auto& [name, text] : sources) {
    deb::ControlParser parser(text, name);
    deb::ControlStanza stanza;
    while (parser.next(stanza)) {
      auto package = stanza.get("Package");
      auto version = stanza.get("Version");
      if (package && version) versions[std::string(*package)].emplace(*version);
    }
  }
  return versions;
}

}  // namespace

TEST(Version, AgreesWithDpkgOnHostVersions) {
  if (!std::filesystem::exists("/usr/bin/dpkg")) GTEST_SKIP() << "dpkg is not installed";
  auto by_package = collect_host_versions();
  std::set<std::string> unique;
  for (const auto& [package, versions] : by_package)
    unique.insert(versions.begin(), versions.end());
  if (unique.size() < 1000)
    GTEST_SKIP() << "only " << unique.size()
                 << " distinct versions in /var/lib/apt/lists and /var/lib/dpkg/status (need 1000;"
                    " run apt-get update)";
  std::vector<std::string> all(unique.begin(), unique.end());

  // Real versions are well-formed, so the whole set also exercises is_valid_version.
  for (const auto& version : all) EXPECT_TRUE(deb::is_valid_version(version)) << version;

  std::mt19937 rng(20240611);
  auto pick = [&](size_t size) { return std::uniform_int_distribution<size_t>(0, size - 1)(rng); };
  std::vector<std::pair<std::string, std::string>> pairs;

  // Versions of one package: the comparisons an upgrade actually makes.
  std::vector<std::pair<std::string, std::string>> same_package;
  for (const auto& [package, versions] : by_package)
    for (auto it = versions.begin(); it != versions.end() && std::next(it) != versions.end(); ++it)
      same_package.emplace_back(*it, *std::next(it));
  std::shuffle(same_package.begin(), same_package.end(), rng);
  same_package.resize(std::min<size_t>(same_package.size(), 1000));
  pairs.insert(pairs.end(), same_package.begin(), same_package.end());

  // Neighbours in sorted order differ in the last detail ("~", "+b1", a leading zero), the cases
  // most likely to expose an ordering bug.
  std::vector<std::string> sorted = all;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return deb::compare_versions(a, b) < 0;
  });
  for (int i = 0; i < 1000; ++i) {
    size_t at = pick(sorted.size() - 1);
    pairs.emplace_back(sorted[at], sorted[at + 1]);
  }
  while (pairs.size() < 3000) pairs.emplace_back(all[pick(all.size())], all[pick(all.size())]);

  // Ask dpkg only the question our answer implies: "true" confirms the sign exactly. Spawning
  // dpkg dominates the run time, so the pairs are split over a few threads.
  for (const auto& [a, b] : pairs)
    EXPECT_EQ(sign(deb::compare_versions(a, b)), -sign(deb::compare_versions(b, a)))
        << a << " vs " << b;
  size_t thread_count = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  std::vector<std::vector<std::string>> failures(thread_count);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < thread_count; ++t)
    threads.emplace_back([&, t] {
      for (size_t i = t; i < pairs.size(); i += thread_count) {
        const auto& [a, b] = pairs[i];
        int ours = sign(deb::compare_versions(a, b));
        const char* question = ours < 0 ? "lt" : ours > 0 ? "gt" : "eq";
        auto result = util::run_process({"dpkg", "--compare-versions", a, question, b});
        if (result.exit_code != 0)
          failures[t].push_back(
              fmt::format("compare_versions({}, {}) = {} but `dpkg "
                          "--compare-versions {} {} {}` exited {} {}",
                          a, b, ours, a, question, b, result.exit_code, result.err));
      }
    });
  for (auto& thread : threads) thread.join();
  size_t mismatches = 0;
  for (const auto& messages : failures)
    for (const auto& message : messages) {
      ++mismatches;
      ADD_FAILURE() << message;
    }
  EXPECT_EQ(mismatches, 0u) << "of " << pairs.size() << " pairs from " << all.size() << " versions";
  RecordProperty("pairs", static_cast<int>(pairs.size()));
  RecordProperty("versions", static_cast<int>(all.size()));
}
