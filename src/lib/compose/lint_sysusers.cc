#include "lib/compose/lint_sysusers.h"

#include <optional>

#include "lib/compose/lint_systemd_conf.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// Names of `text`'s entries that `declared` lacks.
std::vector<std::string> undeclared(const std::optional<std::string>& text,
                                    const std::set<std::string>& declared) {
  std::vector<std::string> missing;
  if (!text) return missing;
  for (std::string& name : account_names(*text))
    if (!declared.contains(name)) missing.push_back(std::move(name));
  return missing;
}

}  // namespace

void parse_sysusers(std::string_view text, SysusersDeclarations& into) {
  for (std::string_view line : util::split(text, '\n')) {
    std::optional<std::vector<std::string>> fields = split_conf_fields(line);
    if (!fields || fields->size() < 2 || fields->front().empty()) continue;
    const std::string& name = (*fields)[1];
    switch (fields->front().front()) {
      case 'u':
        into.users.insert(name);
        into.groups.insert(name);
        break;
      case 'g':
        into.groups.insert(name);
        break;
      case 'm':
        into.users.insert(name);
        if (fields->size() >= 3) into.groups.insert((*fields)[2]);
        break;
      default:  // comments, ranges ("r") and types a newer systemd may add
        break;
    }
  }
}

SysusersDeclarations read_sysusers(const fs::path& root) {
  SysusersDeclarations declarations;
  for (const std::string& text : systemd_conf_texts(root, "sysusers.d"))
    parse_sysusers(text, declarations);
  return declarations;
}

std::vector<std::string> account_names(std::string_view text) {
  std::vector<std::string> names;
  for (std::string_view line : util::split(text, '\n')) {
    std::string_view name = line.substr(0, line.find(':'));
    // NIS compatibility entries ("+", "-name") are not accounts of this file.
    if (name.empty() || name.starts_with('#') || name.starts_with('+') || name.starts_with('-'))
      continue;
    names.emplace_back(name);
  }
  return names;
}

UndeclaredAccounts accounts_not_in_sysusers(const fs::path& root) {
  SysusersDeclarations declarations = read_sysusers(root);
  std::string etc = tree_etc(root);
  return {undeclared(read_tree_file(root, etc + "/passwd"), declarations.users),
          undeclared(read_tree_file(root, etc + "/group"), declarations.groups)};
}

}  // namespace apt_ostree::compose
