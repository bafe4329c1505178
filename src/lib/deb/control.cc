#include "lib/deb/control.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::deb {

std::optional<std::string_view> ControlStanza::get(std::string_view name) const {
  for (const auto& field : fields)
    if (util::iequals(field.name, name)) return field.value;
  return std::nullopt;
}

ControlParser::ControlParser(std::string_view buffer, std::string_view source_name,
                             size_t first_line)
    : m_buffer(buffer), m_source_name(source_name), m_line(first_line) {}

bool ControlParser::next(ControlStanza& stanza) {
  stanza.fields.clear();
  // Skip blank lines (and OpenPGP-free comment lines, which Debian control files allow) between
  // paragraphs.
  while (m_pos < m_buffer.size()) {
    size_t end = m_buffer.find('\n', m_pos);
    if (end == std::string_view::npos) end = m_buffer.size();
    std::string_view line = m_buffer.substr(m_pos, end - m_pos);
    if (!util::trim(line).empty() && line.front() != '#') break;
    m_pos = end + 1;
    ++m_line;
  }
  if (m_pos >= m_buffer.size()) return false;

  size_t start = m_pos;
  stanza.first_line = m_line;
  while (m_pos < m_buffer.size()) {
    size_t end = m_buffer.find('\n', m_pos);
    if (end == std::string_view::npos) end = m_buffer.size();
    std::string_view line = m_buffer.substr(m_pos, end - m_pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (util::trim(line).empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (stanza.fields.empty())
        fail("{}:{}: continuation line before any field", m_source_name, m_line);
      // Extend the previous value up to the end of this line.
      auto& value = stanza.fields.back().value;
      value = std::string_view(value.data(), line.data() + line.size() - value.data());
    } else if (line.front() != '#') {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0)
        fail("{}:{}: expected 'Field: value', got '{}'", m_source_name, m_line, line.substr(0, 60));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      stanza.fields.push_back({line.substr(0, colon), value});
    }
    m_pos = end + 1;
    ++m_line;
  }
  stanza.text = m_buffer.substr(start, std::min(m_pos, m_buffer.size()) - start);
  return true;
}

void for_each_paragraph_chunk(int fd, size_t chunk_size, std::string_view source_name,
                              const std::function<void(std::string_view, size_t)>& sink) {
  std::string pending;
  size_t pending_first_line = 1;
  auto emit = [&](size_t length) {
    std::string_view piece(pending.data(), length);
    sink(piece, pending_first_line);
    pending_first_line += static_cast<size_t>(std::count(piece.begin(), piece.end(), '\n'));
    pending.erase(0, length);
  };
  std::string buffer(chunk_size, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read {}: {}", source_name, std::strerror(errno));
    if (n == 0) break;
    pending.append(buffer.data(), static_cast<size_t>(n));
    if (pending.size() < chunk_size) continue;
    size_t boundary = pending.rfind("\n\n");
    if (boundary != std::string::npos) emit(boundary + 2);
  }
  if (!pending.empty()) emit(pending.size());
}

}  // namespace apt_ostree::deb
