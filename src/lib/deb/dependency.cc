#include "lib/deb/dependency.h"

#include <optional>

#include "lib/deb/version.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::deb {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_name_char(char c) {
  return is_alnum(c) || c == '+' || c == '-' || c == '.' || c == '_';
}
bool is_arch_char(char c) {
  return is_alnum(c) || c == '-';
}
bool is_version_char(char c) {
  return is_alnum(c) || c == '.' || c == '+' || c == '-' || c == '~' || c == ':';
}

// Debian architecture names as (os, cpu) pairs, enough for the wildcards used in the archive
// ("linux-any", "any-amd64", "any-arm"); dpkg derives the same from its tuple tables.
struct ArchParts {
  std::string_view os, cpu;
};

ArchParts arch_parts(std::string_view arch) {
  ArchParts parts{"linux", arch};
  if (size_t dash = arch.rfind('-'); dash != std::string_view::npos) {
    parts.os = arch.substr(0, dash);
    parts.cpu = arch.substr(dash + 1);
  }
  // The ABI variants keep the CPU family of their base architecture.
  if (parts.cpu == "armel" || parts.cpu == "armhf") parts.cpu = "arm";
  if (parts.cpu == "x32") parts.cpu = "amd64";
  // "musl-linux-amd64": the libc prefix does not change the kernel a "linux-any" means.
  if (size_t dash = parts.os.rfind('-'); dash != std::string_view::npos)
    parts.os = parts.os.substr(dash + 1);
  return parts;
}

bool arch_matches(std::string_view spec, std::string_view host) {
  if (spec == host || spec == "any" || spec == "any-any") return true;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return false;
  std::string_view spec_os = spec.substr(0, dash);
  std::string_view spec_cpu = spec.substr(dash + 1);
  ArchParts parts = arch_parts(host);
  return (spec_os == "any" || spec_os == parts.os) && (spec_cpu == "any" || spec_cpu == parts.cpu);
}

// Parses one relation ("name:qual (op version) [archs] <profiles>"), reporting errors against the
// whole relation text so the user sees exactly which piece of the field is wrong.
class RelationParser {
 public:
  RelationParser(std::string_view text, std::string_view host_arch, std::string_view what)
      : m_text(text), m_host_arch(host_arch), m_what(what) {}

  // False when an architecture restriction excludes the relation on the host.
  bool parse(Relation& relation) {
    relation.name = take_while(is_name_char);
    if (relation.name.empty()) error("the package name is missing");
    if (!is_alnum(relation.name.front()))
      error("the package name must start with a letter or digit");
    if (peek() == ':') {
      ++m_pos;
      relation.arch_qualifier = take_while(is_arch_char);
      if (relation.arch_qualifier.empty()) error("the architecture qualifier after ':' is empty");
    }
    skip_space();
    if (peek() == '(') parse_version(relation);
    skip_space();
    bool included = true;
    if (peek() == '[') included = parse_arch_list();
    skip_space();
    // Build profiles only matter when building from source; binary relations ignore them.
    while (peek() == '<') {
      size_t close = m_text.find('>', m_pos);
      if (close == std::string_view::npos) error("a build profile list is missing its '>'");
      if (util::trim(m_text.substr(m_pos + 1, close - m_pos - 1)).empty())
        error("a build profile list is empty");
      m_pos = close + 1;
      skip_space();
    }
    if (m_pos < m_text.size()) error(fmt::format("unexpected '{}'", m_text.substr(m_pos)));
    return included;
  }

