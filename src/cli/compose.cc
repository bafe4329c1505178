// compose rootfs and compose tree: a treefile's exported stage, built (or found) through the
// stage cache (lib/compose/recipe_build.h), then written out as a plain Debian tree (a directory
// or a tarball) or committed to an OSTree repository in the OSTree layout.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/compose_stages.h"
#include "lib/compose/client_repo.h"
#include "lib/deb/architecture.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

void register_rootfs(CLI::App& compose, Context& context) {
  auto options = std::make_shared<ComposeOptions>();
  auto dest = std::make_shared<std::string>();
  CLI::App* rootfs = compose.add_subcommand(
      "rootfs", "Build the treefile's stage into a plain Debian tree: a directory or a tarball");
  add_build_options(*rootfs, *options, context);
  add_stage_option(*rootfs, *options);
  rootfs
      ->add_option("DEST", *dest, "A new directory, or a .tar, .tar.gz, .tar.xz or .tar.zst file")
      ->required();
  rootfs->callback([&context, options, dest] {
    // Checked again when writing; here so a long build is not wasted on a taken name.
    if (fs::exists(fs::symlink_status(*dest)))
      fail("{} already exists; choose a new directory or file name", *dest);
    std::error_code error;
    fs::create_directories(fs::absolute(*dest).parent_path(), error);
    if (error) fail("cannot create the directory of {}: {}", *dest, error.message());
    compose::Recipe recipe = compose::parse_treefile(options->treefile, deb::host_architecture());
    const compose::Stage& stage = chosen_stage(recipe, *options);
    PackageStore store = open_package_store(*options, context);
    std::vector<compose::StageReport> reports;
    const compose::StageReport& report =
        build_exported(recipe, stage, *options, context, store, "rootfs", *dest, reports);
    export_stage(store, stage, report, *dest, context);
    if (context.json) {
      nlohmann::ordered_json json{{"dest", *dest},
                                  {"stage", stage.name},
                                  {"stage_key", report.key},
                                  {"cached", report.result == compose::StageResult::hit},
                                  {"bytes_downloaded", bytes_downloaded(reports)},
                                  {"log", report.log.string()},
                                  {"packages", packages_json(report)}};
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      std::printf("%s: %zu packages, %s downloaded; %s\n", dest->c_str(), report.packages.size(),
                  util::format_bytes(bytes_downloaded(reports)).c_str(),
                  provenance(report).c_str());
    }
    context.report_phases();
  });
}

void register_tree(CLI::App& compose, Context& context) {
  auto options = std::make_shared<ComposeOptions>();
  auto repo_path = std::make_shared<std::string>();
  CLI::App* tree_command = compose.add_subcommand(
      "tree", "Build the treefile's stage and commit it, in the OSTree layout, to its ref");
  add_build_options(*tree_command, *options, context);
  add_stage_option(*tree_command, *options);
  tree_command
      ->add_option("--repo", *repo_path,
                   "The OSTree repository to commit to (created in archive mode if missing)")
      ->required();
  auto clients = std::make_shared<compose::ClientRepoOptions>();
  tree_command
      ->add_option("--deltas", clients->deltas,
                   "Write static deltas to the new commit from the ref's N previous commits")
      ->check(CLI::Range(0, 100));
  tree_command
      ->add_option("--gpg-sign", clients->signing.key_ids,
                   "Sign the commit and the summary with this GPG key (repeatable)")
      ->allow_extra_args(false);
  tree_command->add_option("--gpg-homedir", clients->signing.homedir,
                           "GnuPG home directory holding the signing keys");
  tree_command
      ->add_option("--add-metadata-string", options->add_metadata,
                   "Add KEY=VALUE to the commit's metadata, e.g. version=12.20261204 (repeatable)")
      ->allow_extra_args(false);
  tree_command->callback([&context, options, repo_path, clients] {
    compose::Recipe recipe = compose::parse_treefile(options->treefile, deb::host_architecture());
    const compose::Stage& stage = chosen_stage(recipe, *options);
    // Opened first, so a wrong path fails before a long build.
    std::unique_ptr<store::Repo> target =
        store::open_repo(*repo_path, store::RepoMode::archive, true);
    PackageStore store = open_package_store(*options, context);
    std::vector<compose::StageReport> reports;
    const compose::StageReport& report =
        build_exported(recipe, stage, *options, context, store, "tree", *repo_path, reports);
    Published published = publish_stage(recipe, stage, report, store, *target, context,
                                        parse_metadata_strings(options->add_metadata));
    compose::ClientRepoUpdate served;
    {
      util::ScopedPhase phase(context.phases, "prepare for devices");
      served = compose::prepare_for_clients(*target, published.ref, *clients);
    }

    const compose::OstreeLayout& layout = published.layout;
    if (context.json) {
      nlohmann::ordered_json json{{"ref", published.ref},
                                  {"commit", published.commit},
                                  {"changed", published.changed},
                                  {"parent", published.parent.value_or("")},
                                  {"kernel", layout.kernel_version.value_or("")},
                                  {"stage_key", report.key},
                                  {"cached", report.result == compose::StageResult::hit},
                                  {"bytes_downloaded", bytes_downloaded(reports)},
                                  {"log", report.log.string()},
                                  {"deltas_from", served.delta_sources},
                                  {"packages", packages_json(report)}};
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      if (published.changed)
        std::printf("%s => %s\n", published.ref.c_str(), published.commit.c_str());
      else
        std::printf("%s: no changes since %s; the ref is unchanged\n", published.ref.c_str(),
                    published.commit.c_str());
      std::printf("%zu packages, kernel %s, /var as %zu directories, %zu links, %zu files; %s\n",
                  report.packages.size(), layout.kernel_version.value_or("none").c_str(),
                  layout.var.directories, layout.var.symlinks, layout.var.files,
                  provenance(report).c_str());
    }
    for (const std::string& path : layout.var.dropped)
      std::fprintf(stderr, "apt-ostree: warning: %s dropped: tmpfiles.d cannot recreate it\n",
                   path.c_str());
    context.report_phases();
  });
}

}  // namespace

void register_compose(CLI::App& app, Context& context) {
  CLI::App* compose = app.add_subcommand("compose", "Build Debian trees from a treefile");
  compose->require_subcommand(1);
  register_compose_lint(*compose, context);
  register_compose_build(*compose, context);
  register_compose_image(*compose, context);
  register_rootfs(*compose, context);
  register_tree(*compose, context);
}

}  // namespace apt_ostree::cli
