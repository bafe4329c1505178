// The tree walk the lints share, and how they name what they find. Paths are relative to the
// tree's root ("var/log/dpkg.log") while walking and shown absolute ("/var/log/dpkg.log") in
// messages. A tree's names are bytes, not text: a name that is not UTF-8 (the very thing the utf8
// lint looks for) is shown with its odd bytes escaped, so every message stays printable and valid
// JSON.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

struct TreeEntry {
  std::string path;    // relative to the root, no leading '/'
  struct stat status;  // lstat(): a symlink is itself, not what it points to
};

// Calls `visit` for every entry below root/start (not for start itself), a directory before its
// contents, names in byte order, so messages are the same from run to run. Symlinks are not
// followed and mount points not entered (a lint reads the tree, never the host's /proc). `visit`
// returns false to skip a directory's contents. A missing start, or one that is not a directory,
// visits nothing. Throws Error naming a directory it cannot read.
void walk_tree(const std::filesystem::path& root, std::string_view start,
               const std::function<bool(const TreeEntry&)>& visit);

// lstat() of root/path into `status`; false when nothing is there (Error for other failures).
bool tree_lstat(const std::filesystem::path& root, std::string_view path, struct stat& status);

// The target of the symlink root/path, as stored (not resolved).
std::string tree_readlink(const std::filesystem::path& root, std::string_view path);

bool is_valid_utf8(std::string_view bytes);

// `bytes` with what is not valid UTF-8, control characters and '\' escaped as \xNN.
std::string printable(std::string_view bytes);

// "/" + printable(path).
std::string display_path(std::string_view path);

// "a, b, c and 7 more": the first `cap` items, then how many were left out.
std::string list_capped(const std::vector<std::string>& items, size_t cap = 10,
                        std::string_view separator = ", ");

}  // namespace apt_ostree::compose
