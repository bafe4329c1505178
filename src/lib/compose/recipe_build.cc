#include "lib/compose/recipe_build.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <map>
#include <memory>

#include "lib/compose/stage_key.h"
#include "lib/compose/work_tree.h"
#include "lib/store/locked_repo.h"
#include "lib/util/task_graph.h"
#include "lib/util/error.h"
#include "lib/util/hash.h"
#include "lib/util/interrupt.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_stage_ref_prefix = "apt-ostree/stage/";
constexpr std::string_view k_last_stage_ref_prefix = "apt-ostree/stage-last/";

void check_stage_name(const Recipe& recipe, const std::string& name, const char* option) {
  if (!recipe.find(name))
    fail("{} names stage '{}', which {} does not define", option, name, recipe.source.string());
}

// The stages to build: all, or those `until` and `only` select.
std::set<std::string> selected_stages(const Recipe& recipe, const RecipeBuildOptions& options) {
  std::set<std::string> selected;
  if (options.only) {
    selected.insert(*options.only);
  } else if (options.until) {
    for (const Stage* stage = recipe.find(*options.until); stage;
         stage = stage->from ? recipe.find(*stage->from) : nullptr)
      selected.insert(stage->name);
  } else {
    for (const Stage& stage : recipe.stages) selected.insert(stage.name);
  }
  return selected;
}

// The stages whose keys are needed: the selected ones and the stages they are built from.
std::set<std::string> needed_stages(const Recipe& recipe, const std::set<std::string>& selected) {
  std::set<std::string> needed;
  for (const std::string& name : selected)
    for (const Stage* stage = recipe.find(name); stage;
         stage = stage->from ? recipe.find(*stage->from) : nullptr)
      needed.insert(stage->name);
  return needed;
}

// What differs from the last build of the stage, from the manifest kept in its commit.
std::vector<std::string> changes_since_last_build(store::Repo& store,
                                                  const std::string& last_ref,
                                                  const StageManifest& manifest) {
  std::optional<std::string> last = store.resolve_ref(last_ref);
  if (!last) return {"never built before"};
  store::CommitInfo info = store.read_commit(*last);
  auto found = info.metadata.find("apt-ostree.stage-manifest");
  const std::string* text = found == info.metadata.end()
                                ? nullptr
                                : std::get_if<std::string>(&found->second);
  if (!text) return {"the last build has no manifest"};
  std::vector<std::string> changes = explain_changes(parse_manifest(*text), manifest);
  if (changes.empty()) changes.push_back("nothing changed, but the stage's commit is gone");
  return changes;
}

store::Metadata stage_metadata(const Stage& stage, const std::string& key,
                               const StageManifest& manifest,
                               const std::vector<InstalledPackage>& packages) {
  return {{"apt-ostree.stage", stage.name},
          {"apt-ostree.stage-key", key},
          {"apt-ostree.stage-manifest", manifest_json(manifest)},
          {"apt-ostree.packages", package_list(packages)},
          {"apt-ostree.tool-version", std::string(APT_OSTREE_VERSION)}};
}

}  // namespace

const char* to_string(StageResult result) {
  switch (result) {
    case StageResult::hit:
      return "hit";
    case StageResult::pulled:
      return "pulled";
    case StageResult::built:
      return "built";
    case StageResult::would_build:
      return "miss";
    case StageResult::skipped:
      return "skipped";
  }
  return "?";
}

std::vector<std::string> package_list(const std::vector<InstalledPackage>& packages) {
  std::vector<std::string> lines;
  for (const InstalledPackage& package : packages)
    lines.push_back(fmt::format("{} {} {}", package.name, package.version, package.architecture));
  return lines;
}

std::string stage_ref(const std::string& key) { return std::string(k_stage_ref_prefix) + key; }

