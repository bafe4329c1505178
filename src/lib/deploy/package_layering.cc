#include "lib/deploy/package_layering.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "lib/deploy/package_diff.h"
#include "lib/repo/apt_sources.h"
#include "lib/store/commit_object.h"
#include "lib/util/error.h"
#include "lib/util/hash.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_base_ref_prefix = "apt-ostree/base/";

// The architecture a commit's packages are built for: the first that is not "all".
std::string commit_architecture(const store::CommitInfo& commit) {
  for (const CommitPackage& package : commit_packages(commit))
    if (package.architecture != "all") return package.architecture;
  fail("the commit {} lists no architecture-specific package, so its architecture is unknown",
       commit.checksum);
}

// "SHA256:NAME" -> NAME.
std::string_view local_name(std::string_view entry) {
  size_t colon = entry.find(':');
  return colon == std::string_view::npos ? entry : entry.substr(colon + 1);
}

// Drops `name` from `local` (SHA256:NAME entries), else from `plain` (names); false if it is in
// neither.
bool drop_request(std::vector<std::string>& local, std::vector<std::string>& plain,
                  const std::string& name) {
  if (std::erase_if(local, [&](const std::string& entry) { return local_name(entry) == name; }))
    return true;
  return std::erase(plain, name) > 0;
}

// Copies `deb` into the stateroot (atomically, named by its SHA256) and returns its origin entry.
std::string keep_local_deb(const fs::path& sysroot, const std::string& osname, const fs::path& deb) {
  util::ProcessResult name = util::run_process({"dpkg-deb", "--field", deb.string(), "Package"});
  if (name.exit_code != 0 || util::trim(name.out).empty())
    fail("{} is not a readable .deb: {}", deb.string(), std::string(util::trim(name.err)));
  std::string entry = fmt::format("{}:{}", util::digest_file(util::DigestKind::sha256, deb),
                                  util::trim(name.out));
  fs::path kept = local_deb_path(sysroot, osname, entry);
  fs::create_directories(kept.parent_path());
  fs::path partial = kept;
  partial += ".partial";
  fs::copy_file(deb, partial, fs::copy_options::overwrite_existing);
  fs::rename(partial, kept);
  return entry;
}

}  // namespace

fs::path local_deb_path(const fs::path& sysroot, const std::string& osname,
                        const std::string& entry) {
  std::string sha256 = entry.substr(0, entry.find(':'));
  if (!util::is_lower_hex(sha256, 64))
    fail("the origin's local package '{}' is not SHA256:NAME", entry);
  return sysroot / "ostree/deploy" / osname / "var/lib/apt-ostree/local-debs" / (sha256 + ".deb");
}

std::string base_commit(const fs::path& repo, const ListedDeployment& deployment) {
  if (!deployment.origin.derived()) return deployment.deployment.checksum;
  return store::read_commit_object(repo, deployment.deployment.checksum).parent;
}

repo::RepoConfig deployment_archive_view(const fs::path& repo, const ListedDeployment& deployment,
                                         const LayeringSettings& settings) {
  fs::path etc_apt = deployment.deployment.path / "etc/apt";
  std::vector<repo::AptSource> sources = repo::read_apt_sources(etc_apt);
  auto usable = std::find_if(sources.begin(), sources.end(), [](const repo::AptSource& source) {
    return !source.uris.empty() && !source.suites.empty() && !source.components.empty();
  });
  if (usable == sources.end())
    fail("the deployment {} names no archive in {}: add a deb line for its release there",
         deployment.deployment.checksum, etc_apt.string());
  repo::RepoConfig view;
  view.mirror = usable->uris.front();
  view.release = usable->suites.front();
  view.components = usable->components;
  view.architecture =
      commit_architecture(store::read_commit_object(repo, base_commit(repo, deployment)));
  if (!settings.keyrings.empty())
    view.keyrings = settings.keyrings;
  else if (!usable->signed_by.empty())
    view.keyrings = {usable->signed_by};
  view.cache_dir = settings.cache_root;
  return view;
}

compose::LayeredCommit commit_for_origin(Transaction& transaction, const std::string& base,
                                         const Origin& origin, const repo::RepoConfig& view,
                                         const LayeringSettings& settings, bool skip_inactive) {
  if (!origin.derived()) return {base, {}, {}, 0};
  fs::path repo_path = transaction.sysroot().repo_path();
  std::unique_ptr<store::Repo> repo = store::open_repo(repo_path, store::RepoMode::bare, false);
  compose::LayeringRequest request;
  request.base_commit = base;
  // A deployment of the base is a checkout of it already: the build's lower layer.
  for (const ListedDeployment& listed : transaction.deployments())
    if (listed.deployment.checksum == base) request.base_tree = listed.deployment.path;
  request.packages = origin.packages;
  // The kept .debs the origin names; one that went missing is named with how to drop it.
  auto kept_debs = [&](const std::vector<std::string>& entries, const char* drop) {
    std::vector<fs::path> debs;
    for (const std::string& entry : entries) {
      debs.push_back(local_deb_path(transaction.path(), transaction.base().deployment.osname, entry));
      if (!fs::exists(debs.back()))
        fail("the local .deb of {} that the origin names is missing ({}); `apt-ostree {} {}`",
             local_name(entry), debs.back().string(), drop, local_name(entry));
    }
    return debs;
  };
  request.local_debs = kept_debs(origin.local_packages, "uninstall");
  request.local_replacements = kept_debs(origin.replaced, "override reset");
  request.removals = origin.removed;
  request.view = view;
  request.skip_inactive = skip_inactive;
  return compose::build_layered_commit(*repo, repo_path, request, settings, transaction.phases());
}

