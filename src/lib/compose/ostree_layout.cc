#include "lib/compose/ostree_layout.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "lib/compose/boot_kernels.h"
#include "lib/compose/lint_systemd_conf.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

bool exists_no_follow(const fs::path& path) { return fs::exists(fs::symlink_status(path)); }

// The version of the one kernel in /boot (vmlinuz-$kver), if any.
std::optional<std::string> find_kernel(const fs::path& tree) {
  std::vector<std::string> versions = boot_kernel_versions(tree);
  if (versions.empty()) return std::nullopt;
  if (versions.size() > 1)
    fail(
        "the tree holds several kernels ({}); an OSTree commit boots exactly one, so install only "
        "one linux-image package",
        fmt::join(versions, ", "));
  return versions.front();
}

void move_kernel(const fs::path& tree, const std::string& version) {
  fs::path modules = tree / "usr/lib/modules" / version;
  if (!fs::is_directory(modules))
    fail(
        "the kernel {} has no /usr/lib/modules/{}: an OSTree commit needs the merged-/usr layout "
        "(bookworm or later)",
        version, version);
  const std::pair<std::string, std::string> boot_files[] = {{"vmlinuz-", "vmlinuz"},
                                                            {"initrd.img-", "initramfs.img"},
                                                            {"config-", "config"},
                                                            {"System.map-", "System.map"}};
  for (const auto& [prefix, name] : boot_files) {
    fs::path from = tree / "boot" / (prefix + version);
    if (exists_no_follow(from)) fs::rename(from, modules / name);
  }
  // Debian's device trees; ostree installs /usr/lib/modules/$kver/dtb next to the kernel.
  fs::path device_trees = tree / "usr/lib" / ("linux-image-" + version);
  if (fs::is_directory(fs::symlink_status(device_trees))) {
    fs::rename(device_trees, modules / "dtb");
    fs::create_symlink(fs::path("modules") / version / "dtb", device_trees);
  }
  // linux-base's links to the newest and previous kernel, in / or in /boot.
  for (const char* directory : {"", "boot"})
    for (const char* link : {"vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old"}) {
      fs::path path = tree / directory / link;
      if (fs::is_symlink(path)) fs::remove(path);
    }
}

// Replaces tree/`from` (a directory) with a symlink to `target`, moving its contents to
// tree/`moved_to` first (empty: the directory must be empty).
void redirect(const fs::path& tree, const std::string& from, const std::string& target,
              const std::string& moved_to) {
  fs::path path = tree / from;
  fs::file_status status = fs::symlink_status(path);
  if (fs::is_symlink(status)) return;  // already redirected (a tree built that way)
  if (fs::is_directory(status)) {
    if (moved_to.empty()) {
      if (!fs::is_empty(path))
        fail("cannot link /{} to {}: it is not empty, and its contents would be lost", from,
             target);
      fs::remove(path);
    } else {
      // Either side may be an empty directory (base-files ships both /opt and /var/opt).
      fs::path destination = tree / moved_to;
      if (fs::is_directory(fs::symlink_status(destination)) && fs::is_empty(destination))
        fs::remove(destination);
      if (exists_no_follow(destination) && !fs::is_empty(path))
        fail("cannot move /{} to /{}: both hold files", from, moved_to);
      if (exists_no_follow(destination)) {
        fs::remove(path);
      } else {
        fs::create_directories(destination.parent_path());
        fs::rename(path, destination);
      }
    }
  } else if (fs::exists(status)) {
    fail("cannot link /{} to {}: it is not a directory", from, target);
  }
  fs::create_directories(path.parent_path());
  fs::create_symlink(target, path);
}

void set_owner_and_mode(const fs::path& path, mode_t mode, uid_t uid, gid_t gid) {
  if (::lchown(path.c_str(), uid, gid) != 0 || ::chmod(path.c_str(), mode) != 0)
    fail("cannot set the owner and mode of {}: {}", path.string(), std::strerror(errno));
}

// Files under /usr/share/factory/var that packages ship (dpkg's file lists), as tree paths.
std::set<std::string> packaged_factory_files(const fs::path& tree) {
  std::set<std::string> packaged;
  fs::path info = tree / "usr/lib/sysimage/dpkg/info";
  if (!fs::is_directory(info)) return packaged;
  for (const fs::directory_entry& entry : fs::directory_iterator(info)) {
    if (entry.path().extension() != ".list") continue;
    std::string list = util::read_file(entry.path());
    for (size_t at = list.find("/usr/share/factory/var/"); at != std::string::npos;
         at = list.find("/usr/share/factory/var/", at + 1)) {
      if (at > 0 && list[at - 1] != '\n') continue;
      packaged.insert(list.substr(at + 1, list.find('\n', at) - at - 1));
    }
  }
  return packaged;
}

