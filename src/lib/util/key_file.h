// The "desktop entry" key file format GLib's GKeyFile reads and writes ([group], key=value,
// lists separated by ';', # comments), which OSTree uses for origin files and repository
// configuration. Reading keeps the order of groups and keys so a file rewritten after a change
// differs only where it changed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apt_ostree::util {

class KeyFile {
 public:
  // Parses `text`; lines that are neither groups, keys nor comments are ignored, as GLib
  // would reject the file but a client reading an origin must not be stopped by one stray line.
  static KeyFile parse(std::string_view text);
  std::string serialize() const;

  std::optional<std::string> get(std::string_view group, std::string_view key) const;
  // A ';'-separated list; empty when the key is missing.
  std::vector<std::string> get_list(std::string_view group, std::string_view key) const;
  bool get_bool(std::string_view group, std::string_view key) const;

  void set(std::string_view group, std::string_view key, std::string_view value);
  // An empty list removes the key.
  void set_list(std::string_view group, std::string_view key,
                const std::vector<std::string>& values);
  void remove(std::string_view group, std::string_view key);
  bool has_group(std::string_view group) const;

 private:
  struct Group {
    std::string name;
    std::vector<std::pair<std::string, std::string>> entries;  // escaped as in the file
  };
  const std::string* raw(std::string_view group, std::string_view key) const;
  Group& group_for_write(std::string_view group);
  void put(std::string_view group, std::string_view key, std::string escaped);

  std::vector<Group> m_groups;
};

}  // namespace apt_ostree::util
