// Debian control-file paragraphs ("stanzas"): Packages, Release, dpkg status, .deb control.
// The parser walks a buffer without copying: fields are views into it, so the buffer must outlive
// the stanzas. Continuation lines stay in the value verbatim (with their leading space).
#pragma once

#include <functional>
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
  // `source_name` is used in error messages ("Packages:1234: ..."); `first_line` is the line
  // number of the buffer's first line when it is a piece of a larger file.
  ControlParser(std::string_view buffer, std::string_view source_name, size_t first_line = 1);
  // Fills `stanza` with the next paragraph; false at the end. Throws Error naming the source and
  // line for a malformed line (no colon, continuation before any field).
  bool next(ControlStanza& stanza);

 private:
  std::string_view m_buffer;
  std::string_view m_source_name;
  size_t m_pos = 0;
  size_t m_line = 1;
};

// Reads a control file from `fd` in pieces of about `chunk_size` bytes that end on paragraph
// boundaries and calls sink(piece, first_line_of_piece) for each, so indexes of any size are parsed
// with bounded memory. Throws Error naming `source_name` if reading fails.
void for_each_paragraph_chunk(int fd, size_t chunk_size, std::string_view source_name,
                              const std::function<void(std::string_view, size_t)>& sink);

}  // namespace apt_ostree::deb
