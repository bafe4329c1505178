#include "lib/compose/treefile_document.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <functional>

#include "lib/compose/treefile_image.h"
#include "lib/compose/treefile_names.h"
#include "lib/compose/treefile_yaml.h"
#include "lib/compose/treefile_variables.h"
#include "lib/util/error.h"
#include "lib/util/fs.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

constexpr std::array<KeySpec, 19> k_stage_keys = {{
    {"release", KeyKind::string, true},
    {"architecture", KeyKind::string, true},
    {"components", KeyKind::list, true},
    {"mirror", KeyKind::string, true},
    {"variant", KeyKind::string, true},
    {"packages", KeyKind::list},
    {"packages-no-recommends", KeyKind::list},
    {"exclude-packages", KeyKind::list},
    {"path-exclude", KeyKind::list},
    {"path-include", KeyKind::list},
    {"debconf", KeyKind::file},
    {"files", KeyKind::directory},
    {"run", KeyKind::file},
    {"run-chroot", KeyKind::file},
    {"hostname", KeyKind::string},
    {"units", KeyKind::list},
    {"ref", KeyKind::string},
    {"from", KeyKind::string, false, true},
    {"export", KeyKind::boolean, false, true},
}};

// Keys that only the top level of a treefile carries.
constexpr std::array<std::string_view, 4> k_top_only_keys = {"include", "variables", "stages",
                                                          "image"};

bool is_top_only_key(std::string_view key) {
  return std::find(k_top_only_keys.begin(), k_top_only_keys.end(), key) != k_top_only_keys.end();
}

RawList read_list(const YAML::Node& value, const Location& where, std::string_view key) {
  RawList list{where, {}};
  // A list whose items are all commented out reads as null: an empty list, not an error.
  if (value.IsNull()) return list;
  if (!value.IsSequence())
    treefile_error(where, fmt::format("key '{}' must be a list, not {}; write '{}: [item, ...]' or "
                                      "one '- item' per line",
                                      key, node_kind(value), key));
  for (const YAML::Node& item : value) {
    Location at = location_of(item, where);
    if (!item.IsScalar())
      treefile_error(at, fmt::format("key '{}' must list single values, not {}", key,
                                     item.IsNull() ? "an empty item" : node_kind(item)));
    if (item.Scalar().empty()) treefile_error(at, fmt::format("key '{}' lists an empty item", key));
    list.items.push_back({item.Scalar(), at});
  }
  return list;
}

void read_stage_key(RawStage& stage, const std::string& key, const Location& where,
                    const YAML::Node& value, bool in_stage) {
  const KeySpec* spec = find_stage_key(key);
  if (!spec) {
    if (in_stage && is_top_only_key(key))
      treefile_error(where, fmt::format("key '{}' belongs at the top level of a treefile, not in "
                                        "a stage",
                                        key));
    std::vector<std::string> candidates = stage_key_names();
    if (!in_stage)
      candidates.insert(candidates.end(), k_top_only_keys.begin(), k_top_only_keys.end());
    std::string message =
        fmt::format("key '{}' is not a {} key", key, in_stage ? "stage" : "treefile");
    if (auto suggestion = closest_name(key, candidates))
      message += fmt::format(" (did you mean '{}'?)", *suggestion);
    treefile_error(where, message);
  }
  if (spec->stage_only && !in_stage)
    treefile_error(where, fmt::format("key '{}' belongs in a stage under 'stages:'", key));
  if (spec->kind == KeyKind::list) {
    stage.lists[key] = read_list(value, where, key);
    return;
  }
  Located<std::string> scalar = read_scalar(value, where, key);
  if (spec->kind == KeyKind::boolean && scalar.value != "true" && scalar.value != "false")
    treefile_error(where,
                   fmt::format("key '{}' must be true or false, not '{}'", key, scalar.value));
  stage.scalars[key] = std::move(scalar);
}

void read_stage(RawStage& stage, const YAML::Node& mapping, const std::string& file,
                bool in_stage) {
  for_each_entry(mapping, file, "key",
                 [&](const std::string& key, const Location& where, const YAML::Node& value) {
                   read_stage_key(stage, key, where, value, in_stage);
                 });
}

