#include "lib/compose/lint_tmpfiles.h"

#include <optional>

#include "lib/compose/lint_systemd_conf.h"
#include "lib/compose/lint_walk.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// Line types that make something exist (man tmpfiles.d, "Type").
constexpr std::string_view k_creating_types = "dDvqQfFLpcb";

// The specifiers whose value is the same on every system (systemd-tmpfiles in system mode).
std::optional<std::string_view> specifier_value(char specifier) {
  switch (specifier) {
    case 'S':
      return "/var/lib";
    case 'C':
      return "/var/cache";
    case 'L':
      return "/var/log";
    case 't':
      return "/run";
    case 'T':
      return "/tmp";
    case 'V':
      return "/var/tmp";
    case '%':
      return "%";
    default:
      return std::nullopt;
  }
}

std::optional<std::string> resolve_specifiers(std::string_view path) {
  std::string resolved;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      resolved += path[i];
      continue;
    }
    if (i + 1 == path.size()) return std::nullopt;
    std::optional<std::string_view> value = specifier_value(path[++i]);
    if (!value) return std::nullopt;
    resolved += *value;
  }
  return resolved;
}

// "/var//lib/./x/" -> "/var/lib/x", as systemd normalises a line's path.
std::string normalise(std::string_view path) {
  std::string text = fs::path(path).lexically_normal().native();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

}  // namespace

bool TmpfilesDeclarations::covers(std::string_view absolute_path) const {
  std::string path(absolute_path);
  if (created.contains(path)) return true;
  // A copied tree covers everything below it: try each ancestor, the path itself first.
  for (;;) {
    if (copied.contains(path)) return true;
    size_t slash = path.rfind('/');
    if (slash == 0 || slash == std::string::npos) return false;
    path.resize(slash);
  }
}

void parse_tmpfiles(std::string_view text, TmpfilesDeclarations& into) {
  for (std::string_view line : util::split(text, '\n')) {
    std::optional<std::vector<std::string>> fields = split_conf_fields(line);
    if (!fields || fields->size() < 2 || fields->front().starts_with('#')) continue;
    char type = fields->front().front();
    if (k_creating_types.find(type) == std::string_view::npos && type != 'C') continue;
    std::optional<std::string> path = resolve_specifiers((*fields)[1]);
    if (!path || !path->starts_with('/')) continue;
    (type == 'C' ? into.copied : into.created).insert(normalise(*path));
  }
}

TmpfilesDeclarations read_tmpfiles(const fs::path& root) {
  TmpfilesDeclarations declarations;
  for (const std::string& text : systemd_conf_texts(root, "tmpfiles.d"))
    parse_tmpfiles(text, declarations);
  return declarations;
}

std::vector<std::string> var_not_in_tmpfiles(const fs::path& root) {
  TmpfilesDeclarations declarations = read_tmpfiles(root);
  std::vector<std::string> uncovered;
  walk_tree(root, "var", [&](const TreeEntry& entry) {
    if (!declarations.covers("/" + entry.path)) uncovered.push_back(entry.path);
    return true;
  });
  return uncovered;
}

}  // namespace apt_ostree::compose
