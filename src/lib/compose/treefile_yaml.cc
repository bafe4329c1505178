#include "lib/compose/treefile_yaml.h"

#include <fmt/format.h>

#include <map>

namespace apt_ostree::compose {

std::string_view node_kind(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (node.IsNull()) return "an empty value";
  return "a single value";
}

// yaml-cpp counts lines from 0. An empty node is marked where the next token starts (a later line
// if comments follow), so it is placed at the key it belongs to instead.
Location location_of(const YAML::Node& node, const Location& fallback) {
  YAML::Mark mark = node.Mark();
  if (node.IsNull() || mark.is_null() || mark.line < 0) return fallback;
  return {fallback.file, mark.line + 1};
}

void for_each_entry(
    const YAML::Node& mapping, const std::string& file, std::string_view noun,
    const std::function<void(const std::string&, const Location&, const YAML::Node&)>& visit) {
  std::map<std::string, int> seen;
  for (auto entry = mapping.begin(); entry != mapping.end(); ++entry) {
    Location where = location_of(entry->first, {file, 0});
    if (!entry->first.IsScalar())
      treefile_error(where, fmt::format("a {} name must be a single value, not {}", noun,
                                        node_kind(entry->first)));
    const std::string& name = entry->first.Scalar();
    if (auto [previous, inserted] = seen.emplace(name, where.line); !inserted)
      treefile_error(where, fmt::format("{} '{}' is given twice (first on line {})", noun, name,
                                        previous->second));
    visit(name, where, entry->second);
  }
}

Located<std::string> read_scalar(const YAML::Node& value, const Location& where,
                                 std::string_view key) {
  if (value.IsNull()) treefile_error(where, fmt::format("key '{}' has no value", key));
  if (!value.IsScalar())
    treefile_error(where,
                   fmt::format("key '{}' must be a single value, not {}", key, node_kind(value)));
  if (value.Scalar().empty()) treefile_error(where, fmt::format("key '{}' is empty", key));
  return {value.Scalar(), where};
}

}  // namespace apt_ostree::compose
