#include "lib/compose/treefile.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "lib/compose/treefile_names.h"
#include "lib/compose/treefile_variables.h"
#include "lib/deb/version.h"
#include "lib/store/ref_name.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_single_stage_name = "main";

// Every variant, in the resolver's order, to list them and suggest one in errors.
constexpr std::array<solve::Variant, 8> k_variants = {
    solve::Variant::none,      solve::Variant::essential, solve::Variant::apt,
    solve::Variant::required,  solve::Variant::minbase,   solve::Variant::buildd,
    solve::Variant::important, solve::Variant::standard};

// Keys whose effect belongs to the stage that names them; a child does not see them.
constexpr std::array<std::string_view, 7> k_own_keys = {"debconf", "files", "run", "run-chroot",
                                                        "export",  "ref",   "from"};

// The part of a package request before "=version".
std::string_view package_name(std::string_view request) {
  return request.substr(0, request.find('='));
}

void check_release(const std::string& value, const Location& where) {
  bool valid = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == '+';
  });
  if (!valid)
    treefile_error(where, fmt::format("'{}' is not a release name (a codename such as bookworm or "
                                      "a suite such as stable)",
                                      value));
}

void check_architecture(const std::string& value, const Location& where) {
  if (!is_valid_architecture_name(value))
    treefile_error(where, fmt::format("'{}' is not a Debian architecture name (such as amd64, "
                                      "arm64 or armhf)",
                                      value));
}

void check_component(const std::string& value, const Location& where) {
  bool valid = std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == '+' || c == '/';
  });
  if (!valid)
    treefile_error(where, fmt::format("'{}' is not an archive component name (such as main or "
                                      "non-free-firmware)",
                                      value));
}

void check_mirror(const std::string& value, const Location& where) {
  // The schemes the fetcher speaks; anything else would only fail at download time.
  if (!value.starts_with("http://") && !value.starts_with("https://") &&
      !value.starts_with("file:/"))
    treefile_error(where,
                   fmt::format("mirror '{}' is not an http://, https:// or file:/ URI", value));
}

solve::Variant check_variant(const std::string& value, const Location& where) {
  if (auto variant = solve::parse_variant(value)) return *variant;
  std::vector<std::string> names;
  for (solve::Variant variant : k_variants) names.emplace_back(solve::to_string(variant));
  std::string message = fmt::format("variant '{}' is not one of {}", value, fmt::join(names, ", "));
  if (auto suggestion = closest_name(value, names))
    message += fmt::format(" (did you mean '{}'?)", *suggestion);
  treefile_error(where, message);
}

void check_package_request(const std::string& value, const Location& where, std::string_view key) {
  if (value.find(':') != std::string::npos && value.find('=') == std::string::npos)
    treefile_error(where, fmt::format("'{}' in '{}' names an architecture; a stage installs "
                                      "packages of its own architecture (or 'all') only, so write "
                                      "the bare name",
                                      value, key));
  std::string_view name = package_name(value);
  if (!is_valid_package_name(name))
    treefile_error(where, fmt::format("'{}' in '{}' is not a Debian package name (lowercase "
                                      "letters, digits, '+', '-' and '.', starting with a letter "
                                      "or digit)",
                                      name, key));
  if (name.size() == value.size()) return;
  if (key == "exclude-packages")
    treefile_error(where, fmt::format("'{}' in 'exclude-packages' has a version; name the package "
                                      "only",
                                      value));
  std::string_view version = std::string_view(value).substr(name.size() + 1);
  if (!deb::is_valid_version(version))
    treefile_error(where,
                   fmt::format("'{}' in '{}' has an invalid version '{}'", value, key, version));
}

void check_glob(const std::string& value, const Location& where, std::string_view key) {
  // dpkg matches the filters against absolute paths, so a relative pattern would never match.
  if (!value.starts_with("/"))
    treefile_error(where, fmt::format("'{}' in '{}' must be an absolute path pattern such as "
                                      "'/usr/share/doc/*'",
                                      value, key));
}

void check_unit(const std::string& value, const Location& where, std::string_view key) {
  if (!is_valid_unit_name(value))
    treefile_error(where, fmt::format("'{}' in '{}' is not a systemd unit name (such as "
                                      "ssh.service or getty@tty1.service)",
                                      value, key));
}

// Turns the merged raw treefile into stages, one at a time in build order.
class StageBuilder {
 public:
  StageBuilder(const RawTreefile& treefile, std::string_view default_architecture)
      : m_treefile(treefile),
        m_staged(treefile.stages_where.has_value()),
        m_default_architecture(default_architecture) {}

