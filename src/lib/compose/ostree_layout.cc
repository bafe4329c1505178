#include "lib/compose/ostree_layout.h"

#include <sys/stat.h>

#include <fmt/format.h>
#include <vector>

#include "lib/compose/boot_kernels.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

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

}  // namespace

OstreeLayout apply_ostree_layout(const fs::path& tree) {
  if (exists_no_follow(tree / "usr/etc"))
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
  if (fs::is_directory(fs::symlink_status(tree / "etc"))) {
    fs::create_directories(tree / "usr");
    fs::rename(tree / "etc", tree / "usr/etc");
  }

  if (!exists_no_follow(tree / "sysroot")) fs::create_directory(tree / "sysroot");
  if (!exists_no_follow(tree / "ostree")) fs::create_symlink("sysroot/ostree", tree / "ostree");
  return layout;
}

}  // namespace apt_ostree::compose
