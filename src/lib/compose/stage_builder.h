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
// Each phase is timed into the caller's PhaseLog; maintainer script and hook output goes to the
// stage's log file, and a failure's error names the script and shows the log's last lines.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lib/compose/treefile.h"
#include "lib/compose/work_tree.h"
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

// Builds `stage` (a root stage: `from` is not followed here) into the work tree, writing
// maintainer script and hook output to its log. Throws Error naming the culprit (package, script,
// hook); the tree is then incomplete and the caller removes it.
BuiltStage build_stage_tree(const Stage& stage, const WorkTree& work, store::Repo& repo,
                            const BuildSettings& settings, util::PhaseLog& phases);

}  // namespace apt_ostree::compose
