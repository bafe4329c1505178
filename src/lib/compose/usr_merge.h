// The merged-/usr layout (/bin -> usr/bin, /sbin -> usr/sbin, /lib -> usr/lib, ...), made by the
// compose engine itself right after unpacking instead of by the usrmerge package's postinst.
//
// Since bookworm, every Debian system is merged: the package set carries usrmerge or
// usr-is-merged, and on an unmerged tree usrmerge's postinst runs convert-usrmerge, which moves
// each file with cp and asks dpkg-query about every top-level directory. That alone took a third
// of a minbase tree's configure phase (about 2 s of 7). Finding the tree already merged, the
// postinst does nothing, which is also how debootstrap's trees (merged before unpacking) are
// configured. The result is the layout convert-usrmerge leaves: the same symlinks, files moved
// under /usr, the dpkg database still naming the paths the packages ship.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::compose {

// Whether a package set asks for the merged layout: it installs usrmerge or usr-is-merged.
bool wants_merged_usr(const std::vector<std::string>& package_names);

// Moves the contents of tree/bin, sbin, lib and the biarch library directories (lib32, lib64,
// libo32, libx32) that are real directories into tree/usr/<dir>, and replaces each with the
// relative symlink usr/<dir>. A path present on both sides is resolved as convert-usrmerge does:
// directories are merged, a symlink to its counterpart gives way to it, identical files are kept
// once; anything else is an Error naming both paths (the tree is then incomplete).
void merge_usr(const std::filesystem::path& tree);

}  // namespace apt_ostree::compose
