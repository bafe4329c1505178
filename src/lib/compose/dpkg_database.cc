#include "lib/compose/dpkg_database.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "lib/compose/dpkg_database_triggers.h"
#include "lib/deb/control.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_admin_dir = "var/lib/dpkg";

// The control members dpkg runs, which dpkg-deb requires to be executable (and debhelper makes
// 0755, with every other member 0644). DebMetadata keeps member contents, not modes.
bool is_executable_member(std::string_view name) {
  return name == "preinst" || name == "postinst" || name == "prerm" || name == "postrm" ||
         name == "config";
}

struct Package {
  const deb::DebMetadata* metadata;
  DpkgState state;
  DpkgControl control;
  std::string name;  // DpkgControl::database_name(): the info/ file prefix
  std::vector<DpkgConffile> conffiles;
};

// A name for error messages before the control file is known to parse.
std::string describe(const deb::DebMetadata& metadata, size_t position) {
  deb::ControlParser parser(metadata.control, "control");
  deb::ControlStanza stanza;
  try {
    if (parser.next(stanza))
      if (auto name = stanza.get("Package"); name && !name->empty())
        return fmt::format("package {}", *name);
  } catch (const Error&) {
    // Unparsable: DpkgControl reports it under the positional name.
  }
  return fmt::format("the package at position {} of the tree", position + 1);
}

void write_file(const std::string& path, std::string_view content, mode_t mode) {
  util::UniqueFd fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) fail("cannot create {}: {}", path, std::strerror(errno));
  // The mode must not depend on the assembler's umask.
  if (::fchmod(fd.get(), mode) != 0)
    fail("cannot set the mode of {}: {}", path, std::strerror(errno));
  util::write_all(fd.get(), content, path);
}

