// Reading the treefile's YAML with the file and line of every value: the helpers the sections of
// the treefile (stage keys, variables, the image) share, each failing with treefile_error.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>

#include "lib/compose/treefile_document.h"

namespace apt_ostree::compose {

// "a list", "a mapping", "an empty value" or "a single value", for errors.
std::string_view node_kind(const YAML::Node& node);

// Where `node` was written; `fallback` (the key it belongs to) for an empty node.
Location location_of(const YAML::Node& node, const Location& fallback);

// Calls `visit(name, where, value)` for each entry of a mapping in document order; keys must be
// plain names and appear once (yaml-cpp keeps both copies of a repeated key, so it is caught here).
void for_each_entry(
    const YAML::Node& mapping, const std::string& file, std::string_view noun,
    const std::function<void(const std::string&, const Location&, const YAML::Node&)>& visit);

// The non-empty single value of `key`.
Located<std::string> read_scalar(const YAML::Node& value, const Location& where,
                                 std::string_view key);

}  // namespace apt_ostree::compose
