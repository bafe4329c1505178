#include "lib/compose/layered_commit.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "lib/compose/copy_up_view.h"
#include "lib/compose/ostree_layout.h"
#include "lib/compose/stage_layering.h"
#include "lib/compose/work_tree.h"
#include "lib/deb/control.h"
#include "lib/pkgcache/deb_cache.h"
#include "lib/solve/resolver.h"
#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

struct LocalDeb {
  fs::path path;
  bool replaces = false;  // replaces the base's package of its name
};

// The local .debs as an index (their control fields, a Filename, Size and SHA256), each put into
// the shared package cache so that the fetch phase finds it there. Throws Error naming a file
// that is not a .deb, whose package the base has (an addition) or lacks (a replacement).
void index_local_debs(const std::vector<LocalDeb>& debs, const repo::PackageIndex& installed,
                      const fs::path& index_path, const BuildSettings& settings,
                      bool skip_inactive, std::vector<std::string>& inactive, StagePlan& plan) {
  std::string stanzas;
  pkgcache::DebCache cache(settings.cache_root / "debs");
  for (const auto& [deb, replaces] : debs) {
    util::ProcessResult fields = util::run_process({"dpkg-deb", "--field", deb.string()});
    if (fields.exit_code != 0)
      fail("{} is not a readable .deb: {}", deb.string(), std::string(util::trim(fields.err)));
    std::string sha256 = util::digest_file(util::DigestKind::sha256, deb);
    uint64_t size = fs::file_size(deb);
    std::string stanza = std::string(util::trim(fields.out));
    deb::ControlParser parser(stanza, deb.string());
    deb::ControlStanza parsed;
    if (!parser.next(parsed) || !parsed.get("Package"))
      fail("{} has no Package field in its control file", deb.string());
    std::string name(*parsed.get("Package"));
    bool in_base = installed.equal_range(name).first != installed.equal_range(name).second;
    if (in_base && !replaces)
      fail("'{}' ({}) is already installed in the base; `apt-ostree override replace` replaces it",
           name, deb.string());
    if (!in_base && replaces && skip_inactive) {
      inactive.push_back("=" + name);
      continue;
    }
    if (!in_base && replaces)
      fail("'{}' ({}) is not in the base, so it replaces nothing; `apt-ostree install` it", name,
           deb.string());
    if (replaces) plan.replacements.push_back(name);
    fs::copy_file(deb, cache.partial_path(sha256), fs::copy_options::overwrite_existing);
    cache.commit(sha256, size, deb.string());
    stanzas += fmt::format("{}\nFilename: {}\nSize: {}\nSHA256: {}\n\n", stanza,
                           deb.filename().string(), size, sha256);
  }
  repo::PackageIndexBuilder builder;
  builder.add_packages(stanzas, "", "local .debs");
  builder.write(index_path);
}

// What to add to the checked-out base in `work`: the request resolved against the archive view
// with the base's dpkg database installed.
StagePlan plan_layering(const LayeringRequest& request, const WorkTree& work,
                        const BuildSettings& settings, util::PhaseLog& phases,
                        std::vector<std::string>& inactive) {
  StagePlan plan;
  plan.view = request.view;
  plan.bytes_downloaded = refresh_archive_view(plan.view, settings, phases);
  fs::path generation = current_generation(plan.view);
  plan.index.emplace(repo::PackageIndex::open(generation / "packages.idx"));
  fs::path installed_path = work.file("installed.idx");
  write_installed_index(work.path(), installed_path);
  repo::PackageIndex installed = repo::PackageIndex::open(installed_path);
  std::vector<LocalDeb> local;
  for (const fs::path& deb : request.local_debs) local.push_back({deb, false});
  for (const fs::path& deb : request.local_replacements) local.push_back({deb, true});
  if (!local.empty()) {
    fs::path local_path = work.file("local.idx");
    index_local_debs(local, installed, local_path, settings, request.skip_inactive, inactive,
                     plan);
    plan.local_index.emplace(repo::PackageIndex::open(local_path));
  }
  solve::Resolver resolver(*plan.index, plan.view.architecture,
                           generation / solve::k_solv_cache_name, &installed,
                           plan.local_index ? &*plan.local_index : nullptr);
  solve::ResolveRequest resolve;
  auto is_installed = [&](const std::string& name) {
    auto [first, last] = installed.equal_range(name);
    return first != last;
  };
  for (const std::string& package : request.packages) {
    if (request.skip_inactive && is_installed(package.substr(0, package.find('='))))
      inactive.push_back(package);
    else
      resolve.packages.push_back(package);
  }
  for (const std::string& name : request.removals) {
    if (request.skip_inactive && !is_installed(name))
      inactive.push_back(name);
    else
      resolve.remove.push_back(name);
  }
  plan.removals = resolve.remove;
  resolve.release = plan.view.release;
  solve::Plan solved = resolver.resolve(resolve, &phases);
  for (const solve::PlanEntry& entry : solved.packages)
    plan.records.push_back(plan.index->at(entry.index));
  for (size_t record : solved.local) plan.records.push_back(plan.local_index->at(record));
  // apt's auto-installed marks: the base's, and the new dependencies.
  fs::path states = work.path() / "var/lib/apt/extended_states";
  if (fs::exists(states)) plan.auto_installed = util::read_file(states);
  plan.auto_installed += extended_states(*plan.index, solved, {}, plan.view.architecture);
  return plan;
}

