// mmdebstrap's package sets ("variants") as seeds for the resolver. mmdebstrap installs a variant
// in two apt runs, and the second sees the first as installed, which changes which alternative of
// "a | b" apt picks; the seeds therefore carry the stage they belong to:
//   stage 0: Essential: yes                       (mmdebstrap's essential step)
//   stage 1: the variant's priorities, apt, build-essential   (its install step)
//   stage 2: packages the user names
// Recommends are never followed for stages 0 and 1 (mmdebstrap sets Apt::Install-Recommends false
// for every run, including --include packages); stage 2 follows them unless --no-recommends.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/repo/package_index.h"
#include "lib/solve/pool_loader.h"
#include "lib/solve/resolver.h"

namespace apt_ostree::solve {

struct Seed {
  size_t record = 0;
  std::string reason;  // "essential", "priority required", "requested", ...
  int stage = 0;
};

// The record apt would install for `name`: its highest version of the target architecture or
// "all" (the index holds one archive view, so the highest version is apt's candidate).
std::optional<size_t> candidate_record(const repo::PackageIndex& index, std::string_view name,
                                       std::string_view architecture);

// Seeds of `variant` in index order, stage 0 first; each package appears once.
std::vector<Seed> variant_seeds(const SolvPool& solv, const repo::PackageIndex& index,
                                Variant variant);

}  // namespace apt_ostree::solve
