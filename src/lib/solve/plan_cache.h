// Plans remembered per index generation: a repeated request (the same variant, packages and
// options against the same verified index) is answered without loading the solver pool, which is
// most of a warm `download` or `resolve`. A generation's index never changes once written, so a
// plan stored under it stays right until refresh-md makes a new generation (and the old one, with
// its plans, is garbage-collected). The key also covers the tool's own build, so a changed
// resolver never reads plans another build made.
//
// File: GENERATION/plans/<sha256 of the request>.plan, text:
//   apt-ostree-plan 1
//   <download_bytes> <installed_kib> <entries>
//   <record> <pulled_by record or -> <reason>      one line per entry, in install order
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "lib/solve/resolver.h"

namespace apt_ostree::solve {

class PlanCache {
 public:
  explicit PlanCache(std::filesystem::path generation_dir);

  // nullopt when no plan was stored for this request, or the file is unreadable or malformed
  // (a damaged entry only costs a fresh resolve).
  std::optional<Plan> load(const ResolveRequest& request, std::string_view architecture,
                           size_t index_records) const;
  // Best effort: a read-only cache directory just means the next run resolves again.
  void store(const ResolveRequest& request, std::string_view architecture, const Plan& plan) const;

 private:
  std::filesystem::path path_for(const ResolveRequest& request,
                                 std::string_view architecture) const;

  std::filesystem::path m_dir;
};

// Answers requests over one index generation (its packages.idx open as `index`): each from the
// plan cache, or resolved and remembered. The solver pool is loaded on the first miss and kept,
// so a caller asking several questions (a stage's plan and its essential set) loads it once.
// Phases: "plan-cache", and on misses "load-pool" (once), "solve", "order".
class Planner {
 public:
  Planner(const repo::PackageIndex& index, std::filesystem::path generation_dir,
          std::string architecture, util::PhaseLog& phases);
  ~Planner();
  Planner(const Planner&) = delete;
  Planner& operator=(const Planner&) = delete;

  Plan plan(const ResolveRequest& request);

 private:
  const repo::PackageIndex& m_index;
  std::filesystem::path m_generation_dir;
  std::string m_architecture;
  util::PhaseLog& m_phases;
  PlanCache m_cache;
  std::unique_ptr<Resolver> m_resolver;
};

}  // namespace apt_ostree::solve