void read_variables(RawTreefile& treefile, const YAML::Node& value, const Location& where) {
  if (value.IsNull()) return;
  if (!value.IsMap())
    treefile_error(
        where, fmt::format("key 'variables' must map names to values, not {}", node_kind(value)));
  for_each_entry(
      value, where.file, "variable",
      [&](const std::string& name, const Location& at, const YAML::Node& text) {
        if (is_builtin_variable(name))
          treefile_error(at,
                         fmt::format("variable '{}' is built in and cannot be redefined", name));
        if (!is_valid_variable_name(name))
          treefile_error(at, fmt::format("'{}' is not a variable name (letters, digits and '_', "
                                         "not starting with a digit)",
                                         name));
        if (text.IsNull())
          treefile_error(
              at, fmt::format("variable '{}' has no value; write '' for an empty one", name));
        if (!text.IsScalar())
          treefile_error(at, fmt::format("variable '{}' must be a single value, not {}", name,
                                         node_kind(text)));
        treefile.variables[name] = {text.Scalar(), at};
      });
}

void read_stages(RawTreefile& treefile, const YAML::Node& value, const Location& where) {
  if (!value.IsMap())
    treefile_error(where, fmt::format("key 'stages' must map stage names to stage keys, not {}",
                                      node_kind(value)));
  treefile.stages_where = where;
  for_each_entry(value, where.file, "stage",
                 [&](const std::string& name, const Location& at, const YAML::Node& keys) {
                   if (!is_valid_stage_name(name))
                     treefile_error(at, fmt::format("'{}' is not a stage name (a letter or digit, "
                                                    "then letters, digits, '.', '_' and '-')",
                                                    name));
                   if (!keys.IsNull() && !keys.IsMap())
                     treefile_error(at, fmt::format("stage '{}' must be a mapping of stage keys, "
                                                    "not {}",
                                                    name, node_kind(keys)));
                   RawStage stage;
                   stage.where = at;
                   if (keys.IsMap()) read_stage(stage, keys, where.file, true);
                   treefile.stages.emplace_back(name, std::move(stage));
                 });
}

std::vector<Located<fs::path>> read_includes(const YAML::Node& value, const Location& where,
                                             const fs::path& directory) {
  std::vector<Located<fs::path>> includes;
  auto add = [&](const Located<std::string>& item) {
    fs::path path(item.value);
    includes.push_back({path.is_absolute() ? path : directory / path, item.where});
  };
  if (value.IsScalar() && !value.Scalar().empty()) {
    add({value.Scalar(), where});
  } else if (value.IsSequence()) {
    for (const Located<std::string>& item : read_list(value, where, "include").items) add(item);
  } else {
    treefile_error(
        where,
        fmt::format("key 'include' must name a treefile or list treefiles, not {}",
                    value.IsScalar() || value.IsNull() ? "an empty value" : node_kind(value)));
  }
  return includes;
}

void merge_stage(RawStage& into, RawStage&& over) {
  into.where = over.where;
  for (auto& [key, value] : over.scalars) into.scalars[key] = std::move(value);
  for (auto& [key, list] : over.lists) {
    RawList& target = into.lists[key];
    target.where = list.where;
    for (auto& item : list.items) target.items.push_back(std::move(item));
  }
}

void merge(RawTreefile& into, RawTreefile&& over) {
  for (fs::path& file : over.files)
    if (std::find(into.files.begin(), into.files.end(), file) == into.files.end())
      into.files.push_back(std::move(file));
  for (auto& [name, value] : over.variables) into.variables[name] = std::move(value);
  // The file merged last is the including one, so the top level ends up named after the root.
  merge_stage(into.top, std::move(over.top));
  if (over.stages_where) into.stages_where = over.stages_where;
  if (over.image) into.image = std::move(over.image);  // the including file's replaces
  for (auto& [name, stage] : over.stages) {
    auto existing = std::find_if(into.stages.begin(), into.stages.end(),
                                 [&](const auto& entry) { return entry.first == name; });
    if (existing == into.stages.end())
      into.stages.emplace_back(name, std::move(stage));
    else
      merge_stage(existing->second, std::move(stage));
  }
}

