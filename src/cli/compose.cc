// compose rootfs and compose tree: a treefile's stage built through the compose engine
// (lib/compose/stage_builder.h) and its package store, then written out as a plain Debian tree
// (a directory or a tarball) or committed to an OSTree repository in the OSTree layout.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/compose/ostree_layout.h"
#include "lib/compose/rootfs_export.h"
#include "lib/store/ref_name.h"
#include "lib/compose/stage_builder.h"
#include "lib/compose/treefile.h"
#include "lib/compose/work_tree.h"
#include "lib/deb/architecture.h"
#include "lib/repo/apt_sources.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace fs = std::filesystem;

namespace {

struct ComposeOptions {
  std::string treefile;
  std::string store;  // the package store; default CACHE/repo
  bool offline = false;
  int jobs = 0;
};

// The one stage a command builds: the exported stage of a single-stage recipe.
const compose::Stage& exported_root_stage(const compose::Recipe& recipe) {
  const compose::Stage* found = nullptr;
  for (const compose::Stage& stage : recipe.stages)
    if (stage.exported) {
      if (found)
        fail("{} exports several stages ('{}', '{}'); compose builds one so far",
             recipe.source.string(), found->name, stage.name);
      found = &stage;
    }
  if (found->from)
    fail("{}: stage '{}' builds from '{}'; compose builds single-stage recipes only so far",
         found->where.text(), found->name, *found->from);
  return *found;
}

void add_build_options(CLI::App& command, ComposeOptions& options, Context& context) {
  command.fallthrough();
  command.add_option("TREEFILE", options.treefile, "The treefile (docs/treefile.md)")->required();
  command.add_option("--store", options.store,
                     "OSTree repository holding the imported packages (default: CACHE/repo)");
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
}

// A stage built into a fresh work tree under the store's tmp/ (removed when this goes away).
class BuiltTree {
 public:
  // `link_store_files`: see compose::BuildSettings.
  BuiltTree(const compose::Stage& stage, const ComposeOptions& options, Context& context,
            const char* command, bool link_store_files) {
    if (::geteuid() != 0)
      fail("compose {} needs root: it chroots into the tree to run maintainer scripts", command);
    compose::BuildSettings settings;
    settings.cache_root = context.cache_root();
    settings.offline = options.offline;
    settings.jobs = options.jobs;
    settings.link_store_files = link_store_files;
    settings.apt_proxy = context.apt_proxy;
    settings.progress = util::progress_mode_for_stderr(context.quiet || context.json);
    if (!context.keyrings.empty())
      settings.keyrings.assign(context.keyrings.begin(), context.keyrings.end());
    if (stage.mirror.empty())
      if (auto mirror = repo::mirror_for_release(repo::read_apt_sources(), stage.release))
        settings.default_mirror = *mirror;

    m_store_path =
        options.store.empty() ? context.cache_root() / "repo" : fs::path(options.store);
    m_store = store::open_repo(m_store_path, store::RepoMode::bare, true);
    m_tree.emplace(m_store_path / "tmp", std::string(command) + "-" + stage.name);
    m_built = compose::build_stage_tree(stage, *m_tree, *m_store, settings, context.phases);
  }

  const fs::path& path() const { return m_tree->path(); }
  const compose::BuiltStage& built() const { return m_built; }
  // The package store the tree was built from (and, with link_store_files, is hardlinked to).
  store::Repo& store() { return *m_store; }
  const fs::path& store_path() const { return m_store_path; }

 private:
  fs::path m_store_path;
  std::unique_ptr<store::Repo> m_store;
  std::optional<compose::WorkTree> m_tree;
  compose::BuiltStage m_built;
};

nlohmann::ordered_json packages_json(const compose::BuiltStage& built) {
  nlohmann::ordered_json packages = nlohmann::ordered_json::array();
  for (const auto& package : built.packages)
    packages.push_back({{"name", package.name},
                        {"version", package.version},
                        {"architecture", package.architecture}});
  return packages;
}

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

store::Metadata commit_metadata(const compose::Recipe& recipe, const compose::Stage& stage,
                                const compose::BuiltStage& built,
                                const compose::OstreeLayout& layout) {
  std::vector<std::string> packages;
  for (const auto& package : built.packages)
    packages.push_back(
        fmt::format("{} {} {}", package.name, package.version, package.architecture));
  store::Metadata metadata{{"apt-ostree.treefile-sha256", treefile_sha256(recipe)},
                           {"apt-ostree.stage", stage.name},
                           {"apt-ostree.release", stage.release},
                           {"apt-ostree.architecture", stage.architecture},
                           {"apt-ostree.packages", std::move(packages)},
                           {"apt-ostree.tool-version", std::string(APT_OSTREE_VERSION)}};
  // The keys `ostree commit --bootable` writes, so ostree and bootc see a bootable commit.
  if (layout.kernel_version) {
    metadata.emplace("ostree.bootable", true);
    metadata.emplace("ostree.linux", *layout.kernel_version);
  }
  return metadata;
}

// SOURCE_DATE_EPOCH (reproducible builds) if set, else now.
std::optional<uint64_t> commit_timestamp() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (!epoch || !*epoch) return std::nullopt;
  char* end = nullptr;
  unsigned long long value = std::strtoull(epoch, &end, 10);
  if (*end != '\0') fail("SOURCE_DATE_EPOCH is not a number of seconds: '{}'", epoch);
  return value;
}

