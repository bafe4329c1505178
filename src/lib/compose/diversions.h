// Diversions made by preinsts (dpkg-divert), applied to a tree that was unpacked before they ran.
//
// dpkg runs a package's preinst before unpacking it, so a diversion the preinst adds decides where
// the package's own files and everyone else's go: the diverted path holds the diverting package's
// file, the divert-to path the other package's. The compose engine unpacks every package at once
// and runs the preinsts afterwards, so it rearranges the tree once they have run: for each
// diversion, the file of the last other package (in install order) that ships the path moves to
// the divert-to path, and the diverting package's own file (if it ships one) takes its place. The
// dpkg database keeps listing a package's files under their undiverted names; only the md5sums
// dpkg_database.h generated from the tree for a package that ships none are redone from where its
// file now is.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lib/deb/deb_metadata.h"

namespace apt_ostree::compose {

struct Diversion {
  std::string from;     // the diverted path ("/usr/bin/tool")
  std::string to;       // where other packages' file goes ("/usr/bin/tool.distrib")
  std::string package;  // the diverting package; ":" for a local diversion
};

// The tree's var/lib/dpkg/diversions (dpkg's three lines per diversion); empty if there is none.
std::vector<Diversion> read_diversions(const std::filesystem::path& tree);

struct UnpackedPackage {
  std::string name;
  std::string database_name;  // as in var/lib/dpkg/info/ (DpkgControl::database_name())
  const deb::DebMetadata* metadata;
};

// Writes one package's (index into `packages`) file at `path` to `destination` (in the tree).
using PlaceFile = std::function<void(size_t package, const std::string& path,
                                     const std::filesystem::path& destination)>;

// Rearranges `tree` for `diversions` as described above; `packages` in install order.
void apply_diversions(const std::filesystem::path& tree, const std::vector<Diversion>& diversions,
                      const std::vector<UnpackedPackage>& packages, const PlaceFile& place_file);

}  // namespace apt_ostree::compose
