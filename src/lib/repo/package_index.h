// PackageIndex: every package of one archive view (mirror, release, architecture, components) in a
// single memory-mappable file written at refresh time. Commands map it and read only what they
// touch, which is what makes search/show/resolve fast from a warm cache.
//
// File format (little-endian, version k_index_format_version; see package_index.cc for the exact
// layout): a header, a fixed-size record per package sorted by (name, version descending), a blob
// of field text, and a lowercase search blob "name\ndescription\n" per package for full-text search.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apt_ostree::repo {

enum class Priority : uint8_t { unknown, required, important, standard, optional, extra };
enum class MultiArch : uint8_t { no, same, foreign, allowed };

// A package as stored in the index; every view points into the mapped file.
struct PackageRecord {
  std::string_view name, version, architecture, component, section, source, filename, sha256;
  std::string_view description;       // first line (short description)
  std::string_view long_description;  // continuation lines as in the stanza/translation, may be empty
  std::string_view depends, pre_depends, recommends, suggests, conflicts, breaks, provides, replaces;
  std::string_view stanza;            // the Packages stanza as published (for `show`)
  Priority priority = Priority::unknown;
  MultiArch multi_arch = MultiArch::no;
  bool essential = false;
  uint64_t size = 0;               // .deb size in bytes
  uint64_t installed_size_kib = 0;  // Installed-Size (KiB)
};

class PackageIndexBuilder {
 public:
  PackageIndexBuilder();
  ~PackageIndexBuilder();
  // Adds every stanza of a Packages file. Throws Error naming `source_name` on malformed input.
  void add_packages(std::string_view packages_text, std::string_view component,
                    std::string_view source_name);
  // Long descriptions from a Translation-en file, matched by Package and Description-md5.
  void add_translations(std::string_view translation_text, std::string_view source_name);
  size_t size() const;
  void write(const std::filesystem::path& path) const;  // atomic replace

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

class PackageIndex {
 public:
  // Throws Error naming the path if it is missing, truncated or of another format version.
  static PackageIndex open(const std::filesystem::path& path);
  PackageIndex(PackageIndex&&) noexcept;
  ~PackageIndex();

  size_t size() const;
  PackageRecord at(size_t i) const;
  // Indices [first, last) of every version of `name` (highest version first); empty if none.
  std::pair<size_t, size_t> equal_range(std::string_view name) const;
  // Lowercase "name\ndescription-lines\n" for record i; the search engine scans these.
  std::string_view search_text(size_t i) const;
  std::string_view search_blob() const;           // all search texts back to back
  size_t record_at_search_offset(size_t offset) const;  // record whose search text holds `offset`

 private:
  struct Impl;
  explicit PackageIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace apt_ostree::repo