void register_rootfs(CLI::App& compose, Context& context) {
  auto options = std::make_shared<ComposeOptions>();
  auto dest = std::make_shared<std::string>();
  CLI::App* rootfs = compose.add_subcommand(
      "rootfs", "Build the treefile's stage into a plain Debian tree: a directory or a tarball");
  add_build_options(*rootfs, *options, context);
  rootfs
      ->add_option("DEST", *dest, "A new directory, or a .tar, .tar.gz, .tar.xz or .tar.zst file")
      ->required();
  rootfs->callback([&context, options, dest] {
    // Checked again when writing; here so a long build is not wasted on a taken name.
    if (fs::exists(fs::symlink_status(*dest)))
      fail("{} already exists; choose a new directory or file name", *dest);
    compose::Recipe recipe = compose::parse_treefile(options->treefile, deb::host_architecture());
    const compose::Stage& stage = exported_root_stage(recipe);
    // A directory is handed over and must not share files with the store; a tarball is
    // written from the tree, which is then removed.
    BuiltTree tree(stage, *options, context, "rootfs", compose::is_tarball_name(*dest));
    {
      util::ScopedPhase phase(context.phases, "export");
      compose::export_rootfs(tree.path(), *dest);
    }
    const compose::BuiltStage& built = tree.built();
    if (context.json) {
      nlohmann::ordered_json json{{"dest", *dest},
                                  {"stage", stage.name},
                                  {"bytes_downloaded", built.bytes_downloaded},
                                  {"log", built.log.string()},
                                  {"packages", packages_json(built)}};
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      std::printf("%s: %zu packages, %s downloaded; log %s\n", dest->c_str(),
                  built.packages.size(), util::format_bytes(built.bytes_downloaded).c_str(),
                  built.log.c_str());
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
  tree_command
      ->add_option("--repo", *repo_path,
                   "The OSTree repository to commit to (created in archive mode if missing)")
      ->required();
  tree_command->callback([&context, options, repo_path] {
    compose::Recipe recipe = compose::parse_treefile(options->treefile, deb::host_architecture());
    const compose::Stage& stage = exported_root_stage(recipe);
    // Opened first, so a wrong path fails before a long build.
    std::unique_ptr<store::Repo> repo =
        store::open_repo(*repo_path, store::RepoMode::archive, true);
    std::optional<std::string> parent = repo->resolve_ref(stage.ref);

    BuiltTree tree(stage, *options, context, "tree", /*link_store_files=*/true);
    compose::OstreeLayout layout;
    {
      util::ScopedPhase phase(context.phases, "postprocess");
      layout = compose::apply_ostree_layout(tree.path());
    }
    const compose::BuiltStage& built = tree.built();
    store::CommitOptions commit;
    commit.parent = parent.value_or("");
    commit.subject = fmt::format("apt-ostree compose tree {} ({})",
                                 fs::path(options->treefile).filename().string(), stage.name);
    commit.timestamp = commit_timestamp();
    commit.metadata = commit_metadata(recipe, stage, built, layout);
    // Committed into the package store first, as rpm-ostree commits into its cache repository:
    // the tree's files are hardlinks to the store's objects, so only what the scripts changed is
    // read and hashed (the devino cache). The commit then goes to REPO with only the objects REPO
    // lacks.
    commit.ref = std::string(store::k_tree_ref_prefix) + stage.ref;
    std::string checksum;
    {
      util::ScopedPhase phase(context.phases, "commit");
      checksum = tree.store().commit(tree.path(), commit);
    }
    // An unchanged tree leaves the ref where it is, as rpm-ostree does, so clients see no update.
    bool changed = !parent || tree.store().read_commit(checksum).content_checksum !=
                                  repo->read_commit(*parent).content_checksum;
    if (changed) {
      util::ScopedPhase phase(context.phases, "pull-local");
      repo->pull_local(tree.store_path(), checksum);
      repo->set_ref(stage.ref, checksum);
    }

    if (context.json) {
      nlohmann::ordered_json json{{"ref", stage.ref},
                                  {"commit", changed ? checksum : *parent},
                                  {"changed", changed},
                                  {"parent", parent.value_or("")},
                                  {"kernel", layout.kernel_version.value_or("")},
                                  {"bytes_downloaded", built.bytes_downloaded},
                                  {"log", built.log.string()},
                                  {"packages", packages_json(built)}};
      std::fputs((json.dump(2) + "\n").c_str(), stdout);
    } else if (!context.quiet) {
      if (changed)
        std::printf("%s => %s\n", stage.ref.c_str(), checksum.c_str());
      else
        std::printf("%s: no changes since %s; the ref is unchanged\n", stage.ref.c_str(),
                    parent->c_str());
      std::printf("%zu packages, kernel %s, /var as %zu directories, %zu links, %zu files; log %s\n",
                  built.packages.size(), layout.kernel_version.value_or("none").c_str(),
                  layout.var.directories, layout.var.symlinks, layout.var.files,
                  built.log.c_str());
      for (const std::string& path : layout.var.dropped)
        std::fprintf(stderr, "apt-ostree: warning: %s dropped: tmpfiles.d cannot recreate it\n",
                     path.c_str());
    }
    context.report_phases();
  });
}

}  // namespace

void register_compose(CLI::App& app, Context& context) {
  CLI::App* compose = app.add_subcommand("compose", "Build Debian trees from a treefile");
  compose->require_subcommand(1);
  register_compose_lint(*compose, context);
  register_rootfs(*compose, context);
  register_tree(*compose, context);
}

}  // namespace apt_ostree::cli
