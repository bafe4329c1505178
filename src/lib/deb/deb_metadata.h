// What dpkg keeps about a package once it is unpacked, taken from its .deb when the .deb is
// imported into the package store (lib/store/): the assembler writes the dpkg database of a tree
// from these without opening the .deb again.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace apt_ostree::deb {

struct DebMetadata {
  // The control.tar member "control": one paragraph, exactly as in the .deb.
  std::string control;
  // The other regular files of control.tar, by member name without "./": md5sums, conffiles,
  // preinst, postinst, prerm, postrm, config, templates, triggers, shlibs, symbols, ...
  std::map<std::string, std::string> control_members;
  // data.tar's entries as dpkg lists them in info/PACKAGE.list: "/." for the root, then
  // "/usr", "/usr/bin", "/usr/bin/tool", ... in archive order, without trailing slashes.
  std::vector<std::string> paths;
};

}  // namespace apt_ostree::deb