  Stage build(const std::string& name, const RawStage& raw, const Stage* parent) const;

  Variables early_variables(const std::string& name) const {
    return Variables(m_treefile.variables,
                     {{"stage", name}, {"arch", std::nullopt}, {"release", std::nullopt}});
  }

 private:
  // The stage's own value of a chain-wide key or, for a root stage, the top-level default.
  const Located<std::string>* written_scalar(const RawStage& raw, const Stage* parent,
                                             std::string_view key) const {
    if (const Located<std::string>* own = raw.scalar(key)) return own;
    return !parent && m_staged ? m_treefile.top.scalar(key) : nullptr;
  }
  const RawList* written_list(const RawStage& raw, const Stage* parent,
                              std::string_view key) const {
    if (const RawList* own = raw.list(key)) return own;
    return !parent && m_staged ? m_treefile.top.list(key) : nullptr;
  }

  // A chain-wide scalar: written (checked and normalised by `check`), else the parent's, else
  // `fallback`; nullopt fallback means the key is required.
  std::string chain_wide(
      Stage& stage, const RawStage& raw, const Stage* parent, std::string_view key,
      const Variables& variables, const std::string* parent_value,
      const std::function<std::string(const std::string&, const Location&)>& check,
      std::optional<std::string> fallback) const;
  std::vector<std::string> additive(
      Stage& stage, const RawStage& raw, std::string_view key,
      const std::vector<std::string>& inherited, const Variables& variables,
      const std::function<void(const std::string&, const Location&, std::string_view)>& check)
      const;
  std::optional<fs::path> own_path(Stage& stage, const RawStage& raw, std::string_view key,
                                   const Variables& variables) const;
  void check_requests(const Stage& stage) const;

  const RawTreefile& m_treefile;
  bool m_staged;
  std::string m_default_architecture;
};

[[noreturn]] void inherit_error(const Stage& stage, const Stage& parent, std::string_view key,
                                const std::string& value, const std::string& parent_value,
                                const Location& where) {
  treefile_error(where, fmt::format("stage '{}' sets {} '{}' but is built from '{}', whose {} is "
                                    "'{}'; a stage keeps its parent's {}",
                                    stage.name, key, value, parent.name, key, parent_value, key));
}

std::string StageBuilder::chain_wide(
    Stage& stage, const RawStage& raw, const Stage* parent, std::string_view key,
    const Variables& variables, const std::string* parent_value,
    const std::function<std::string(const std::string&, const Location&)>& check,
    std::optional<std::string> fallback) const {
  const Located<std::string>* text = written_scalar(raw, parent, key);
  if (!text) {
    if (parent_value) return *parent_value;
    if (!fallback)
      treefile_error(stage.where,
                     fmt::format("stage '{}' names no {}{}", stage.name, key,
                                 key == "release" ? "; add e.g. 'release: bookworm'" : ""));
    return *fallback;
  }
  std::string value = check(variables.expand(*text, key), text->where);
  if (parent && value != *parent_value)
    inherit_error(stage, *parent, key, value, *parent_value, text->where);
  stage.origins[{std::string(key), ""}] = text->where;
  return value;
}

std::vector<std::string> StageBuilder::additive(
    Stage& stage, const RawStage& raw, std::string_view key,
    const std::vector<std::string>& inherited, const Variables& variables,
    const std::function<void(const std::string&, const Location&, std::string_view)>& check) const {
  std::vector<std::string> values = inherited;
  const RawList* list = raw.list(key);
  if (!list) return values;
  std::set<std::string> seen(values.begin(), values.end());
  for (const Located<std::string>& item : list->items) {
    std::string value = variables.expand(item, key);
    check(value, item.where, key);
    // The first writer keeps the entry; a repeat (an included file and its includer listing the
    // same package) is not an error.
    if (!seen.insert(value).second) continue;
    values.push_back(value);
    stage.origins[{std::string(key), value}] = item.where;
  }
  return values;
}

std::optional<fs::path> StageBuilder::own_path(Stage& stage, const RawStage& raw,
                                               std::string_view key,
                                               const Variables& variables) const {
  const Located<std::string>* text = raw.scalar(key);
  if (!text) return std::nullopt;
  fs::path path(variables.expand(*text, key));
  // Relative to the treefile that names it, so an included recipe's files travel with it.
  if (path.is_relative()) path = fs::path(text->where.file).parent_path() / path;
  path = path.lexically_normal();
  bool directory = find_stage_key(key)->kind == KeyKind::directory;
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (!fs::exists(status))
    treefile_error(text->where,
                   fmt::format("key '{}' names '{}', which does not exist", key, path.string()));
  if (directory && !fs::is_directory(status))
    treefile_error(text->where, fmt::format("key '{}' names '{}', which is not a directory", key,
                                            path.string()));
  if (!directory && !fs::is_regular_file(status))
    treefile_error(text->where,
                   fmt::format("key '{}' names '{}', which is not a file", key, path.string()));
  stage.origins[{std::string(key), ""}] = text->where;
  return fs::absolute(path).lexically_normal();
}