// Moves the factory's files back to tree/var (see var_tmpfiles.h), directories made as the
// factory's copies of them say; what packages ship stays.
void restore_factory(const fs::path& tree) {
  fs::path factory = tree / "usr/share/factory/var";
  if (!fs::is_directory(factory)) return;
  std::set<std::string> packaged = packaged_factory_files(tree);
  std::vector<fs::path> directories;
  for (auto it = fs::recursive_directory_iterator(factory); it != fs::recursive_directory_iterator();
       ++it) {
    fs::path relative = it->path().lexically_relative(factory);
    fs::path target = tree / "var" / relative;
    struct stat status = util::lstat_or_fail(it->path());
    if (S_ISDIR(status.st_mode)) {
      if (!exists_no_follow(target)) {
        fs::create_directory(target);
        set_owner_and_mode(target, status.st_mode & 07777, status.st_uid, status.st_gid);
      }
      directories.push_back(it->path());
    } else if (!packaged.contains(it->path().lexically_relative(tree).string())) {
      fs::rename(it->path(), target);
    }
  }
  // Deepest first: what is left empty was only there for the files that moved.
  for (auto it = directories.rbegin(); it != directories.rend(); ++it)
    if (fs::is_empty(*it)) fs::remove(*it);
  if (fs::is_empty(factory)) fs::remove(factory);
}

// Applies the d and L lines of the generated configuration (C lines name factory files).
void apply_var_lines(const fs::path& tree, const std::string& conf) {
  for (std::string_view line : util::split(conf, '\n')) {
    std::optional<std::vector<std::string>> fields = split_conf_fields(line);
    if (!fields || fields->size() < 2 || !(*fields)[1].starts_with("/var/")) continue;
    const std::vector<std::string>& f = *fields;
    fs::path path = tree / f[1].substr(1);
    if (exists_no_follow(path)) continue;
    if (f[0] == "d" && f.size() >= 5) {
      fs::create_directories(path);
      set_owner_and_mode(path, static_cast<mode_t>(std::stoul(f[2], nullptr, 8)),
                         static_cast<uid_t>(std::stoul(f[3])), static_cast<gid_t>(std::stoul(f[4])));
    } else if (f[0] == "L" && f.size() >= 7) {
      fs::create_directories(path.parent_path());
      fs::create_symlink(f[6], path);
    }
  }
}

}  // namespace

void restore_var(const fs::path& tree) {
  fs::path conf = tree / k_var_tmpfiles_conf;
  if (exists_no_follow(conf)) {
    apply_var_lines(tree, util::read_file(conf));
    fs::remove(conf);
  }
  restore_factory(tree);
  // What systemd-tmpfiles makes at boot (systemd's var.conf and tmp.conf), which maintainer
  // scripts take for granted.
  for (const char* directory : {"var/cache", "var/lib", "var/log", "var/spool"})
    if (!exists_no_follow(tree / directory)) {
      fs::create_directories(tree / directory);
      fs::permissions(tree / directory, fs::perms(0755));
    }
  if (!exists_no_follow(tree / "var/tmp")) {
    fs::create_directories(tree / "var/tmp");
    fs::permissions(tree / "var/tmp", fs::perms(01777));
  }
}

OstreeLayout apply_ostree_layout(const fs::path& tree, bool etc_in_usr) {
  if (!etc_in_usr && exists_no_follow(tree / "usr/etc"))
    fail("the tree already has /usr/etc, where OSTree keeps the default /etc");
  OstreeLayout layout;
  layout.kernel_version = find_kernel(tree);
  if (layout.kernel_version) move_kernel(tree, *layout.kernel_version);

  fs::path dpkg_database = tree / "var/lib/dpkg";
  if (fs::is_directory(fs::symlink_status(dpkg_database))) {
    fs::path sysimage = tree / "usr/lib/sysimage";
    fs::create_directories(sysimage);
    fs::rename(dpkg_database, sysimage / "dpkg");
    fs::create_symlink("../../usr/lib/sysimage/dpkg", dpkg_database);
  }

  // rpm-ostree's names, so tools and documentation written for OSTree systems apply unchanged.
  redirect(tree, "home", "var/home", "var/home");
  redirect(tree, "opt", "var/opt", "var/opt");
  redirect(tree, "srv", "var/srv", "var/srv");
  redirect(tree, "root", "var/roothome", "var/roothome");
  redirect(tree, "mnt", "var/mnt", "var/mnt");
  redirect(tree, "usr/local", "../var/usrlocal", "var/usrlocal");
  redirect(tree, "media", "run/media", "");

  fs::create_directories(tree / "var");
  layout.var = convert_var(tree);
  fs::create_directories((tree / k_var_tmpfiles_conf).parent_path());
  util::write_file_atomic(tree / k_var_tmpfiles_conf,
                          "# /var of this OSTree commit, made by apt-ostree compose tree.\n" +
                              layout.var.tmpfiles);

  // Last, so the tmpfiles.d files under /etc counted above.
  if (!etc_in_usr && fs::is_directory(fs::symlink_status(tree / "etc"))) {
    fs::create_directories(tree / "usr");
    fs::rename(tree / "etc", tree / "usr/etc");
  }

  if (!exists_no_follow(tree / "sysroot")) fs::create_directory(tree / "sysroot");
  if (!exists_no_follow(tree / "ostree")) fs::create_symlink("sysroot/ostree", tree / "ostree");
  return layout;
}

}  // namespace apt_ostree::compose
