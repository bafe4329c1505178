#include "lib/deploy/package_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "lib/deb/version.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

std::vector<CommitPackage> commit_packages(const store::CommitInfo& commit) {
  auto it = commit.metadata.find("apt-ostree.packages");
  const auto* lines = it == commit.metadata.end()
                          ? nullptr
                          : std::get_if<std::vector<std::string>>(&it->second);
  if (!lines)
    fail("the commit {} has no package list (apt-ostree.packages): it was not composed by "
         "apt-ostree",
         commit.checksum);
  std::vector<CommitPackage> packages;
  for (const std::string& line : *lines) {
    std::vector<std::string_view> fields = util::split_whitespace(line);
    if (fields.size() != 3) continue;
    packages.push_back({std::string(fields[0]), std::string(fields[1]), std::string(fields[2])});
  }
  std::sort(packages.begin(), packages.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.architecture) < std::tie(b.name, b.architecture);
  });
  return packages;
}

bool PackageDiff::empty() const {
  return upgraded.empty() && downgraded.empty() && added.empty() && removed.empty();
}

PackageDiff diff_packages(const std::vector<CommitPackage>& from,
                          const std::vector<CommitPackage>& to) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, std::string> before;
  for (const CommitPackage& package : from)
    before[{package.name, package.architecture}] = package.version;
  PackageDiff diff;
  for (const CommitPackage& package : to) {
    auto it = before.find({package.name, package.architecture});
    if (it == before.end()) {
      diff.added.push_back({package.name, package.architecture, "", package.version});
      continue;
    }
    int order = deb::compare_versions(package.version, it->second);
    PackageChange change{package.name, package.architecture, it->second, package.version};
    if (order > 0) diff.upgraded.push_back(std::move(change));
    else if (order < 0) diff.downgraded.push_back(std::move(change));
    before.erase(it);
  }
  for (const auto& [key, version] : before)
    diff.removed.push_back({key.first, key.second, version, ""});
  return diff;
}

std::string format_package_diff(const PackageDiff& diff) {
  std::string out;
  auto block = [&](const char* title, const std::vector<PackageChange>& changes) {
    if (changes.empty()) return;
    out += fmt::format("{}:\n", title);
    for (const PackageChange& change : changes) {
      if (change.from.empty()) out += fmt::format("  {}:{} {}\n", change.name, change.architecture, change.to);
      else if (change.to.empty()) out += fmt::format("  {}:{} {}\n", change.name, change.architecture, change.from);
      else out += fmt::format("  {}:{} {} -> {}\n", change.name, change.architecture, change.from, change.to);
    }
  };
  block("Upgraded", diff.upgraded);
  block("Downgraded", diff.downgraded);
  block("Removed", diff.removed);
  block("Added", diff.added);
  if (out.empty()) out = "No package changes.\n";
  return out;
}

nlohmann::ordered_json package_diff_json(const PackageDiff& diff) {
  auto list = [](const std::vector<PackageChange>& changes) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const PackageChange& change : changes)
      array.push_back({{"name", change.name},
                       {"architecture", change.architecture},
                       {"from", change.from},
                       {"to", change.to}});
    return array;
  };
  return {{"upgraded", list(diff.upgraded)},
          {"downgraded", list(diff.downgraded)},
          {"removed", list(diff.removed)},
          {"added", list(diff.added)}};
}

}  // namespace apt_ostree::deploy