void StageBuilder::check_requests(const Stage& stage) const {
  std::map<std::string_view, std::pair<std::string_view, std::string_view>> requested;
  for (std::string_view key : {"packages", "packages-no-recommends"}) {
    const auto& list = key == "packages" ? stage.packages : stage.packages_no_recommends;
    for (const std::string& request : list) {
      auto [previous, inserted] = requested.emplace(
          package_name(request), std::pair<std::string_view, std::string_view>(key, request));
      if (!inserted)
        treefile_error(
            stage.origin(key, request),
            fmt::format("stage '{}' requests package '{}' twice: '{}' in '{}' ({}) and "
                        "'{}' in '{}'",
                        stage.name, package_name(request), previous->second.second,
                        previous->second.first,
                        stage.origin(previous->second.first, previous->second.second).text(),
                        request, key));
    }
  }
  for (const std::string& excluded : stage.exclude_packages) {
    auto found = requested.find(excluded);
    if (found == requested.end()) continue;
    auto [key, request] = found->second;
    treefile_error(
        stage.origin(key, request),
        fmt::format("stage '{}' requests package '{}' in '{}', but 'exclude-packages' "
                    "({}) says it is never installed",
                    stage.name, excluded, key, stage.origin("exclude-packages", excluded).text()));
  }
}

