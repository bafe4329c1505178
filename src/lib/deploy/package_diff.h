// The packages of a commit, from its apt-ostree.packages metadata ("NAME VERSION ARCH" lines,
// written by compose), and the difference between two commits: what `db list`, `db diff` and
// `upgrade --preview` print. Only commit objects are read, never the trees.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lib/store/repo.h"

namespace apt_ostree::deploy {

struct CommitPackage {
  std::string name;
  std::string version;
  std::string architecture;
};

// Sorted by name, then architecture. Throws Error naming the commit if it has no package list
// (not made by apt-ostree).
std::vector<CommitPackage> commit_packages(const store::CommitInfo& commit);

struct PackageChange {
  std::string name;
  std::string architecture;
  std::string from;  // "" when added
  std::string to;    // "" when removed
};

struct PackageDiff {
  std::vector<PackageChange> upgraded;
  std::vector<PackageChange> downgraded;
  std::vector<PackageChange> added;
  std::vector<PackageChange> removed;
  bool empty() const;
};

PackageDiff diff_packages(const std::vector<CommitPackage>& from,
                          const std::vector<CommitPackage>& to);

// rpm-ostree's layout: "Upgraded:", "Downgraded:", "Removed:", "Added:" blocks.
std::string format_package_diff(const PackageDiff& diff);
nlohmann::ordered_json package_diff_json(const PackageDiff& diff);

}  // namespace apt_ostree::deploy
