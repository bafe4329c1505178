// When to configure packages early, so that each preinst runs with its Pre-Depends configured.
//
// dpkg refuses to unpack a package (and so to run its preinst) until every Pre-Depends is
// configured, and apt therefore configures pre-dependencies in the middle of an installation.
// The compose engine unpacks the whole tree at once and runs the preinsts afterwards, in install
// order; before a preinst whose pre-dependencies are not configured yet, it configures them, with
// what they in turn depend on, in one `dpkg --configure` batch. Everything else is configured at
// the end by `dpkg --configure -a`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace apt_ostree::compose {

struct PreinstPackage {
  std::string name;
  std::string depends;      // the Depends field as in the control file
  std::string pre_depends;  // the Pre-Depends field
  std::string provides;     // the Provides field
  bool has_preinst = false;
};

// `packages` in install order (pre-dependencies first). Returns, for each package, the packages
// (indices into `packages`, ascending) to configure right before its preinst runs: its
// pre-dependencies not configured by an earlier batch, and their Depends and Pre-Depends closure
// among the packages before it. Empty for a package without a preinst. `architecture` evaluates
// architecture restrictions in the fields; an alternative is satisfied by the first of its
// packages present (by name or Provides). Throws Error on a malformed field, naming the package.
std::vector<std::vector<size_t>> configure_before_preinsts(
    const std::vector<PreinstPackage>& packages, const std::string& architecture);

}  // namespace apt_ostree::compose
