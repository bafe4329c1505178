// One .deb into the repository as its own commit: a pkgcache entry. data.tar streams from the
// .deb through libarchive into ostree_repo_import_archive_to_mtree (without ostree's /etc ->
// /usr/etc convention: the tree is the package's files exactly as dpkg unpacks them, with their
// modes, owners, symlinks, hardlinks and empty directories), and the paths are recorded in dpkg's
// .list order as they pass the commit modifier. What dpkg keeps about the package goes into the
// commit metadata:
//
//   apt-ostree.deb.sha256   s        the .deb's SHA256 (a rebuilt .deb of the same version differs)
//   apt-ostree.deb.import   u        k_import_format; commits of another format are imported again
//   apt-ostree.deb.control  ay       control.tar's "control"
//   apt-ostree.deb.members  a{say}   control.tar's other files (md5sums, conffiles, postinst, ...)
//   apt-ostree.deb.paths    aay      data.tar's entries: "/.", "/usr", "/usr/bin", ...
//
// Bytes rather than strings: GVariant strings must be UTF-8 and a .deb's files need not be.
#pragma once

#include <ostree.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "lib/deb/deb_metadata.h"
#include "lib/store/repo.h"

namespace apt_ostree::store::ostree {

// Bump when what an import stores changes, so older pkgcache commits are imported again.
inline constexpr uint32_t k_import_format = 1;

struct DebCommit {
  std::string checksum;
  deb::DebMetadata metadata;
};

// Imports `deb` and writes its commit (no ref); call inside a transaction. Safe to call from
// several threads at once. Throws Error naming `deb` on failure.
DebCommit import_deb(OstreeRepo* repo, const std::filesystem::path& deb,
                     const DebIdentity& identity, GCancellable* cancellable);

// The DebMetadata stored in a pkgcache commit's metadata (a{sv}) if that commit is the import of
// the .deb with `sha256` in the current format; nullopt if it must be imported again.
std::optional<deb::DebMetadata> reusable_metadata(GVariant* commit_metadata,
                                                  std::string_view sha256);

}  // namespace apt_ostree::store::ostree
