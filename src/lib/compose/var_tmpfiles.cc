#include "lib/compose/var_tmpfiles.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "lib/compose/lint_tmpfiles.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// A path as a tmpfiles.d field: quoted when it holds a space, quote or backslash.
std::string tmpfiles_field(const std::string& path) {
  if (path.find_first_of(" \t\"\\'") == std::string::npos) return path;
  std::string quoted = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// Creates `factory`'s parent directories as copies of the /var directories they stand for.
void make_factory_parents(const fs::path& tree, const fs::path& factory_root,
                          const fs::path& relative) {
  fs::create_directories(factory_root);
  fs::path built = factory_root;
  fs::path original = tree / "var";
  for (const fs::path& part : relative.parent_path()) {
    built /= part;
    original /= part;
    if (fs::exists(built)) continue;
    struct stat status = util::lstat_or_fail(original);
    fs::create_directory(built);
    ::chmod(built.c_str(), status.st_mode & 07777);
    if (::lchown(built.c_str(), status.st_uid, status.st_gid) != 0)
      fail("cannot set the owner of {}: {}", built.string(), std::strerror(errno));
  }
}

class VarConverter {
 public:
  VarConverter(fs::path tree, TmpfilesDeclarations declared)
      : m_tree(std::move(tree)), m_declared(std::move(declared)) {}

  VarConversion run() {
    convert_directory(fs::path());
    return std::move(m_result);
  }

 private:
  // `relative` is below /var ("" for /var itself, "lib/dpkg", ...).
  void convert_directory(const fs::path& relative) {
    std::vector<fs::path> names;
    for (const fs::directory_entry& entry : fs::directory_iterator(m_tree / "var" / relative))
      names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    for (const fs::path& name : names) convert_entry(relative / name);
  }

  void convert_entry(const fs::path& relative) {
    fs::path on_disk = m_tree / "var" / relative;
    std::string path = "/var/" + relative.string();
    bool declared = m_declared.covers(path);
    struct stat status = util::lstat_or_fail(on_disk);
    if (S_ISDIR(status.st_mode)) {
      if (!declared) {
        add_line(fmt::format("d {} {:04o} {} {} - -", tmpfiles_field(path), status.st_mode & 07777,
                             status.st_uid, status.st_gid));
        ++m_result.directories;
      }
      convert_directory(relative);
    } else if (S_ISLNK(status.st_mode)) {
      if (!declared) {
        add_line(fmt::format("L {} - - - - {}", tmpfiles_field(path),
                             fs::read_symlink(on_disk).string()));
        ++m_result.symlinks;
      }
    } else if (S_ISREG(status.st_mode)) {
      fs::path factory_root = m_tree / "usr/share/factory/var";
      make_factory_parents(m_tree, factory_root, relative);
      fs::rename(on_disk, factory_root / relative);
      if (!declared) add_line(fmt::format("C {} - - - -", tmpfiles_field(path)));
      ++m_result.files;
    } else {
      m_result.dropped.push_back(path);
    }
  }

  void add_line(const std::string& line) { m_result.tmpfiles += line + "\n"; }

  fs::path m_tree;
  TmpfilesDeclarations m_declared;
  VarConversion m_result;
};

}  // namespace

VarConversion convert_var(const fs::path& tree) {
  VarConversion result = VarConverter(tree, read_tmpfiles(tree)).run();
  for (const fs::directory_entry& entry : fs::directory_iterator(tree / "var"))
    fs::remove_all(entry.path());
  return result;
}

}  // namespace apt_ostree::compose
