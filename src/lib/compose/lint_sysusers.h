// Users and groups the tree's /etc/passwd and /etc/group hold that its sysusers.d does not
// declare. On an OSTree system /etc is merged three ways on upgrade: once an admin changed
// /etc/passwd (adduser), accounts a new image adds there are never seen. systemd-sysusers creates
// what sysusers.d declares at boot, so accounts declared there survive (bootc's sysusers lint).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

struct SysusersDeclarations {
  std::set<std::string> users;
  std::set<std::string> groups;
};

// Adds one sysusers.d file's declarations: "u NAME" declares the user and its same-named group,
// "g NAME" a group, "m USER GROUP" both (sysusers creates missing ones); "r" declares nothing.
void parse_sysusers(std::string_view text, SysusersDeclarations& into);

// Every sysusers.d file of the tree (lint_systemd_conf.h), parsed.
SysusersDeclarations read_sysusers(const std::filesystem::path& root);

// The names in a passwd or group file (the first field of each entry), in file order.
std::vector<std::string> account_names(std::string_view text);

struct UndeclaredAccounts {
  std::vector<std::string> users;
  std::vector<std::string> groups;
};

// The accounts of the tree's passwd and group (in its /etc: etc/ or usr/etc/) missing from its
// sysusers.d. A tree without them has no accounts to check.
UndeclaredAccounts accounts_not_in_sysusers(const std::filesystem::path& root);

}  // namespace apt_ostree::compose
