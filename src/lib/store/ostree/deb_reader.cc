#include "lib/store/ostree/deb_reader.h"

#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <string_view>

#include "lib/util/error.h"

namespace apt_ostree::store::ostree {

namespace fs = std::filesystem;

namespace {

struct ArchiveFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

// libarchive read callback: the current member of the outer ar archive is the input of an inner
// reader, block by block, without a copy (a block stays valid until the next call, as
// libarchive requires of read callbacks).
la_ssize_t read_member(archive* inner, void* outer_reader, const void** buffer) {
  auto* outer = static_cast<archive*>(outer_reader);
  size_t size = 0;
  la_int64_t offset = 0;
  int status = archive_read_data_block(outer, buffer, &size, &offset);
  if (status == ARCHIVE_EOF) return 0;
  if (status < ARCHIVE_WARN) {
    int code = archive_errno(outer);
    archive_set_error(inner, code ? code : EIO, "%s", archive_error_string(outer));
    return -1;
  }
  return static_cast<la_ssize_t>(size);
}

// A tar reader (any compression libarchive knows) over the outer reader's current member.
ArchivePtr open_member(archive* outer, const fs::path& deb, std::string_view member) {
  ArchivePtr inner(archive_read_new());
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  if (archive_read_open(inner.get(), outer, nullptr, read_member, nullptr) != ARCHIVE_OK)
    fail("cannot read {} of {}: {}", member, deb.string(), archive_error_string(inner.get()));
  return inner;
}

std::string read_data(archive* reader, const fs::path& deb, std::string_view what) {
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(reader, buffer, sizeof buffer);
    if (n == 0) return out;
    if (n < 0) fail("cannot read {} of {}: {}", what, deb.string(), archive_error_string(reader));
    out.append(buffer, static_cast<size_t>(n));
  }
}

// A member name as dpkg lists control files: "./postinst" -> "postinst".
std::string_view control_name(std::string_view path) {
  while (path.starts_with("./") || path.starts_with("/"))
    path.remove_prefix(path.starts_with("/") ? 1 : 2);
  return path;
}

void read_control(archive* outer, const fs::path& deb, std::string_view member,
                  deb::DebMetadata& metadata) {
  ArchivePtr inner = open_member(outer, deb, member);
  bool have_control = false;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(inner.get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name(control_name(archive_entry_pathname(entry)));
    // Control files are flat and named in ASCII (the names become GVariant strings).
    bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '/';
    });
    if (!plain) fail("{} has an invalid control file name in its {}", deb.string(), member);
    std::string content = read_data(inner.get(), deb, member);
    if (name == "control") {
      metadata.control = std::move(content);
      have_control = true;
    } else {
      metadata.control_members[name] = std::move(content);
    }
  }
  if (status != ARCHIVE_EOF)
    fail("cannot read {} of {}: {}", member, deb.string(), archive_error_string(inner.get()));
  if (!have_control) fail("{} has no control file in its {}", deb.string(), member);
}

}  // namespace

DebContents read_deb(const fs::path& deb, const std::function<void(archive*)>& consume_data) {
  ArchivePtr outer(archive_read_new());
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    fail("cannot read {}: {}", deb.string(), archive_error_string(outer.get()));

  DebContents contents;
  bool first = true;
  bool have_control = false;
  bool have_data = false;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(outer.get(), &entry)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry);
    if (first) {
      first = false;
      if (name != "debian-binary")
        fail("{} is not a .deb: its first member is {}, not debian-binary", deb.string(), name);
      std::string version = read_data(outer.get(), deb, name);
      if (!version.starts_with("2."))
        fail("{} has .deb format version {}, only 2.x is supported", deb.string(),
             version.substr(0, version.find('\n')));
    } else if (name.starts_with("control.tar") && !have_control) {
      read_control(outer.get(), deb, name, contents.metadata);
      have_control = true;
    } else if (name.starts_with("data.tar") && have_control && !have_data) {
      contents.data_mtime = archive_entry_mtime(entry);
      ArchivePtr data = open_member(outer.get(), deb, name);
      consume_data(data.get());
      have_data = true;
    } else if (!name.starts_with("_")) {
      fail("{} is not a valid .deb: unexpected member {}", deb.string(), name);
    }
  }
  if (status != ARCHIVE_EOF)
    fail("{} is not a valid .deb: {}", deb.string(), archive_error_string(outer.get()));
  if (!have_data)
    fail("{} is not a valid .deb: it has no {}", deb.string(),
         have_control ? "data.tar member" : "control.tar and data.tar members");
  return contents;
}

}  // namespace apt_ostree::store::ostree
