// Package layering, the compose engine's part: a commit built on a device from a base commit and
// the packages to add to it, as rpm-ostree builds a client-side layered commit from RPMs.
//
//   (checkout-base)  the base's deployment is the tree's lower layer under a copy-up view
//                    (copy_up_view.h), so nothing is checked out; a base that is not deployed
//                    (an upgrade's new base) is checked out, hardlinked, first
//   dpkg view        /usr/etc bound on /etc and /var rebuilt, so dpkg and maintainer scripts
//                    find them as on a running system (ostree_layout.h)
//   refresh, solve   the archive view's metadata; the packages resolved against it with the
//                    base's dpkg database installed and kept exactly as it is, but for the
//                    packages removed (solve/resolver.h)
//   fetch, configure the .debs into the shared package cache; the tree's own dpkg purges the
//                    removed packages, then unpacks and configures the new ones in a chroot, as
//                    apt would on the running system (stage_layering.h)
//   ostree layout    the layout applied again (the new /var content joins the generated
//                    tmpfiles.d lines and the factory)
//   commit           the copy-up view's changes alone on top of the base (Repo::commit_changes),
//                    with the base as parent, its metadata (version, ...) and the new package
//                    list: the cost follows what the packages change, not the size of the tree
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/compose/stage_builder.h"
#include "lib/repo/repo_config.h"
#include "lib/store/repo.h"
#include "lib/util/timer.h"

namespace apt_ostree::compose {

struct LayeringRequest {
  std::string base_commit;
  // A checkout of the base commit to build on, never written (its deployment); empty: the base
  // is checked out first.
  std::filesystem::path base_tree;
  std::vector<std::string> packages;  // "name" or "name=version", none of them in the base
  std::vector<std::string> removals;  // base packages to remove (purged), by name
  std::vector<std::filesystem::path> local_debs;  // .deb files to install, none in the base
  // .deb files replacing the base's package of their name (`override replace`).
  std::vector<std::filesystem::path> local_replacements;
  repo::RepoConfig view;              // the archive they come from
  // Requested packages the base already has, and removals of packages it does not have, are
  // skipped ("inactive", as rpm-ostree calls them: an upgrade whose new base changed) instead of
  // failing.
  bool skip_inactive = false;
};

struct LayeredCommit {
  std::string commit;
  std::vector<InstalledPackage> added;  // in install order, dependencies included
  std::vector<std::string> inactive;    // requests and removals skipped (skip_inactive)
  uint64_t bytes_downloaded = 0;        // metadata and packages
};

// Builds the commit in `repo` (the repository at `repo_path`; work trees go to its tmp/).
// Local .debs are put into the shared package cache (by their SHA256) and installed after what
// they need from the archive.
// Throws Error naming the culprit: an unknown or already installed package, a dependency the
// base cannot meet (its package named), a failed download or maintainer script (with the end
// of the log), a kernel among the packages (a deployment boots its base's). Nothing is left
// behind then but the log.
LayeredCommit build_layered_commit(store::Repo& repo, const std::filesystem::path& repo_path,
                                   const LayeringRequest& request, const BuildSettings& settings,
                                   util::PhaseLog& phases);

// The metadata key holding the base commit of a layered commit (also its parent).
inline constexpr const char* k_base_commit_key = "apt-ostree.base-commit";

}  // namespace apt_ostree::compose
