// Debian version comparison, exactly dpkg's algorithm (epoch, upstream, revision; '~' sorts before
// everything, letters before non-letters).
#pragma once

#include <string_view>

namespace apt_ostree::deb {

// <0, 0 or >0 as a sorts before, equal to or after b.
int compare_versions(std::string_view a, std::string_view b);

// Policy 5.6.12 syntax check (epoch digits, upstream starts with a digit, allowed characters).
bool is_valid_version(std::string_view version);

}  // namespace apt_ostree::deb