Stage StageBuilder::build(const std::string& name, const RawStage& raw, const Stage* parent) const {
  Stage stage;
  stage.name = name;
  stage.where = raw.where;
  if (parent) {
    stage.from = parent->name;
    for (const auto& [key, where] : parent->origins)
      if (std::find(k_own_keys.begin(), k_own_keys.end(), key.first) == k_own_keys.end())
        stage.origins[key] = where;
  }
  if (const Located<std::string>* from = raw.scalar("from"))
    stage.origins[{"from", ""}] = from->where;

  // release and architecture first: the other keys may use ${release} and ${arch}.
  Variables early = early_variables(name);
  auto checked = [](void (*check)(const std::string&, const Location&)) {
    return [check](const std::string& value, const Location& where) {
      check(value, where);
      return value;
    };
  };
  stage.release =
      chain_wide(stage, raw, parent, "release", early, parent ? &parent->release : nullptr,
                 checked(check_release), std::nullopt);
  stage.architecture = chain_wide(
      stage, raw, parent, "architecture", early, parent ? &parent->architecture : nullptr,
      checked(check_architecture),
      m_default_architecture.empty() ? std::nullopt : std::optional(m_default_architecture));
  Variables variables(m_treefile.variables,
                      {{"stage", name}, {"arch", stage.architecture}, {"release", stage.release}});

  stage.mirror = chain_wide(stage, raw, parent, "mirror", variables,
                            parent ? &parent->mirror : nullptr, checked(check_mirror), "");
  std::string parent_variant = parent ? std::string(solve::to_string(parent->variant)) : "";
  stage.variant = *solve::parse_variant(chain_wide(
      stage, raw, parent, "variant", variables, parent ? &parent_variant : nullptr,
      [](const std::string& value, const Location& where) {
        return std::string(solve::to_string(check_variant(value, where)));
      },
      std::string(solve::to_string(k_default_variant))));

  if (const RawList* components = written_list(raw, parent, "components")) {
    std::vector<std::string> values;
    for (const Located<std::string>& item : components->items) {
      std::string value = variables.expand(item, "components");
      check_component(value, item.where);
      if (std::find(values.begin(), values.end(), value) != values.end()) continue;
      values.push_back(value);
      stage.origins[{"components", value}] = item.where;
    }
    if (values.empty()) treefile_error(components->where, "key 'components' lists no component");
    if (parent) {
      std::set<std::string> own(values.begin(), values.end());
      std::set<std::string> inherited(parent->components.begin(), parent->components.end());
      if (own != inherited)
        inherit_error(stage, *parent, "components", fmt::format("{}", fmt::join(values, " ")),
                      fmt::format("{}", fmt::join(parent->components, " ")), components->where);
    }
    stage.components = parent ? parent->components : values;
  } else {
    stage.components = parent ? parent->components : std::vector<std::string>{"main"};
  }

  auto list = [&](std::string_view key, const std::vector<std::string> Stage::*member,
                  const auto& check) {
    return additive(stage, raw, key, parent ? parent->*member : std::vector<std::string>{},
                    variables, check);
  };
  stage.packages = list("packages", &Stage::packages, check_package_request);
  stage.packages_no_recommends =
      list("packages-no-recommends", &Stage::packages_no_recommends, check_package_request);
  stage.exclude_packages =
      list("exclude-packages", &Stage::exclude_packages, check_package_request);
  stage.path_exclude = list("path-exclude", &Stage::path_exclude, check_glob);
  stage.path_include = list("path-include", &Stage::path_include, check_glob);
  stage.units = list("units", &Stage::units, check_unit);
  check_requests(stage);

  stage.debconf = own_path(stage, raw, "debconf", variables);
  stage.files = own_path(stage, raw, "files", variables);
  stage.run = own_path(stage, raw, "run", variables);
  stage.run_chroot = own_path(stage, raw, "run-chroot", variables);

  if (const Located<std::string>* hostname = raw.scalar("hostname")) {
    std::string value = variables.expand(*hostname, "hostname");
    if (!is_valid_hostname(value))
      treefile_error(hostname->where,
                     fmt::format("'{}' is not a valid host name (letters, digits and '-' in "
                                 "dot-separated labels, 64 characters at most)",
                                 value));
    stage.hostname = value;
    stage.origins[{"hostname", ""}] = hostname->where;
  } else if (parent) {
    stage.hostname = parent->hostname;
  }

  const Located<std::string>* exported = raw.scalar("export");
  stage.exported = !m_staged || (exported && exported->value == "true");
  if (const Located<std::string>* ref = raw.scalar("ref")) {
    if (!stage.exported)
      treefile_error(ref->where, fmt::format("stage '{}' sets 'ref' but is not exported; add "
                                             "'export: true'",
                                             name));
    stage.ref = variables.expand(*ref, "ref");
    if (!store::is_valid_ref(stage.ref))
      treefile_error(ref->where, fmt::format("'{}' is not a valid OSTree ref (names of letters, "
                                             "digits, '-', '.' and '_' separated by '/')",
                                             stage.ref));
    stage.origins[{"ref", ""}] = ref->where;
  } else if (stage.exported) {
    stage.ref = fmt::format("debian/{}/{}/{}", stage.release, stage.architecture, name);
    if (!store::is_valid_ref(stage.ref))
      treefile_error(stage.where, fmt::format("the default ref '{}' of stage '{}' is not a valid "
                                              "OSTree ref; set 'ref'",
                                              stage.ref, name));
  }
  return stage;
}

// The stages to build, by name, with their raw keys: one "main" stage made of the top level, or
// the `stages:` entries (whose top level may then only hold chain-wide defaults).
std::vector<std::pair<std::string, const RawStage*>> raw_stages(const RawTreefile& treefile) {
  if (!treefile.stages_where) return {{std::string(k_single_stage_name), &treefile.top}};
  auto misplaced = [](const std::string& key, const Location& where) {
    if (find_stage_key(key)->chain_wide) return;
    treefile_error(where, fmt::format("key '{}' belongs in a stage when the treefile has "
                                      "'stages:'; at the top level only release, architecture, "
                                      "components, mirror and variant are allowed, as defaults",
                                      key));
  };
  for (const auto& [key, value] : treefile.top.scalars) misplaced(key, value.where);
  for (const auto& [key, list] : treefile.top.lists) misplaced(key, list.where);
  if (treefile.stages.empty())
    treefile_error(*treefile.stages_where, "key 'stages' names no stage");
  std::vector<std::pair<std::string, const RawStage*>> stages;
  for (const auto& [name, stage] : treefile.stages) stages.emplace_back(name, &stage);
  return stages;
}

