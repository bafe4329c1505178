#include "lib/deb/version.h"

#include <climits>

namespace apt_ostree::deb {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// dpkg's order(): '~' sorts before the end of the string (0), which sorts before letters, which
// sort before every other character. Digits never reach here except as the end marker.
int order(char c) {
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  if (c != '\0') return static_cast<unsigned char>(c) + 256;
  return 0;
}

// A cursor that reads '\0' past the end, so the loop below is dpkg's verrevcmp() on C strings
// without copying the views into NUL-terminated buffers.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : m_text(text) {}
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  void advance() { ++m_pos; }

 private:
  std::string_view m_text;
  size_t m_pos = 0;
};

// Alternates non-digit runs (compared character by character with order()) and digit runs
// (compared numerically with no width limit: leading zeros skipped, then longer run wins, then the
// first differing digit). Used for the epoch too, which makes a missing epoch equal to "0" and
// huge epochs compare correctly.
int compare_fragment(std::string_view a_text, std::string_view b_text) {
  Cursor a(a_text), b(b_text);
  while (a.peek() != '\0' || b.peek() != '\0') {
    while ((a.peek() != '\0' && !is_digit(a.peek())) || (b.peek() != '\0' && !is_digit(b.peek()))) {
      int ac = order(a.peek());
      int bc = order(b.peek());
      if (ac != bc) return ac - bc;
      a.advance();
      b.advance();
    }
    while (a.peek() == '0') a.advance();
    while (b.peek() == '0') b.advance();
    int first_diff = 0;
    while (is_digit(a.peek()) && is_digit(b.peek())) {
      if (first_diff == 0) first_diff = a.peek() - b.peek();
      a.advance();
      b.advance();
    }
    if (is_digit(a.peek())) return 1;
    if (is_digit(b.peek())) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

struct Parts {
  std::string_view epoch, upstream, revision;
};

// Splits as dpkg's parseversion() does: the epoch ends at the first ':', the revision starts after
// the last '-' of what remains; surrounding whitespace is ignored.
Parts split(std::string_view version) {
  while (!version.empty() && is_space(version.front())) version.remove_prefix(1);
  while (!version.empty() && is_space(version.back())) version.remove_suffix(1);
  Parts parts;
  if (size_t colon = version.find(':'); colon != std::string_view::npos) {
    parts.epoch = version.substr(0, colon);
    version.remove_prefix(colon + 1);
  }
  if (size_t hyphen = version.rfind('-'); hyphen != std::string_view::npos) {
    parts.revision = version.substr(hyphen + 1);
    version = version.substr(0, hyphen);
  }
  parts.upstream = version;
  return parts;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  // The resolver mostly compares a version with itself or its twin from another index.
  if (a == b) return 0;
  Parts pa = split(a);
  Parts pb = split(b);
  if (int rc = compare_fragment(pa.epoch, pb.epoch); rc != 0) return rc;
  if (int rc = compare_fragment(pa.upstream, pb.upstream); rc != 0) return rc;
  return compare_fragment(pa.revision, pb.revision);
}

bool is_valid_version(std::string_view version) {
  for (char c : version)
    if (is_space(c)) return false;
  Parts parts = split(version);
  size_t colon = version.find(':');
  bool has_epoch = colon != std::string_view::npos;
  bool has_revision = version.find('-', has_epoch ? colon + 1 : 0) != std::string_view::npos;

  if (has_epoch) {
    // dpkg stores the epoch in an int and rejects anything larger.
    if (parts.epoch.empty()) return false;
    long long epoch = 0;
    for (char c : parts.epoch) {
      if (!is_digit(c)) return false;
      epoch = epoch * 10 + (c - '0');
      if (epoch > INT_MAX) return false;
    }
  }
  if (parts.upstream.empty() || !is_digit(parts.upstream.front())) return false;
  // Hyphens can only be left in the upstream part when there is a revision, by construction.
  for (char c : parts.upstream)
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '-' && c != '~') return false;
  if (has_revision) {
    if (parts.revision.empty()) return false;
    for (char c : parts.revision)
      if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '~') return false;
  }
  return true;
}

}  // namespace apt_ostree::deb
