#include "lib/deploy/base_update.h"

#include <fmt/format.h>

#include "lib/store/commit_object.h"
#include "lib/util/error.h"

namespace apt_ostree::deploy {

namespace {

// The commit `target` names in the sysroot's repository, pulled first for a remote ref.
std::string fetch_target(store::Repo& repo, const BaseTarget& target, bool commit_only,
                         store::PullResult& pull) {
  Refspec refspec = split_refspec(target.refspec);
  if (!refspec.remote.empty()) {
    pull = repo.pull_remote(refspec.remote, target.commit.value_or(refspec.ref), commit_only);
    return pull.commit;
  }
  std::optional<std::string> commit = repo.resolve_ref(target.commit.value_or(refspec.ref));
  if (!commit)
    fail("the sysroot's repository has no ref {}; name a REMOTE:REF to pull from", refspec.ref);
  repo.read_commit(*commit);  // a commit checksum the repository lacks fails here, named
  return *commit;
}

// How far back `deploy version=V` looks in the ref's history.
constexpr int k_version_search_depth = 100;

// `deploy version=V`: the newest commit of the ref's history whose version is V, found by
// walking its parents' commit objects (fetched alone from a remote), as rpm-ostree does.
std::string find_version(store::Repo& repo, const std::string& refspec_text,
                         const std::string& version) {
  Refspec refspec = split_refspec(refspec_text);
  auto fetch = [&](const std::string& rev) {
    if (!refspec.remote.empty()) return repo.pull_remote(refspec.remote, rev, true).commit;
    std::optional<std::string> commit = repo.resolve_ref(rev);
    if (!commit) fail("the sysroot's repository has no ref {}", rev);
    return *commit;
  };
  std::string commit = fetch(refspec.ref);
  int searched = 0;
  while (searched < k_version_search_depth) {
    store::CommitInfo info = repo.read_commit(commit);
    ++searched;
    if (store::metadata_string(info.metadata, "version") == version) return commit;
    if (info.parent.empty()) break;
    commit = fetch(info.parent);
  }
  fail("none of the last {} commits of {} has version {}", searched, refspec_text, version);
}

}  // namespace

BaseUpdate update_base(Transaction& transaction, const BaseUpdateOptions& options) {
  ListedDeployment base = transaction.base();
  const std::filesystem::path repo_path = transaction.sysroot().repo_path();
  std::unique_ptr<store::Repo> repo = store::open_repo(repo_path, store::RepoMode::bare, false);
  BaseUpdate update;
  // A derived deployment's commit was built here on its base: the commit's parent.
  store::CommitInfo from = store::read_commit_object(repo_path, base_commit(repo_path, base));
  update.from = from.checksum;

  BaseTarget target = options.target;
  if (target.refspec.empty()) {
    if (base.origin.refspec.empty())
      fail("the deployment {} has no origin to follow; use `apt-ostree rebase REMOTE:REF`",
           base.deployment.checksum);
    target.refspec = base.origin.refspec;
  }
  if (target.commit && target.commit->starts_with("version=")) {
    util::ScopedPhase phase(transaction.phases(), "find the version");
    target.commit = find_version(*repo, target.refspec, target.commit->substr(8));
  }
  const bool commit_only = options.mode != BaseUpdateMode::deploy;
  {
    util::ScopedPhase phase(transaction.phases(),
                            commit_only ? "pull the commit object" : "pull");
    update.to = fetch_target(*repo, target, commit_only, update.pull);
  }
  Origin origin = base.origin;
  origin.refspec = target.refspec;
  origin.override_commit = target.commit;
  update.changed = update.to != update.from || origin.refspec != base.origin.refspec;
  if (!update.changed) return update;

  store::CommitInfo to = repo->read_commit(update.to);
  // Following a ref never goes back in time unless asked: a replayed old commit must not
  // downgrade a fleet (deploy of a named commit is asked for explicitly).
  if (!target.commit && origin.refspec == base.origin.refspec && !options.allow_downgrade &&
      to.timestamp < from.timestamp)
    fail("the newest commit of {} ({}) is older than the deployed one ({}); pass "
         "--allow-downgrade to deploy it anyway",
         origin.refspec, update.to, update.from);
  try {
    update.packages = diff_packages(commit_packages(from), commit_packages(to));
  } catch (const Error&) {
    // Commits not composed by apt-ostree have no package list: nothing to compare.
  }
  if (options.mode != BaseUpdateMode::deploy) return update;
  std::string commit = update.to;
  if (base.origin.derived()) {
    repo::RepoConfig view = deployment_archive_view(repo_path, base, options.layering);
    try {
      compose::LayeredCommit layered =
          commit_for_origin(transaction, update.to, origin, view, options.layering, true);
      commit = layered.commit;
      update.inactive = std::move(layered.inactive);
    } catch (const Error& error) {
      if (error.code() != ExitCode::unsatisfiable) throw;
      throw Error(fmt::format("the layered packages ({}) cannot be installed on {}: {}; "
                              "`apt-ostree uninstall` the layered package named there, then "
                              "upgrade again",
                              fmt::join(origin.packages, ", "), update.to, error.what()),
                  error.code());
    }
  }
  update.deployed = transaction.deploy(base.deployment.osname, commit, origin, std::nullopt);
  return update;
}

}  // namespace apt_ostree::deploy
