// Relationship fields (Depends, Pre-Depends, Recommends, Conflicts, Breaks, Provides, ...):
// "a (>= 1.0) | b:any, c [amd64] <!nocheck>" parsed into AND-of-OR groups.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::deb {

enum class RelationOp { none, lt, le, eq, ge, gt };  // none: unversioned

struct Relation {
  std::string name;
  std::string arch_qualifier;  // "any", "native", an architecture, or empty
  RelationOp op = RelationOp::none;
  std::string version;

  bool operator==(const Relation&) const = default;
};

using Alternatives = std::vector<Relation>;  // "a | b"

// Parses a relationship field. Architecture restrictions ("[amd64 !i386]") are evaluated against
// `host_arch` and non-matching relations dropped (an alternative group left empty is dropped);
// build profiles ("<!nocheck>") are ignored as in binary packages. Throws Error on bad syntax,
// naming `what` (e.g. "Depends of openssh-server").
std::vector<Alternatives> parse_relations(std::string_view field, std::string_view host_arch,
                                          std::string_view what);

// True if `version` satisfies `op reference` (dpkg semantics; RelationOp::none is always true).
bool version_satisfies(std::string_view version, RelationOp op, std::string_view reference);

std::string_view to_string(RelationOp op);  // "<<", "<=", "=", ">=", ">>", ""
std::string format_relation(const Relation& relation);      // "libssl3 (>= 3.2)"
std::string format_alternatives(const Alternatives& group);  // "a | b (>= 1)"

}  // namespace apt_ostree::deb
