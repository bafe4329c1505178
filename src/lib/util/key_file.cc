#include "lib/util/key_file.h"

#include <algorithm>

#include "lib/util/strings.h"

namespace apt_ostree::util {

namespace {

// GLib's escapes: \s (a leading space), \n, \t, \r, \\ and, in lists, \; for a ';' in a value.
std::string unescape(std::string_view text) {
  std::string value;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      value += text[i];
      continue;
    }
    char next = text[++i];
    switch (next) {
      case 's': value += ' '; break;
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      default: value += next; break;  // \\ and \;
    }
  }
  return value;
}

std::string escape(std::string_view value, bool in_list) {
  std::string text;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\') text += "\\\\";
    else if (c == '\n') text += "\\n";
    else if (c == '\t') text += "\\t";
    else if (c == '\r') text += "\\r";
    else if (c == ' ' && i == 0) text += "\\s";
    else if (c == ';' && in_list) text += "\\;";
    else text += c;
  }
  return text;
}

}  // namespace

KeyFile KeyFile::parse(std::string_view text) {
  KeyFile file;
  for (std::string_view line : split(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      file.m_groups.push_back({std::string(line.substr(1, line.size() - 2)), {}});
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos || file.m_groups.empty()) continue;
    file.m_groups.back().entries.emplace_back(std::string(trim(line.substr(0, equals))),
                                              std::string(trim(line.substr(equals + 1))));
  }
  return file;
}

std::string KeyFile::serialize() const {
  std::string text;
  for (const Group& group : m_groups) {
    if (!text.empty()) text += '\n';
    text += '[' + group.name + "]\n";
    for (const auto& [key, value] : group.entries) text += key + '=' + value + '\n';
  }
  return text;
}

const std::string* KeyFile::raw(std::string_view group, std::string_view key) const {
  for (const Group& candidate : m_groups) {
    if (candidate.name != group) continue;
    for (const auto& [name, value] : candidate.entries)
      if (name == key) return &value;
  }
  return nullptr;
}

std::optional<std::string> KeyFile::get(std::string_view group, std::string_view key) const {
  const std::string* value = raw(group, key);
  if (!value) return std::nullopt;
  return unescape(*value);
}

std::vector<std::string> KeyFile::get_list(std::string_view group, std::string_view key) const {
  std::vector<std::string> values;
  const std::string* text = raw(group, key);
  if (!text) return values;
  std::string piece;
  for (size_t i = 0; i < text->size(); ++i) {
    char c = (*text)[i];
    if (c == '\\' && i + 1 < text->size()) {
      piece += c;
      piece += (*text)[++i];
    } else if (c == ';') {
      values.push_back(unescape(piece));
      piece.clear();
    } else {
      piece += c;
    }
  }
  if (!piece.empty()) values.push_back(unescape(piece));
  return values;
}

bool KeyFile::get_bool(std::string_view group, std::string_view key) const {
  std::optional<std::string> value = get(group, key);
  return value && (*value == "true" || *value == "1");
}

KeyFile::Group& KeyFile::group_for_write(std::string_view group) {
  for (Group& candidate : m_groups)
    if (candidate.name == group) return candidate;
  m_groups.push_back({std::string(group), {}});
  return m_groups.back();
}

void KeyFile::put(std::string_view group, std::string_view key, std::string escaped) {
  Group& target = group_for_write(group);
  for (auto& [name, existing] : target.entries)
    if (name == key) {
      existing = std::move(escaped);
      return;
    }
  target.entries.emplace_back(std::string(key), std::move(escaped));
}

void KeyFile::set(std::string_view group, std::string_view key, std::string_view value) {
  put(group, key, escape(value, false));
}

void KeyFile::set_list(std::string_view group, std::string_view key,
                       const std::vector<std::string>& values) {
  if (values.empty()) {
    remove(group, key);
    return;
  }
  std::string text;
  for (const std::string& value : values) text += escape(value, true) + ';';
  put(group, key, std::move(text));
}

void KeyFile::remove(std::string_view group, std::string_view key) {
  for (auto it = m_groups.begin(); it != m_groups.end(); ++it) {
    if (it->name != group) continue;
    std::erase_if(it->entries, [&](const auto& entry) { return entry.first == key; });
    if (it->entries.empty()) m_groups.erase(it);
    return;
  }
}

bool KeyFile::has_group(std::string_view group) const {
  return std::any_of(m_groups.begin(), m_groups.end(),
                     [&](const Group& candidate) { return candidate.name == group; });
}

}  // namespace apt_ostree::util
