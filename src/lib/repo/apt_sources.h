// The host's APT sources (/etc/apt/sources.list, sources.list.d/*.list and deb822 *.sources): the
// default mirror comes from here, so no mirror address is ever built into the tool.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace apt_ostree::repo {

struct AptSource {
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures;  // empty: any
  std::string signed_by;                   // keyring path or empty
  std::filesystem::path origin;            // file it was read from
};

// Reads the enabled "deb" (binary) sources under `etc_apt` (normally /etc/apt). Disabled deb822
// entries (Enabled: no), deb-src lines and comments are skipped. Missing files are not an error.
std::vector<AptSource> read_apt_sources(const std::filesystem::path& etc_apt = "/etc/apt");

// The mirror URI to use for `release`: the first source listing exactly that suite; otherwise the
// first source whose suites share its codename prefix ("bookworm-updates" for "bookworm");
// otherwise the first source whose URI is not a security or updates archive. nullopt if none.
std::optional<std::string> mirror_for_release(const std::vector<AptSource>& sources,
                                              const std::string& release);

}  // namespace apt_ostree::repo
