#include "lib/compose/copy_up_view.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lib/util/chroot.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_overlay_attributes = "trusted.overlay.";

// A path in overlayfs' option string: ',' separates options, ':' separates lower layers.
std::string escaped(const fs::path& path) {
  std::string out;
  for (char c : path.string()) {
    if (c == ',' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int mount_overlay(const fs::path& lower, const fs::path& upper, const fs::path& work,
                  const fs::path& target) {
  std::string options =
      fmt::format("lowerdir={},upperdir={},workdir={},index=off,metacopy=off,redirect_dir=off",
                  escaped(lower), escaped(upper), escaped(work));
  return ::mount("overlay", target.c_str(), "overlay", 0, options.c_str());
}

void make_empty_directory(const fs::path& path) {
  fs::remove_all(path);
  fs::create_directories(path);
}

std::map<std::string, std::string> extended_attributes(const fs::path& path) {
  std::map<std::string, std::string> attributes;
  ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size <= 0) return attributes;
  std::string names(size, '\0');
  size = ::llistxattr(path.c_str(), names.data(), names.size());
  if (size < 0) fail("cannot list the extended attributes of {}: {}", path.string(), std::strerror(errno));
  names.resize(size);
  for (std::string_view name : util::split(names, '\0')) {
    if (name.empty()) continue;
    std::string key(name);
    ssize_t length = ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
    if (length < 0) continue;
    std::string value(length, '\0');
    length = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
    if (length < 0) continue;
    value.resize(length);
    attributes.emplace(std::move(key), std::move(value));
  }
  return attributes;
}

bool is_overlay_attribute(std::string_view name) { return name.starts_with(k_overlay_attributes); }

void remove_overlay_attributes(const fs::path& path) {
  for (const auto& [name, value] : extended_attributes(path))
    if (is_overlay_attribute(name) && ::lremovexattr(path.c_str(), name.c_str()) != 0)
      fail("cannot remove {} from {}: {}", name, path.string(), std::strerror(errno));
}

bool is_whiteout(const struct stat& status) {
  return S_ISCHR(status.st_mode) && status.st_rdev == makedev(0, 0);
}

bool is_opaque(const fs::path& directory) {
  char value = 0;
  return ::lgetxattr(directory.c_str(), "trusted.overlay.opaque", &value, 1) == 1 && value == 'y';
}

// Gives directory `lower` the owner, mode, extended attributes and times of `upper`.
void take_directory_metadata(const fs::path& upper, const struct stat& status,
                             const fs::path& lower) {
  if (::lchown(lower.c_str(), status.st_uid, status.st_gid) != 0 ||
      ::chmod(lower.c_str(), status.st_mode & 07777) != 0)
    fail("cannot set the owner and mode of {}: {}", lower.string(), std::strerror(errno));
  std::map<std::string, std::string> wanted = extended_attributes(upper);
  for (const auto& [name, value] : extended_attributes(lower))
    if (!is_overlay_attribute(name) && !wanted.contains(name))
      ::lremovexattr(lower.c_str(), name.c_str());
  for (const auto& [name, value] : wanted)
    if (!is_overlay_attribute(name) &&
        ::lsetxattr(lower.c_str(), name.c_str(), value.data(), value.size(), 0) != 0)
      fail("cannot set {} on {}: {}", name, lower.string(), std::strerror(errno));
  struct timespec times[2] = {status.st_atim, status.st_mtim};
  ::utimensat(AT_FDCWD, lower.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

void fold_entry(const fs::path& upper, const fs::path& lower) {
  struct stat status = util::lstat_or_fail(upper);
  struct stat below {};
  bool lower_exists = ::lstat(lower.c_str(), &below) == 0;
  if (is_whiteout(status)) {
    if (lower_exists) fs::remove_all(lower);
    return;
  }
  if (!S_ISDIR(status.st_mode)) {
    remove_overlay_attributes(upper);
    if (lower_exists && S_ISDIR(below.st_mode)) fs::remove_all(lower);
    if (::rename(upper.c_str(), lower.c_str()) != 0)
      fail("cannot move {} to {}: {}", upper.string(), lower.string(), std::strerror(errno));
    return;
  }
  if (lower_exists && (!S_ISDIR(below.st_mode) || is_opaque(upper))) {
    fs::remove_all(lower);
    lower_exists = false;
  }
  if (!lower_exists && ::mkdir(lower.c_str(), 0700) != 0)
    fail("cannot create {}: {}", lower.string(), std::strerror(errno));
  for (const fs::directory_entry& entry : fs::directory_iterator(upper))
    fold_entry(entry.path(), lower / entry.path().filename());
  // After the children: adding them changed the directory's times.
  take_directory_metadata(upper, status, lower);
}

}  // namespace

CopyUpView::CopyUpView(fs::path tree, fs::path scratch)
    : m_tree(fs::absolute(tree).lexically_normal()), m_upper(scratch / "upper"), m_work(scratch / "work") {
  mount(m_tree);
}

CopyUpView::CopyUpView(fs::path lower, fs::path merged, fs::path scratch)
    : m_tree(fs::absolute(merged).lexically_normal()), m_upper(scratch / "upper"), m_work(scratch / "work") {
  mount(fs::absolute(lower).lexically_normal());
}

void CopyUpView::mount(const fs::path& lower) {
  make_empty_directory(m_upper);
  make_empty_directory(m_work);
  // The upper layer's root is the merged root: the same owner and mode as the lower one's.
  struct stat root = util::lstat_or_fail(lower);
  if (::chown(m_upper.c_str(), root.st_uid, root.st_gid) != 0 ||
      ::chmod(m_upper.c_str(), root.st_mode & 07777) != 0)
    fail("cannot prepare {}: {}", m_upper.string(), std::strerror(errno));
  if (mount_overlay(lower, m_upper, m_work, m_tree) != 0)
    fail("cannot mount a copy-up overlay on {}: {}", m_tree.string(), std::strerror(errno));
  m_mounted = true;
}

CopyUpView::~CopyUpView() {
  if (m_mounted && ::umount2(m_tree.c_str(), MNT_DETACH) != 0)
    std::fprintf(stderr, "apt-ostree: cannot unmount the overlay on %s: %s\n", m_tree.c_str(),
                 std::strerror(errno));
}

const fs::path& CopyUpView::unmount() {
  for (const fs::path& mount : util::mounts_below(m_tree))
    if (mount != m_tree)
      fail("cannot unmount the overlay on {}: {} is still mounted", m_tree.string(), mount.string());
  if (::umount2(m_tree.c_str(), 0) != 0)
    fail("cannot unmount the overlay on {}: {}", m_tree.string(), std::strerror(errno));
  m_mounted = false;
  fs::remove_all(m_work);
  return m_upper;
}

void CopyUpView::fold() { fold_upper_layer(unmount(), m_tree); }

size_t separate_shared_inodes(const fs::path& tree) {
  std::set<std::pair<dev_t, ino_t>> seen;
  std::vector<fs::path> repeated;
  for (auto it = fs::recursive_directory_iterator(tree); it != fs::recursive_directory_iterator();
       ++it) {
    struct stat status {};
    if (::lstat(it->path().c_str(), &status) != 0 || !S_ISREG(status.st_mode) ||
        status.st_nlink < 2)
      continue;
    if (!seen.emplace(status.st_dev, status.st_ino).second) repeated.push_back(it->path());
  }
  for (const fs::path& path : repeated) {
    struct stat status = util::lstat_or_fail(path);
    fs::path copy = path;
    copy += ".apt-ostree-copy";
    fs::copy_file(path, copy, fs::copy_options::overwrite_existing);
    if (::lchown(copy.c_str(), status.st_uid, status.st_gid) != 0 ||
        ::chmod(copy.c_str(), status.st_mode & 07777) != 0)
      fail("cannot copy {}: {}", path.string(), std::strerror(errno));
    for (const auto& [name, value] : extended_attributes(path))
      if (::lsetxattr(copy.c_str(), name.c_str(), value.data(), value.size(), 0) != 0)
        fail("cannot copy {}'s {}: {}", path.string(), name, std::strerror(errno));
    if (::rename(copy.c_str(), path.c_str()) != 0)
      fail("cannot replace {}: {}", path.string(), std::strerror(errno));
  }
  return repeated.size();
}

bool copy_up_views_work(const fs::path& scratch) {
  fs::path probe = scratch / "probe";
  for (const char* part : {"lower", "upper", "work", "merged"})
    make_empty_directory(probe / part);
  bool mounted = mount_overlay(probe / "lower", probe / "upper", probe / "work",
                               probe / "merged") == 0;
  if (mounted) ::umount2((probe / "merged").c_str(), MNT_DETACH);
  fs::remove_all(probe);
  return mounted;
}

void fold_upper_layer(const fs::path& upper, const fs::path& lower) {
  for (const fs::directory_entry& entry : fs::directory_iterator(upper))
    fold_entry(entry.path(), lower / entry.path().filename());
  take_directory_metadata(upper, util::lstat_or_fail(upper), lower);
  fs::remove_all(upper);
}

}  // namespace apt_ostree::compose
