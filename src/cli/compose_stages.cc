#include "cli/compose_stages.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "lib/compose/rootfs_export.h"
#include "lib/compose/work_tree.h"
#include "lib/util/strings.h"
#include "lib/repo/apt_sources.h"
#include "lib/store/ref_name.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

// What the commit was built from: every treefile read (names and contents), hashed.
std::string treefile_sha256(const compose::Recipe& recipe) {
  util::Digest digest(util::DigestKind::sha256);
  for (const fs::path& file : recipe.files) {
    std::string contents = util::read_file(file);
    digest.update(fmt::format("{}\n{}\n", file.filename().string(), contents.size()));
    digest.update(contents);
  }
  return digest.finish();
}

store::Metadata published_metadata(const compose::Recipe& recipe, const compose::Stage& stage,
                                   const compose::StageReport& report,
                                   const compose::OstreeLayout& layout) {
  store::Metadata metadata{{"apt-ostree.treefile-sha256", treefile_sha256(recipe)},
                           {"apt-ostree.stage", stage.name},
                           {"apt-ostree.stage-key", report.key},
                           {"apt-ostree.release", stage.release},
                           {"apt-ostree.architecture", stage.architecture},
                           {"apt-ostree.packages", compose::package_list(report.packages)},
                           {"apt-ostree.tool-version", std::string(APT_OSTREE_VERSION)}};
  // The keys `ostree commit --bootable` writes, so ostree and bootc see a bootable commit.
  if (layout.kernel_version) {
    metadata.emplace("ostree.bootable", true);
    metadata.emplace("ostree.linux", *layout.kernel_version);
  }
  return metadata;
}

}  // namespace

void add_build_options(CLI::App& command, ComposeOptions& options, Context& context) {
  command.fallthrough();
  command.add_option("TREEFILE", options.treefile, "The treefile (docs/treefile.md)")->required();
  command.add_option("--store", options.store,
                     "OSTree repository holding the imported packages and the stage cache "
                     "(default: CACHE/repo)");
  command.add_flag("--offline", options.offline,
                   "Use only cached metadata and packages; fail naming what is missing");
  command.add_option("-j,--jobs", options.jobs, "Import threads (default: one per CPU)")
      ->check(CLI::Range(0, 256));
  // One file per --keyring, so the option cannot swallow the TREEFILE after it.
  command
      .add_option("--keyring", context.keyrings,
                  "OpenPGP keyring trusted for the archive's Release files, repeatable (default: "
                  "Debian's archive keyring)")
      ->allow_extra_args(false);
  add_download_options(command, context);
  command.add_option("--disk-warn", options.disk_warn_percent,
                     "Warn when a disk the build writes to is this full, in percent (default 85)")
      ->check(CLI::Range(1.0, 100.0));
  command.add_option("--disk-abort", options.disk_abort_percent,
                     "Stop the build cleanly when a disk it writes to is this full, in percent "
                     "(default 90)")
      ->check(CLI::Range(1.0, 100.0));
}

PackageStore open_package_store(const ComposeOptions& options, Context& context) {
  PackageStore store;
  store.path = options.store.empty() ? context.cache_root() / "repo" : fs::path(options.store);
  store.repo = store::open_repo(store.path, store::RepoMode::bare, true);
  return store;
}

StagesRun build_stages(const compose::Recipe& recipe, const compose::RecipeBuildOptions& build,
                       const ComposeOptions& options, Context& context, PackageStore& store,
                       const char* command, const std::vector<fs::path>& outputs) {
  if (::geteuid() != 0)
    fail("compose {} needs root: it chroots into the tree to run maintainer scripts", command);
  compose::BuildSettings settings;
  settings.cache_root = context.cache_root();
  settings.offline = options.offline;
  settings.jobs = options.jobs;
  settings.apt_proxy = context.apt_proxy;
  settings.progress = util::progress_mode_for_stderr(context.quiet || context.json);
  if (!context.keyrings.empty())
    settings.keyrings.assign(context.keyrings.begin(), context.keyrings.end());
  // Stages without `mirror:` use the host's; they all share one release.
  if (auto mirror = repo::mirror_for_release(repo::read_apt_sources(),
                                             recipe.stages.front().release))
    settings.default_mirror = *mirror;
  util::DiskMonitorOptions disk;
  disk.paths = {store.path, context.cache_root()};
  disk.paths.insert(disk.paths.end(), outputs.begin(), outputs.end());
  disk.warn_percent = options.disk_warn_percent;
  disk.abort_percent = options.disk_abort_percent;
  util::DiskMonitor monitor(disk, [](const std::string& warning) {
    std::fprintf(stderr, "apt-ostree: warning: %s\n", warning.c_str());
  });
  StagesRun run;
  run.reports = compose::build_recipe(recipe, build, *store.repo, store.path, settings);
  run.disk = monitor.peaks();
  for (const compose::StageReport& report : run.reports)
    for (const util::PhaseTiming& timing : report.phases.phases())
      context.phases.add({report.name + ": " + timing.name, timing.wall_ms, timing.cpu_ms});
  return run;
}

const compose::Stage& chosen_stage(const compose::Recipe& recipe, const ComposeOptions& options) {
  if (!options.stage.empty()) {
    const compose::Stage* stage = recipe.find(options.stage);
    if (!stage)
      fail("--stage names stage '{}', which {} does not define", options.stage,
           recipe.source.string());
    return *stage;
  }
  const compose::Stage* found = nullptr;
  for (const compose::Stage& stage : recipe.stages)
    if (stage.exported) {
      if (found)
        fail("{} exports several stages ('{}', '{}'); choose one with --stage",
             recipe.source.string(), found->name, stage.name);
      found = &stage;
    }
  return *found;
}

