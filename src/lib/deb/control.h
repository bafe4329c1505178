// Debian control-file paragraphs ("stanzas"): Packages, Release, dpkg status, .deb control.
// The parser walks a buffer without copying: fields are views into it, so the buffer must outlive
// the stanzas. Continuation lines stay in the value verbatim (with their leading space).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace apt_ostree::deb {

struct ControlField {
  std::string_view name;
  std::string_view value;  // trimmed of the space after ':' and of the final newline
};

struct ControlStanza {
  std::vector<ControlField> fields;
  std::string_view text;  // the whole paragraph, as in the buffer
  size_t first_line = 0;  // 1-based line number, for error messages

  // Case-insensitive field lookup (field names are case-insensitive in Debian policy).
  std::optional<std::string_view> get(std::string_view name) const;
};

class ControlParser {
 public:
  // `source_name` is used in error messages ("Packages:1234: ...").
  ControlParser(std::string_view buffer, std::string_view source_name);
  // Fills `stanza` with the next paragraph; false at the end. Throws Error naming the source and
  // line for a malformed line (no colon, continuation before any field).
  bool next(ControlStanza& stanza);

 private:
  std::string_view m_buffer;
  std::string_view m_source_name;
  size_t m_pos = 0;
  size_t m_line = 1;
};

}  // namespace apt_ostree::deb
