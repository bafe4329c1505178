#include "lib/compose/lint.h"

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "lib/compose/lint_kargs.h"
#include "lib/compose/lint_systemd_conf.h"
#include "lib/compose/lint_sysusers.h"
#include "lib/compose/lint_tmpfiles.h"
#include "lib/compose/lint_walk.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// A check returns why the tree fails it, or nullopt when it passes.
using Check = std::optional<std::string> (*)(const fs::path& root);

// The API filesystems systemd mounts (systemd.io/API_FILE_SYSTEMS) and /var, which OSTree mounts
// from the deployment's state.
constexpr std::string_view k_api_directories[] = {"dev", "proc", "sys", "run", "tmp", "var"};

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISLNK(mode)) return "a symlink";
  return "a special file";
}

// Several problems of one lint, each a clause of its message.
std::optional<std::string> failure_if(const std::vector<std::string>& problems) {
  if (problems.empty()) return std::nullopt;
  return list_capped(problems, 10, "; ");
}

std::string strip_trailing_slashes(std::string text) {
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

// The paths of the entries below `start` that `keep` selects, shown absolute.
std::vector<std::string> entries_below(const fs::path& root, std::string_view start,
                                       const std::function<bool(const TreeEntry&)>& keep,
                                       bool recursive = true) {
  std::vector<std::string> paths;
  walk_tree(root, start, [&](const TreeEntry& entry) {
    if (keep(entry)) paths.push_back(display_path(entry.path));
    return recursive;
  });
  return paths;
}

std::optional<std::string> check_var_run(const fs::path& root) {
  struct stat status;
  if (!tree_lstat(root, "var/run", status)) return std::nullopt;
  if (!S_ISLNK(status.st_mode))
    return fmt::format("/var/run is {}, not a symlink to ../run", kind_of(status.st_mode));
  std::string target = strip_trailing_slashes(tree_readlink(root, "var/run"));
  // Fedora links it relative, Debian's base-files absolute; both reach the same /run.
  if (target == "../run" || target == "/run") return std::nullopt;
  return fmt::format("/var/run points to {}, not ../run", printable(target));
}

std::optional<std::string> check_etc_usretc(const fs::path& root) {
  struct stat status;
  if (tree_lstat(root, "etc", status) && tree_lstat(root, "usr/etc", status))
    return "both /etc and /usr/etc exist; OSTree moves the image's /etc to /usr/etc itself, so a "
           "tree ships /etc only";
  return std::nullopt;
}

std::optional<std::string> check_api_directories(const fs::path& root) {
  std::vector<std::string> problems;
  for (std::string_view name : k_api_directories) {
    struct stat status;
    if (!tree_lstat(root, name, status)) {
      problems.push_back(fmt::format("/{} is missing", name));
    } else if (name == "tmp" && S_ISLNK(status.st_mode)) {
      // rpm-ostree's layout without tmp-is-dir: /tmp is the physical root's.
      std::string target = strip_trailing_slashes(tree_readlink(root, name));
      if (target != "sysroot/tmp")
        problems.push_back(fmt::format("/tmp points to {}, not sysroot/tmp", printable(target)));
    } else if (!S_ISDIR(status.st_mode)) {
      problems.push_back(fmt::format("/{} is {}, not a directory", name, kind_of(status.st_mode)));
    }
  }
  return failure_if(problems);
}

std::optional<std::string> check_baseimage_root(const fs::path& root) {
  std::vector<std::string> problems;
  struct stat status;
  if (!tree_lstat(root, "sysroot", status))
    problems.push_back("/sysroot is missing");
  else if (!S_ISDIR(status.st_mode))
    problems.push_back(fmt::format("/sysroot is {}, not a directory", kind_of(status.st_mode)));
  if (!tree_lstat(root, "ostree", status)) {
    problems.push_back("/ostree is missing (a symlink to sysroot/ostree)");
  } else if (!S_ISLNK(status.st_mode)) {
    problems.push_back(
        fmt::format("/ostree is {}, not a symlink to sysroot/ostree", kind_of(status.st_mode)));
  } else if (std::string target = tree_readlink(root, "ostree"); target != "sysroot/ostree") {
    problems.push_back(fmt::format("/ostree points to {}, not sysroot/ostree", printable(target)));
  }
  return failure_if(problems);
}

std::optional<std::string> check_kernel(const fs::path& root) {
  std::vector<std::string> kernels, without_vmlinuz;
  walk_tree(root, "usr/lib/modules", [&](const TreeEntry& entry) {
    if (!S_ISDIR(entry.status.st_mode)) return false;
    struct stat status;
    if (tree_lstat(root, entry.path + "/vmlinuz", status))
      kernels.push_back(display_path(entry.path));
    else
      without_vmlinuz.push_back(display_path(entry.path));
    return false;
  });
  std::vector<std::string> problems;
  if (kernels.size() > 1)
    problems.push_back(fmt::format("{} kernels ({}); an image boots exactly one", kernels.size(),
                                   list_capped(kernels)));
  if (!without_vmlinuz.empty())
    problems.push_back(fmt::format(
        "no vmlinuz in {} (Debian's kernel package installs it as /boot/vmlinuz-VERSION; OSTree "
        "boots the one in /usr/lib/modules/VERSION)",
        list_capped(without_vmlinuz)));
  return failure_if(problems);
}

std::optional<std::string> check_kargs(const fs::path& root) {
  return failure_if(kargs_problems(root));
}

std::optional<std::string> check_utf8(const fs::path& root) {
  std::vector<std::string> problems;
  walk_tree(root, "", [&](const TreeEntry& entry) {
    std::string_view name = entry.path;
    name.remove_prefix(name.rfind('/') + 1);  // npos + 1 == 0: a top-level name
    if (!is_valid_utf8(name)) {
      problems.push_back(display_path(entry.path));
    } else if (S_ISLNK(entry.status.st_mode)) {
      std::string target = tree_readlink(root, entry.path);
      if (!is_valid_utf8(target))
        problems.push_back(fmt::format("{} -> {}", display_path(entry.path), printable(target)));
    }
    return true;
  });
  if (problems.empty()) return std::nullopt;
  return "not UTF-8: " + list_capped(problems);
}

// ostree's prepare-root.conf is a GKeyFile: "[section]" lines, then "key = value" lines.
std::optional<std::string> check_composefs(const fs::path& root) {
  constexpr std::string_view path = "usr/lib/ostree/prepare-root.conf";
  std::optional<std::string> text = read_tree_file(root, path);
  if (!text) return fmt::format("{} is missing", display_path(path));
  std::string section;
  for (std::string_view line : util::split(*text, '\n')) {
    if (line.starts_with('[') && line.ends_with(']')) {
      section = line.substr(1, line.size() - 2);
      continue;
    }
    size_t equals = line.find('=');
    if (line.starts_with('#') || equals == std::string_view::npos) continue;
    std::string_view key = util::trim(line.substr(0, equals));
    std::string_view value = util::trim(line.substr(equals + 1));
    // composefs "maybe" counts: bootc accepts it (the deployment uses composefs where it can).
    if (section == "composefs" && key == "enabled" &&
        (value == "yes" || value == "true" || value == "1" || value == "maybe" ||
         value == "signed" || value == "verity"))
      return std::nullopt;
    if (section == "root" && key == "transient" && (value == "true" || value == "1"))
      return std::nullopt;
  }
  return fmt::format("{} does not enable composefs ([composefs] enabled = yes)",
                     display_path(path));
}

std::optional<std::string> check_buildah_injected(const fs::path& root) {
  std::vector<std::string> problems;
  std::string etc = tree_etc(root);
  for (std::string_view name : {"hostname", "resolv.conf"}) {
    std::string path = fmt::format("{}/{}", etc, name);
    struct stat status;
    if (tree_lstat(root, path, status) && S_ISREG(status.st_mode) && status.st_size == 0)
      problems.push_back(fmt::format("{} is empty", display_path(path)));
  }
  return failure_if(problems);
}

std::optional<std::string> check_var_log(const fs::path& root) {
  std::vector<std::string> logs = entries_below(root, "var/log", [](const TreeEntry& entry) {
    return S_ISREG(entry.status.st_mode) && entry.status.st_size > 0;
  });
  if (logs.empty()) return std::nullopt;
  return "log files with content: " + list_capped(logs);
}

std::optional<std::string> check_var_tmpfiles(const fs::path& root) {
  std::vector<std::string> paths;
  for (const std::string& path : var_not_in_tmpfiles(root)) paths.push_back(display_path(path));
  if (paths.empty()) return std::nullopt;
  return "paths in /var no tmpfiles.d line creates: " + list_capped(paths);
}

std::optional<std::string> check_sysusers(const fs::path& root) {
  UndeclaredAccounts accounts = accounts_not_in_sysusers(root);
  std::vector<std::string> problems;
  auto printable_names = [](const std::vector<std::string>& names) {
    std::vector<std::string> shown;
    for (const std::string& name : names) shown.push_back(printable(name));
    return list_capped(shown);
  };
  if (!accounts.users.empty())
    problems.push_back("users not in sysusers.d: " + printable_names(accounts.users));
  if (!accounts.groups.empty())
    problems.push_back("groups not in sysusers.d: " + printable_names(accounts.groups));
  return failure_if(problems);
}

std::optional<std::string> check_nonempty_boot(const fs::path& root) {
  struct stat status;
  if (!tree_lstat(root, "boot", status)) return "/boot is missing";
  if (!S_ISDIR(status.st_mode))
    return fmt::format("/boot is {}, not a directory", kind_of(status.st_mode));
  std::vector<std::string> entries = entries_below(
      root, "boot", [](const TreeEntry&) { return true; }, false);
  if (entries.empty()) return std::nullopt;
  return "/boot is not empty: " + list_capped(entries);
}

std::optional<std::string> check_nonempty_run_tmp(const fs::path& root) {
  std::vector<std::string> entries;
  for (std::string_view start : {"run", "tmp"}) {
    std::vector<std::string> found =
        entries_below(root, start, [](const TreeEntry&) { return true; });
    entries.insert(entries.end(), found.begin(), found.end());
  }
  if (entries.empty()) return std::nullopt;
  return "content in /run or /tmp: " + list_capped(entries);
}

struct Lint {
  LintInfo info;
  Check check;
};

const std::vector<Lint>& lint_table() {
  static const std::vector<Lint> table{
      {{"var-run", LintLevel::fatal,
        "/var/run is a symlink to ../run, never a directory of its own"},
       check_var_run},
      {{"etc-usretc", LintLevel::fatal,
        "only one of /etc and /usr/etc exists (OSTree keeps the image's /etc in /usr/etc)"},
       check_etc_usretc},
      {{"api-base-directories", LintLevel::fatal,
        "/dev /proc /sys /run /tmp /var exist as directories to mount the API filesystems on"},
       check_api_directories},
      {{"baseimage-root", LintLevel::fatal,
        "/sysroot is a directory and /ostree a symlink to sysroot/ostree (OSTree's root layout)"},
       check_baseimage_root},
      {{"kernel", LintLevel::fatal,
        "at most one kernel: one /usr/lib/modules/VERSION directory, with its vmlinuz"},
       check_kernel},
      {{"bootc-kargs", LintLevel::fatal,
        "/usr/lib/bootc/kargs.d/*.toml are kargs lists bootc can read"},
       check_kargs},
      {{"utf8", LintLevel::fatal,
        "every file name and symlink target is UTF-8, as OSTree requires"},
       check_utf8},
      {{"baseimage-composefs", LintLevel::warning,
        "/usr/lib/ostree/prepare-root.conf enables composefs"},
       check_composefs},
      {{"buildah-injected", LintLevel::warning,
        "/etc/hostname and /etc/resolv.conf are not empty files left by a container build"},
       check_buildah_injected},
      {{"var-log", LintLevel::warning,
        "no log files with content in /var/log (per-machine state, unreproducible)"},
       check_var_log},
      {{"var-tmpfiles", LintLevel::warning,
        "tmpfiles.d creates all of /var: the image's /var is copied on first deployment only"},
       check_var_tmpfiles},
      {{"sysusers", LintLevel::warning,
        "sysusers.d declares every user and group of /etc/passwd and /etc/group"},
       check_sysusers},
      {{"nonempty-boot", LintLevel::warning,
        "/boot exists and is empty: the kernel belongs in /usr/lib/modules"},
       check_nonempty_boot},
      {{"nonempty-run-tmp", LintLevel::warning,
        "/run and /tmp are empty: tmpfs hides them at runtime"},
       check_nonempty_run_tmp},
  };
  return table;
}

void check_skip_names(const std::vector<std::string>& skip) {
  const std::vector<Lint>& table = lint_table();
  for (const std::string& name : skip) {
    auto named = [&](const Lint& lint) { return lint.info.name == name; };
    if (std::any_of(table.begin(), table.end(), named)) continue;
    std::vector<std::string> names;
    std::string_view closest;
    size_t closest_distance = 3;  // suggest only a near miss
    for (const Lint& lint : table) {
      names.emplace_back(lint.info.name);
      size_t distance = util::edit_distance(name, lint.info.name, closest_distance);
      if (distance < closest_distance) {
        closest_distance = distance;
        closest = lint.info.name;
      }
    }
    throw Error(fmt::format("unknown lint '{}'{}; the lints are {}", printable(name),
                            closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest),
                            list_capped(names, names.size())),
                ExitCode::usage);
  }
}

}  // namespace

std::string_view lint_level_name(LintLevel level) {
  return level == LintLevel::fatal ? "fatal" : "warning";
}

std::span<const LintInfo> lints() {
  static const std::vector<LintInfo> infos = [] {
    std::vector<LintInfo> list;
    for (const Lint& lint : lint_table()) list.push_back(lint.info);
    return list;
  }();
  return infos;
}

std::vector<LintResult> lint_tree(const fs::path& root, const std::vector<std::string>& skip) {
  check_skip_names(skip);
  std::error_code error;
  if (!fs::is_directory(root, error))
    fail("{} is not a directory; lint a composed tree", root.string());
  // Resolved once: the walks do not follow symlinks, a tree given through one included.
  fs::path tree = fs::canonical(root);
  std::vector<LintResult> results;
  for (const Lint& lint : lint_table()) {
    if (std::find(skip.begin(), skip.end(), lint.info.name) != skip.end()) continue;
    LintResult result{std::string(lint.info.name), lint.info.level,
                      std::string(lint.info.description)};
    if (std::optional<std::string> failure = lint.check(tree)) {
      result.passed = false;
      result.message = std::move(*failure);
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace apt_ostree::compose
