// The package index file, written once per refresh and mapped read-only by every command.
//
// On-disk format, version k_format_version. Integers are in host byte order (little-endian on
// every architecture Debian builds images for here); a file from another byte order fails the
// version check. Every section starts 8-byte aligned.
//
//   Header       magic "APTOIDX\0", format version, sizeof(DiskRecord), the file's own length (so a
//                truncated copy is rejected) and (offset, size) of every section below.
//   Records      DiskRecord[record_count], sorted by name (bytewise), then version descending in
//                dpkg's order, so all versions of a name are adjacent and the best comes first.
//                Every string field is a (offset, length) span into Strings.
//   Strings      the Packages stanzas verbatim, plus component names, long descriptions from
//                Translation-en and Description-md5s computed for stanzas that lack one; most
//                fields are spans inside their stanza, so they are not stored twice and `show`
//                prints the published text. Then, in record order, a copy of each record's name,
//                version, architecture and short description: lookups and search results read only
//                these few compact megabytes, not a page of the stanzas per package.
//   Names        search blob: per search entry, lowercase "name\0provided\0...\0".
//   Descriptions search blob: per search entry, the lowercase full description as apt-cache
//                search matches it ("short\n long...") and a '\0'.
//   Entries      SearchEntry[entry_count + 1]: one per package name (its first, highest record),
//                with the entry's start offset in both blobs; the last one holds the blob ends.
//
// The search blobs make a plain-word search one memmem pass over contiguous memory, and the '\0'
// after each text lets regexec run on it in place.
//
// The builder spools stanza text to an unlinked temporary file instead of keeping it in memory:
// refresh-md holds the decompressed Packages file at the same time, and the whole command must
// stay well under 100 MB.
#include "lib/repo/package_index.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "lib/deb/control.h"
#include "lib/deb/version.h"
#include "lib/util/error.h"
#include "lib/util/hash.h"
#include "lib/util/mapped_file.h"
#include "lib/util/strings.h"

namespace apt_ostree::repo {

namespace {

constexpr char k_magic[8] = {'A', 'P', 'T', 'O', 'I', 'D', 'X', '\0'};
constexpr uint32_t k_format_version = 1;
constexpr size_t k_write_buffer_size = 1 << 20;
constexpr size_t k_huge_page_size = 2 << 20;

// String fields of a record, in DiskRecord::fields order.
enum class Field : uint8_t {
  name,
  version,
  architecture,
  component,
  section,
  filename,
  sha256,
  source,
  description,
  long_description,
  description_md5,
  depends,
  pre_depends,
  recommends,
  suggests,
  conflicts,
  breaks,
  provides,
  replaces,
  stanza,
};
constexpr size_t k_field_count = static_cast<size_t>(Field::stanza) + 1;

struct DiskSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct DiskRecord {
  std::array<DiskSpan, k_field_count> fields;
  uint64_t size = 0;
  uint64_t installed_size_kib = 0;
  uint8_t priority = 0;
  uint8_t multi_arch = 0;
  uint8_t essential = 0;
  uint8_t description_translated = 0;
  uint32_t reserved = 0;  // keeps the record size a multiple of 8

