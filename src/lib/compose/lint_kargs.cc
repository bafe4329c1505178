#include "lib/compose/lint_kargs.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "lib/compose/lint_systemd_conf.h"
#include "lib/compose/lint_walk.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_kargs_dir = "usr/lib/bootc/kargs.d";
constexpr std::string_view k_keys[] = {"kargs", "match-architectures"};

struct Problem {
  std::string message;
};

// A recursive-descent reader of the TOML a kargs.d file may hold: top-level keys whose values are
// arrays of strings (basic, literal and their multi-line forms), comments, blank lines.
class KargsReader {
 public:
  explicit KargsReader(std::string_view text) : m_text(text) {}

  void read() {
    for (;;) {
      skip_space_and_comments();
      if (at_end()) break;
      if (peek() == '[') fail_here("tables are not allowed; only kargs and match-architectures");
      size_t key_line = m_line;
      std::string key = read_key();
      skip_blanks();
      if (at_end() || peek() != '=')
        fail_here(fmt::format("expected '=' after '{}'", printable(key)));
      ++m_pos;
      if (std::find(std::begin(k_keys), std::end(k_keys), key) == std::end(k_keys))
        fail_at(key_line, fmt::format("unknown key '{}'; only kargs and match-architectures",
                                      printable(key)));
      if (!m_seen.insert(key).second) fail_at(key_line, fmt::format("'{}' is set twice", key));
      skip_blanks();
      read_string_array(key);
      skip_blanks();
      if (!at_end() && peek() == '#') skip_comment();
      if (!at_end() && !at_line_end())
        fail_here(fmt::format("unexpected text after the value of '{}'", key));
    }
    if (!m_seen.contains("kargs")) throw Problem{"no 'kargs = [...]'"};
  }

 private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek() const { return m_text[m_pos]; }
  bool at_line_end() const {
    return peek() == '\n' || (peek() == '\r' && m_text.substr(m_pos, 2) == "\r\n");
  }

  [[noreturn]] void fail_at(size_t line, std::string message) const {
    throw Problem{fmt::format("line {}: {}", line, message)};
  }
  [[noreturn]] void fail_here(std::string message) const { fail_at(m_line, std::move(message)); }

  void skip_blanks() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++m_pos;
  }
  void skip_comment() {
    while (!at_end() && peek() != '\n') ++m_pos;
  }
  void skip_space_and_comments() {
    for (;;) {
      skip_blanks();
      if (at_end()) return;
      if (peek() == '#') {
        skip_comment();
      } else if (at_line_end()) {
        m_pos += peek() == '\r' ? 2 : 1;
        ++m_line;
      } else {
        return;
      }
    }
  }

  std::string read_key() {
    if (peek() == '"' || peek() == '\'') return read_string();
    size_t start = m_pos;
    while (!at_end() &&
           (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_'))
      ++m_pos;
    if (m_pos == start) fail_here("expected a key");
    return std::string(m_text.substr(start, m_pos - start));
  }

  void read_string_array(const std::string& key) {
    if (at_end() || peek() != '[') fail_here(fmt::format("'{}' must be an array of strings", key));
    ++m_pos;
    for (;;) {
      skip_space_and_comments();
      if (at_end()) fail_here(fmt::format("the array of '{}' is not closed", key));
      if (peek() == ']') break;
      if (peek() != '"' && peek() != '\'')
        fail_here(fmt::format("'{}' must be an array of strings", key));
      read_string();
      skip_space_and_comments();
      if (!at_end() && peek() == ',') {
        ++m_pos;
        continue;
      }
      if (at_end() || peek() != ']') fail_here(fmt::format("expected ',' or ']' in '{}'", key));
      break;
    }
    ++m_pos;
  }

  std::string read_string() {
    char quote = peek();
    bool multiline = m_text.substr(m_pos, 3) == std::string(3, quote);
    m_pos += multiline ? 3 : 1;
    // A newline right after the opening delimiter of a multi-line string is not part of it.
    if (multiline && !at_end() && at_line_end()) {
      m_pos += peek() == '\r' ? 2 : 1;
      ++m_line;
    }
    std::string value;
    for (;;) {
      if (at_end()) fail_here("unterminated string");
      char c = peek();
      if (multiline ? m_text.substr(m_pos, 3) == std::string(3, quote) : c == quote) {
        m_pos += multiline ? 3 : 1;
        return value;
      }
      if (c == '\n') {
        if (!multiline) fail_here("unterminated string");
        ++m_line;
      } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r') {
        fail_here("control character in a string");
      }
      ++m_pos;
      if (c == '\\' && quote == '"') {
        read_escape(multiline, value);
      } else {
        value += c;
      }
    }
  }

  // After a backslash in a basic string.
  void read_escape(bool multiline, std::string& value) {
    if (at_end()) fail_here("unterminated string");
    char c = m_text[m_pos++];
    switch (c) {
      case 'b':
      case 't':
      case 'n':
      case 'f':
      case 'r':
      case '"':
      case '\\':
        value += c;  // the exact character does not matter for the check
        return;
      case 'u':
      case 'U': {
        size_t digits = c == 'u' ? 4 : 8;
        std::string_view hex = m_text.substr(m_pos, digits);
        if (hex.size() != digits ||
            hex.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos)
          fail_here(fmt::format("bad \\{} escape", c));
        m_pos += digits;
        value += '?';
        return;
      }
      default:
        // In a multi-line string a backslash at the end of a line joins it with the next.
        if (multiline && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
          --m_pos;
          while (!at_end() && std::string_view(" \t\r\n").find(peek()) != std::string_view::npos) {
            if (peek() == '\n') ++m_line;
            ++m_pos;
          }
          return;
        }
        fail_here(fmt::format("bad escape '\\{}'", printable(std::string(1, c))));
    }
  }

  std::string_view m_text;
  size_t m_pos = 0;
  size_t m_line = 1;
  std::set<std::string> m_seen;
};

}  // namespace

std::optional<std::string> kargs_file_problem(std::string_view text) {
  if (!is_valid_utf8(text)) return "not UTF-8 (TOML files are UTF-8)";
  try {
    KargsReader(text).read();
  } catch (const Problem& problem) {
    return problem.message;
  }
  return std::nullopt;
}

std::vector<std::string> kargs_problems(const fs::path& root) {
  std::vector<std::string> problems;
  struct stat status;
  if (!tree_lstat(root, k_kargs_dir, status)) return problems;
  if (!S_ISDIR(status.st_mode)) {
    problems.push_back(display_path(k_kargs_dir) + " is not a directory");
    return problems;
  }
  walk_tree(root, k_kargs_dir, [&](const TreeEntry& entry) {
    if (!entry.path.ends_with(".toml")) return false;
    std::optional<std::string> text = read_tree_file(root, entry.path);
    std::optional<std::string> problem =
        text ? kargs_file_problem(*text) : std::optional<std::string>("not a readable file");
    if (problem) problems.push_back(display_path(entry.path) + ": " + *problem);
    return false;
  });
  return problems;
}

}  // namespace apt_ostree::compose