LayeringResult change_packages(Transaction& transaction, const LayeredPackagesChange& change,
                               const LayeringSettings& settings) {
  ListedDeployment deployment = transaction.base();
  Origin origin = deployment.origin;
  if (change.reset) {
    if (!origin.derived())
      fail("{} has no layered packages or overrides to reset", deployment.deployment.checksum);
    origin.packages.clear();
    origin.local_packages.clear();
    origin.removed.clear();
    origin.replaced.clear();
  }
  for (const std::string& name : change.uninstall)
    if (!drop_request(origin.local_packages, origin.packages, name))
      fail("'{}' is not a layered package of {} (layered: {})", name,
           deployment.deployment.checksum,
           origin.packages.empty() ? "none" : fmt::format("{}", fmt::join(origin.packages, ", ")));
  if (change.restore_all) {
    if (origin.removed.empty() && origin.replaced.empty())
      fail("{} has no overrides to reset", deployment.deployment.checksum);
    origin.removed.clear();
    origin.replaced.clear();
  }
  for (const std::string& name : change.restore_base)
    if (!drop_request(origin.replaced, origin.removed, name))
      fail("'{}' has no override on {} (removed: {})", name, deployment.deployment.checksum,
           origin.removed.empty() ? "none" : fmt::format("{}", fmt::join(origin.removed, ", ")));
  for (const fs::path& deb : change.replace_local) {
    std::string entry = keep_local_deb(transaction.path(), deployment.deployment.osname, deb);
    std::erase_if(origin.replaced,
                  [&](const std::string& kept) { return local_name(kept) == local_name(entry); });
    origin.replaced.push_back(entry);
  }
  for (const std::string& name : change.remove_base) {
    if (std::find(origin.removed.begin(), origin.removed.end(), name) != origin.removed.end())
      fail("'{}' is already removed from the base of {}", name, deployment.deployment.checksum);
    origin.removed.push_back(name);
  }
  for (const std::string& name : change.install) {
    if (std::find(origin.packages.begin(), origin.packages.end(), name) != origin.packages.end())
      fail("'{}' is already layered on {}", name, deployment.deployment.checksum);
    origin.packages.push_back(name);
  }
  for (const fs::path& deb : change.install_local) {
    std::string entry = keep_local_deb(transaction.path(), deployment.deployment.osname, deb);
    for (const std::string& layered : origin.local_packages)
      if (local_name(layered) == local_name(entry))
        fail("'{}' is already layered on {} (from a local .deb)", local_name(entry),
             deployment.deployment.checksum);
    origin.local_packages.push_back(entry);
  }
  fs::path repo = transaction.sysroot().repo_path();
  LayeringResult result;
  result.base = base_commit(repo, deployment);
  repo::RepoConfig view = deployment_archive_view(repo, deployment, settings);
  compose::LayeredCommit layered = commit_for_origin(transaction, result.base, origin, view, settings, false);
  result.commit = layered.commit;
  result.added = std::move(layered.added);
  result.removed = origin.removed;
  result.bytes_downloaded = layered.bytes_downloaded;
  result.deployed =
      transaction.deploy(deployment.deployment.osname, result.commit, origin, std::nullopt);
  return result;
}

void ref_layered_bases(const fs::path& repo_path, const std::vector<ListedDeployment>& deployments) {
  std::set<std::string> bases;
  for (const ListedDeployment& deployment : deployments)
    if (deployment.origin.derived()) bases.insert(base_commit(repo_path, deployment));
  std::unique_ptr<store::Repo> repo = store::open_repo(repo_path, store::RepoMode::bare, false);
  std::vector<std::pair<std::string, std::string>> refs = repo->list_refs(k_base_ref_prefix);
  std::set<std::string> referenced;
  for (const auto& [ref, checksum] : refs) referenced.insert(checksum);
  if (referenced == bases && refs.size() == bases.size()) return;
  for (const auto& [ref, checksum] : refs) repo->set_ref(ref, std::nullopt);
  size_t n = 0;
  for (const std::string& base : bases) repo->set_ref(fmt::format("{}{}", k_base_ref_prefix, n++), base);
}

}  // namespace apt_ostree::deploy
