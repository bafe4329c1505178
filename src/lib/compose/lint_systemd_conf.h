// systemd's configuration as a tree ships it, read without booting the tree: which drop-in files
// tmpfiles.d and sysusers.d would read, and how one of their lines splits into fields. The tmpfiles
// and sysusers lints compare the tree with what these files declare.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

// The tree's /etc: "etc", or "usr/etc" in a tree already in OSTree's layout (which keeps the
// image's /etc there).
std::string tree_etc(const std::filesystem::path& root);

// The contents of root/path, following symlinks inside the tree (an absolute target is read
// below `root`, never on the host); a symlink to /dev/null reads as empty, as it masks a drop-in.
// nullopt if there is no such file.
std::optional<std::string> read_tree_file(const std::filesystem::path& root, std::string_view path);

// The *.conf files systemd reads for `kind` ("tmpfiles.d", "sysusers.d"), as tree paths in the
// order systemd applies them (by file name): a name in etc/ hides the same name in run/, which
// hides usr/local/lib/ and then usr/lib/ (man systemd.syntax, "drop-in" search path).
std::vector<std::string> systemd_conf_files(const std::filesystem::path& root,
                                            std::string_view kind);

// The contents of those files, in that order (a masked one reads empty).
std::vector<std::string> systemd_conf_texts(const std::filesystem::path& root,
                                            std::string_view kind);

// A line split as systemd splits these files: on whitespace, with "double" or 'single' quotes
// and C escapes (\\, \", \n, \t, \xNN) inside a field. nullopt for unbalanced quotes or a bad
// escape, which systemd rejects too.
std::optional<std::vector<std::string>> split_conf_fields(std::string_view line);

}  // namespace apt_ostree::compose
