// Reads a .deb in one pass without unpacking it anywhere. A .deb is an ar archive of
// "debian-binary" (the format version, "2.0"), "control.tar[.gz|.xz|.zst]" and
// "data.tar[.gz|.xz|.zst|.bz2]", in that order (members starting with '_' may be added and are
// ignored, as dpkg does). control.tar's files are read into DebMetadata; data.tar is handed, as an
// open libarchive reader positioned before its first entry, to a consumer that streams it (the
// store module writes it straight into the repository), so no decompressed tar ever hits the disk.
#pragma once

#include <archive.h>

#include <cstdint>
#include <filesystem>
#include <functional>

#include "lib/deb/deb_metadata.h"

namespace apt_ostree::store::ostree {

struct DebContents {
  deb::DebMetadata metadata;  // control and control_members; `paths` is the consumer's to fill
  int64_t data_mtime = 0;     // data.tar's time in the ar header: when the package was built
};

// Throws Error naming `deb` if it is not a readable .deb; the consumer's exceptions pass through.
DebContents read_deb(const std::filesystem::path& deb,
                     const std::function<void(archive* data_tar)>& consume_data);

}  // namespace apt_ostree::store::ostree
