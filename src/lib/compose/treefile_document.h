// The treefile as written, before its stages are resolved: every YAML file read with the file and
// line of each value, its `include:`s loaded and merged, every key and type checked. treefile.h
// turns this into the Recipe. The two are kept apart so that "where was this written" survives
// the merge: an error about an included or inherited value still names the line to change.
//
// Merge rule: an including file is laid over what it includes (the included files first, in the
// order listed, then the file itself). A scalar it sets replaces the included one; a list it sets
// is appended to the included one; `variables:` replace by name; `stages:` merge by stage name
// with the same rule inside each stage; an `image:` section replaces the included one as a whole.
// Include paths are relative to the file that names them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/image/image_spec.h"

namespace apt_ostree::compose {

// Where a value was written: the treefile as the user would name it (lexically normalised, relative
// if it was reached through a relative path) and the 1-based line (0: the file as a whole).
struct Location {
  std::string file;
  int line = 0;
  std::string text() const;  // "file:line", or "file" for line 0
};

template <typename T>
struct Located {
  T value;
  Location where;
};

// Throws Error(ExitCode::usage) "where: message" (one sentence; the caller ends it).
[[noreturn]] void treefile_error(const Location& where, std::string_view message);

enum class KeyKind {
  string,     // a non-empty scalar
  boolean,    // true or false, stored as the text "true" / "false"
  list,       // a list of non-empty scalars (null reads as empty, e.g. all items commented out)
  file,       // a path to a regular file, relative to the treefile that names it
  directory,  // a path to a directory, relative to the treefile that names it
};

// One key a stage can carry. `chain_wide` keys may also be written at the top level of a staged
// treefile as defaults for its stages; `stage_only` ones only inside `stages:` entries.
struct KeySpec {
  std::string_view name;
  KeyKind kind;
  bool chain_wide = false;
  bool stage_only = false;
};

const KeySpec* find_stage_key(std::string_view name);
std::vector<std::string> stage_key_names();

struct RawList {
  Location where;  // the key (of the file that wrote it last)
  std::vector<Located<std::string>> items;
};

struct RawStage {
  Location where;                                       // the stage's name in `stages:`
  std::map<std::string, Located<std::string>> scalars;  // every non-list key, by name
  std::map<std::string, RawList> lists;

  const Located<std::string>* scalar(std::string_view key) const;
  const RawList* list(std::string_view key) const;
};

struct RawTreefile {
  std::vector<std::filesystem::path> files;  // each treefile read (absolute), once, in merge order
  std::map<std::string, Located<std::string>> variables;
  RawStage top;                                          // the top-level stage keys
  std::optional<Location> stages_where;                  // the `stages:` key, if any file has one
  std::vector<std::pair<std::string, RawStage>> stages;  // in order of first definition
  std::optional<image::ImageSpec> image;                 // the `image:` section, checked
};

// Reads `path` and everything it includes. Throws Error naming file:line for YAML syntax errors,
// unknown keys (with the closest known key), wrong types, empty values, duplicate keys, missing
// included files and include cycles (naming the chain).
RawTreefile load_treefile(const std::filesystem::path& path);

}  // namespace apt_ostree::compose
