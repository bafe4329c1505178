#include "lib/compose/path_filter.h"

#include <fnmatch.h>

#include <algorithm>

namespace apt_ostree::compose {

namespace {

bool matches(const std::string& pattern, const std::string& path, int flags = 0) {
  return ::fnmatch(pattern.c_str(), path.c_str(), flags) == 0;
}

// True when `pattern` could match a path below the directory `dir`: the pattern's first
// components, as many as `dir` has, match `dir` component by component.
bool could_match_below(const std::string& pattern, std::string_view dir) {
  size_t components = static_cast<size_t>(std::count(dir.begin(), dir.end(), '/'));
  size_t end = 0;
  for (size_t seen = 0; seen < components; ++seen) {
    end = pattern.find('/', end + 1);
    if (end == std::string::npos) return false;  // the pattern is no deeper than `dir`
  }
  return matches(pattern.substr(0, end), std::string(dir), FNM_PATHNAME);
}

}  // namespace

PathFilter::PathFilter(std::vector<std::string> excludes, std::vector<std::string> includes)
    : m_excludes(std::move(excludes)), m_includes(std::move(includes)) {}

bool PathFilter::excludes_file(std::string_view path) const {
  if (m_excludes.empty()) return false;
  std::string text(path);
  auto match = [&](const std::string& pattern) { return matches(pattern, text); };
  return std::any_of(m_excludes.begin(), m_excludes.end(), match) &&
         std::none_of(m_includes.begin(), m_includes.end(), match);
}

bool PathFilter::excludes_directory(std::string_view path) const {
  if (!excludes_file(path)) return false;
  return std::none_of(m_includes.begin(), m_includes.end(),
                      [&](const std::string& pattern) { return could_match_below(pattern, path); });
}

}  // namespace apt_ostree::compose
