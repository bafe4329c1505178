// A child stage starts from its parent's tree, which is configured: its packages are installed,
// their trigger interests registered, their diversions and alternatives made. The child's new
// packages are unpacked and configured by the tree's own dpkg, as apt would on a running system,
// because dpkg then does exactly what an installed system needs: file triggers of installed
// packages activated by the new files (man-db, glib schemas, icon caches), files taken over under
// Replaces, diversions, conffile prompts answered by policy. (A root stage, where nothing is
// installed yet, is assembled from the package store instead: stage_builder.h.)
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lib/compose/configure_order.h"

namespace apt_ostree::compose {

struct LayeredPackage {
  ConfigurePackage package;
  std::string deb;  // the .deb's path as seen inside the tree
};

// The packages dpkg lists as installed in `tree`'s database (var/lib/dpkg/status), as
// "name:architecture" -> version. Throws Error naming the file if it cannot be read.
std::map<std::string, std::string> installed_packages(const std::filesystem::path& tree);

// The packages dpkg lists as installed in `tree`'s database, written to `index_path` as a
// PackageIndex: what the resolver keeps as it is when packages are layered on the tree.
void write_installed_index(const std::filesystem::path& tree,
                           const std::filesystem::path& index_path);

// The dpkg commands (argv, run in the tree) that unpack `packages` (the new ones, in install
// order) in batches, each package after its Pre-Depends are configured, as apt splits an
// installation; `dpkg_options` (path filters, ...) go to every `dpkg --unpack`. The caller's final
// `dpkg --configure -a` configures the rest.
std::vector<std::vector<std::string>> layering_commands(
    const std::vector<LayeredPackage>& packages, const std::string& architecture,
    const std::vector<std::string>& dpkg_options);

}  // namespace apt_ostree::compose
