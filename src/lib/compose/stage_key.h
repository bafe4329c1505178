// A stage's cache identity. Everything a stage's tree is made from goes into its manifest:
//
//   format       k_stage_format, raised whenever the engine starts building trees (or publishing
//                them in the OSTree layout) differently
//   architecture the stage's Debian architecture
//   definition   Stage::canonical(): the stage's values after includes, inheritance and variables
//   inputs       the SHA256 of every file the stage reads (debconf, run, run-chroot) and of every
//                entry of its files overlay, with its type, mode and owner ("files/etc/fstab")
//   parent       the parent stage's key; empty for a root stage
//   packages     what the stage resolved to, in install order: "name version architecture sha256",
//                so a new version in the archive changes exactly the stages that install it
//
// The key is the SHA256 of the manifest's JSON, which is stored with the stage's commit so that a
// later build can say which input changed (explain_changes).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lib/compose/treefile.h"

namespace apt_ostree::compose {

inline constexpr int k_stage_format = 1;

struct StageManifest {
  int format = k_stage_format;
  std::string architecture;
  std::string definition;
  std::map<std::string, std::string> inputs;
  std::string parent;
  std::vector<std::string> packages;

  bool operator==(const StageManifest&) const = default;
};

// The manifest of `stage` built on the parent stage with key `parent_key` ("" for none) from the
// resolved `packages`; reads (and hashes) the stage's input files, throwing Error naming one that
// cannot be read.
StageManifest describe_stage(const Stage& stage, const std::string& parent_key,
                             std::vector<std::string> packages);

// The manifest as indented JSON with sorted keys (what is stored and hashed), and back; parsing
// throws Error for text that is not a manifest.
std::string manifest_json(const StageManifest& manifest);
StageManifest parse_manifest(const std::string& json);

// The stage key: SHA256 (hex) of manifest_json().
std::string stage_key(const StageManifest& manifest);

// What differs between the manifest of the last build and this one, one line per difference,
// for people ("package libc6: 2.36-9 -> 2.36-9+deb12u1", "input run-chroot changed",
// "definition: packages + vim"); empty when they are equal.
std::vector<std::string> explain_changes(const StageManifest& before, const StageManifest& now);

}  // namespace apt_ostree::compose
