// What resolve and download share: the request options and loading index + resolver to answer
// them (lib/solve/resolver.h).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/context.h"
#include "lib/repo/package_index.h"
#include "lib/solve/resolver.h"

namespace apt_ostree::cli {

struct PlanOptions {
  std::string variant = "none";
  bool no_recommends = false;
  std::vector<std::string> excludes;
  std::vector<std::string> packages;
};

// Adds --variant, --no-recommends, --exclude and the PKG arguments.
void add_plan_options(CLI::App& command, PlanOptions& options);

// The current index and the plan for `options` over it: remembered from an earlier run with the
// same request and index (lib/solve/plan_cache.h), or resolved and remembered.
struct ResolvedPlan {
  std::unique_ptr<repo::PackageIndex> index;
  solve::Plan plan;
};

ResolvedPlan resolve_plan(Context& context, const PlanOptions& options);

}  // namespace apt_ostree::cli
