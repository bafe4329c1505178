// The trigger interests dpkg registers when it unpacks packages (lib/dpkg/triglib.c), so a later
// `dpkg --configure` finds them: a package's triggers control member says which triggers it is
// interested in, and dpkg files each interest under var/lib/dpkg/triggers/:
//  - file triggers ("interest /usr/share/icons"): one line "PATH PACKAGE[/noawait]" in
//    triggers/File, in the order dpkg registered them (packages in unpack order, directives in file
//    order; a package naming the same path twice keeps its first line with the last option);
//  - explicit triggers ("interest ldconfig"): one line "PACKAGE[/noawait]" in triggers/NAME, where
//  a
//    package registering again moves its line to the end.
// PACKAGE is written "name:arch" only for Multi-Arch: same packages. `activate` directives are
// checked but register nothing: at unpack they activate triggers only in packages that are already
// configured, and a freshly written database has none.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace apt_ostree::compose {

class DpkgTriggerInterests {
 public:
  // Registers the interests of one package's triggers member, as `dpkg --unpack` does. `package`
  // is the name dpkg writes for it (DpkgControl::database_name()). Throws Error naming `package`
  // for a directive or trigger name dpkg refuses.
  void add(std::string_view triggers_member, std::string_view package);

  // The content of triggers/File; empty when no package is interested in a path, and then dpkg
  // writes no File at all.
  std::string file_interests() const;
  // triggers/NAME for each explicit trigger someone is interested in: NAME -> content.
  std::map<std::string, std::string> explicit_interests() const;

 private:
  struct Interest {
    std::string trigger;  // the path for file triggers
    std::string package;
    bool noawait = false;
  };
  std::vector<Interest> m_file_interests;
  std::map<std::string, std::vector<Interest>> m_explicit_interests;
};

}  // namespace apt_ostree::compose