// lstat() that tells "missing" (false) from other failures (Error).
bool lstat_path(const std::string& path, struct stat& st) {
  if (::lstat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  fail("cannot inspect {}: {}", path, std::strerror(errno));
}

class DatabaseWriter {
 public:
  DatabaseWriter(const fs::path& root, const DpkgDatabaseOptions& options)
      : m_root(root.native()), m_admin(root / k_admin_dir), m_options(options) {}

  // Everything that can refuse the tree, before anything is written: missing files, conffiles,
  // trigger directives. Reads what the database needs from the tree (generated md5sums, the MD5 of
  // installed packages' conffiles).
  void prepare(std::vector<Package>& packages) {
    m_generated_md5sums.resize(packages.size());
    for (size_t i = 0; i < packages.size(); ++i) {
      Package& package = packages[i];
      if (!package.metadata->control_members.contains("md5sums"))
        m_generated_md5sums[i] = generate_md5sums(package);
      if (package.state == DpkgState::installed)
        hash_conffiles(package);
      else
        check_conffiles(package);
      if (auto triggers = package.metadata->control_members.find("triggers");
          triggers != package.metadata->control_members.end())
        m_interests.add(triggers->second, package.control.database_name());
    }
  }

  void write(const std::vector<Package>& packages) {
    for (const char* dir : {"info", "updates", "triggers"}) fs::create_directories(m_admin / dir);
    std::string info = (m_admin / "info").native() + "/";
    for (size_t i = 0; i < packages.size(); ++i) {
      const Package& package = packages[i];
      const deb::DebMetadata& metadata = *package.metadata;
      std::string prefix = info + package.name + ".";

      std::string list;
      for (const std::string& path : metadata.paths) {
        list += path;
        list += '\n';
      }
      write_file(prefix + "list", list, 0644);
      m_summary.paths += metadata.paths.size();

      // src/main/unpack.c pkg_infodb_update(): every member but "control", except names with a
      // dot (dpkg skips them) and "list" (dpkg warns and skips it).
      for (const auto& [member, content] : metadata.control_members) {
        if (member == "control" || member == "list" || member.find('.') != std::string::npos)
          continue;
        write_file(prefix + member, content, is_executable_member(member) ? 0755 : 0644);
      }
      if (!metadata.control_members.contains("md5sums"))
        write_file(prefix + "md5sums", m_generated_md5sums[i], 0644);

      if (package.state == DpkgState::unpacked) stage_conffiles(package);
    }
    write_file(info + "format", "1\n", 0644);

    std::string triggers = (m_admin / "triggers").native() + "/";
    if (std::string file = m_interests.file_interests(); !file.empty())
      write_file(triggers + "File", file, 0644);
    for (const auto& [name, content] : m_interests.explicit_interests())
      write_file(triggers + name, content, 0644);
    write_file(triggers + "Unincorp", "", 0644);

    if (!fs::exists(m_admin / "available")) write_file((m_admin / "available").native(), "", 0644);
    if (!m_options.foreign_architectures.empty()) {
      // dpkg --add-architecture writes the native architecture first, then the foreign ones.
      std::string arch = m_options.native_architecture + "\n";
      std::unordered_set<std::string_view> seen{m_options.native_architecture};
      for (const std::string& foreign : m_options.foreign_architectures)
        if (seen.insert(foreign).second) arch += foreign + "\n";
      write_file((m_admin / "arch").native(), arch, 0644);
    }

    std::vector<const Package*> sorted;
    for (const Package& package : packages) sorted.push_back(&package);
    std::sort(sorted.begin(), sorted.end(), [](const Package* a, const Package* b) {
      return DpkgControl::status_order(a->control, b->control);
    });
    std::string status;
    for (const Package* package : sorted) {
      status += package->control.status_stanza(package->state, package->conffiles);
      status += '\n';
    }
    util::write_file_atomic(m_admin / "status", status);
    m_summary.packages = packages.size();
  }

  const DpkgDatabaseSummary& summary() const { return m_summary; }

 private:
  bool excluded(std::string_view path) const {
    return m_options.is_excluded && m_options.is_excluded(path);
  }

  // dpkg hashes each regular file as it extracts it (src/main/archives.c) and writes those hashes
  // when the package ships no md5sums (write_filehash_except): archive order, no leading slash,
  // nothing for directories, symlinks or files a filter kept out.
  std::string generate_md5sums(const Package& package) {
    std::string md5sums;
    for (const std::string& path : package.metadata->paths) {
      if (path == "/." || excluded(path)) continue;
      std::string full = m_root + path;
      struct stat st {};
      if (!lstat_path(full, st)) {
        // A conffile staged by an earlier write of the database is hashed where it now is.
        full += ".dpkg-new";
        if (!is_conffile(package, path) || !lstat_path(full, st))
          fail("{} lists {}, which is missing from the tree.", describe_package(package), path);
      }
      if (!S_ISREG(st.st_mode)) continue;
      md5sums += util::digest_file(util::DigestKind::md5, full);
      md5sums += "  ";
      md5sums.append(path, 1);
      md5sums += '\n';
      ++m_summary.files_hashed;
    }
    return md5sums;
  }

  // dpkg --unpack extracts a conffile to PATH.dpkg-new and leaves it there with the hash
  // "newconffile"; dpkg --configure installs it. A conffile a filter kept out has no .dpkg-new, so
  // configure skips it, as dpkg does. One already at PATH.dpkg-new (the database is being written
  // again) stays there.
  void check_conffiles(const Package& package) const {
    for (const DpkgConffile& conffile : package.conffiles) {
      std::string path = m_root + conffile.path;
      struct stat st {};
      if (conffile.remove_on_upgrade || excluded(conffile.path) || lstat_path(path, st) ||
          lstat_path(path + ".dpkg-new", st))
        continue;
      fail("The conffile {} of {} is missing from the tree.", conffile.path,
           describe_package(package));
    }
  }

  // Multi-Arch: same instances share their conffiles: the first renames, the others find the
  // .dpkg-new in place.
  void stage_conffiles(const Package& package) const {
    for (const DpkgConffile& conffile : package.conffiles) {
      std::string path = m_root + conffile.path;
      struct stat st {};
      if (conffile.remove_on_upgrade || !lstat_path(path, st)) continue;
      std::string staged = path + ".dpkg-new";
      if (::rename(path.c_str(), staged.c_str()) != 0)
        fail("cannot rename {} to {}: {}", path, staged, std::strerror(errno));
    }
  }

  // What dpkg --configure records for a conffile it installed: the MD5 of its content. One a
  // filter kept out keeps "newconffile", as configure leaves it.
  void hash_conffiles(Package& package) {
    for (DpkgConffile& conffile : package.conffiles) {
      if (conffile.remove_on_upgrade) continue;
      std::string path = m_root + conffile.path;
      struct stat st {};
      if (!lstat_path(path, st)) {
        if (excluded(conffile.path)) continue;
        fail("The conffile {} of {} is missing from the tree.", conffile.path,
             describe_package(package));
      }
      if (!S_ISREG(st.st_mode))
        fail(
            "The conffile {} of {} is not a regular file; write the package unpacked and let "
            "dpkg --configure install it.",
            conffile.path, describe_package(package));
      conffile.hash = util::digest_file(util::DigestKind::md5, path);
      ++m_summary.files_hashed;
    }
  }

  static bool is_conffile(const Package& package, std::string_view path) {
    return std::any_of(package.conffiles.begin(), package.conffiles.end(),
                       [&](const DpkgConffile& conffile) { return conffile.path == path; });
  }

  static std::string describe_package(const Package& package) { return "package " + package.name; }

  std::string m_root;
  fs::path m_admin;
  const DpkgDatabaseOptions& m_options;
  DpkgDatabaseSummary m_summary;
  std::vector<std::string> m_generated_md5sums;  // by package; used where the .deb has none
  DpkgTriggerInterests m_interests;
};

}  // namespace