void add_stage_option(CLI::App& command, ComposeOptions& options) {
  command.add_option("--stage", options.stage,
                     "The stage to build and write (default: the treefile's exported stage)");
}

const compose::StageReport& report_of(const std::vector<compose::StageReport>& reports,
                                      const std::string& name) {
  for (const compose::StageReport& report : reports)
    if (report.name == name) return report;
  fail("no report for stage '{}'", name);
}

std::optional<uint64_t> commit_timestamp() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (!epoch || !*epoch) return std::nullopt;
  char* end = nullptr;
  unsigned long long value = std::strtoull(epoch, &end, 10);
  if (*end != '\0') fail("SOURCE_DATE_EPOCH is not a number of seconds: '{}'", epoch);
  return value;
}

store::Metadata parse_metadata_strings(const std::vector<std::string>& strings) {
  store::Metadata metadata;
  for (const std::string& text : strings) {
    size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
      fail("--add-metadata-string {} is not KEY=VALUE", text);
    metadata.insert_or_assign(text.substr(0, equals), text.substr(equals + 1));
  }
  return metadata;
}

Published publish_stage(const compose::Recipe& recipe, const compose::Stage& stage,
                        const compose::StageReport& report, PackageStore& store,
                        store::Repo& target, Context& context, const store::Metadata& extra) {
  if (stage.ref.empty())
    fail("{}: stage '{}' has no ref to commit to; give it 'export: true' and a 'ref'",
         stage.where.text(), stage.name);
  Published published;
  published.ref = stage.ref;
  published.parent = target.resolve_ref(stage.ref);
  // The ref's commit was published from this very stage build: nothing to do.
  if (published.parent) {
    store::Metadata metadata = target.read_commit(*published.parent).metadata;
    if (!report.key.empty() &&
        store::metadata_string(metadata, "apt-ostree.stage-key") == report.key) {
      published.changed = false;
      published.commit = *published.parent;
      return published;
    }
  }
  compose::WorkTree tree(store.path / "tmp", "publish-" + stage.name);
  {
    // Hardlinks: the layout only renames and adds, it never writes into a file.
    util::ScopedPhase phase(context.phases, "checkout");
    store.repo->checkout({report.commit}, tree.path(), {});
  }
  {
    util::ScopedPhase phase(context.phases, "postprocess");
    published.layout = compose::apply_ostree_layout(tree.path());
  }
  // Committed into the package store first, as rpm-ostree commits into its cache repository:
  // the tree's files are hardlinks to the store's objects, so only what the layout added is read
  // (the devino cache). The commit then goes to the target with only the objects it lacks.
  store::CommitOptions commit;
  commit.ref = std::string(store::k_tree_ref_prefix) + stage.ref;
  commit.parent = published.parent.value_or("");
  commit.subject = fmt::format("apt-ostree compose {} ({})", recipe.source.filename().string(),
                               stage.name);
  if (report.epoch) commit.timestamp = report.epoch;
  commit.metadata = published_metadata(recipe, stage, report, published.layout);
  for (const auto& [key, value] : extra) commit.metadata.insert_or_assign(key, value);
  {
    util::ScopedPhase phase(context.phases, "commit");
    published.commit = store.repo->commit(tree.path(), commit);
  }
  // An unchanged tree leaves the ref where it is, as rpm-ostree does, so clients see no update.
  published.changed =
      !published.parent || store.repo->read_commit(published.commit).content_checksum !=
                               target.read_commit(*published.parent).content_checksum;
  if (!published.changed) {
    published.commit = *published.parent;
    return published;
  }
  util::ScopedPhase phase(context.phases, "pull-local");
  target.pull_local(store.path, published.commit);
  target.set_ref(stage.ref, published.commit);
  return published;
}

nlohmann::ordered_json packages_json(const compose::StageReport& report) {
  nlohmann::ordered_json packages = nlohmann::ordered_json::array();
  for (const auto& package : report.packages)
    packages.push_back({{"name", package.name},
                        {"version", package.version},
                        {"architecture", package.architecture}});
  return packages;
}

std::string provenance(const compose::StageReport& report) {
  if (report.result == compose::StageResult::hit)
    return fmt::format("cached (stage key {})", report.key.substr(0, 12));
  return "log " + report.log.string();
}

const compose::StageReport& build_exported(const compose::Recipe& recipe,
                                           const compose::Stage& stage,
                                           const ComposeOptions& options, Context& context,
                                           PackageStore& store, const char* command,
                                           const fs::path& output,
                                           std::vector<compose::StageReport>& reports) {
  compose::RecipeBuildOptions build;
  build.until = stage.name;
  build.timestamp = commit_timestamp();
  reports = build_stages(recipe, build, options, context, store, command, {output}).reports;
  return report_of(reports, stage.name);
}

uint64_t bytes_downloaded(const std::vector<compose::StageReport>& reports) {
  uint64_t bytes = 0;
  for (const compose::StageReport& report : reports) bytes += report.bytes_downloaded;
  return bytes;
}

void export_stage(PackageStore& store, const compose::Stage& stage,
                  const compose::StageReport& report, const fs::path& dest, Context& context) {
  util::ScopedPhase phase(context.phases, "export");
  compose::WorkTree tree(store.path / "tmp", "rootfs-" + stage.name);
  // A directory is handed over and must not share files with the store; a tarball is written
  // from hardlinks, which are then removed.
  store::CheckoutOptions checkout;
  if (!compose::is_tarball_name(dest)) checkout.copy_prefixes = {"/"};
  store.repo->checkout({report.commit}, tree.path(), checkout);
  compose::export_rootfs(tree.path(), dest, report.epoch);
}

}  // namespace apt_ostree::cli
