#include "lib/compose/treefile_names.h"

#include <algorithm>
#include <array>
#include <limits>

#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c) {
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

}  // namespace

bool is_valid_package_name(std::string_view name) {
  if (name.size() < 2 || !is_lower_alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower_alnum(c) || c == '+' || c == '-' || c == '.'; });
}

bool is_valid_architecture_name(std::string_view name) {
  if (name.empty() || !is_lower_alnum(name.front()) || name == "all" || name == "any") return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool is_valid_hostname(std::string_view name) {
  constexpr size_t k_host_name_max = 64;
  if (name.empty() || name.size() > k_host_name_max) return false;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string_view label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_valid_unit_name(std::string_view name) {
  // systemd's unit types (systemd.unit(5)); the name's suffix selects the type.
  constexpr std::array<std::string_view, 11> k_unit_types = {
      "service", "socket", "device", "mount", "automount", "swap",
      "target",  "path",   "timer",  "slice", "scope"};
  constexpr size_t k_unit_name_max = 255;
  size_t dot = name.rfind('.');
  if (name.size() > k_unit_name_max || dot == std::string_view::npos || dot == 0) return false;
  std::string_view type = name.substr(dot + 1);
  if (std::find(k_unit_types.begin(), k_unit_types.end(), type) == k_unit_types.end()) return false;
  std::string_view prefix = name.substr(0, dot);
  size_t at = prefix.find('@');
  if (at == 0 ||
      (at != std::string_view::npos && prefix.find('@', at + 1) != std::string_view::npos))
    return false;
  return std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return is_alnum(c) || c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
  });
}

bool is_valid_stage_name(std::string_view name) {
  if (name.empty() || !is_alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  size_t allowed = std::max<size_t>(1, name.size() / 3);
  size_t best_distance = std::numeric_limits<size_t>::max();
  std::optional<std::string> best;
  for (const std::string& candidate : candidates) {
    size_t distance = util::edit_distance(name, candidate, allowed);
    if (distance <= allowed && distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace apt_ostree::compose
