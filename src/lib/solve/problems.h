// Readable answers when a request cannot be met: libsolv's problems rephrased in Debian terms
// ("openssh-server depends on libssl3 (>= 3.2) but only 3.0.15 is available in bookworm/main"),
// with the chain that pulled the culprit in, and near-match suggestions for unknown names.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/repo/package_index.h"
#include "lib/solve/pool_loader.h"

namespace apt_ostree::solve {

// Up to `limit` package names of `index` closest to `name` (edit distance, then shared prefix).
std::vector<std::string> near_matches(const repo::PackageIndex& index, std::string_view name,
                                      size_t limit = 5);

// "unknown package 'foo'; did you mean: fooo, foo-utils?"
std::string unknown_package_message(const repo::PackageIndex& index, std::string_view name,
                                    std::string_view what = "package");

// A dependency id in Debian syntax: "a (>= 1) | b".
std::string format_dependency(const Pool* pool, Id dependency);

struct ProblemContext {
  const SolvPool& solv;
  const repo::PackageIndex& index;
  const std::vector<bool>& excluded;  // per record
  std::string origin;                 // "bookworm" or empty, prefixed to components
  // "requested openssh-server -> openssh-client -> libssl3" for a record, or empty if unknown.
  std::function<std::string(size_t record)> chain;
  std::vector<std::string> removed;  // installed packages the request removes, by name
};

// One paragraph per libsolv problem of `solver`, each a sentence naming the packages involved.
std::string describe_problems(Solver* solver, const ProblemContext& context);

}  // namespace apt_ostree::solve