 private:
  [[noreturn]] void error(std::string_view reason) const {
    fail("{} has a malformed relation '{}': {}.", m_what, m_text, reason);
  }

  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  void skip_space() {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) ++m_pos;
  }
  std::string take_while(bool (*accept)(char)) {
    size_t start = m_pos;
    while (m_pos < m_text.size() && accept(m_text[m_pos])) ++m_pos;
    return std::string(m_text.substr(start, m_pos - start));
  }

  // "(>= 1.0)". As in dpkg, the obsolete '<' and '>' mean "<=" and ">=", and a bare version is an
  // exact match.
  void parse_version(Relation& relation) {
    ++m_pos;
    skip_space();
    char first = peek();
    if (first == '<' || first == '>') {
      ++m_pos;
      char second = peek();
      if (second == '=') {
        relation.op = first == '<' ? RelationOp::le : RelationOp::ge;
        ++m_pos;
      } else if (second == first) {
        relation.op = first == '<' ? RelationOp::lt : RelationOp::gt;
        ++m_pos;
      } else if (second == '<' || second == '>') {
        error(fmt::format("'{}{}' is not a version operator", first, second));
      } else {
        relation.op = first == '<' ? RelationOp::le : RelationOp::ge;
      }
    } else {
      relation.op = RelationOp::eq;
      if (first == '=') ++m_pos;
    }
    skip_space();
    relation.version = take_while(is_version_char);
    if (relation.version.empty()) error("the version is missing or has invalid characters");
    skip_space();
    if (peek() != ')') error("the version is not followed by ')'");
    ++m_pos;
  }

  // "[amd64 !i386]", evaluated as dpkg-dev's debarch_is_concerned(): the first listed
  // architecture matching the host decides (plain: included, negated: excluded); a list holding a
  // negation that never matched includes every other architecture.
  bool parse_arch_list() {
    size_t close = m_text.find(']', m_pos);
    if (close == std::string_view::npos) error("the architecture list is missing its ']'");
    std::string_view list = m_text.substr(m_pos + 1, close - m_pos - 1);
    m_pos = close + 1;
    auto specs = util::split_whitespace(list);
    if (specs.empty()) error("the architecture list is empty");
    std::optional<bool> decided;
    bool any_negated = false;
    for (std::string_view spec : specs) {
      bool negated = spec.front() == '!';
      if (negated) spec.remove_prefix(1);
      if (spec.empty()) error("the architecture list has a '!' without an architecture");
      for (char c : spec)
        if (!is_arch_char(c)) error(fmt::format("'{}' is not an architecture", spec));
      any_negated = any_negated || negated;
      if (!decided && arch_matches(spec, m_host_arch)) decided = !negated;
    }
    return decided.value_or(any_negated);
  }

  std::string_view m_text;
  std::string_view m_host_arch;
  std::string_view m_what;
  size_t m_pos = 0;
};

}  // namespace

std::vector<Alternatives> parse_relations(std::string_view field, std::string_view host_arch,
                                          std::string_view what) {
  std::vector<Alternatives> groups;
  field = util::trim(field);
  if (field.empty()) return groups;
  size_t start = 0;
  for (;;) {
    size_t comma = field.find(',', start);
    std::string_view group_text =
        util::trim(field.substr(start, comma == std::string_view::npos ? comma : comma - start));
    bool last = comma == std::string_view::npos;
    // A trailing comma is common in hand-maintained fields (wrap-and-sort -t) and harmless.
    if (group_text.empty()) {
      if (last) break;
      fail("{} has an empty relation between commas in '{}'.", what, field);
    }
    Alternatives group;
    size_t alt_start = 0;
    for (;;) {
      size_t bar = group_text.find('|', alt_start);
      std::string_view text = util::trim(
          group_text.substr(alt_start, bar == std::string_view::npos ? bar : bar - alt_start));
      if (text.empty()) fail("{} has an empty alternative in '{}'.", what, group_text);
      Relation relation;
      if (RelationParser(text, host_arch, what).parse(relation))
        group.push_back(std::move(relation));
      if (bar == std::string_view::npos) break;
      alt_start = bar + 1;
    }
    if (!group.empty()) groups.push_back(std::move(group));
    if (last) break;
    start = comma + 1;
  }
  return groups;
}

bool version_satisfies(std::string_view version, RelationOp op, std::string_view reference) {
  if (op == RelationOp::none) return true;
  int rc = compare_versions(version, reference);
  switch (op) {
    case RelationOp::lt:
      return rc < 0;
    case RelationOp::le:
      return rc <= 0;
    case RelationOp::eq:
      return rc == 0;
    case RelationOp::ge:
      return rc >= 0;
    case RelationOp::gt:
      return rc > 0;
    case RelationOp::none:
      break;
  }
  return true;
}

std::string_view to_string(RelationOp op) {
  switch (op) {
    case RelationOp::lt:
      return "<<";
    case RelationOp::le:
      return "<=";
    case RelationOp::eq:
      return "=";
    case RelationOp::ge:
      return ">=";
    case RelationOp::gt:
      return ">>";
    case RelationOp::none:
      break;
  }
  return "";
}

std::string format_relation(const Relation& relation) {
  std::string out = relation.name;
  if (!relation.arch_qualifier.empty()) out += ":" + relation.arch_qualifier;
  if (relation.op != RelationOp::none)
    out += fmt::format(" ({} {})", to_string(relation.op), relation.version);
  return out;
}

std::string format_alternatives(const Alternatives& group) {
  std::string out;
  for (const auto& relation : group) {
    if (!out.empty()) out += " | ";
    out += format_relation(relation);
  }
  return out;
}

}  // namespace apt_ostree::deb
