// The order of the dpkg steps that configure a tree whose packages are all unpacked already, so
// that every maintainer script finds what apt and dpkg would have given it:
//   - the essential set (Essential: yes and what it depends on) is configured before anything
//     else runs, as debootstrap and mmdebstrap install it first: scripts use awk, sed, ... without
//     declaring it, and e.g. /usr/bin/awk exists only once mawk is configured;
//   - each preinst runs after its Pre-Depends are configured, as dpkg requires before it unpacks
//     a package (apt configures pre-dependencies in the middle of an installation for this);
//   - everything else is configured by the caller's final `dpkg --configure -a`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace apt_ostree::compose {

struct ConfigurePackage {
  std::string name;
  std::string depends;      // the Depends field as in the control file
  std::string pre_depends;  // the Pre-Depends field
  std::string provides;     // the Provides field
  bool essential = false;
  bool has_preinst = false;
};

struct DpkgStep {
  enum class Kind { configure, preinst };
  Kind kind;
  // configure: the packages for one `dpkg --configure` (ascending, indices into the input);
  // preinst: the one package whose preinst runs.
  std::vector<size_t> packages;
};

// `packages` in install order (pre-dependencies first). First the essential set: its preinsts in
// install order, each after a configure step for its not yet configured pre-dependencies (with
// their Depends and Pre-Depends among the packages before it), then one configure step for the
// rest of the set; then the other packages' preinsts the same way. `architecture` evaluates
// architecture restrictions; an alternative is met by the first of its packages present (by name
// or Provides). Throws Error on a malformed field, naming the package.
std::vector<DpkgStep> configure_steps(const std::vector<ConfigurePackage>& packages,
                                      const std::string& architecture);

}  // namespace apt_ostree::compose
