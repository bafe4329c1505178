// The dpkg database of a composed tree (var/lib/dpkg). The assembler unpacks a .deb's files by
// checking out its OSTree commit, not with dpkg; this writes, from the packages' metadata alone,
// the database exactly as `dpkg --unpack` of the same packages in the same order leaves it, so that
// the target's own `dpkg --configure -a` (run in a chroot) configures everything and dpkg,
// dpkg-query and apt work on the result as on any Debian system.
//
// What is written (dpkg 1.21; each point checked against dpkg by tests/unit/dpkg_database_test.cc):
//  - status: one paragraph per package (DpkgControl::status_stanza), sorted as dpkg sorts them,
//    "install ok unpacked" with every conffile's hash "newconffile"; written last and atomically,
//    so a tree whose status names a package also has all of that package's info files;
//  - info/NAME.list: the package's paths, excluded ones (dpkg --path-exclude) included, as dpkg
//    keeps them; NAME is DpkgControl::database_name() ("libc6:amd64" for Multi-Arch: same);
//  - info/NAME.MEMBER for every control member but "control" (and names with a dot, which dpkg
//    skips): 0755 for the maintainer scripts and config, 0644 for the rest;
//  - info/NAME.md5sums generated, as dpkg does, for a package that ships none: the MD5 of each of
//    its regular files, in archive order, excluded files left out;
//  - conffiles: an unpacked package's conffiles are renamed to PATH.dpkg-new, where dpkg --unpack
//    leaves them; `dpkg --configure` installs them and records their MD5;
//  - triggers/File, triggers/NAME (DpkgTriggerInterests) and an empty triggers/Unincorp: with
//    Unincorp present dpkg trusts the interest files instead of rebuilding them;
//  - info/format ("1", the multiarch layout), empty updates/, an empty available, and arch (native
//    then foreign architectures, as `dpkg --add-architecture` writes it) when there are foreign
//    architectures. diversions and statoverride are not written: dpkg treats missing ones as empty
//    and creates them when first needed, as on a fresh dpkg --unpack.
// Files are written in place without fsync: the tree is private to the assembler until it is
// committed, which is when durability matters.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/compose/dpkg_database_status.h"
#include "lib/deb/deb_metadata.h"

namespace apt_ostree::compose {

struct DpkgDatabasePackage {
  const deb::DebMetadata* metadata = nullptr;
  // `installed` records the package as `dpkg --configure` leaves it: conffiles stay in place with
  // their MD5 recorded. What configuring would have run (postinst) or activated (triggers) is
  // skipped, so use it only where that is nothing (configure_is_trivial()); dpkg --configure -a
  // then leaves the package alone.
  DpkgState state = DpkgState::unpacked;
};

struct DpkgDatabaseOptions {
  // The architecture of the tree's dpkg (`dpkg --print-architecture` in the tree).
  std::string native_architecture;
  // Other architectures dpkg must accept packages of (`dpkg --add-architecture`).
  std::vector<std::string> foreign_architectures;
  // True for a path ("/usr/share/doc/x/README") that dpkg-style path-exclude filters kept out of
  // the tree. Such paths stay in info/NAME.list, as with dpkg, but are missing on purpose; any
  // other missing file or conffile is an error. Empty: nothing was excluded.
  std::function<bool(std::string_view path)> is_excluded;
};

struct DpkgDatabaseSummary {
  size_t packages = 0;
  size_t paths = 0;         // lines written to info/*.list
  size_t files_hashed = 0;  // files read for generated md5sums and installed conffiles
};

// Writes ROOT/var/lib/dpkg for `packages`, given in unpack order, whose files are already in
// `root`. Everything is checked before the first file is written; a package dpkg would refuse
// throws Error naming it.
DpkgDatabaseSummary write_dpkg_database(const std::filesystem::path& root,
                                        const std::vector<DpkgDatabasePackage>& packages,
                                        const DpkgDatabaseOptions& options);

// True when `dpkg --configure` of the package would do nothing but mark it installed: no postinst
// to run, no conffiles to install, no triggers to activate or register. Such a package can be
// written `installed`. (Its preinst, which dpkg runs at unpack, is never run by this writer.)
bool configure_is_trivial(const deb::DebMetadata& metadata);

}  // namespace apt_ostree::compose
