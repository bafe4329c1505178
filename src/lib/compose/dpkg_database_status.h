// How dpkg 1.21 records a package it has unpacked: the paragraph it writes to var/lib/dpkg/status
// for the .deb's control file, the conffiles it takes from the conffiles member, and the name it
// files the package under in var/lib/dpkg/info.
//
// dpkg never copies the control file: it parses it into its own structures (lib/dpkg/parse.c,
// fields.c) and writes those back (lib/dpkg/dump.c), so a status paragraph differs from the control
// file it came from:
//  - dpkg's known fields come first, in the order of its field table: Package, Essential,
//    Protected, Status, Priority, Section, Installed-Size, Origin, Maintainer, Bugs, Architecture,
//    Multi-Arch, Source, Version, (Config-Version), Replaces, Provides, Depends, Pre-Depends,
//    Recommends, Suggests, Breaks, Conflicts, Enhances, Conffiles, Description; every other field
//    follows in control-file order, name and value verbatim;
//  - known fields are spelled dpkg's way whatever their case in the control file; empty ones,
//    "Essential: no", "Protected: no", "Multi-Arch: no" and "Priority: unknown" are dropped;
//  - relationship fields are re-rendered from their parse ("A (>=1)|b" -> "a (>= 1) | b"), versions
//    lose a zero epoch ("0:1.0" -> "1.0"), the package name is lowercased;
//  - the archive fields (Filename, Size, MD5sum, MSDOS-Filename) and a Conffiles field are not
//    copied: Conffiles is built from the conffiles member with the hash dpkg knows at that point.
// Checked against dpkg itself by tests/unit/dpkg_database_test.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

// The third word of a package's "Status: install ok ..." line.
enum class DpkgState {
  unpacked,   // what `dpkg --unpack` leaves: `dpkg --configure` still has to run
  installed,  // configured
};

// The hash dpkg records for a conffile it has unpacked but not yet installed (it sits at
// PATH.dpkg-new until `dpkg --configure` renames it and records its MD5).
inline constexpr std::string_view k_new_conffile_hash = "newconffile";

struct DpkgConffile {
  std::string path;  // "/etc/foo.conf", normalised as dpkg names files (one leading slash)
  bool remove_on_upgrade = false;
  std::string hash = std::string(k_new_conffile_hash);
};

// Parses a conffiles control member as `dpkg --unpack` does (src/main/unpack.c): one absolute path
// a line, optionally preceded by the "remove-on-upgrade" flag; blank lines ignored. Throws Error
// naming `package` for a relative path, an unknown flag or a missing final newline.
std::vector<DpkgConffile> parse_conffiles(std::string_view member, std::string_view package);

// The name dpkg keeps for a file path (lib/dpkg/fsys-hash.c fsys_hash_find_node()): leading "/"
// and "./" runs dropped, one slash put back: "//./etc/x" -> "/etc/x".
std::string dpkg_file_name(std::string_view path);

// dpkg's rule for package names (pkg_name_is_illegal()): letters, digits and "-+._", starting with
// a letter or digit.
bool is_dpkg_package_name(std::string_view name);

// A version as dpkg writes it back after parsing: blanks trimmed, the epoch as a number and left
// out when zero (unless the rest contains a colon). Throws Error naming `what` if it does not
// parse.
std::string dpkg_version(std::string_view version, std::string_view what);

// A .deb's control file as dpkg holds it once parsed.
class DpkgControl {
 public:
  // Parses `control` (one paragraph) the way `dpkg --unpack` reads a .deb's control file; a control
  // file dpkg would refuse (no Package or Version, a status-only field, a duplicate field, a
  // malformed relationship) throws Error naming `what`. `native_architecture` is the architecture
  // of the dpkg that will own the database: it decides where dpkg sorts instances of one name.
  DpkgControl(std::string_view control, std::string_view native_architecture,
              std::string_view what);

  const std::string& package() const { return m_package; }
  const std::string& architecture() const { return m_architecture; }
  bool multi_arch_same() const { return m_multi_arch_same; }

  // The name dpkg files the package under in info/ (NAME.list, NAME.postinst, ...) and in trigger
  // interest files (lib/dpkg/db-ctrl-format.c pkg_infodb_get_file(), pnaw_same): "name:arch" for
  // Multi-Arch: same packages, the bare name for all others, other architectures included.
  std::string database_name() const;

  // The status paragraph, ending in a newline (the blank line between paragraphs is the caller's).
  std::string status_stanza(DpkgState state, const std::vector<DpkgConffile>& conffiles) const;

  // dpkg's status file order (lib/dpkg/pkg-show.c pkg_sorter_by_nonambig_name_arch): by name,
  // then the instance dpkg names without ":arch" (native or "all", not Multi-Arch: same) first,
  // then by architecture.
  static bool status_order(const DpkgControl& a, const DpkgControl& b);

 private:
  struct Field {
    std::string name;
    std::string value;
  };

  std::string m_package;
  std::string m_architecture;
  std::string m_native_architecture;
  bool m_multi_arch_same = false;
  // Rendered values of dpkg's known fields, indexed by their place in dpkg's output order (the
  // enum in the .cc file; one spare entry for fields that are parsed but never written). Empty:
  // not written, as dpkg writes no empty known field.
  std::vector<std::string> m_known;
  std::vector<Field> m_unknown;  // fields dpkg does not know, in control-file order
};

}  // namespace apt_ostree::compose
