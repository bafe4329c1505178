// PackageIndex: every package of one archive view (mirror, release, architecture, components) in a
// single memory-mappable file written at refresh time. Commands map it and read only what they
// touch, which is what makes search/show/resolve fast from a warm cache.
//
// File format (little-endian, version k_index_format_version; see package_index.cc for the exact
// layout): a header, a fixed-size record per package sorted by (name, version descending), a blob
// of field text, and lowercase search blobs (names and provided names; full descriptions) with one
// entry per package name for full-text search.
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
  std::string_view name, version, architecture, component, section, filename, sha256;
  std::string_view source;       // source package name (without version); `name` if absent
  std::string_view description;  // first line (short description)
  std::string_view
      long_description;  // continuation lines as in the stanza/translation, may be empty
  std::string_view description_md5;  // Description-md5 as published, else computed like dpkg's
  std::string_view depends, pre_depends, recommends, suggests, conflicts, breaks, provides,
      replaces;
  std::string_view stanza;  // the Packages stanza as published (for `show`)
  Priority priority = Priority::unknown;
  MultiArch multi_arch = MultiArch::no;
  bool essential = false;
  bool description_translated = false;  // long_description came from Translation-en
  uint64_t size = 0;                    // .deb size in bytes
  uint64_t installed_size_kib = 0;      // Installed-Size (KiB)
};

// The stanza as `apt-cache show` prints it: the Description field replaced by the full one
// ("Description-en:" when it came from Translation-en) followed by Description-md5, other
// Description* fields dropped, and a blank line after it.
std::string format_show_stanza(const PackageRecord& record);

class PackageIndexBuilder {
 public:
  PackageIndexBuilder();
  ~PackageIndexBuilder();
  // Adds every stanza of a Packages file. Throws Error naming `source_name` on malformed input.
  // The text is copied to a spool file, so the caller may free it right after the call.
  // `first_line` numbers the text's first line when it is a piece of a larger file.
  void add_packages(std::string_view packages_text, std::string_view component,
                    std::string_view source_name, size_t first_line = 1);
  // Long descriptions from a Translation-en file, matched by Package and Description-md5. May be
  // called before or after the matching add_packages.
  void add_translations(std::string_view translation_text, std::string_view source_name,
                        size_t first_line = 1);
  size_t size() const;
  void write(const std::filesystem::path& path) const;  // atomic replace

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The two search blobs. Each entry's text is followed by a '\0' (not part of the view), so it can
// be handed to regexec as is; a plain term (no '\0' or '\n') never matches across entries.
enum class SearchField : uint8_t {
  names,        // "name\0provided\0provided..." (provided names without versions)
  description,  // the full description as apt-cache search matches it: "short\n long line\n ..."
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
  // Drops the index pages read so far from the resident set (see util::MappedFile): for the rare
  // pass over every record (building the solver cache), which would otherwise keep the whole
  // file resident.
  void drop_resident_pages() const;

  // Search entries: one per package name (its highest version), in name order.
  size_t search_entry_count() const;
  size_t search_entry_record(size_t entry) const;
  // Lowercase text of one entry (see SearchField).
  std::string_view search_text(size_t entry, SearchField field) const;
  // All entries' texts back to back, each followed by its '\0'.
  std::string_view search_blob(SearchField field) const;
  // Entry whose text (or terminating '\0') holds byte `offset` of search_blob(field).
  size_t search_entry_at(SearchField field, size_t offset) const;

 private:
  struct Impl;
  explicit PackageIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace apt_ostree::repo
