// Full-text package search with apt-cache search semantics: every term must match (case-
// insensitively) the package name or its description (short and long); with names_only, the name
// or a provided name. Terms are POSIX extended regular expressions, as in apt-cache; plain terms
// take a fast substring path.
#pragma once

#include <string>
#include <vector>

#include "lib/repo/package_index.h"

namespace apt_ostree::repo {

// Indices of matching records, one per package name (its highest version), sorted by name.
std::vector<size_t> search_packages(const PackageIndex& index, const std::vector<std::string>& terms,
                                    bool names_only);

}  // namespace apt_ostree::repo
