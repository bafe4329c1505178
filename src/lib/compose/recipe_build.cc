#include "lib/compose/recipe_build.h"

#include <chrono>
#include <map>
#include <memory>

#include "lib/compose/stage_key.h"
#include "lib/compose/work_tree.h"
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

std::string view_id(const repo::RepoConfig& view) {
  return fmt::format("{} {} {} {}", view.mirror, view.release, view.architecture,
                     fmt::join(view.components, ","));
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
  std::vector<std::string> lines;
  for (const InstalledPackage& package : packages)
    lines.push_back(fmt::format("{} {} {}", package.name, package.version, package.architecture));
  return {{"apt-ostree.stage", stage.name},
          {"apt-ostree.stage-key", key},
          {"apt-ostree.stage-manifest", manifest_json(manifest)},
          {"apt-ostree.packages", std::move(lines)},
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

std::string stage_ref(const std::string& key) { return std::string(k_stage_ref_prefix) + key; }

std::vector<StageReport> build_recipe(const Recipe& recipe, const RecipeBuildOptions& options,
                                      store::Repo& store, const fs::path& store_path,
                                      const BuildSettings& settings) {
  if (options.only) check_stage_name(recipe, *options.only, "--only");
  if (options.until) check_stage_name(recipe, *options.until, "--until");
  for (const std::string& name : options.force_stages)
    check_stage_name(recipe, name, "--force-stage");
  std::set<std::string> selected = selected_stages(recipe, options);
  std::set<std::string> needed = needed_stages(recipe, selected);
  std::string recipe_id = util::stable_name_hash(fs::absolute(recipe.source).string());
  BuildSettings stage_settings = settings;
  stage_settings.link_store_files = true;  // the tree is committed, then removed

  auto run_started = std::chrono::steady_clock::now();
  std::unique_ptr<store::Repo> push_target;
  if (!options.cache_push.empty() && !options.explain)
    push_target = store::open_repo(options.cache_push, store::RepoMode::archive, true);
  auto push = [&](StageReport& report) {
    if (!push_target || push_target->resolve_ref(stage_ref(report.key))) return;
    util::ScopedPhase phase(report.phases, "push-stage");
    push_target->pull_local(store_path, report.commit);
    push_target->set_ref(stage_ref(report.key), report.commit);
    push_target->update_summary();
  };
  std::vector<StageReport> reports;
  std::map<std::string, const StageReport*> by_name;
  std::set<std::string> refreshed;
  reports.reserve(recipe.stages.size());
  for (const Stage& stage : recipe.stages) {
    StageReport& report = reports.emplace_back();
    report.name = stage.name;
    by_name[stage.name] = &report;
    if (!needed.contains(stage.name)) continue;
    auto started = std::chrono::steady_clock::now();
    report.start_ms = std::chrono::duration<double, std::milli>(started - run_started).count();
    auto finish = [&report, started](StageResult result) {
      report.result = result;
      report.wall_ms = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    };

    const StageReport* parent = stage.from ? by_name.at(*stage.from) : nullptr;
    StagePlan plan = plan_stage(stage, settings,
                                refreshed.insert(view_id(archive_view(stage, settings))).second,
                                report.phases);
    report.bytes_downloaded = plan.bytes_downloaded;
    report.epoch = options.timestamp.value_or(plan.archive_date);
    StageManifest manifest =
        describe_stage(stage, parent ? parent->key : std::string(), plan.package_lines());
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
      finish(cached && !forced ? StageResult::hit : StageResult::would_build);
      continue;
    }
    if (cached && !forced) {
      report.commit = *cached;
      if (selected.contains(stage.name)) store.set_ref(last_ref, report.commit);
      finish(StageResult::hit);
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
        finish(StageResult::pulled);
        push(report);
        continue;
      }
      report.changes.push_back("the remote stage cache does not have it either");
    }
    if (!selected.contains(stage.name))
      fail("stage '{}' is built from '{}', which has no cached build ({}); build it first",
           *options.only, stage.name, report.changes.front());
    if (parent && parent->commit.empty())
      fail("stage '{}' is built from '{}', which was not built", stage.name, parent->name);

    WorkTree work(store_path / "tmp", "stage-" + stage.name);
    std::optional<uint64_t> epoch =
        report.epoch ? std::optional<uint64_t>(report.epoch) : std::nullopt;  // 0: not known
    stage_settings.source_date_epoch = epoch;
    BuiltStage built = build_stage_tree(stage, plan, work, store, stage_settings, report.phases,
                                        parent ? parent->commit : std::string());
    util::throw_if_interrupted("building stages");
    report.bytes_downloaded += built.bytes_downloaded;
    report.log = built.log;
    report.new_packages = parent ? built.packages.size() - parent->packages.size()
                                 : built.packages.size();
    {
      util::ScopedPhase phase(report.phases, "commit");
      store::CommitOptions commit;
      commit.ref = stage_ref(report.key);
      commit.subject = fmt::format("apt-ostree stage {} of {}", stage.name,
                                   recipe.source.filename().string());
      commit.timestamp = epoch;
      commit.metadata = stage_metadata(stage, report.key, manifest, built.packages);
      report.commit = store.commit(work.path(), commit);
    }
    store.set_ref(last_ref, report.commit);
    finish(StageResult::built);
    push(report);
  }
  return reports;
}

}  // namespace apt_ostree::compose
