// The treefile (recipe): the YAML description of the stages of a Debian root filesystem, read and
// validated into a Recipe whose stages are in build order. docs/treefile.md is the user's
// reference; this header is the model and the rules the parser applies.
//
// A treefile carries either the stage keys at its top level (one stage, named "main", exported)
// or a `stages:` mapping of named stages plus top-level defaults (release, architecture,
// components, mirror, variant) for the stages that have no parent. A stage may be built `from`
// another one, which makes the stages a forest of chains (pi-gen's stage0 -> ... -> stage5).
// What a child stage gets from its parent:
//   - release, architecture, components, mirror, variant: the parent's. A child that writes a
//     different value is an error: a chain is one archive view and one base package set, and a
//     child's tree is its parent's tree plus more, which a different archive could not be.
//   - packages, packages-no-recommends, exclude-packages, path-exclude, path-include, units: the
//     parent's list followed by the child's own (what the parent installed or enabled stays).
//   - hostname: the parent's unless the child sets one.
//   - debconf, files, run, run-chroot: not inherited. They act once, on the stage that names them;
//     their effect is already in the parent's tree.
//   - export, ref: each stage's own.
// Defaults: architecture is the caller's (the host's), components ["main"], the mirror the one
// the host's APT sources name for the release, variant "important" (mmdebstrap's and
// debootstrap's default, so a recipe without `variant:` builds what those tools would), and the
// ref of an exported stage "debian/<release>/<arch>/<stage>". release has no default.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/compose/treefile_document.h"
#include "lib/solve/resolver.h"

namespace apt_ostree::compose {

// mmdebstrap's and debootstrap's default, so a recipe without `variant:` builds what they would.
inline constexpr solve::Variant k_default_variant = solve::Variant::important;

// One stage with everything inherited and defaulted already applied, every variable expanded and
// every path absolute, so the builder never looks at the treefile again.
struct Stage {
  std::string name;
  std::optional<std::string> from;  // the parent stage, built before this one
  bool exported = false;
  std::string ref;  // the OSTree ref an exported stage is committed to; empty if not exported

  std::string release;
  std::string architecture;
  std::vector<std::string> components;
  std::string mirror;  // empty: the mirror the host's APT sources name for the release
  solve::Variant variant = k_default_variant;

  std::vector<std::string> packages;                // "name" or "name=version"; with Recommends
  std::vector<std::string> packages_no_recommends;  // "name" or "name=version"
  std::vector<std::string> exclude_packages;        // names never installed
  std::vector<std::string> path_exclude;            // dpkg --path-exclude globs, all applied first,
  std::vector<std::string> path_include;         // then these dpkg --path-include globs re-include
  std::optional<std::filesystem::path> debconf;  // debconf-set-selections input
  std::optional<std::filesystem::path> files;    // directory copied over the tree
  std::optional<std::filesystem::path> run;      // host script, given $ROOTFS
  std::optional<std::filesystem::path> run_chroot;  // script run inside the tree
  std::optional<std::string> hostname;
  std::vector<std::string> units;  // systemd units to enable

  Location where;  // where the stage is defined
  // Where each value was written, by (key, list item or "" for a scalar), so a later failure
  // ("package 'foo' is not in bookworm") can name the line to change; inherited values keep the
  // parent's (or the included file's) location.
  std::map<std::pair<std::string, std::string>, Location> origins;

  // Where `key` (and, for a list, `item`) was written; the stage's definition if nowhere.
  Location origin(std::string_view key, std::string_view item = {}) const;

  // The stage's definition as compact JSON with sorted keys and sorted lists: what the built tree
  // depends on and nothing else, so it can be hashed into the stage cache key. It does not depend
  // on key order, includes, comments or variables (only their values), nor on the stage's name,
  // parent, export or ref, which do not change the tree (the cache key adds the parent's key).
  // Paths are left out too, since where a script lives does not change what it does: inputs()
  // lists them so the cache key can hash their contents.
  std::string canonical() const;

  // The files and directories the stage reads, as (key, absolute path), in a fixed key order.
  std::vector<std::pair<std::string, std::filesystem::path>> inputs() const;
};

struct Recipe {
  std::filesystem::path source;              // the treefile named by the user
  std::vector<std::filesystem::path> files;  // every treefile read (absolute), source included
  std::vector<Stage> stages;  // parents before children; otherwise in order of definition
  // How `compose image` lays out an exported stage on a disk; unset: one ext4 root partition.
  std::optional<image::ImageSpec> image;

  const Stage* find(std::string_view name) const;
};

// Reads and validates the treefile at `path` and everything it includes. `default_architecture`
// is used by root stages that name none (the CLI passes the host's). Throws Error
// (ExitCode::usage) with one sentence naming file:line and the key for every mistake in the
// recipe: YAML syntax, unknown keys (with the closest known key), wrong types, empty values,
// undefined variables, invalid names, missing files, unknown or cyclic `from`, include cycles.
Recipe parse_treefile(const std::filesystem::path& path, std::string_view default_architecture);

}  // namespace apt_ostree::compose