namespace {

// What the planning pass leaves for the build pass, per stage to build.
struct PendingBuild {
  size_t index = 0;  // in the recipe's stages and the reports
  StagePlan plan;
  StageManifest manifest;
  std::optional<size_t> parent;  // the parent's index, when it has one
  std::string last_ref;
  std::vector<repo::PackageRecord> to_fetch;  // what the parent's plan lacks
  std::chrono::steady_clock::time_point planned;
};

// The bytes of a tree's regular files (each inode once: hardlinks are counted once).
uint64_t tree_size(const fs::path& tree) {
  uint64_t bytes = 0;
  std::set<std::pair<dev_t, ino_t>> seen;
  for (auto it = fs::recursive_directory_iterator(tree, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0 || !S_ISREG(status.st_mode)) continue;
    if (status.st_nlink > 1 && !seen.emplace(status.st_dev, status.st_ino).second) continue;
    bytes += static_cast<uint64_t>(status.st_size);
  }
  return bytes;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::vector<StageReport> build_recipe(const Recipe& recipe, const RecipeBuildOptions& options,
                                      store::Repo& unlocked_store, const fs::path& store_path,
                                      const BuildSettings& settings) {
  if (options.only) check_stage_name(recipe, *options.only, "--only");
  if (options.until) check_stage_name(recipe, *options.until, "--until");
  for (const std::string& name : options.force_stages)
    check_stage_name(recipe, name, "--force-stage");
  std::set<std::string> selected = selected_stages(recipe, options);
  std::set<std::string> needed = needed_stages(recipe, selected);
  std::string recipe_id = util::stable_name_hash(fs::absolute(recipe.source).string());
  // Stage builds run on threads of their own (run_task_graph) and share the store.
  store::LockedRepo store(unlocked_store);

  auto run_started = std::chrono::steady_clock::now();
  std::unique_ptr<store::Repo> push_repo;
  if (!options.cache_push.empty() && !options.explain)
    push_repo = store::open_repo(options.cache_push, store::RepoMode::archive, true);
  std::optional<store::LockedRepo> push_target;
  if (push_repo) push_target.emplace(*push_repo);
  auto push = [&](StageReport& report) {
    if (!push_target || push_target->resolve_ref(stage_ref(report.key))) return;
    util::ScopedPhase phase(report.phases, "push-stage");
    push_target->pull_local(store_path, report.commit);
    push_target->set_ref(stage_ref(report.key), report.commit);
    push_target->update_summary({});
  };
  auto finish = [](StageReport& report, StageResult result,
                   std::chrono::steady_clock::time_point started) {
    report.result = result;
    report.wall_ms = milliseconds_since(started);
  };

  // Planning, in order: every needed stage's plan and key; hits and pulls are done here.
  std::vector<StageReport> reports(recipe.stages.size());
  std::map<std::string, size_t> index_of;
  std::vector<PendingBuild> pending;
  std::set<std::string> refreshed;
  for (size_t i = 0; i < recipe.stages.size(); ++i) {
    const Stage& stage = recipe.stages[i];
    StageReport& report = reports[i];
    report.name = stage.name;
    index_of[stage.name] = i;
    if (!needed.contains(stage.name)) continue;
    auto started = std::chrono::steady_clock::now();
    report.start_ms = std::chrono::duration<double, std::milli>(started - run_started).count();

    std::optional<size_t> parent;
    if (stage.from) parent = index_of.at(*stage.from);
    StagePlan plan = plan_stage(stage, settings,
                                refreshed.insert(archive_view(stage, settings).metadata_dir().string()).second,
                                report.phases);
    report.bytes_downloaded = plan.bytes_downloaded;
    report.epoch = options.timestamp.value_or(plan.archive_date);
    StageManifest manifest =
        describe_stage(stage, parent ? reports[*parent].key : std::string(), plan.package_lines());
    report.key = stage_key(manifest);
    for (const repo::PackageRecord& record : plan.records)
      report.packages.push_back({std::string(record.name), std::string(record.version),
                                 std::string(record.architecture), std::string(record.sha256)});
    std::string last_ref = fmt::format("{}{}/{}", k_last_stage_ref_prefix, recipe_id, stage.name);
    std::optional<std::string> cached = store.resolve_ref(stage_ref(report.key));
    bool forced = options.force_stages.contains(stage.name);
    if (!cached || forced)
      report.changes = forced && cached ? std::vector<std::string>{"forced (--force-stage)"}
                                        : changes_since_last_build(store, last_ref, manifest);

    if (options.explain) {
      report.commit = cached.value_or("");
      finish(report, cached && !forced ? StageResult::hit : StageResult::would_build, started);
      continue;
    }
    if (cached && !forced) {
      report.commit = *cached;
      if (selected.contains(stage.name)) store.set_ref(last_ref, report.commit);
      finish(report, StageResult::hit, started);
      push(report);
      continue;
    }
    if (!cached && !forced && !options.cache_remote.empty()) {
      std::optional<std::string> pulled;
      try {
        util::ScopedPhase phase(report.phases, "pull-stage");
        pulled = store.pull_ref(options.cache_remote, stage_ref(report.key));
      } catch (const Error& error) {
        report.changes.push_back(fmt::format("the remote stage cache failed: {}", error.what()));
      }
      if (pulled) {
        store.set_ref(stage_ref(report.key), *pulled);
        report.commit = *pulled;
        report.changes.clear();
        if (selected.contains(stage.name)) store.set_ref(last_ref, report.commit);
        finish(report, StageResult::pulled, started);
        push(report);
        continue;
      }
      report.changes.push_back("the remote stage cache does not have it either");
    }
    if (!selected.contains(stage.name))
      fail("stage '{}' is built from '{}', which has no cached build ({}); build it first",
           *options.only, stage.name, report.changes.front());

    PendingBuild build{i, std::move(plan), std::move(manifest), parent, last_ref, {}, {}};
    std::set<std::string> in_parent;
    if (parent)
      for (const InstalledPackage& package : reports[*parent].packages)
        in_parent.insert(package.sha256);
    for (const repo::PackageRecord& record : build.plan.records)
      if (!in_parent.contains(std::string(record.sha256))) build.to_fetch.push_back(record);
    build.planned = std::chrono::steady_clock::now();
    pending.push_back(std::move(build));
  }
  if (pending.empty()) return reports;

  // Downloads, on a thread of their own in build order, so that a stage's packages arrive while
  // the stages before it run their scripts.
  std::vector<std::promise<void>> fetched(pending.size());
  std::vector<std::shared_future<void>> fetched_futures;
  for (std::promise<void>& promise : fetched) fetched_futures.push_back(promise.get_future().share());
  std::vector<uint64_t> fetched_bytes(pending.size(), 0);
  std::atomic<bool> stop_fetching{false};
  std::thread fetcher([&] {
    for (size_t k = 0; k < pending.size(); ++k) {
      if (stop_fetching) {
        fetched[k].set_exception(std::make_exception_ptr(Error("the build stopped")));
        continue;
      }
      try {
        util::PhaseLog ignored;
        fetched_bytes[k] = fetch_packages(pending[k].to_fetch, pending[k].plan.view, settings,
                                          ignored)
                               .run.bytes_downloaded;
        fetched[k].set_value();
      } catch (...) {
        fetched[k].set_exception(std::current_exception());
      }
    }
  });

  // Builds: each stage after the stage it is built from, up to `jobs` at once.
  std::vector<std::optional<size_t>> after(pending.size());
  for (size_t k = 0; k < pending.size(); ++k)
    for (size_t j = 0; j < k; ++j)
      if (pending[k].parent == pending[j].index) after[k] = j;
  size_t jobs = settings.jobs > 0 ? settings.jobs : std::max(1u, std::thread::hardware_concurrency());
  try {
    util::run_task_graph(after, jobs, [&](size_t k) {
      PendingBuild& build = pending[k];
      const Stage& stage = recipe.stages[build.index];
      StageReport& report = reports[build.index];
      auto waiting_since = build.planned;
      fetched_futures[k].get();
      report.phases.add({"wait", milliseconds_since(waiting_since), 0});
      const StageReport* parent = build.parent ? &reports[*build.parent] : nullptr;
      if (parent && parent->commit.empty())
        fail("stage '{}' is built from '{}', which was not built", stage.name, parent->name);

      BuildSettings stage_settings = settings;
      stage_settings.link_store_files = true;  // the tree is committed, then removed
      stage_settings.progress = util::ProgressMode::off;  // the fetcher showed the downloads
      std::optional<uint64_t> epoch =
          report.epoch ? std::optional<uint64_t>(report.epoch) : std::nullopt;  // 0: not known
      stage_settings.source_date_epoch = epoch;
      WorkTree work(store_path / "tmp", "stage-" + stage.name);
      BuiltStage built;
      try {
        std::optional<ParentTree> parent_tree;
        if (parent) parent_tree = check_out_parent(store, parent->commit, work, report.phases);
        built = build_stage_tree(stage, build.plan, work, store, stage_settings, report.phases,
                                 parent_tree);
      } catch (const Error& error) {
        // Several stages may be building: say which one failed.
        throw Error(fmt::format("stage '{}': {}", stage.name, error.what()), error.code());
      }
      util::throw_if_interrupted("building stages");
      report.bytes_downloaded += fetched_bytes[k] + built.bytes_downloaded;
      report.log = built.log;
      report.new_packages = parent ? built.packages.size() - parent->packages.size()
                                   : built.packages.size();
      report.tree_bytes = tree_size(work.path());
      {
        util::ScopedPhase phase(report.phases, "commit");
        store::CommitOptions commit;
        commit.ref = stage_ref(report.key);
        commit.subject = fmt::format("apt-ostree stage {} of {}", stage.name,
                                     recipe.source.filename().string());
        commit.timestamp = epoch;
        commit.metadata = stage_metadata(stage, report.key, build.manifest, built.packages);
        report.commit = store.commit(work.path(), commit);
      }
      store.set_ref(build.last_ref, report.commit);
      report.result = StageResult::built;
      report.wall_ms = milliseconds_since(run_started) - report.start_ms;  // planning included
      push(report);
    });
  } catch (...) {
    stop_fetching = true;
    fetcher.join();
    throw;
  }
  fetcher.join();
  return reports;
}

}  // namespace apt_ostree::compose
