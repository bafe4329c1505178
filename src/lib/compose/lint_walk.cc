#include "lib/compose/lint_walk.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "lib/util/error.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

std::string join(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  std::string path(parent);
  path += '/';
  path += name;
  return path;
}

std::vector<std::string> sorted_names(const fs::path& root, const std::string& dir) {
  fs::path full = dir.empty() ? root : root / dir;
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(full.c_str()), ::closedir);
  if (!handle)
    fail(
        "cannot read directory {} in {}: {}; lint a tree you can read (as root for a tree "
        "composed as root)",
        display_path(dir), root.string(), std::strerror(errno));
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void walk_directory(const fs::path& root, dev_t device, const std::string& dir,
                    const std::function<bool(const TreeEntry&)>& visit) {
  for (const std::string& name : sorted_names(root, dir)) {
    TreeEntry entry{join(dir, name), {}};
    // Gone since the listing: nothing to report about it.
    if (!tree_lstat(root, entry.path, entry.status)) continue;
    bool descend = visit(entry);
    if (descend && S_ISDIR(entry.status.st_mode) && entry.status.st_dev == device)
      walk_directory(root, device, entry.path, visit);
  }
}

// Length of the valid UTF-8 sequence starting at bytes[i], or 0 if there is none: overlong
// forms, surrogates and code points past U+10FFFF are invalid, as in ostree's (GLib's) check.
size_t utf8_sequence_length(std::string_view bytes, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > bytes.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return length;
}

}  // namespace

void walk_tree(const fs::path& root, std::string_view start,
               const std::function<bool(const TreeEntry&)>& visit) {
  struct stat status;
  if (!tree_lstat(root, "", status)) fail("{} does not exist", root.string());
  dev_t device = status.st_dev;
  if (!start.empty() && !tree_lstat(root, start, status)) return;
  // A start that is a mount point (a /run still mounted by a chroot) is not the tree's.
  if (!S_ISDIR(status.st_mode) || status.st_dev != device) return;
  walk_directory(root, device, std::string(start), visit);
}

bool tree_lstat(const fs::path& root, std::string_view path, struct stat& status) {
  fs::path full = path.empty() ? root : root / path;
  if (::lstat(full.c_str(), &status) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  fail("cannot inspect {} in {}: {}", display_path(path), root.string(), std::strerror(errno));
}

std::string tree_readlink(const fs::path& root, std::string_view path) {
  fs::path full = root / path;
  std::string target(256, '\0');
  for (;;) {
    ssize_t length = ::readlink(full.c_str(), target.data(), target.size());
    if (length < 0)
      fail("cannot read symlink {} in {}: {}", display_path(path), root.string(),
           std::strerror(errno));
    if (static_cast<size_t>(length) < target.size()) {
      target.resize(static_cast<size_t>(length));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t length = utf8_sequence_length(bytes, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string printable(std::string_view bytes) {
  std::string shown;
  for (size_t i = 0; i < bytes.size();) {
    unsigned char byte = static_cast<unsigned char>(bytes[i]);
    size_t length = utf8_sequence_length(bytes, i);
    if (length == 0 || byte < 0x20 || byte == 0x7F || byte == '\\') {
      shown += fmt::format("\\x{:02X}", byte);
      ++i;
    } else {
      shown.append(bytes, i, length);
      i += length;
    }
  }
  return shown;
}

std::string display_path(std::string_view path) {
  return "/" + printable(path);
}

std::string list_capped(const std::vector<std::string>& items, size_t cap,
                        std::string_view separator) {
  std::string text;
  size_t shown = std::min(items.size(), cap);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) text += separator;
    text += items[i];
  }
  if (items.size() > shown) text += fmt::format(" and {} more", items.size() - shown);
  return text;
}

}  // namespace apt_ostree::compose
