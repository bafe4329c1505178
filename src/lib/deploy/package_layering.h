// Package layering, the deployment's part: `install` and `uninstall` change the packages a
// deployment's origin asks for on top of its base commit, and every deployment of such an origin
// (install, uninstall, and upgrade to a new base) is a commit built here by the compose engine
// (compose/layered_commit.h). The archive the packages come from is the one the deployment's
// own /etc/apt names, as apt on that system would use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/compose/layered_commit.h"
#include "lib/deploy/transaction.h"

namespace apt_ostree::deploy {

// What building a layered commit needs besides the request: the package cache, keyrings (empty:
// those the deployment's APT sources name, else the Debian archive's), proxy, offline.
using LayeringSettings = compose::BuildSettings;

struct LayeredPackagesChange {
  std::vector<std::string> install;    // names to add to the layered set
  std::vector<std::filesystem::path> install_local;  // .deb files to add to it (kept in the sysroot)
  std::vector<std::string> uninstall;  // names to drop from it
  bool reset = false;                  // drop every layered package and override first
  std::vector<std::string> remove_base;   // `override remove`: base packages to remove
  std::vector<std::string> restore_base;  // `override reset`: removals and replacements to drop
  std::vector<std::filesystem::path> replace_local;  // `override replace`: .debs for base packages
  bool restore_all = false;               // `override reset --all`
};

struct LayeringResult {
  std::string base;    // the base commit
  std::string commit;  // the deployed commit: the base itself when nothing is layered any more
  std::vector<compose::InstalledPackage> added;  // packages the new commit adds to the base
  std::vector<std::string> removed;              // base packages it removes (the origin's)
  uint64_t bytes_downloaded = 0;
  store::Deployment deployed;
};

// Local .debs layered on a deployment are kept in its stateroot's /var (the origin names them
// `SHA256:NAME` in `[packages] requested-local`), so that an upgrade can install them again.
std::filesystem::path local_deb_path(const std::filesystem::path& sysroot,
                                     const std::string& osname, const std::string& entry);

// The base commit of a deployment: its commit, or for a layered one, the commit it was built on.
std::string base_commit(const std::filesystem::path& repo, const ListedDeployment& deployment);

// The archive view a deployment's packages come from: its /etc/apt sources' first entry for a
// release, its commit's architecture. Throws Error naming the deployment if none is configured.
repo::RepoConfig deployment_archive_view(const std::filesystem::path& repo,
                                         const ListedDeployment& deployment,
                                         const LayeringSettings& settings);

// The commit to deploy for `origin` on `base` (a commit of the sysroot's repository): `base`
// itself for an origin without layered packages, otherwise a layered commit built on it; with
// `skip_inactive`, what no longer applies to the base is skipped (compose::LayeringRequest).
compose::LayeredCommit commit_for_origin(Transaction& transaction, const std::string& base,
                                         const Origin& origin, const repo::RepoConfig& view,
                                         const LayeringSettings& settings, bool skip_inactive);

// install/uninstall/reset/override: the base deployment's origin with `change` applied, built and
// deployed as the new default. Installing a package already layered, uninstalling one that is
// not, removing a base package twice or resetting an override that does not exist is an Error
// naming it; so is a reset of a deployment with nothing to reset.
LayeringResult change_packages(Transaction& transaction, const LayeredPackagesChange& change,
                               const LayeringSettings& settings);

// Points the refs apt-ostree/base/N at the base commits of the layered deployments (and drops
// the others), so that pruning keeps the bases a later install, uninstall or reset builds on, as
// rpm-ostree keeps rpmostree/base/N.
void ref_layered_bases(const std::filesystem::path& repo,
                       const std::vector<ListedDeployment>& deployments);

}  // namespace apt_ostree::deploy
