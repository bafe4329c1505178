#include "lib/compose/dpkg_database_status.h"

#include <algorithm>
#include <climits>

#include "lib/deb/control.h"
#include "lib/deb/dependency.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace {

// Where each of dpkg's known fields goes in the status paragraph (dpkg's output order).
enum Slot {
  k_package,
  k_essential,
  k_protected,
  k_priority,
  k_section,
  k_installed_size,
  k_origin,
  k_maintainer,
  k_bugs,
  k_architecture,
  k_multi_arch,
  k_source,
  k_version,
  k_replaces,
  k_provides,
  k_depends,
  k_pre_depends,
  k_recommends,
  k_suggests,
  k_breaks,
  k_conflicts,
  k_enhances,
  k_description,
  k_slot_count,
  k_no_slot = k_slot_count,
};

enum class Kind {
  text,        // copied verbatim (f_charfield, f_section)
  package,     // checked and lowercased (f_name)
  boolean,     // "yes" written, "no" dropped (f_boolean, w_booleandefno)
  priority,    // canonical spelling of the known priorities (f_priority)
  multi_arch,  // canonical spelling, "no" dropped (f_multiarch)
  version,     // re-rendered (f_version)
  relations,   // re-rendered, appended to the slot (f_dependency, f_obs_dependency)
  dropped,     // parsed by dpkg but never written to the status file (archive fields, Conffiles)
  rejected,    // status-only fields, refused in a .deb (pdb_rejectstatus)
  revision,    // the obsolete Revision fields, which dpkg folds into Version (f_obs_revision)
};

struct KnownField {
  std::string_view name;
  Kind kind;
  Slot slot;
};

// dpkg 1.21's field table (lib/dpkg/parse.c fieldinfos[]), obsolete aliases included. Written
// names in `slot` order are the spellings below.
constexpr KnownField k_known_fields[] = {
    {"Package", Kind::package, k_package},
    {"Essential", Kind::boolean, k_essential},
    {"Protected", Kind::boolean, k_protected},
    {"Status", Kind::rejected, k_no_slot},
    {"Priority", Kind::priority, k_priority},
    {"Section", Kind::text, k_section},
    {"Installed-Size", Kind::text, k_installed_size},
    {"Origin", Kind::text, k_origin},
    {"Maintainer", Kind::text, k_maintainer},
    {"Bugs", Kind::text, k_bugs},
    {"Architecture", Kind::text, k_architecture},
    {"Multi-Arch", Kind::multi_arch, k_multi_arch},
    {"Source", Kind::text, k_source},
    {"Version", Kind::version, k_version},
    {"Config-Version", Kind::rejected, k_no_slot},
    {"Replaces", Kind::relations, k_replaces},
    {"Provides", Kind::relations, k_provides},
    {"Depends", Kind::relations, k_depends},
    {"Pre-Depends", Kind::relations, k_pre_depends},
    {"Recommends", Kind::relations, k_recommends},
    {"Suggests", Kind::relations, k_suggests},
    {"Breaks", Kind::relations, k_breaks},
    {"Conflicts", Kind::relations, k_conflicts},
    {"Enhances", Kind::relations, k_enhances},
    {"Conffiles", Kind::dropped, k_no_slot},
    {"Filename", Kind::dropped, k_no_slot},
    {"Size", Kind::dropped, k_no_slot},
    {"MD5sum", Kind::dropped, k_no_slot},
    {"MSDOS-Filename", Kind::dropped, k_no_slot},
    {"Description", Kind::text, k_description},
    {"Triggers-Pending", Kind::rejected, k_no_slot},
    {"Triggers-Awaited", Kind::rejected, k_no_slot},
    {"Recommended", Kind::relations, k_recommends},
    {"Optional", Kind::relations, k_suggests},
    {"Class", Kind::priority, k_priority},
    {"Revision", Kind::revision, k_no_slot},
    {"Package-Revision", Kind::revision, k_no_slot},
    {"Package_Revision", Kind::revision, k_no_slot},
};

