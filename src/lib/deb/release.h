// Release / InRelease content (after signature verification): what the archive holds for a suite
// and the checksums of every index file.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::deb {

struct ReleaseEntry {
  std::string path;  // relative to dists/SUITE/, e.g. "main/binary-amd64/Packages.xz"
  uint64_t size = 0;
  std::string sha256;
};

struct ReleaseFile {
  std::string origin, label, suite, codename, version, date, valid_until;
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  bool acquire_by_hash = false;
  std::vector<ReleaseEntry> sha256_entries;

  const ReleaseEntry* find(std::string_view path) const;
};

// Throws Error naming `source_name` when the text is not a Release file or has no SHA256 list.
ReleaseFile parse_release(std::string_view text, std::string_view source_name);

// A Release date (Date, Valid-Until): RFC 2822, "Sat, 10 Jun 2023 08:45:02 UTC", in UTC or with a
// numeric offset. nullopt if unreadable.
std::optional<std::time_t> parse_release_date(std::string_view text);

}  // namespace apt_ostree::deb
