// Syntax of the names a treefile holds, checked when the recipe is read so a typo fails in a
// second with the file and line instead of minutes later inside apt, dpkg, systemctl or ostree.
// Each check is the owning tool's rule (cited per function), not a guess at what looks plausible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

// Debian Policy 5.6.1: lowercase letters, digits, '+', '-', '.'; two characters or more; starts
// with a letter or digit.
bool is_valid_package_name(std::string_view name);

// A Debian architecture name as dpkg accepts it (lib/dpkg/arch.c: a letter or digit, then letters,
// digits and '-'), lowercase as every Debian port is named; "all" and "any" are not targets.
bool is_valid_architecture_name(std::string_view name);

// RFC 1123 host name as systemd's hostname_is_valid() takes it: dot-separated labels of letters,
// digits and '-', no label empty or starting or ending with '-', 64 characters at most (the
// kernel's HOST_NAME_MAX).
bool is_valid_hostname(std::string_view name);

// A systemd unit name systemctl can enable: letters, digits and ":-_.\@", an optional "@instance",
// and one of systemd's unit type suffixes; 255 characters at most.
bool is_valid_unit_name(std::string_view name);

// A stage name: a letter or digit, then letters, digits, '.', '_' and '-' (it appears in default
// refs and in directory names, so nothing that needs quoting).
bool is_valid_stage_name(std::string_view name);

// The candidate closest to a misspelt `name` (optimal string alignment distance: a swapped pair of
// letters counts as one edit, the commonest typo in keys), if one is close enough to be a likely
// intent: at most a third of the name's length, and at least one edit allowed.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

}  // namespace apt_ostree::compose
