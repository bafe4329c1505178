// compose rootfs: a treefile's stage built into a plain Debian tree (a directory or a tarball),
// through the compose engine (lib/compose/stage_builder.h) and its package store.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/compose/rootfs_export.h"
#include "lib/compose/stage_builder.h"
#include "lib/compose/treefile.h"
#include "lib/deb/architecture.h"
#include "lib/repo/apt_sources.h"
#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct ComposeOptions {
  std::string treefile;
  std::string dest;
  std::string repo;
  bool offline = false;
  int jobs = 0;
};

// The one stage a plain rootfs is made of: the exported stage of a single-stage recipe.
const compose::Stage& exported_root_stage(const compose::Recipe& recipe) {
  const compose::Stage* found = nullptr;
  for (const compose::Stage& stage : recipe.stages)
    if (stage.exported) {
      if (found)
        fail("{} exports several stages ('{}', '{}'); compose rootfs builds one",
             recipe.source.string(), found->name, stage.name);
      found = &stage;
    }
  if (found->from)
    fail("{}: stage '{}' builds from '{}'; compose rootfs builds single-stage recipes only so far",
         found->where.text(), found->name, *found->from);
  return *found;
}

}  // namespace

void register_compose(CLI::App& app, Context& context) {
  CLI::App* compose = app.add_subcommand("compose", "Build Debian trees from a treefile");
  compose->require_subcommand(1);

  auto options = std::make_shared<ComposeOptions>();
  CLI::App* rootfs = compose->add_subcommand(
      "rootfs", "Build the treefile's stage into a plain Debian tree: a directory or a tarball");
  rootfs->fallthrough();
  rootfs->add_option("TREEFILE", options->treefile, "The treefile (docs/treefile.md)")->required();
  rootfs
      ->add_option("DEST", options->dest,
                   "A new directory, or a .tar, .tar.gz, .tar.xz or .tar.zst file")
      ->required();
  rootfs->add_option("--repo", options->repo,
                     "OSTree repository holding the imported packages (default: CACHE/repo)");
  rootfs->add_flag("--offline", options->offline,
                   "Use only cached metadata and packages; fail naming what is missing");
  rootfs->add_option("-j,--jobs", options->jobs, "Import threads (default: one per CPU)")
      ->check(CLI::Range(0, 256));
  add_download_options(*rootfs, context);
  rootfs->callback([&context, options] {
    if (::geteuid() != 0)
      fail("compose rootfs needs root: it chroots into the tree to run maintainer scripts");
    // Checked again when writing; here so a long build is not wasted on a taken name.
    if (fs::exists(fs::symlink_status(options->dest)))
      fail("{} already exists; choose a new directory or file name", options->dest);
    compose::Recipe recipe = compose::parse_treefile(options->treefile, deb::host_architecture());
    const compose::Stage& stage = exported_root_stage(recipe);

    compose::BuildSettings settings;
    settings.cache_root = context.cache_root();
    settings.offline = options->offline;
    settings.jobs = options->jobs;
    settings.apt_proxy = context.apt_proxy;
    settings.progress = util::progress_mode_for_stderr(context.quiet || context.json);
    if (!context.keyrings.empty())
      settings.keyrings.assign(context.keyrings.begin(), context.keyrings.end());
    if (stage.mirror.empty())
      if (auto mirror = repo::mirror_for_release(repo::read_apt_sources(), stage.release))
        settings.default_mirror = *mirror;

    fs::path repo_path =
        options->repo.empty() ? context.cache_root() / "repo" : fs::path(options->repo);
    std::unique_ptr<store::Repo> repo = store::open_repo(repo_path, store::RepoMode::bare, true);
    fs::path work = repo_path / "tmp";
    fs::create_directories(work);
    fs::path tree = util::make_temp_dir(work, "rootfs-" + stage.name);
    compose::BuiltStage built;
    try {
      built = compose::build_stage_tree(stage, tree, *repo, settings, context.phases);
      util::ScopedPhase phase(context.phases, "export");
      compose::export_rootfs(tree, options->dest);
    } catch (...) {
      util::remove_tree(tree);
      throw;
    }
    util::remove_tree(tree);

    if (context.json) {
      nlohmann::ordered_json packages = nlohmann::ordered_json::array();
      for (const auto& package : built.packages)
        packages.push_back({{"name", package.name},
                            {"version", package.version},
                            {"architecture", package.architecture}});
      nlohmann::ordered_json json{{"dest", options->dest},
                                  {"stage", stage.name},
                                  {"bytes_downloaded", built.bytes_downloaded},
                                  {"log", built.log.string()},
                                  {"packages", std::move(packages)}};
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      std::printf("%s: %zu packages, %s downloaded; log %s\n", options->dest.c_str(),
                  built.packages.size(), util::format_bytes(built.bytes_downloaded).c_str(),
                  built.log.c_str());
    }
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
