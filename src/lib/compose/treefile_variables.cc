#include "lib/compose/treefile_variables.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace apt_ostree::compose {

namespace {

constexpr std::array<std::string_view, 3> k_builtins = {"arch", "release", "stage"};

}  // namespace

bool is_valid_variable_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_builtin_variable(std::string_view name) {
  return std::find(k_builtins.begin(), k_builtins.end(), name) != k_builtins.end();
}

Variables::Variables(std::map<std::string, Located<std::string>> defined,
                     std::map<std::string, std::optional<std::string>> builtins)
    : m_defined(std::move(defined)), m_builtins(std::move(builtins)) {}

std::string Variables::expand(const Located<std::string>& value, std::string_view key) const {
  std::vector<std::string> chain;
  return expand_text(value, fmt::format("key '{}'", key), chain);
}

std::string Variables::expand_text(const Located<std::string>& value, std::string_view context,
                                   std::vector<std::string>& chain) const {
  const std::string& text = value.value;
  if (text.find('$') == std::string::npos) return text;
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{')
      treefile_error(value.where,
                     fmt::format("{} has a '$' that starts no variable in '{}'; write '${{name}}' "
                                 "for a variable or '$$' for a literal '$'",
                                 context, text));
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      treefile_error(value.where,
                     fmt::format("{} has an unterminated '${{' in '{}'", context, text));
    std::string name = text.substr(i + 2, close - i - 2);
    if (!is_valid_variable_name(name))
      treefile_error(value.where,
                     fmt::format("{} uses '${{{}}}', which is not a variable name (letters, digits "
                                 "and '_', not starting with a digit)",
                                 context, name));
    out += lookup(name, value.where, context, chain);
    i = close;
  }
  return out;
}

std::string Variables::lookup(std::string_view name, const Location& where,
                              std::string_view context, std::vector<std::string>& chain) const {
  if (auto builtin = m_builtins.find(std::string(name)); builtin != m_builtins.end()) {
    if (!builtin->second)
      treefile_error(where,
                     fmt::format("{} cannot use ${{{}}}: release, architecture and from are "
                                 "read before a stage's ${{arch}} and ${{release}} are known",
                                 context, name));
    return *builtin->second;
  }
  auto defined = m_defined.find(std::string(name));
  if (defined == m_defined.end()) {
    std::vector<std::string> known;
    for (const auto& [known_name, value] : m_defined) known.push_back(known_name);
    for (const auto& [known_name, value] : m_builtins) known.push_back(known_name);
    std::sort(known.begin(), known.end());
    treefile_error(where, fmt::format("{} uses ${{{}}}, which is not defined (defined: {}); add it "
                                      "under 'variables:'",
                                      context, name, fmt::join(known, ", ")));
  }
  if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
    chain.emplace_back(name);
    treefile_error(defined->second.where,
                   fmt::format("variables refer to themselves: {}", fmt::join(chain, " -> ")));
  }
  chain.emplace_back(name);
  std::string value =
      expand_text(defined->second, fmt::format("variable '{}'", defined->first), chain);
  chain.pop_back();
  return value;
}

}  // namespace apt_ostree::compose
