// Building one stage's tree: the compose engine's straight list of phases.
//
//   refresh   the stage's archive view (release, architecture, components, mirror), verified
//   resolve   variant + packages (+ without Recommends) - exclusions, in install order
//   fetch     the .debs into the shared package cache (lib/pkgcache)
//   import    each .deb once into the store as its own commit (lib/store; reused across builds)
//   unpack    a union checkout of those commits (hardlinks under a copy-up view, or copies; see
//             copy_up_view.h), in the merged-/usr layout when the package set asks for it
//             (usr_merge.h)
//   dpkg-db   var/lib/dpkg as `dpkg --unpack` leaves it (dpkg_database.h)
//   configure in a chroot of the tree: the essential set configured first, every preinst after
//             its Pre-Depends are configured (configure_order.h), the diversions they made
//             (diversions.h), debconf selections, the target's own `dpkg --configure -a`, one
//             initramfs per kernel (services blocked by policy-rc.d, API filesystems mounted and
//             always unmounted; configure_guards.h)
//   customise files overlay, hostname, units, run (host) and run-chroot hooks, apt sources
//   fold      what the scripts and hooks changed, folded from the copy-up view into the tree
//
// A child stage replaces import, unpack and dpkg-db by "checkout-parent" (its parent's commit,
// hardlinked under a copy-up view) and has its new packages unpacked by the tree's dpkg in
// configure (stage_layering.h).
//
// Each phase is timed into the caller's PhaseLog; maintainer script and hook output goes to the
// stage's log file, and a failure's error names the script and shows the log's last lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/compose/treefile.h"
#include "lib/compose/work_tree.h"
#include "lib/pkgcache/fetch_packages.h"
#include "lib/repo/package_index.h"
#include "lib/repo/repo_config.h"
#include "lib/solve/resolver.h"
#include "lib/store/repo.h"
#include "lib/util/progress.h"
#include "lib/util/timer.h"

namespace apt_ostree::compose {

struct BuildSettings {
  std::filesystem::path cache_root;  // metadata per archive view and the shared package cache
  std::string default_mirror;        // for stages without `mirror:` (the host's APT sources)
  std::vector<std::filesystem::path> keyrings;  // empty: the archive keyring
  std::string apt_proxy;                        // see fetch::DownloaderOptions::proxy
  bool offline = false;                         // no network: cached metadata and packages only
  int jobs = 0;                                 // import threads; 0 = one per CPU
  // Whether the finished tree may hold hardlinks into the store (copy_up_view.h): the fast way,
  // for a tree that is committed or archived and then removed. A tree handed over as a directory
  // must be copies, or editing it would edit the store.
  bool link_store_files = false;
  // SOURCE_DATE_EPOCH for maintainer scripts and hooks (shadow's password dates, ...); unset:
  // none is given.
  std::optional<uint64_t> source_date_epoch;
  util::ProgressMode progress = util::ProgressMode::off;
};

struct InstalledPackage {
  std::string name;
  std::string version;
  std::string architecture;
  std::string sha256;  // of the .deb
};

struct BuiltStage {
  std::vector<InstalledPackage> packages;  // in install order
  uint64_t bytes_downloaded = 0;
  std::filesystem::path log;  // maintainer script and hook output
};

// The archive a stage's packages come from: its mirror (or the host's), release, components,
// architecture, keyrings. Throws Error at the stage's definition when no mirror is known.
repo::RepoConfig archive_view(const Stage& stage, const BuildSettings& settings);

// What a stage resolves to against its archive view: the "refresh" and "resolve" phases, done
// before anything is built so that the stage's key (stage_key.h) can be known first.
struct StagePlan {
  repo::RepoConfig view;
  std::optional<repo::PackageIndex> index;    // the records below point into it
  std::optional<repo::PackageIndex> local_index;  // local .debs' records (package layering)
  std::vector<repo::PackageRecord> records;   // every package of the stage, in install order
  // Packages of the parent's tree the stage removes (dpkg --purge) before it installs its own:
  // package layering's `override remove`.
  std::vector<std::string> removals;
  // Packages of the parent's tree the stage's records replace by another version (package
  // layering's `override replace`); any other version change is an error.
  std::vector<std::string> replacements;
  std::string auto_installed;                 // apt's extended_states for the tree
  uint64_t bytes_downloaded = 0;              // by the refresh
  // The archive's state in time: its Release file's Date (seconds since the epoch; 0 if it has
  // none). What a build stamps its output with when SOURCE_DATE_EPOCH is not set, so that two
  // builds from the same archive state give the same bytes.
  uint64_t archive_date = 0;

  // "name version architecture sha256" per package, in install order (StageManifest::packages).
  std::vector<std::string> package_lines() const;
};

// Refreshes `view`'s metadata (the "refresh" phase, its steps as "refresh/STEP"); nothing when
// offline. Returns the bytes downloaded.
uint64_t refresh_archive_view(const repo::RepoConfig& view, const BuildSettings& settings,
                              util::PhaseLog& phases);
// The directory of `view`'s current verified metadata; an Error if none was ever fetched.
std::filesystem::path current_generation(const repo::RepoConfig& view);

// apt's record of which packages were installed only as dependencies (apt-mark showauto), as
// mmdebstrap leaves it: everything `plan` pulled in (made over `index`) but the seeds and
// `essential_closure`, as var/lib/apt/extended_states stanzas sorted by name.
std::string extended_states(const repo::PackageIndex& index, const solve::Plan& plan,
                            const std::set<std::string>& essential_closure,
                            const std::string& native_architecture);

// Plans `stage`; with `refresh` (and not offline), refreshes its archive view's metadata first.
// An unknown or ambiguous package is an Error naming its treefile line.
StagePlan plan_stage(const Stage& stage, const BuildSettings& settings, bool refresh,
                     util::PhaseLog& phases);

// The .debs of `records` in the shared package cache, fetched from the view's mirror if missing
// (the "fetch" phase; a build that fetched them before finds them all there).
pkgcache::FetchReport fetch_packages(const std::vector<repo::PackageRecord>& records,
                                     const repo::RepoConfig& view, const BuildSettings& settings,
                                     util::PhaseLog& phases);

// A child stage's starting point: its parent's commit, checked out into the work tree.
struct ParentTree {
  std::string commit;
  // The checkout holds hardlinks into the store (a copy-up view guards them while scripts run);
  // false: the tree may be written as it is (private copies, or already a copy-up view's merged
  // tree, as package layering mounts it).
  bool hardlinked = false;
};

// Checks `commit` out into the empty work tree: hardlinks (each path its own inode) when copy-up
// views work there, copies otherwise. Timed as "checkout-parent".
ParentTree check_out_parent(store::Repo& repo, const std::string& commit, const WorkTree& work,
                            util::PhaseLog& phases);

// Builds `stage` into the work tree, writing maintainer script and hook output to its log: from
// the package store for a root stage; for a child, on its parent's checkout (check_out_parent),
// whose new packages the tree's own dpkg installs (stage_layering.h). Throws Error naming the
// culprit (package, script, hook); the tree is then incomplete and the caller removes it.
BuiltStage build_stage_tree(const Stage& stage, const StagePlan& plan, const WorkTree& work,
                            store::Repo& repo, const BuildSettings& settings,
                            util::PhaseLog& phases,
                            const std::optional<ParentTree>& parent = std::nullopt);

}  // namespace apt_ostree::compose
