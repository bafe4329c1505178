#include "lib/deploy/boot_entries.h"

#include <algorithm>
#include <cstring>

#include "lib/util/fs.h"
#include "lib/util/strings.h"

namespace apt_ostree::deploy {

namespace fs = std::filesystem;

std::string kernel_argument(std::string_view command_line, std::string_view name) {
  for (std::string_view argument : util::split_whitespace(command_line))
    if (argument.size() > name.size() && argument.starts_with(name) &&
        argument[name.size()] == '=')
      return std::string(argument.substr(name.size() + 1));
  return {};
}

std::string BootEntry::ostree_argument() const { return kernel_argument(options, "ostree"); }

std::vector<BootEntry> read_boot_entries(const fs::path& entries_dir) {
  std::vector<BootEntry> entries;
  std::error_code error;
  for (const auto& file : fs::directory_iterator(entries_dir, error)) {
    if (file.path().extension() != ".conf") continue;
    BootEntry entry;
    entry.file = file.path().filename().string();
    const std::string text = util::read_file(file.path());
    for (std::string_view line : util::split(text, '\n')) {
      size_t space = line.find(' ');
      if (space == std::string_view::npos) continue;
      std::string_view key = line.substr(0, space);
      std::string value(util::trim(line.substr(space + 1)));
      if (key == "title") entry.title = value;
      else if (key == "version") entry.version = value;
      else if (key == "linux") entry.linux = value;
      else if (key == "initrd") entry.initrd = value;
      else if (key == "options") entry.options = value;
    }
    entries.push_back(std::move(entry));
  }
  // ostree compares versions with strverscmp, the highest first; the file name breaks ties.
  std::sort(entries.begin(), entries.end(), [](const BootEntry& a, const BootEntry& b) {
    int order = strverscmp(a.version.c_str(), b.version.c_str());
    return order != 0 ? order > 0 : a.file < b.file;
  });
  return entries;
}

}  // namespace apt_ostree::deploy
