// The layout a tree needs to be an OSTree commit that stock `ostree admin deploy` boots, made from
// a plain Debian tree in place, as rpm-ostree's compose post-processing does for RPM trees:
//   - the kernel and its initramfs, config, System.map and device trees move from /boot (and
//     /usr/lib/linux-image-$kver) to /usr/lib/modules/$kver/, where ostree looks for them; the
//     /vmlinuz and /initrd.img convenience links go;
//   - /etc becomes /usr/etc: ostree's default configuration, merged into each deployment's /etc;
//   - the dpkg database moves to /usr/lib/sysimage/dpkg (it describes /usr, so it must change with
//     it, as rpm-ostree keeps the rpmdb in /usr), and /var/lib/dpkg becomes a link to it;
//   - /home /opt /srv /root /mnt /usr/local become links into /var (var/home, var/opt, var/srv,
//     var/roothome, var/mnt, var/usrlocal) and /media one to run/media, their contents moving along;
//   - /var is emptied into tmpfiles.d lines and factory files (var_tmpfiles.h);
//   - /sysroot is created and /ostree links to sysroot/ostree.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "lib/compose/var_tmpfiles.h"

namespace apt_ostree::compose {

struct OstreeLayout {
  std::optional<std::string> kernel_version;  // set when the tree holds a kernel
  VarConversion var;
};

// Where the generated tmpfiles.d configuration for /var is written, relative to the tree.
inline constexpr const char* k_var_tmpfiles_conf = "usr/lib/tmpfiles.d/apt-ostree-autovar.conf";

// Applies the layout to `tree` in place. Throws Error naming the path when the tree cannot take
// it: several kernels, a kernel outside a merged /usr, /usr/etc already present, a redirected
// directory and its /var counterpart both holding files. The tree is then incomplete.
//
// With `etc_in_usr`, the tree is a commit's tree being changed (package layering, with /usr/etc
// bound on /etc while dpkg ran): /usr/etc is already OSTree's default /etc and stays; /etc is not
// part of the tree and is left alone.
OstreeLayout apply_ostree_layout(const std::filesystem::path& tree, bool etc_in_usr = false);

// The way back for /var, for installing packages on a commit's tree (package layering): rebuilds
// /var from the generated tmpfiles.d lines (directories with their modes and owners, symlinks
// such as /var/lib/dpkg) and the factory files, moved back (files a package ships under
// /usr/share/factory/var stay), adds the directories a booted system's tmpfiles.d makes
// (/var/tmp, /var/log, ...), and removes the generated configuration, so that dpkg and
// maintainer scripts find /var as on a running system and apply_ostree_layout can run again.
// Only renames, directories and links.
void restore_var(const std::filesystem::path& tree);

}  // namespace apt_ostree::compose
