#include "lib/compose/dpkg_database_triggers.h"

#include <algorithm>

#include "lib/compose/dpkg_database_status.h"
#include "lib/util/error.h"

namespace apt_ostree::compose {

namespace {

bool is_white(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

enum class TriggerKind { file, explicit_name, unknown };

// trig_classify_byname(): an absolute path without empty components or a trailing slash is a file
// trigger (named as dpkg names files); a valid package name without '_' an explicit one.
TriggerKind classify(std::string_view name) {
  if (name.front() == '/') {
    for (size_t slash = 0; slash != std::string_view::npos; slash = name.find('/', slash + 2))
      if (slash + 1 == name.size() || name[slash + 1] == '/') return TriggerKind::unknown;
    return TriggerKind::file;
  }
  return is_dpkg_package_name(name) && name.find('_') == std::string_view::npos
             ? TriggerKind::explicit_name
             : TriggerKind::unknown;
}

}  // namespace

void DpkgTriggerInterests::add(std::string_view triggers_member, std::string_view package) {
  // lib/dpkg/triglib.c trig_parse_ci().
  while (!triggers_member.empty()) {
    size_t newline = triggers_member.find('\n');
    if (newline == std::string_view::npos)
      fail("The triggers file of {} does not end with a newline; dpkg refuses it.", package);
    std::string_view line = triggers_member.substr(0, newline);
    triggers_member.remove_prefix(newline + 1);

    while (!line.empty() && is_white(line.front())) line.remove_prefix(1);
    while (!line.empty() && is_white(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;

    size_t space = 0;
    while (space < line.size() && !is_white(line[space])) ++space;
    if (space == line.size())
      fail("The triggers file of {} has a directive without a trigger: '{}'.", package, line);
    std::string_view directive = line.substr(0, space);
    std::string_view name = line.substr(space);
    while (!name.empty() && is_white(name.front())) name.remove_prefix(1);
    for (char c : name)
      if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0177)
        fail("The triggers file of {} names the invalid trigger '{}'.", package, name);

    bool interest =
        directive == "interest" || directive == "interest-await" || directive == "interest-noawait";
    bool activate =
        directive == "activate" || directive == "activate-await" || directive == "activate-noawait";
    if (!interest && !activate)
      fail("The triggers file of {} has the unknown directive '{}'.", package, directive);
    if (!interest) continue;

    Interest entry{std::string(name), std::string(package), directive == "interest-noawait"};
    switch (classify(name)) {
      case TriggerKind::file: {
        entry.trigger = dpkg_file_name(name);
        // trk_file_interest_change(): the same package and path again only updates the option.
        auto same = std::find_if(
            m_file_interests.begin(), m_file_interests.end(), [&](const Interest& other) {
              return other.trigger == entry.trigger && other.package == entry.package;
            });
        if (same != m_file_interests.end())
          same->noawait = entry.noawait;
        else
          m_file_interests.push_back(std::move(entry));
        break;
      }
      case TriggerKind::explicit_name: {
        // trk_explicit_interest_change(): the package's old line is dropped, the new one appended.
        std::vector<Interest>& interested = m_explicit_interests[entry.trigger];
        std::erase_if(interested,
                      [&](const Interest& other) { return other.package == entry.package; });
        interested.push_back(std::move(entry));
        break;
      }
      case TriggerKind::unknown:
        fail(
            "The triggers file of {} declares an interest in '{}', which is neither an absolute "
            "path nor a trigger name.",
            package, name);
    }
  }
}

std::string DpkgTriggerInterests::file_interests() const {
  std::string out;
  for (const Interest& interest : m_file_interests)
    out += interest.trigger + " " + interest.package + (interest.noawait ? "/noawait\n" : "\n");
  return out;
}

std::map<std::string, std::string> DpkgTriggerInterests::explicit_interests() const {
  std::map<std::string, std::string> files;
  for (const auto& [trigger, interested] : m_explicit_interests) {
    std::string& content = files[trigger];
    for (const Interest& interest : interested)
      content += interest.package + (interest.noawait ? "/noawait\n" : "\n");
  }
  return files;
}

}  // namespace apt_ostree::compose
