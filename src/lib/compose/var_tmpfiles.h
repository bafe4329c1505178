// /var of an OSTree commit: empty, and recreated at boot by systemd-tmpfiles.
//
// OSTree deploys /usr read-only and gives each OS (stateroot) one /var shared by all its
// deployments, so whatever packages put under /var at build time never reaches a machine that
// already runs an older commit. rpm-ostree therefore turns /var into tmpfiles.d lines; this does
// the same for Debian trees, without losing the files dpkg's maintainer scripts leave there
// (debconf's database, deb-systemd-helper's state, ...): each regular file moves to
// /usr/share/factory/var/..., and a `C` line (copy from the factory when missing, systemd's own
// convention) brings it back on a machine where it does not exist yet.
//   directory  ->  d /var/PATH MODE UID GID - -
//   symlink    ->  L /var/PATH - - - - TARGET
//   file       ->  C /var/PATH - - - -            (content in /usr/share/factory/var/PATH)
// Paths the tree's own tmpfiles.d already covers (systemd's /var/tmp, /var/log, /var/run ->
// ../run, ...; read by lint_tmpfiles.h) get no second line; files below a path a C line copies
// still move to the factory, which is where that line copies them from.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace apt_ostree::compose {

struct VarConversion {
  std::string tmpfiles;                           // the generated tmpfiles.d configuration
  size_t directories = 0, symlinks = 0, files = 0;
  std::vector<std::string> dropped;  // sockets, FIFOs, devices: nothing tmpfiles.d could recreate
};

// Converts tree/var as described above: moves its regular files into the factory, empties it,
// and returns the lines (written by the caller). Ownership is numeric, as in the tree.
VarConversion convert_var(const std::filesystem::path& tree);

}  // namespace apt_ostree::compose
