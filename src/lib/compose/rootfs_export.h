// A built tree handed to the user as a plain Debian root filesystem (`compose rootfs`): a new
// directory or a tarball, as mmdebstrap and pi-gen produce them.
#pragma once

#include <cstdint>
#include <filesystem>

namespace apt_ostree::compose {

// What a root filesystem needs in /dev before udev or devtmpfs runs (and what chroots use):
// mmdebstrap's and debootstrap's set of device nodes and links, added to `root`'s /dev.
void add_device_nodes(const std::filesystem::path& root);

// True for the names export_rootfs writes as a tarball: .tar, .tar.gz/.tgz, .tar.xz, .tar.zst.
bool is_tarball_name(const std::filesystem::path& dest);

// Hands `tree` (no longer needed; made of copies when `dest` is a directory, as the directory is
// the tree itself, moved when on the same filesystem and copied otherwise) over as `dest`, which
// must not exist: that directory, or a tarball compressed as its name says (numeric owners, extended
// attributes, entries sorted); with the device nodes and /dev links a Debian root filesystem
// carries (mmdebstrap's set). Written beside `dest` and renamed, so `dest` is complete or absent;
// throws Error naming `dest` on failure.
// A tarball is reproducible: every entry stamped with `epoch` (seconds since the epoch), no
// access or change times, gzip without a name or time.
void export_rootfs(const std::filesystem::path& tree, const std::filesystem::path& dest,
                   uint64_t epoch);

}  // namespace apt_ostree::compose
