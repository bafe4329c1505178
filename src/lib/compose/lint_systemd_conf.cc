#include "lib/compose/lint_systemd_conf.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <map>

#include "lib/compose/lint_walk.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// systemd's drop-in directories, first wins; "etc" is replaced by the tree's /etc.
constexpr std::string_view k_conf_dirs[] = {"etc", "run", "usr/local/lib", "usr/lib"};

// Enough for any sane chain of links; a loop stops here.
constexpr int k_max_symlinks = 32;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escape after a backslash at line[i]; advances i past it.
std::optional<char> unescape(std::string_view line, size_t& i) {
  if (i >= line.size()) return std::nullopt;
  char c = line[i++];
  switch (c) {
    case '\\':
    case '"':
    case '\'':
      return c;
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case 's':
      return ' ';
    case 'x': {
      if (i + 2 > line.size()) return std::nullopt;
      int high = hex_value(line[i]), low = hex_value(line[i + 1]);
      if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
      i += 2;
      return static_cast<char>(high * 16 + low);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string tree_etc(const fs::path& root) {
  struct stat status;
  if (!tree_lstat(root, "etc", status) && tree_lstat(root, "usr/etc", status)) return "usr/etc";
  return "etc";
}

std::optional<std::string> read_tree_file(const fs::path& root, std::string_view path) {
  fs::path current = fs::path(path).relative_path();
  for (int hops = 0; hops < k_max_symlinks; ++hops) {
    struct stat status;
    if (!tree_lstat(root, current.native(), status)) return std::nullopt;
    if (S_ISREG(status.st_mode)) return util::read_file(root / current);
    if (!S_ISLNK(status.st_mode)) return std::nullopt;
    fs::path target = tree_readlink(root, current.native());
    if (target == "/dev/null") return std::string();
    current = target.is_absolute() ? target.relative_path() : current.parent_path() / target;
    current = current.lexically_normal();
    // "../" past the root stays at the root, as the kernel resolves it in a chroot.
    while (!current.empty() && *current.begin() == "..") current = current.lexically_relative("..");
  }
  return std::nullopt;
}

std::vector<std::string> systemd_conf_files(const fs::path& root, std::string_view kind) {
  std::map<std::string, std::string> by_name;  // file name -> tree path; sorted as systemd sorts
  std::string etc = tree_etc(root);
  for (std::string_view base : k_conf_dirs) {
    std::string dir = fmt::format("{}/{}", base == "etc" ? std::string_view(etc) : base, kind);
    walk_tree(root, dir, [&](const TreeEntry& entry) {
      std::string name = fs::path(entry.path).filename().native();
      if (name.size() > 5 && name.ends_with(".conf") && !S_ISDIR(entry.status.st_mode))
        by_name.try_emplace(name, entry.path);
      return false;
    });
  }
  std::vector<std::string> files;
  for (auto& [name, path] : by_name) files.push_back(std::move(path));
  return files;
}

std::vector<std::string> systemd_conf_texts(const fs::path& root, std::string_view kind) {
  std::vector<std::string> texts;
  for (const std::string& file : systemd_conf_files(root, kind))
    texts.push_back(read_tree_file(root, file).value_or(""));
  return texts;
}

std::optional<std::vector<std::string>> split_conf_fields(std::string_view line) {
  std::vector<std::string> fields;
  size_t i = 0;
  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size()) return fields;
    std::string field;
    char quote = 0;
    while (i < line.size() && (quote || !is_space(line[i]))) {
      char c = line[i++];
      if (c == '\\') {
        std::optional<char> decoded = unescape(line, i);
        if (!decoded) return std::nullopt;
        field += *decoded;
      } else if (quote && c == quote) {
        quote = 0;
      } else if (!quote && (c == '"' || c == '\'')) {
        quote = c;
      } else {
        field += c;
      }
    }
    if (quote) return std::nullopt;
    fields.push_back(std::move(field));
  }
}

}  // namespace apt_ostree::compose
