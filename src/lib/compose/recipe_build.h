// Building a recipe's stages through the stage cache: each stage is planned (refresh, resolve),
// its key computed from everything it is made from (stage_key.h), and built only if the package
// store has no commit under that key. A stage's commit is its plain Debian tree (no OSTree
// layout), kept in the store under
//
//   apt-ostree/stage/<key>                              the cache itself
//   apt-ostree/stage-last/<recipe id>/<stage name>      the last build of that recipe's stage
//
// where the recipe id names the treefile by its absolute path. The commit's metadata holds the
// stage's manifest, so the next build can say which input changed when a key misses.
// A child stage starts from its parent's commit (stage_builder.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/compose/stage_builder.h"
#include "lib/compose/treefile.h"
#include "lib/store/repo.h"
#include "lib/util/timer.h"

namespace apt_ostree::compose {

struct RecipeBuildOptions {
  std::set<std::string> force_stages;  // rebuilt even when their key hits
  std::optional<std::string> until;    // only this stage and the stages it is built from
  std::optional<std::string> only;     // only this stage; its parent must be cached
  bool explain = false;                // plan and compare keys only; build nothing
  // The remote stage cache: an OSTree repository served over HTTP (or a file:// URL) whose
  // apt-ostree/stage/KEY refs are pulled instead of building a stage that misses locally.
  std::string cache_remote;
  // A local OSTree repository (archive mode; created if missing) that every stage built, found
  // or pulled is copied to, with its summary rewritten, for a web server to serve as another
  // machine's cache_remote.
  std::filesystem::path cache_push;
  // The time the stages are stamped with (SOURCE_DATE_EPOCH): their commits' time and the
  // scripts' SOURCE_DATE_EPOCH. Unset: each stage's archive date (StagePlan::archive_date).
  std::optional<uint64_t> timestamp;
};

enum class StageResult {
  hit,          // the key's commit was in the store: nothing was built
  pulled,       // the key's commit came from the remote stage cache: nothing was built
  built,        // built and committed under its key
  would_build,  // (explain) the key misses
  skipped,      // not selected by until/only
};

const char* to_string(StageResult result);

struct StageReport {
  std::string name;
  StageResult result = StageResult::skipped;
  std::string key;     // empty when skipped
  std::string commit;  // the stage's commit in the store; empty unless hit or built
  uint64_t epoch = 0;  // the time the stage is stamped with (RecipeBuildOptions::timestamp)
  // For a miss: what differs from the last build of this stage, or that there was none.
  std::vector<std::string> changes;
  std::vector<InstalledPackage> packages;  // every package of the stage, in install order
  size_t new_packages = 0;                 // not in the parent's tree (all, for a root stage)
  uint64_t tree_bytes = 0;                 // the built tree's regular files (0 unless built)
  uint64_t bytes_downloaded = 0;
  util::PhaseLog phases;
  double start_ms = 0;  // when the stage started, from the start of build_recipe
  double wall_ms = 0;
  std::filesystem::path log;  // maintainer script and hook output, when built
};

std::string stage_ref(const std::string& key);

// The apt-ostree.packages commit metadata: "name version architecture" per package, in order.
std::vector<std::string> package_list(const std::vector<InstalledPackage>& packages);

// Builds (or finds) the stages of `recipe` into `store` (the package store at `store_path`, whose
// tmp/ holds the work trees). Every needed stage is planned first, in order, which settles the
// hits and pulls; the rest are built on up to settings.jobs threads (0: one per CPU), each after
// the stage it is built from, while one more thread downloads their packages in build order.
// One report per stage of the recipe. Throws Error naming the stage and culprit on the first
// failure; stages finished before it stay cached.
std::vector<StageReport> build_recipe(const Recipe& recipe, const RecipeBuildOptions& options,
                                      store::Repo& store, const std::filesystem::path& store_path,
                                      const BuildSettings& settings);

}  // namespace apt_ostree::compose