// The name each slot is written under.
constexpr std::string_view k_slot_names[k_slot_count] = {
    "Package",  "Essential",  "Protected", "Priority",     "Section",     "Installed-Size",
    "Origin",   "Maintainer", "Bugs",      "Architecture", "Multi-Arch",  "Source",
    "Version",  "Replaces",   "Provides",  "Depends",      "Pre-Depends", "Recommends",
    "Suggests", "Breaks",     "Conflicts", "Enhances",     "Description",
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string_view rtrim(std::string_view text) {
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

void check_package_name(std::string_view name, std::string_view what) {
  if (!is_dpkg_package_name(name))
    fail(
        "{} has an invalid package name '{}': only letters, digits and '-+._' are allowed, "
        "starting with a letter or digit.",
        what, name);
}

// dpkg's parse_nv() for a value that must be one of `names` (case-insensitive); returns its index,
// or -1 when it is none of them and `fallback` allows that (Priority keeps unknown words).
int parse_name_value(std::string_view value, std::initializer_list<std::string_view> names,
                     bool fallback, std::string_view field, std::string_view what) {
  int index = 0;
  for (std::string_view name : names) {
    // dpkg matches the name as a prefix, then refuses anything after it.
    if (value.size() >= name.size() && util::iequals(value.substr(0, name.size()), name)) {
      if (value.size() != name.size())
        fail("{} has an invalid {} field '{}': trailing junk after '{}'.", what, field, value,
             name);
      return index;
    }
    ++index;
  }
  if (!fallback) fail("{} has an invalid {} field '{}'.", what, field, value);
  return -1;
}

}  // namespace

std::string dpkg_file_name(std::string_view path) {
  while (!path.empty() && (path.front() == '/' || path.substr(0, 2) == "./"))
    path.remove_prefix(path.front() == '/' ? 1 : 2);
  return "/" + std::string(path);
}

bool is_dpkg_package_name(std::string_view name) {
  if (name.empty() || !is_alnum(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return is_alnum(c) || std::string_view("-+._").find(c) != std::string_view::npos;
  });
}

std::string dpkg_version(std::string_view version, std::string_view what) {
  // lib/dpkg/parsehelp.c parseversion(), with every warning an error as for a .deb (not lax).
  while (!version.empty() && is_blank(version.front())) version.remove_prefix(1);
  while (!version.empty() && is_blank(version.back())) version.remove_suffix(1);
  if (version.empty()) fail("{} has an empty version.", what);
  for (char c : version)
    if (is_blank(c)) fail("{} has a version with embedded spaces: '{}'.", what, version);

  unsigned long epoch = 0;
  std::string_view rest = version;
  if (size_t colon = version.find(':'); colon != std::string_view::npos) {
    std::string_view digits = version.substr(0, colon);
    if (digits.empty()) fail("{} has a version with an empty epoch: '{}'.", what, version);
    for (char c : digits)
      if (!is_digit(c)) fail("{} has a version whose epoch is not a number: '{}'.", what, version);
    for (char c : digits) {
      epoch = epoch * 10 + static_cast<unsigned long>(c - '0');
      if (epoch > INT_MAX) fail("{} has a version whose epoch is too big: '{}'.", what, version);
    }
    rest = version.substr(colon + 1);
    if (rest.empty()) fail("{} has nothing after the colon in version '{}'.", what, version);
  }
  std::string_view upstream = rest;
  std::string_view revision;
  if (size_t hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    upstream = rest.substr(0, hyphen);
    revision = rest.substr(hyphen + 1);
    if (revision.empty()) fail("{} has a version with an empty revision: '{}'.", what, version);
  }
  if (upstream.empty()) fail("{} has a version with an empty upstream part: '{}'.", what, version);
  if (!is_digit(upstream.front()))
    fail("{} has a version that does not start with a digit: '{}'.", what, version);
  for (char c : upstream)
    if (!is_alnum(c) && std::string_view(".-+~:").find(c) == std::string_view::npos)
      fail("{} has an invalid character '{}' in version '{}'.", what, c, version);
  for (char c : revision)
    if (!is_alnum(c) && std::string_view(".+~").find(c) == std::string_view::npos)
      fail("{} has an invalid character '{}' in the revision of '{}'.", what, c, version);

  // varbufversion(vdew_nonambig): the epoch is shown when it is not zero or when leaving it out
  // would make the colon in the rest look like one.
  std::string out;
  if (epoch != 0 || rest.find(':') != std::string_view::npos) out = fmt::format("{}:", epoch);
  out += rest;
  return out;
}

std::vector<DpkgConffile> parse_conffiles(std::string_view member, std::string_view package) {
  std::vector<DpkgConffile> conffiles;
  while (!member.empty()) {
    size_t newline = member.find('\n');
    if (newline == std::string_view::npos)
      fail("The conffiles of {} do not end with a newline ('{}'); dpkg refuses such a package.",
           package, member);
    std::string_view line = rtrim(member.substr(0, newline));
    member.remove_prefix(newline + 1);
    if (line.empty()) continue;

    DpkgConffile conffile;
    if (line.front() != '/') {
      size_t space = line.find(' ');
      std::string_view flag = line.substr(0, space);
      if (space == std::string_view::npos || line[space + 1] != '/')
        fail("The conffiles of {} list '{}', which is not an absolute path.", package, line);
      if (flag != "remove-on-upgrade")
        fail("The conffiles of {} use the unknown flag '{}' for '{}'.", package, flag,
             line.substr(space + 1));
      conffile.remove_on_upgrade = true;
      line.remove_prefix(space + 1);
    }
    conffile.path = dpkg_file_name(line);
    conffiles.push_back(std::move(conffile));
  }
  return conffiles;
}

DpkgControl::DpkgControl(std::string_view control, std::string_view native_architecture,
                         std::string_view what)
    : m_native_architecture(native_architecture), m_known(k_slot_count + 1) {
  deb::ControlParser parser(control, what);
  deb::ControlStanza stanza;
  if (!parser.next(stanza)) fail("{} has an empty control file.", what);
  deb::ControlStanza extra;
  if (parser.next(extra))
    fail("{} has more than one paragraph in its control file; dpkg allows only one.", what);

  bool seen[std::size(k_known_fields)] = {};
  for (const deb::ControlField& field : stanza.fields) {
    // dpkg keeps continuation lines verbatim and trims only the end of the whole value.
    std::string_view value = rtrim(field.value);
    auto known =
        std::find_if(std::begin(k_known_fields), std::end(k_known_fields),
                     [&](const KnownField& k) { return util::iequals(k.name, field.name); });
    if (known == std::end(k_known_fields)) {
      if (field.name.size() < 2)
        fail("{} has a field name '{}' that is too short for dpkg.", what, field.name);
      for (const Field& other : m_unknown)
        if (util::iequals(other.name, field.name))
          fail("{} has the field '{}' twice.", what, field.name);
      m_unknown.push_back({std::string(field.name), std::string(value)});
      continue;
    }
    size_t index = static_cast<size_t>(known - std::begin(k_known_fields));
    if (seen[index]) fail("{} has the field '{}' twice.", what, known->name);
    seen[index] = true;

    std::string_view field_name = known->name;
    // Fields without a slot (dropped, rejected) never write to it.
    std::string& slot = known->slot == k_no_slot ? m_known[k_slot_count] : m_known[known->slot];
    switch (known->kind) {
      case Kind::text:
        // An empty known field is as good as absent (f_charfield stores nothing).
        slot = value;
        break;
      case Kind::package:
        check_package_name(value, what);
        slot = util::to_lower(value);
        break;
      case Kind::boolean:
        if (value.empty()) break;
        slot = parse_name_value(value, {"no", "yes"}, false, field_name, what) == 1 ? "yes" : "";
        break;
      case Kind::priority: {
        if (value.empty()) break;
        static constexpr std::string_view k_priorities[] = {"required", "important", "standard",
                                                            "optional", "extra",     "unknown"};
        int known_priority = parse_name_value(value,
                                              {k_priorities[0], k_priorities[1], k_priorities[2],
                                               k_priorities[3], k_priorities[4], k_priorities[5]},
                                              true, field_name, what);
        // "unknown" is dpkg's "no priority", which it does not write.
        if (known_priority == 5)
          slot.clear();
        else
          slot =
              known_priority < 0 ? std::string(value) : std::string(k_priorities[known_priority]);
        break;
      }
      case Kind::multi_arch: {
        if (value.empty()) break;
        static constexpr std::string_view k_values[] = {"no", "same", "allowed", "foreign"};
        int multi_arch = parse_name_value(
            value, {k_values[0], k_values[1], k_values[2], k_values[3]}, false, field_name, what);
        slot = multi_arch == 0 ? "" : std::string(k_values[multi_arch]);
        break;
      }
      case Kind::version:
        slot = dpkg_version(value, what);
        break;
      case Kind::relations: {
        std::string relation_what = fmt::format("The {} field of {}", field_name, what);
        for (const deb::Alternatives& group :
             deb::parse_relations(value, native_architecture, relation_what)) {
          if (!slot.empty()) slot += ", ";
          for (size_t i = 0; i < group.size(); ++i) {
            const deb::Relation& relation = group[i];
            if (i > 0) slot += " | ";
            // dpkg looks package names up lowercased and writes the name it stored.
            slot += util::to_lower(relation.name);
            if (!relation.arch_qualifier.empty()) slot += ":" + relation.arch_qualifier;
            if (relation.op != deb::RelationOp::none)
              slot += fmt::format(" ({} {})", deb::to_string(relation.op),
                                  dpkg_version(relation.version, relation_what));
          }
        }
        break;
      }
      case Kind::dropped:
        break;
      case Kind::rejected:
        fail("{} has a '{}' field, which only dpkg's status file may hold.", what, field_name);
      case Kind::revision:
        fail(
            "{} has the obsolete '{}' field, which is not supported; rebuild the package with "
            "the revision in its Version.",
            what, field_name);
    }
  }
  if (m_known[k_package].empty()) fail("{} has no Package field.", what);
  if (m_known[k_version].empty()) fail("{} has no Version field.", what);
  m_package = m_known[k_package];
  m_architecture = m_known[k_architecture];
  m_multi_arch_same = m_known[k_multi_arch] == "same";
  if (m_multi_arch_same && (m_architecture.empty() || m_architecture == "all"))
    fail("{} is Multi-Arch: same but its architecture is '{}'; dpkg refuses that.", what,
         m_architecture);
}

std::string DpkgControl::database_name() const {
  return m_multi_arch_same ? m_package + ":" + m_architecture : m_package;
}

bool DpkgControl::status_order(const DpkgControl& a, const DpkgControl& b) {
  if (a.m_package != b.m_package) return a.m_package < b.m_package;
  if (a.m_architecture == b.m_architecture) return false;
  // pkgbin_name_needs_arch(pnaw_nonambig): dpkg names an instance "name:arch" where the bare name
  // could mean another one.
  auto qualified = [](const DpkgControl& control) {
    return control.m_multi_arch_same || (control.m_architecture != control.m_native_architecture &&
                                         control.m_architecture != "all");
  };
  if (qualified(a) != qualified(b)) return !qualified(a);
  return a.m_architecture < b.m_architecture;
}

std::string DpkgControl::status_stanza(DpkgState state,
                                       const std::vector<DpkgConffile>& conffiles) const {
  std::string out;
  auto write_slots = [&](int first, int last) {
    for (int slot = first; slot <= last; ++slot) {
      if (m_known[slot].empty()) continue;
      out += k_slot_names[slot];
      out += ": ";
      out += m_known[slot];
      out += '\n';
    }
  };
  write_slots(k_package, k_protected);
  out += state == DpkgState::unpacked ? "Status: install ok unpacked\n"
                                      : "Status: install ok installed\n";
  write_slots(k_priority, k_enhances);
  if (!conffiles.empty()) {
    out += "Conffiles:\n";
    for (const DpkgConffile& conffile : conffiles) {
      out += ' ';
      out += conffile.path;
      out += ' ';
      out += conffile.hash;
      if (conffile.remove_on_upgrade) out += " remove-on-upgrade";
      out += '\n';
    }
  }
  write_slots(k_description, k_description);
  for (const Field& field : m_unknown) {
    out += field.name;
    out += ": ";
    out += field.value;
    out += '\n';
  }
  return out;
}

}  // namespace apt_ostree::compose