DpkgDatabaseSummary write_dpkg_database(const fs::path& root,
                                        const std::vector<DpkgDatabasePackage>& packages,
                                        const DpkgDatabaseOptions& options) {
  if (options.native_architecture.empty())
    fail("The dpkg database of {} needs the native architecture of its dpkg.", root.string());

  std::vector<Package> parsed;
  parsed.reserve(packages.size());
  std::unordered_set<std::string> names;
  for (size_t i = 0; i < packages.size(); ++i) {
    const deb::DebMetadata* metadata = packages[i].metadata;
    if (!metadata) fail("The package at position {} of the tree has no metadata.", i + 1);
    std::string what = describe(*metadata, i);
    DpkgControl control(metadata->control, options.native_architecture, what);
    std::string name = control.database_name();
    if (!names.insert(name).second)
      fail("The tree holds {} twice; dpkg can record a package only once.", name);
    for (const auto& [member, content] : metadata->control_members)
      if (member.empty() || member.find('/') != std::string::npos)
        fail("{} has a control member named '{}', which dpkg refuses.", what, member);
    if (metadata->paths.empty() || metadata->paths.front() != "/.")
      fail("{} has no file list starting with '/.' (the root of its data archive).", what);
    std::vector<DpkgConffile> conffiles;
    if (auto member = metadata->control_members.find("conffiles");
        member != metadata->control_members.end())
      conffiles = parse_conffiles(member->second, name);
    parsed.push_back(
        {metadata, packages[i].state, std::move(control), std::move(name), std::move(conffiles)});
  }

  DatabaseWriter writer(root, options);
  writer.prepare(parsed);
  writer.write(parsed);
  return writer.summary();
}

bool configure_is_trivial(const deb::DebMetadata& metadata) {
  if (metadata.control_members.contains("postinst") ||
      metadata.control_members.contains("triggers"))
    return false;
  auto conffiles = metadata.control_members.find("conffiles");
  return conffiles == metadata.control_members.end() ||
         std::all_of(conffiles->second.begin(), conffiles->second.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
}

}  // namespace apt_ostree::compose
