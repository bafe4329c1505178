// Install order for a set of packages, the way dpkg needs it: a package's Pre-Depends are unpacked
// and configured strictly before it, its Depends before it wherever the graph allows.
//
// Method: strongly connected components over Pre-Depends + Depends edges (Tarjan, which emits a
// component after everything it depends on); inside a component, which is a Depends cycle dpkg
// configures together, Pre-Depends are ordered topologically and the rest by name. Iteration is
// by record index (= by name), so the result is deterministic; a Pre-Depends cycle (policy forbids
// them) is broken at the alphabetically first package.
#pragma once

#include <cstddef>
#include <vector>

#include "lib/solve/pool_loader.h"

namespace apt_ostree::solve {

// `records` in any order; returns the same records in install order.
std::vector<size_t> install_order(const SolvPool& pool, std::vector<size_t> records);

}  // namespace apt_ostree::solve