class Loader {
 public:
  RawTreefile load(const fs::path& path, const Location* included_from);

 private:
  RawTreefile read_one(const fs::path& path, const std::string& name,
                       std::vector<Located<fs::path>>& includes);

  // The include chain being read, to name a cycle.
  std::vector<fs::path> m_stack;
  std::vector<std::string> m_stack_names;
};

RawTreefile Loader::load(const fs::path& path, const Location* included_from) {
  std::string name = path.lexically_normal().string();
  auto missing = [&](std::string_view what) {
    if (included_from)
      treefile_error(*included_from, fmt::format("included treefile '{}' {}", name, what));
    treefile_error({name, 0}, fmt::format("the treefile {}", what));
  };
  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) missing("does not exist");
  if (!fs::is_regular_file(status)) missing("is not a file");

  fs::path canonical = fs::weakly_canonical(path);
  if (auto found = std::find(m_stack.begin(), m_stack.end(), canonical); found != m_stack.end()) {
    std::vector<std::string> chain(m_stack_names.begin() + (found - m_stack.begin()),
                                   m_stack_names.end());
    chain.push_back(name);
    treefile_error(*included_from, fmt::format("include cycle: {}", fmt::join(chain, " -> ")));
  }
  m_stack.push_back(canonical);
  m_stack_names.push_back(name);

  std::vector<Located<fs::path>> includes;
  RawTreefile own = read_one(path, name, includes);
  RawTreefile merged;
  for (const Located<fs::path>& include : includes)
    merge(merged, load(include.value, &include.where));
  merge(merged, std::move(own));

  m_stack.pop_back();
  m_stack_names.pop_back();
  return merged;
}

RawTreefile Loader::read_one(const fs::path& path, const std::string& name,
                             std::vector<Located<fs::path>>& includes) {
  std::string text = util::read_file(path);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    treefile_error({name, e.mark.is_null() ? 0 : e.mark.line + 1},
                   fmt::format("invalid YAML: {}", e.msg));
  }
  if (documents.empty() || documents.front().IsNull())
    treefile_error({name, 0}, "the treefile is empty");
  if (documents.size() > 1)
    treefile_error(location_of(documents[1], {name, 0}),
                   "a second YAML document starts here; a treefile is one document");
  const YAML::Node& root = documents.front();
  if (!root.IsMap())
    treefile_error(location_of(root, {name, 1}),
                   fmt::format("a treefile is a mapping of keys, not {}", node_kind(root)));

  RawTreefile treefile;
  treefile.files.push_back(fs::absolute(path).lexically_normal());
  treefile.top.where = {name, 0};
  fs::path directory = fs::path(name).parent_path();
  for_each_entry(root, name, "key",
                 [&](const std::string& key, const Location& where, const YAML::Node& value) {
                   if (key == "include")
                     includes = read_includes(value, where, directory);
                   else if (key == "variables")
                     read_variables(treefile, value, where);
                   else if (key == "stages")
                     read_stages(treefile, value, where);
                   else if (key == "image")
                     treefile.image = read_image(value, where);
                   else
                     read_stage_key(treefile.top, key, where, value, false);
                 });
  return treefile;
}

}  // namespace

std::string Location::text() const {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

void treefile_error(const Location& where, std::string_view message) {
  throw Error(fmt::format("{}: {}", where.text(), message), ExitCode::usage);
}

const KeySpec* find_stage_key(std::string_view name) {
  for (const KeySpec& spec : k_stage_keys)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::vector<std::string> stage_key_names() {
  std::vector<std::string> names;
  for (const KeySpec& spec : k_stage_keys) names.emplace_back(spec.name);
  return names;
}

const Located<std::string>* RawStage::scalar(std::string_view key) const {
  auto found = scalars.find(std::string(key));
  return found == scalars.end() ? nullptr : &found->second;
}

const RawList* RawStage::list(std::string_view key) const {
  auto found = lists.find(std::string(key));
  return found == lists.end() ? nullptr : &found->second;
}

RawTreefile load_treefile(const fs::path& path) {
  return Loader().load(path, nullptr);
}

}  // namespace apt_ostree::compose