  DiskSpan& operator[](Field field) { return fields[static_cast<size_t>(field)]; }
  const DiskSpan& operator[](Field field) const { return fields[static_cast<size_t>(field)]; }
};

struct SearchEntry {
  uint32_t record = 0;
  uint32_t names_offset = 0;
  uint32_t description_offset = 0;
};

struct Header {
  char magic[8];
  uint32_t format_version;
  uint32_t record_size;
  uint64_t file_size;
  uint64_t record_count, records_offset;
  uint64_t strings_offset, strings_size;
  uint64_t names_offset, names_size;
  uint64_t descriptions_offset, descriptions_size;
  uint64_t entry_count, entries_offset;
};

static_assert(std::is_trivially_copyable_v<DiskRecord> && sizeof(DiskRecord) % 8 == 0);
static_assert(std::is_trivially_copyable_v<Header> && sizeof(Header) % 8 == 0);

// Stanza fields stored as spans, matched case-insensitively like every control field.
struct SpanField {
  std::string_view name;
  Field field;
};
constexpr SpanField k_span_fields[] = {
    {"Package", Field::name},
    {"Version", Field::version},
    {"Architecture", Field::architecture},
    {"Section", Field::section},
    {"Filename", Field::filename},
    {"SHA256", Field::sha256},
    {"Source", Field::source},
    {"Description", Field::description},
    {"Description-md5", Field::description_md5},
    {"Depends", Field::depends},
    {"Pre-Depends", Field::pre_depends},
    {"Recommends", Field::recommends},
    {"Suggests", Field::suggests},
    {"Conflicts", Field::conflicts},
    {"Breaks", Field::breaks},
    {"Provides", Field::provides},
    {"Replaces", Field::replaces},
};

void append_lower(std::string& out, std::string_view text) {
  out += util::to_lower(text);
}

Priority parse_priority(std::string_view value) {
  if (value == "required") return Priority::required;
  if (value == "important") return Priority::important;
  if (value == "standard") return Priority::standard;
  if (value == "optional") return Priority::optional;
  if (value == "extra") return Priority::extra;
  return Priority::unknown;
}

MultiArch parse_multi_arch(std::string_view value) {
  if (value == "same") return MultiArch::same;
  if (value == "foreign") return MultiArch::foreign;
  if (value == "allowed") return MultiArch::allowed;
  return MultiArch::no;
}

// dpkg's Description-md5: the MD5 of the whole field value (first line and continuation lines as
// published) plus a newline.
std::string description_md5(std::string_view full_description) {
  util::Digest digest(util::DigestKind::md5);
  digest.update(full_description);
  digest.update("\n");
  return digest.finish();
}

void write_all(int fd, const char* data, size_t size, const std::string& what) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write {}: {}", what, std::strerror(errno));
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
}

void read_all(int fd, char* data, size_t size, uint64_t offset, const std::string& what) {
  while (size > 0) {
    ssize_t got = ::pread(fd, data, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      fail("cannot read {}: {}", what, got < 0 ? std::strerror(errno) : "unexpected end");
    data += got;
    size -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
}

// Sequential buffered writes to a file descriptor it does not own.
class FileWriter {
 public:
  FileWriter(int fd, std::string what) : m_fd(fd), m_what(std::move(what)) {
    m_buffer.reserve(k_write_buffer_size);
  }

  uint64_t position() const { return m_position; }

  void write(std::string_view bytes) {
    if (m_buffer.size() + bytes.size() > k_write_buffer_size) flush();
    if (bytes.size() >= k_write_buffer_size)
      write_all(m_fd, bytes.data(), bytes.size(), m_what);
    else
      m_buffer.append(bytes);
    m_position += bytes.size();
  }

  template <typename T>
  void write_struct(const T& value) {
    write({reinterpret_cast<const char*>(&value), sizeof(value)});
  }

  void align(uint64_t alignment) {
    static constexpr char k_zeros[8] = {};
    write({k_zeros, static_cast<size_t>((alignment - m_position % alignment) % alignment)});
  }

  void flush() {
    write_all(m_fd, m_buffer.data(), m_buffer.size(), m_what);
    m_buffer.clear();
  }

  // Appends `size` bytes of `source` from `offset` (kernel-side copy where the filesystem can).
  void copy_from(int source, uint64_t offset, uint64_t size) {
    flush();
    loff_t in = static_cast<loff_t>(offset);
    uint64_t left = size;
    while (left > 0) {
      ssize_t copied = ::copy_file_range(source, &in, m_fd, nullptr, left, 0);
      if (copied > 0) {
        left -= static_cast<uint64_t>(copied);
        continue;
      }
      if (copied < 0 && errno == EINTR) continue;
      break;  // not supported across these filesystems (or no progress): copy by hand
    }
    std::string chunk;
    while (left > 0) {
      chunk.resize(std::min<uint64_t>(left, k_write_buffer_size));
      read_all(source, chunk.data(), chunk.size(), static_cast<uint64_t>(in), m_what);
      write_all(m_fd, chunk.data(), chunk.size(), m_what);
      in += static_cast<loff_t>(chunk.size());
      left -= chunk.size();
    }
    m_position += size;
  }

 private:
  int m_fd;
  std::string m_what;
  std::string m_buffer;
  uint64_t m_position = 0;
};

// An unlinked temporary file that becomes the Strings section verbatim, so its offsets are final.
class Spool {
 public:
  Spool() {
    std::string dir = std::filesystem::temp_directory_path().string();
    m_fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (m_fd < 0) {
      // Filesystems without O_TMPFILE: a named file, unlinked at once.
      std::string name = dir + "/apt-ostree-index.XXXXXX";
      m_fd = ::mkostemp(name.data(), O_CLOEXEC);
      if (m_fd < 0) fail("cannot create a temporary file in {}: {}", dir, std::strerror(errno));
      ::unlink(name.c_str());
    }
    m_writer = std::make_unique<FileWriter>(m_fd, "the package index spool in " + dir);
  }
  ~Spool() { ::close(m_fd); }
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  int fd() const { return m_fd; }
  uint64_t size() const { return m_writer->position(); }

  DiskSpan append(std::string_view bytes) {
    uint64_t offset = m_writer->position();
    if (offset + bytes.size() > std::numeric_limits<uint32_t>::max())
      fail("the package index would exceed 4 GiB of text; index fewer components at once");
    m_writer->write(bytes);
    return {static_cast<uint32_t>(offset), static_cast<uint32_t>(bytes.size())};
  }

  void flush() { m_writer->flush(); }

  // Only after flush().
  void read(DiskSpan span, std::string& out) const {
    out.resize(span.length);
    read_all(m_fd, out.data(), span.length, span.offset, "the package index spool");
  }

 private:
  int m_fd = -1;
  std::unique_ptr<FileWriter> m_writer;
};

uint32_t checked_u32(uint64_t value, std::string_view what) {
  if (value > std::numeric_limits<uint32_t>::max())
    fail("the package index would exceed 4 GiB of {}; index fewer components at once", what);
  return static_cast<uint32_t>(value);
}

// A provided name without its version restriction: "foo (= 1.0)" -> "foo".
std::string_view provided_name(std::string_view item) {
  item = util::trim(item);
  size_t end = item.find_first_of(" \t\n(");
  return item.substr(0, end);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Builder

struct PackageIndexBuilder::Impl {
  struct Record {
    DiskRecord disk;
    // Offset in `keys` of the k_key_fields values, back to back (their lengths are the spans'
    // lengths): what sorting, translation matching, the compact copies and the names blob need
    // without reading the spool back.
    uint32_t key_offset = 0;
  };

  Spool spool;
  std::vector<Record> records;
  std::string keys;
  // "package md5" -> long description (continuation lines) in the spool.
  std::unordered_map<std::string, DiskSpan> translations;
  std::vector<std::pair<std::string, DiskSpan>> components;

  static constexpr Field k_key_fields[] = {
      Field::name,        Field::version,         Field::architecture,
      Field::description, Field::description_md5, Field::provides};
  // Fields copied next to each other at the end of Strings (a prefix of k_key_fields).
  static constexpr size_t k_compact_field_count = 4;

  std::string_view key(const Record& record, Field field) const {
    size_t offset = record.key_offset;
    for (Field f : k_key_fields) {
      if (f == field) return std::string_view(keys).substr(offset, record.disk[f].length);
      offset += record.disk[f].length;
    }
    return {};
  }

  DiskSpan component_span(std::string_view component) {
    for (const auto& [name, span] : components)
      if (name == component) return span;
    components.emplace_back(component, spool.append(component));
    return components.back().second;
  }

  void write(const std::filesystem::path& path);
  void write_sections(FileWriter& out, Header& header);
};

PackageIndexBuilder::PackageIndexBuilder() : m_impl(std::make_unique<Impl>()) {}
PackageIndexBuilder::~PackageIndexBuilder() = default;

size_t PackageIndexBuilder::size() const {
  return m_impl->records.size();
}

void PackageIndexBuilder::add_packages(std::string_view packages_text, std::string_view component,
                                       std::string_view source_name, size_t first_line) {
  Impl& impl = *m_impl;
  DiskSpan component_span = impl.component_span(component);
  deb::ControlParser parser(packages_text, source_name, first_line);
  deb::ControlStanza stanza;
  while (parser.next(stanza)) {
    auto number = [&](std::string_view field, std::string_view value) {
      uint64_t parsed = 0;
      value = util::trim(value);
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (error != std::errc() || end != value.data() + value.size())
        fail("{}:{}: invalid {} '{}'", source_name, stanza.first_line, field, value);
      return parsed;
    };

    Impl::Record record;
    DiskRecord& disk = record.disk;
    DiskSpan stanza_span = impl.spool.append(stanza.text);
    auto span_of = [&](std::string_view value) {
      return DiskSpan{stanza_span.offset + static_cast<uint32_t>(value.data() - stanza.text.data()),
                      static_cast<uint32_t>(value.size())};
    };
    disk[Field::stanza] = stanza_span;
    disk[Field::component] = component_span;
    std::string_view name, version, full_description, md5;
    for (const auto& field : stanza.fields) {
      if (util::iequals(field.name, "Priority")) {
        disk.priority = static_cast<uint8_t>(parse_priority(util::trim(field.value)));
      } else if (util::iequals(field.name, "Multi-Arch")) {
        disk.multi_arch = static_cast<uint8_t>(parse_multi_arch(util::trim(field.value)));
      } else if (util::iequals(field.name, "Essential")) {
        disk.essential = util::trim(field.value) == "yes";
      } else if (util::iequals(field.name, "Size")) {
        disk.size = number("Size", field.value);
      } else if (util::iequals(field.name, "Installed-Size")) {
        disk.installed_size_kib = number("Installed-Size", field.value);
      } else {
        for (const auto& known : k_span_fields) {
          if (!util::iequals(field.name, known.name)) continue;
          std::string_view value = field.value;
          switch (known.field) {
            case Field::name:
              name = value;
              break;
            case Field::version:
              version = value;
              break;
            case Field::description_md5:
              md5 = value;
              break;
            case Field::source:
              value = value.substr(0, value.find_first_of(" \t("));
              break;
            case Field::description: {
              full_description = value;
              size_t newline = value.find('\n');
              if (newline != std::string_view::npos) {
                disk[Field::long_description] = span_of(value.substr(newline + 1));
                value = value.substr(0, newline);
              }
              break;
            }
            default:
              break;
          }
          disk[known.field] = span_of(value);
          break;
        }
      }
    }
    if (name.empty()) fail("{}:{}: stanza without a Package field", source_name, stanza.first_line);
    if (version.empty())
      fail("{}:{}: package {} has no Version field", source_name, stanza.first_line, name);
    if (disk[Field::source].length == 0) disk[Field::source] = disk[Field::name];

    std::string computed_md5;
    if (md5.empty() && !full_description.empty()) {
      computed_md5 = description_md5(full_description);
      md5 = computed_md5;
      disk[Field::description_md5] = impl.spool.append(computed_md5);
    }
    record.key_offset = checked_u32(impl.keys.size(), "package names");
    for (Field field : Impl::k_key_fields) {
      DiskSpan span = disk[field];
      if (field == Field::description_md5 && !computed_md5.empty())
        impl.keys.append(computed_md5);
      else if (span.length != 0)
        impl.keys.append(stanza.text.substr(span.offset - stanza_span.offset, span.length));
    }
    impl.records.push_back(record);
  }
}

void PackageIndexBuilder::add_translations(std::string_view translation_text,
                                           std::string_view source_name, size_t first_line) {
  Impl& impl = *m_impl;
  deb::ControlParser parser(translation_text, source_name, first_line);
  deb::ControlStanza stanza;
  std::string key;
  while (parser.next(stanza)) {
    std::optional<std::string_view> name, md5, description;
    for (const auto& field : stanza.fields) {
      if (util::iequals(field.name, "Package"))
        name = field.value;
      else if (util::iequals(field.name, "Description-md5"))
        md5 = field.value;
      else if (field.name.size() > 12 && util::iequals(field.name.substr(0, 12), "Description-"))
        description = field.value;
    }
    if (!name || !description)
      fail("{}:{}: translation without Package or Description-LANG field", source_name,
           stanza.first_line);
    size_t newline = description->find('\n');
    if (newline == std::string_view::npos) continue;  // nothing beyond the short description
    key.assign(*name).append(" ").append(md5 ? std::string(*md5) : description_md5(*description));
    if (impl.translations.contains(key)) continue;
    impl.translations.emplace(key, impl.spool.append(description->substr(newline + 1)));
  }
}

void PackageIndexBuilder::write(const std::filesystem::path& path) const {
  m_impl->write(path);
}

void PackageIndexBuilder::Impl::write(const std::filesystem::path& path) {
  spool.flush();
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) fail("cannot create a file in {}: {}", dir.string(), std::strerror(errno));
  try {
    FileWriter out(fd, path.string());
    Header header{};
    out.write_struct(header);  // placeholder, rewritten once the sections are known
    write_sections(out, header);
    out.flush();
    if (::pwrite(fd, &header, sizeof(header), 0) != static_cast<ssize_t>(sizeof(header)) ||
        ::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0)
      fail("cannot write {}: {}", path.string(), std::strerror(errno));
    if (::close(fd) != 0) {
      fd = -1;
      fail("cannot write {}: {}", path.string(), std::strerror(errno));
    }
    fd = -1;
    if (::rename(temp.c_str(), path.c_str()) != 0)
      fail("cannot replace {}: {}", path.string(), std::strerror(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
}

void PackageIndexBuilder::Impl::write_sections(FileWriter& out, Header& header) {
  std::memcpy(header.magic, k_magic, sizeof(k_magic));
  header.format_version = k_format_version;
  header.record_size = sizeof(DiskRecord);
  header.record_count = records.size();
  checked_u32(records.size(), "records");

  std::vector<uint32_t> order(records.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    std::string_view name_a = key(records[a], Field::name), name_b = key(records[b], Field::name);
    if (name_a != name_b) return name_a < name_b;
    return deb::compare_versions(key(records[a], Field::version), key(records[b], Field::version)) >
           0;
  });

  // Records, with long descriptions resolved from the translations and the compact fields pointing
  // at their copies after the spool.
  header.records_offset = out.position();
  std::string lookup, compact;
  for (uint32_t index : order) {
    Record& record = records[index];
    if (record.disk[Field::long_description].length == 0 &&
        record.disk[Field::description_md5].length != 0) {
      lookup.assign(key(record, Field::name))
          .append(" ")
          .append(key(record, Field::description_md5));
      if (auto found = translations.find(lookup); found != translations.end()) {
        record.disk[Field::long_description] = found->second;
        record.disk.description_translated = 1;
      }
    }
    DiskRecord disk = record.disk;
    for (size_t i = 0; i < k_compact_field_count; ++i) {
      std::string_view value = key(record, k_key_fields[i]);
      disk[k_key_fields[i]] = {checked_u32(spool.size() + compact.size(), "text"),
                               static_cast<uint32_t>(value.size())};
      compact.append(value);
    }
    out.write_struct(disk);
  }

  header.strings_offset = out.position();
  header.strings_size = checked_u32(spool.size() + compact.size(), "text");
  out.copy_from(spool.fd(), 0, spool.size());
  out.write(compact);
  out.align(8);

  // One search entry per name: its first record in sorted order is the highest version.
  std::vector<SearchEntry> entries;
  for (uint32_t position = 0; position < order.size(); ++position)
    if (position == 0 || key(records[order[position]], Field::name) !=
                             key(records[order[position - 1]], Field::name))
      entries.push_back({position, 0, 0});

  header.names_offset = out.position();
  std::string text;
  for (SearchEntry& entry : entries) {
    const Record& record = records[order[entry.record]];
    entry.names_offset = checked_u32(out.position() - header.names_offset, "package names");
    text.clear();
    append_lower(text, key(record, Field::name));
    text.push_back('\0');
    for (std::string_view item : util::split(key(record, Field::provides), ',')) {
      std::string_view provided = provided_name(item);
      if (provided.empty()) continue;
      append_lower(text, provided);
      text.push_back('\0');
    }
    out.write(text);
  }
  header.names_size = out.position() - header.names_offset;
  out.align(8);

  header.descriptions_offset = out.position();
  std::string part;
  for (SearchEntry& entry : entries) {
    const Record& record = records[order[entry.record]];
    const DiskRecord& disk = record.disk;
    entry.description_offset =
        checked_u32(out.position() - header.descriptions_offset, "descriptions");
    text.clear();
    append_lower(text, key(record, Field::description));
    if (disk[Field::long_description].length != 0) {
      spool.read(disk[Field::long_description], part);
      text.push_back('\n');
      append_lower(text, part);
    }
    text.push_back('\0');
    out.write(text);
  }
  header.descriptions_size = out.position() - header.descriptions_offset;
  out.align(8);

  header.entry_count = entries.size();
  header.entries_offset = out.position();
  entries.push_back({static_cast<uint32_t>(records.size()),
                     static_cast<uint32_t>(header.names_size),
                     static_cast<uint32_t>(header.descriptions_size)});
  for (const SearchEntry& entry : entries) out.write_struct(entry);
  header.file_size = out.position();
}

// ---------------------------------------------------------------------------------------------
// Reader

struct PackageIndex::Impl {
  // A search blob read into anonymous memory (see blob()).
  struct LoadedBlob {
    std::once_flag once;
    void* memory = nullptr;
    size_t capacity = 0;
    std::string_view view;
  };

  std::filesystem::path path;
  int fd;  // the mapped file, kept open to read the search blobs from
  util::MappedFile file;
  Header header{};
  std::string_view strings, names, descriptions;
  const char* records = nullptr;
  const char* entries = nullptr;
  mutable std::array<LoadedBlob, 2> loaded;

  Impl(std::filesystem::path path_, int fd_, util::MappedFile file_)
      : path(std::move(path_)), fd(fd_), file(std::move(file_)) {}
  ~Impl() {
    if (fd >= 0) ::close(fd);
    for (auto& blob : loaded)
      if (blob.memory) ::munmap(blob.memory, blob.capacity);
  }

  // Search scans whole blobs. Through the file mapping that costs a TLB miss per 4 KiB page,
  // which on virtual machines is expensive enough to make a scan 2-3 times slower than the same
  // scan over a copy in anonymous memory backed by 2 MiB pages; the copy is a kernel memcpy from
  // the page cache. Blobs smaller than a huge page, or a failed copy, use the mapping.
  std::string_view blob(SearchField field) const {
    LoadedBlob& blob = loaded[static_cast<size_t>(field)];
    std::call_once(blob.once, [&] {
      std::string_view mapped = field == SearchField::names ? names : descriptions;
      blob.view = mapped;
      if (fd < 0 || mapped.size() < k_huge_page_size) return;
      size_t capacity =
          (mapped.size() + k_huge_page_size - 1) / k_huge_page_size * k_huge_page_size;
      void* memory =
          ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (memory == MAP_FAILED) return;
      ::madvise(memory, capacity, MADV_HUGEPAGE);
      uint64_t offset = static_cast<uint64_t>(mapped.data() - file.bytes().data());
      size_t done = 0;
      while (done < mapped.size()) {
        ssize_t got = ::pread(fd, static_cast<char*>(memory) + done, mapped.size() - done,
                              static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          ::munmap(memory, capacity);
          return;
        }
        done += static_cast<size_t>(got);
      }
      blob.memory = memory;
      blob.capacity = capacity;
      blob.view = {static_cast<const char*>(memory), mapped.size()};
    });
    return blob.view;
  }

  [[noreturn]] void corrupt(std::string_view why) const {
    fail("package index {} {}; run 'apt-ostree refresh-md' to rebuild it", path.string(), why);
  }

  DiskRecord record(size_t i) const {
    DiskRecord disk;
    std::memcpy(&disk, records + i * sizeof(DiskRecord), sizeof(DiskRecord));
    return disk;
  }

  SearchEntry entry(size_t i) const {
    SearchEntry value;
    std::memcpy(&value, entries + i * sizeof(SearchEntry), sizeof(SearchEntry));
    return value;
  }

  std::string_view text(DiskSpan span) const {
    if (uint64_t{span.offset} + span.length > strings.size()) corrupt("is corrupt");
    return strings.substr(span.offset, span.length);
  }

  std::string_view name(size_t i) const { return text(record(i)[Field::name]); }

  uint32_t entry_offset(size_t i, SearchField field) const {
    SearchEntry value = entry(i);
    return field == SearchField::names ? value.names_offset : value.description_offset;
  }
};

PackageIndex::PackageIndex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PackageIndex::PackageIndex(PackageIndex&&) noexcept = default;
PackageIndex::~PackageIndex() = default;

PackageIndex PackageIndex::open(const std::filesystem::path& path) {
  std::unique_ptr<Impl> impl;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  try {
    impl = std::make_unique<Impl>(path, fd, util::MappedFile(path));
  } catch (const Error& e) {
    if (fd >= 0) ::close(fd);
    fail("{}; run 'apt-ostree refresh-md' to build the package index", e.what());
  }
  std::string_view bytes = impl->file.bytes();
  Header& header = impl->header;
  if (bytes.size() < sizeof(Header)) impl->corrupt("is truncated");
  std::memcpy(&header, bytes.data(), sizeof(Header));
  if (std::memcmp(header.magic, k_magic, sizeof(k_magic)) != 0)
    impl->corrupt("is not an apt-ostree package index");
  if (header.format_version != k_format_version || header.record_size != sizeof(DiskRecord))
    impl->corrupt(fmt::format("has format version {}, this apt-ostree reads version {}",
                              header.format_version, k_format_version));
  if (header.file_size != bytes.size()) impl->corrupt("is truncated");

  auto section = [&](uint64_t offset, uint64_t size) {
    if (offset % 8 != 0 || offset > bytes.size() || size > bytes.size() - offset)
      impl->corrupt("is corrupt");
    return bytes.substr(offset, size);
  };
  if (header.record_count > bytes.size() / sizeof(DiskRecord) ||
      header.entry_count >= bytes.size() / sizeof(SearchEntry))
    impl->corrupt("is corrupt");
  impl->records = section(header.records_offset, header.record_count * sizeof(DiskRecord)).data();
  impl->strings = section(header.strings_offset, header.strings_size);
  impl->names = section(header.names_offset, header.names_size);
  impl->descriptions = section(header.descriptions_offset, header.descriptions_size);
  impl->entries =
      section(header.entries_offset, (header.entry_count + 1) * sizeof(SearchEntry)).data();
  // The blobs' ends must be where the last entry says, and '\0'-terminated for regexec.
  SearchEntry end = impl->entry(header.entry_count);
  if (end.names_offset != header.names_size || end.description_offset != header.descriptions_size ||
      (!impl->names.empty() && impl->names.back() != '\0') ||
      (!impl->descriptions.empty() && impl->descriptions.back() != '\0'))
    impl->corrupt("is corrupt");
  // A writer may have replaced the file between open() and the mapping: then the blobs are read
  // through the mapping only.
  Header on_disk{};
  struct stat status {};
  if (impl->fd >= 0 &&
      (::fstat(impl->fd, &status) != 0 || static_cast<uint64_t>(status.st_size) != bytes.size() ||
       ::pread(impl->fd, &on_disk, sizeof(on_disk), 0) != static_cast<ssize_t>(sizeof(on_disk)) ||
       std::memcmp(&on_disk, &header, sizeof(Header)) != 0)) {
    ::close(impl->fd);
    impl->fd = -1;
  }
  return PackageIndex(std::move(impl));
}

void PackageIndex::drop_resident_pages() const { m_impl->file.drop_resident_pages(); }

size_t PackageIndex::size() const {
  return m_impl->header.record_count;
}

PackageRecord PackageIndex::at(size_t i) const {
  if (i >= size()) m_impl->corrupt(fmt::format("has no record {}", i));
  DiskRecord disk = m_impl->record(i);
  auto text = [&](Field field) { return m_impl->text(disk[field]); };
  PackageRecord record;
  record.name = text(Field::name);
  record.version = text(Field::version);
  record.architecture = text(Field::architecture);
  record.component = text(Field::component);
  record.section = text(Field::section);
  record.filename = text(Field::filename);
  record.sha256 = text(Field::sha256);
  record.source = text(Field::source);
  record.description = text(Field::description);
  record.long_description = text(Field::long_description);
  record.description_md5 = text(Field::description_md5);
  record.depends = text(Field::depends);
  record.pre_depends = text(Field::pre_depends);
  record.recommends = text(Field::recommends);
  record.suggests = text(Field::suggests);
  record.conflicts = text(Field::conflicts);
  record.breaks = text(Field::breaks);
  record.provides = text(Field::provides);
  record.replaces = text(Field::replaces);
  record.stanza = text(Field::stanza);
  record.priority = static_cast<Priority>(disk.priority);
  record.multi_arch = static_cast<MultiArch>(disk.multi_arch);
  record.essential = disk.essential != 0;
  record.description_translated = disk.description_translated != 0;
  record.size = disk.size;
  record.installed_size_kib = disk.installed_size_kib;
  return record;
}

std::pair<size_t, size_t> PackageIndex::equal_range(std::string_view name) const {
  size_t low = 0, high = size();
  while (low < high) {  // first record whose name is not less than `name`
    size_t middle = low + (high - low) / 2;
    if (m_impl->name(middle) < name)
      low = middle + 1;
    else
      high = middle;
  }
  size_t last = low;
  while (last < size() && m_impl->name(last) == name) ++last;
  return {low, last};
}

size_t PackageIndex::search_entry_count() const {
  return m_impl->header.entry_count;
}

size_t PackageIndex::search_entry_record(size_t entry) const {
  uint32_t record = m_impl->entry(entry).record;
  if (record >= size()) m_impl->corrupt("is corrupt");
  return record;
}

std::string_view PackageIndex::search_blob(SearchField field) const {
  return m_impl->blob(field);
}

std::string_view PackageIndex::search_text(size_t entry, SearchField field) const {
  uint32_t begin = m_impl->entry_offset(entry, field);
  uint32_t end = m_impl->entry_offset(entry + 1, field);
  std::string_view blob = search_blob(field);
  if (begin >= end || end > blob.size()) m_impl->corrupt("is corrupt");
  return blob.substr(begin, end - begin - 1);
}

size_t PackageIndex::search_entry_at(SearchField field, size_t offset) const {
  size_t low = 0, high = search_entry_count();
  while (high - low > 1) {  // last entry starting at or before `offset`
    size_t middle = low + (high - low) / 2;
    if (m_impl->entry_offset(middle, field) <= offset)
      low = middle;
    else
      high = middle;
  }
  return low;
}

// ---------------------------------------------------------------------------------------------
// apt-cache show's rendering (apt's DisplayRecordV1)

namespace {

bool starts_description_field(std::string_view text, size_t line_start) {
  return text.substr(line_start, 11) == "Description";
}

}  // namespace

std::string format_show_stanza(const PackageRecord& record) {
  std::string_view text = record.stanza;
  std::string out;
  out.reserve(text.size() + record.long_description.size() + 64);
  bool description_written = false;
  size_t position = 0;
  while (position < text.size()) {
    size_t end = text.find('\n', position);
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (!starts_description_field(text, position)) {
      out.append(text.substr(position, end - position));
      if (out.back() != '\n') out.push_back('\n');
      position = end;
      continue;
    }
    // Drop every Description* field with its continuation lines; the first one is replaced by
    // the full description and its md5, as apt prints them.
    while (end < text.size() && (text[end] == ' ' || text[end] == '\t')) {
      size_t next = text.find('\n', end);
      end = next == std::string_view::npos ? text.size() : next + 1;
    }
    if (!description_written) {
      out.append(record.description_translated ? "Description-en: " : "Description: ");
      out.append(record.description);
      if (!record.long_description.empty()) out.append("\n").append(record.long_description);
      out.append("\nDescription-md5: ").append(record.description_md5).append("\n");
      description_written = true;
    }
    position = end;
  }
  out.push_back('\n');
  return out;
}

}  // namespace apt_ostree::repo
