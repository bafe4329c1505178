// What systemd-tmpfiles would create on a booted system, read from the tree's tmpfiles.d, and the
// content of /var it would not. An OSTree deployment gets the image's /var only once, when it is
// first deployed; after an upgrade only what tmpfiles.d declares appears in the persistent /var.
// So everything the image ships in /var should be declared there (bootc's var-tmpfiles lint).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

struct TmpfilesDeclarations {
  // Absolute paths a line creates: d D v q Q (directories), f F (files), L (symlinks), p (FIFOs),
  // c b (devices). Lines that only adjust, clean or remove what exists (z Z e x r R w t a h ...)
  // create nothing.
  std::set<std::string> created;
  // C lines copy a whole tree: the path and everything below it.
  std::set<std::string> copied;

  bool covers(std::string_view absolute_path) const;
};

// Adds the declarations of one tmpfiles.d file to `into`. Lines with a specifier systemd resolves
// per machine or user (%m, %h, ...) are skipped; the system-wide directory specifiers (%S %C %L %t
// %T %V) are resolved as systemd-tmpfiles --root would. Malformed lines are skipped, as
// systemd-tmpfiles skips them.
void parse_tmpfiles(std::string_view text, TmpfilesDeclarations& into);

// Every tmpfiles.d file of the tree (lint_systemd_conf.h), parsed.
TmpfilesDeclarations read_tmpfiles(const std::filesystem::path& root);

// The entries below /var (tree paths, in walk order) that no declaration covers. An uncovered
// directory's contents are listed too: tmpfiles.d must declare each path it creates.
std::vector<std::string> var_not_in_tmpfiles(const std::filesystem::path& root);

}  // namespace apt_ostree::compose
