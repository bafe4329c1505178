// What the compose commands share: their build options, the stage cache run that builds (or
// finds) a recipe's stages (lib/compose/recipe_build.h), and publishing a stage's commit in the
// OSTree layout to a user's repository.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "lib/compose/ostree_layout.h"
#include "lib/compose/recipe_build.h"
#include "lib/compose/treefile.h"
#include "lib/store/repo.h"
#include "lib/util/disk_monitor.h"

namespace apt_ostree::cli {

struct ComposeOptions {
  std::string treefile;
  std::string stage;  // --stage: the stage rootfs and tree act on; default: the exported one
  std::string store;  // the package store; default CACHE/repo
  bool offline = false;
  int jobs = 0;
  double disk_warn_percent = 85;   // --disk-warn
  double disk_abort_percent = 90;  // --disk-abort
  std::vector<std::string> add_metadata;  // compose tree --add-metadata-string KEY=VALUE
};

// TREEFILE, --store, --offline, -j, --keyring, --apt-proxy.
void add_build_options(CLI::App& command, ComposeOptions& options, Context& context);
// --stage.
void add_stage_option(CLI::App& command, ComposeOptions& options);

// The package store (and stage cache) of a compose command, opened (created if missing).
struct PackageStore {
  std::filesystem::path path;
  std::unique_ptr<store::Repo> repo;
};
PackageStore open_package_store(const ComposeOptions& options, Context& context);

struct StagesRun {
  std::vector<compose::StageReport> reports;
  std::vector<util::DiskUse> disk;  // the peak use of each filesystem written to
};

// Runs the stage cache over `recipe` for a compose command (root only: scripts run in chroots),
// with the disk monitor watching the store and `outputs` (util/disk_monitor.h).
StagesRun build_stages(const compose::Recipe& recipe, const compose::RecipeBuildOptions& build,
                       const ComposeOptions& options, Context& context, PackageStore& store,
                       const char* command, const std::vector<std::filesystem::path>& outputs);

// The stage rootfs and tree act on: the one named by --stage, else the recipe's exported stage
// (an error naming them if there are several).
const compose::Stage& chosen_stage(const compose::Recipe& recipe, const ComposeOptions& options);
const compose::StageReport& report_of(const std::vector<compose::StageReport>& reports,
                                      const std::string& name);

// SOURCE_DATE_EPOCH (reproducible builds) if set, else nullopt (now).
std::optional<uint64_t> commit_timestamp();

struct Published {
  std::string ref;
  std::string commit;  // the ref's commit after publishing
  bool changed = true;  // false: the content equals the ref's commit, which was left alone
  std::optional<std::string> parent;
  compose::OstreeLayout layout;
};

// Checks the stage's commit out of the store, applies the OSTree layout, commits it (in the
// store, then pulled into `target`) and points the stage's ref at it, unless the content is
// that of the ref's commit already. `extra` adds to (or overrides) the commit's metadata.
Published publish_stage(const compose::Recipe& recipe, const compose::Stage& stage,
                        const compose::StageReport& report, PackageStore& store,
                        store::Repo& target, Context& context, const store::Metadata& extra);

// KEY=VALUE strings as string metadata; throws Error naming one without '='.
store::Metadata parse_metadata_strings(const std::vector<std::string>& strings);

// The stage named `stage` built (or found) with the stages it is built from; `reports` receives
// every stage's report, `command` and `output` name the run in the disk monitor.
const compose::StageReport& build_exported(const compose::Recipe& recipe,
                                           const compose::Stage& stage,
                                           const ComposeOptions& options, Context& context,
                                           PackageStore& store, const char* command,
                                           const std::filesystem::path& output,
                                           std::vector<compose::StageReport>& reports);

// The stage's tree as a plain Debian root filesystem (compose/rootfs_export.h): a new directory
// or a tarball `dest`. Timed as the phase "export".
void export_stage(PackageStore& store, const compose::Stage& stage,
                  const compose::StageReport& report, const std::filesystem::path& dest,
                  Context& context);

// The packages of a stage as [{name, version, architecture}].
nlohmann::ordered_json packages_json(const compose::StageReport& report);
// "log PATH" for a stage built now, "cached (stage key K)" for a hit.
std::string provenance(const compose::StageReport& report);
uint64_t bytes_downloaded(const std::vector<compose::StageReport>& reports);

}  // namespace apt_ostree::cli
