// OSTree ref names: which ones OSTree accepts, and the ref a .deb's commit is kept under in the
// pkgcache. Plain C++, so that validating a name (a treefile's refs, say) does not load libostree.
//
// OSTree accepts one or more components separated by single '/', each a letter, digit or '_'
// followed by letters, digits and [-._] (ostree_validate_rev; it also takes non-ASCII letters,
// which is_valid_ref does not, so that a valid name stays valid everywhere). A package's ref is
//
//   apt-ostree/pkg/<name>/<version>_<architecture>
//
// where Debian names and versions also use '+', ':' and '~' ("libstdc++6", "1:2.3~rc1"). Every
// other byte, '_' included, is written as '_' and two uppercase hex digits (as rpm-ostree escapes
// RPM versions), and so is a leading '.' or '-'. The name stays readable and reversible: the
// separator before the architecture is the one '_' not followed by two uppercase hex digits
// (architectures are lowercase).
#pragma once

#include <string>
#include <string_view>

namespace apt_ostree::store {

inline constexpr std::string_view k_package_ref_prefix = "apt-ostree/pkg/";
// The package store's copy of the last tree `compose tree` built for a ref:
// apt-ostree/tree/<the treefile's ref>.
inline constexpr std::string_view k_tree_ref_prefix = "apt-ostree/tree/";

// Whether OSTree accepts `ref` as a ref name.
bool is_valid_ref(std::string_view ref);

std::string escape_ref_component(std::string_view text);

std::string package_ref(std::string_view name, std::string_view version,
                        std::string_view architecture);

}  // namespace apt_ostree::store