// Indexes of `stages` with every parent before its children, otherwise in definition order;
// `parents[i]` is the index of stage i's parent. A cycle is an error naming it.
std::vector<size_t> build_order(const std::vector<std::pair<std::string, const RawStage*>>& stages,
                                const std::vector<std::optional<size_t>>& parents) {
  std::vector<size_t> order;
  std::vector<bool> done(stages.size());
  for (size_t first = 0; first < stages.size(); ++first) {
    // Walk up to the first stage already placed (or a root), then place the walk top-down.
    std::vector<size_t> walk;
    for (std::optional<size_t> at = first; at && !done[*at]; at = parents[*at]) {
      if (auto seen = std::find(walk.begin(), walk.end(), *at); seen != walk.end()) {
        std::vector<std::string> cycle;
        for (auto it = seen; it != walk.end(); ++it) cycle.push_back(stages[*it].first);
        cycle.push_back(stages[*at].first);
        // Every stage of a cycle has a `from`; name the one that closes it.
        treefile_error(stages[walk.back()].second->scalar("from")->where,
                       fmt::format("stages are built from each other in a cycle: {}",
                                   fmt::join(cycle, " from ")));
      }
      walk.push_back(*at);
    }
    for (auto it = walk.rbegin(); it != walk.rend(); ++it) {
      done[*it] = true;
      order.push_back(*it);
    }
  }
  return order;
}

}  // namespace

Location Stage::origin(std::string_view key, std::string_view item) const {
  auto found = origins.find({std::string(key), std::string(item)});
  return found == origins.end() ? where : found->second;
}

std::string Stage::canonical() const {
  auto sorted = [](std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    return values;
  };
  // nlohmann::json objects are std::maps, so keys come out sorted.
  nlohmann::json definition = {
      {"release", release},
      {"architecture", architecture},
      {"components", sorted(components)},
      {"mirror", mirror},
      {"variant", solve::to_string(variant)},
      {"packages", sorted(packages)},
      {"packages-no-recommends", sorted(packages_no_recommends)},
      {"exclude-packages", sorted(exclude_packages)},
      {"path-exclude", sorted(path_exclude)},
      {"path-include", sorted(path_include)},
      {"hostname", hostname ? nlohmann::json(*hostname) : nlohmann::json()},
      {"units", sorted(units)},
  };
  return definition.dump();
}

std::vector<std::pair<std::string, fs::path>> Stage::inputs() const {
  std::vector<std::pair<std::string, fs::path>> paths;
  if (debconf) paths.emplace_back("debconf", *debconf);
  if (files) paths.emplace_back("files", *files);
  if (run) paths.emplace_back("run", *run);
  if (run_chroot) paths.emplace_back("run-chroot", *run_chroot);
  return paths;
}

const Stage* Recipe::find(std::string_view name) const {
  for (const Stage& stage : stages)
    if (stage.name == name) return &stage;
  return nullptr;
}

Recipe parse_treefile(const fs::path& path, std::string_view default_architecture) {
  RawTreefile treefile = load_treefile(path);
  std::vector<std::pair<std::string, const RawStage*>> stages = raw_stages(treefile);
  StageBuilder builder(treefile, default_architecture);

  std::vector<std::optional<size_t>> parents(stages.size());
  std::vector<std::string> names;
  for (const auto& [name, raw] : stages) names.push_back(name);
  for (size_t i = 0; i < stages.size(); ++i) {
    const Located<std::string>* from = stages[i].second->scalar("from");
    if (!from) continue;
    std::string parent = builder.early_variables(stages[i].first).expand(*from, "from");
    auto found = std::find(names.begin(), names.end(), parent);
    if (found == names.end()) {
      std::string message = fmt::format("stage '{}' is built from '{}', which is not a stage",
                                        stages[i].first, parent);
      if (auto suggestion = closest_name(parent, names))
        message += fmt::format(" (did you mean '{}'?)", *suggestion);
      treefile_error(from->where, message);
    }
    parents[i] = found - names.begin();
  }

  Recipe recipe;
  recipe.source = path;
  recipe.files = treefile.files;
  recipe.image = treefile.image;
  std::map<std::string, size_t> built;  // name -> index in recipe.stages
  for (size_t i : build_order(stages, parents)) {
    const Stage* parent =
        parents[i] ? &recipe.stages[built.at(stages[*parents[i]].first)] : nullptr;
    Stage stage = builder.build(stages[i].first, *stages[i].second, parent);
    built[stage.name] = recipe.stages.size();
    recipe.stages.push_back(std::move(stage));
  }

  std::map<std::string, const Stage*> refs;
  for (const Stage& stage : recipe.stages) {
    if (!stage.exported) continue;
    if (auto [other, inserted] = refs.emplace(stage.ref, &stage); !inserted)
      treefile_error(stage.origin("ref"), fmt::format("stages '{}' and '{}' both export ref '{}'",
                                                      other->second->name, stage.name, stage.ref));
  }
  if (refs.empty())
    treefile_error(*treefile.stages_where,
                   "no stage is exported; mark the stages to build with "
                   "'export: true'");
  return recipe;
}

}  // namespace apt_ostree::compose
