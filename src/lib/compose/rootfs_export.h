// A built tree handed to the user as a plain Debian root filesystem (`compose rootfs`): a new
// directory or a tarball, as mmdebstrap and pi-gen produce them. The built tree's files are
// hardlinks into the package store, so the export is always a copy: a user editing the result
// must never reach the store.
#pragma once

#include <filesystem>

namespace apt_ostree::compose {

// True for the names export_rootfs writes as a tarball: .tar, .tar.gz/.tgz, .tar.xz, .tar.zst.
bool is_tarball_name(const std::filesystem::path& dest);

// Writes `tree` to `dest`, which must not exist: a copy of the directory, or a tarball compressed
// as its name says (numeric owners, extended attributes, entries sorted), with the device nodes
// and /dev links a Debian root filesystem carries (mmdebstrap's set). Written beside `dest` and
// renamed, so `dest` is complete or absent; throws Error naming `dest` on failure.
void export_rootfs(const std::filesystem::path& tree, const std::filesystem::path& dest);

}  // namespace apt_ostree::compose