// The base's metadata (version, ...) without what binds a commit to its ref or signatures, and
// the package list of the new tree.
store::Metadata layered_metadata(const store::CommitInfo& base, const fs::path& tree) {
  store::Metadata metadata;
  for (const auto& [key, value] : base.metadata)
    if (!key.starts_with("ostree.")) metadata.emplace(key, value);
  std::vector<std::string> packages;
  for (const auto& [name_architecture, version] : installed_packages(tree)) {
    size_t colon = name_architecture.rfind(':');
    packages.push_back(fmt::format("{} {} {}", name_architecture.substr(0, colon), version,
                                   name_architecture.substr(colon + 1)));
  }
  metadata["apt-ostree.packages"] = packages;
  metadata[k_base_commit_key] = base.checksum;
  return metadata;
}

}  // namespace

LayeredCommit build_layered_commit(store::Repo& repo, const fs::path& repo_path,
                                   const LayeringRequest& request, const BuildSettings& settings,
                                   util::PhaseLog& phases) {
  store::CommitInfo base = repo.read_commit(request.base_commit);
  WorkTree work(repo_path / "tmp", "layered");
  fs::path lower = request.base_tree;
  if (lower.empty()) {
    util::ScopedPhase phase(phases, "checkout-base");
    lower = work.file("base");
    repo.checkout({base.checksum}, lower, {});
  }
  // The tree is the base under a copy-up view: nothing below is ever written, and what changes is
  // committed alone on top of the base.
  std::optional<CopyUpView> view(std::in_place, lower, work.path(), work.scratch());
  const fs::path& tree = work.path();
  // dpkg's /etc is the commit's /usr/etc (a deployment's own /etc is its merged one).
  bool had_etc = fs::exists(fs::symlink_status(tree / "etc"));
  if (!had_etc) fs::create_directory(tree / "etc");
  std::optional<util::BindMount> etc(std::in_place, tree / "usr/etc", tree / "etc", false);
  {
    util::ScopedPhase phase(phases, "dpkg view");
    restore_var(tree);
  }
  LayeredCommit result;
  StagePlan plan = plan_layering(request, work, settings, phases, result.inactive);

  Stage stage;
  stage.name = "layered";
  stage.from = "the base commit";
  stage.release = plan.view.release;
  stage.architecture = plan.view.architecture;
  stage.components = plan.view.components;
  stage.mirror = plan.view.mirror;
  BuiltStage built = build_stage_tree(stage, plan, work, repo, settings, phases,
                                      ParentTree{base.checksum, /*hardlinked=*/false});
  result.added = std::move(built.packages);
  result.bytes_downloaded = plan.bytes_downloaded + built.bytes_downloaded;
  store::CommitOptions commit;
  commit.parent = base.checksum;
  std::vector<std::string> changes = request.packages;
  for (const fs::path& deb : request.local_debs) changes.push_back(deb.filename().string());
  for (const fs::path& deb : request.local_replacements)
    changes.push_back("=" + deb.filename().string());
  for (const std::string& name : request.removals) changes.push_back("-" + name);
  commit.subject =
      fmt::format("apt-ostree: {} on {}", fmt::join(changes, " "), base.checksum.substr(0, 12));
  commit.metadata = layered_metadata(base, tree);
  {
    util::ScopedPhase phase(phases, "ostree layout");
    OstreeLayout layout = apply_ostree_layout(tree, /*etc_in_usr=*/true);
    // The base's kernel is in /usr/lib/modules, not /boot: one found there came with the request.
    if (layout.kernel_version)
      fail("the packages {} bring the kernel {}, and a deployment boots the kernel of its base: "
           "compose kernels into the base commit instead",
           fmt::join(request.packages, ", "), *layout.kernel_version);
    etc.reset();
    if (!had_etc) fs::remove(tree / "etc");
  }
  util::ScopedPhase phase(phases, "commit");
  result.commit = repo.commit_changes(base.checksum, view->unmount(), commit);
  return result;
}

}  // namespace apt_ostree::compose
