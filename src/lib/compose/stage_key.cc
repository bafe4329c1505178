#include "lib/compose/stage_key.h"

#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "lib/util/strings.h"

namespace apt_ostree::compose {

namespace fs = std::filesystem;

namespace {

// "TYPE MODE UID:GID CONTENT" for one file or directory: CONTENT is a regular file's SHA256 or a
// symlink's target.
std::string describe_entry(const fs::path& path) {
  struct stat status = util::lstat_or_fail(path);
  std::string content;
  char type = '?';
  if (S_ISREG(status.st_mode)) {
    type = 'f';
    content = util::digest_file(util::DigestKind::sha256, path);
  } else if (S_ISLNK(status.st_mode)) {
    type = 'l';
    content = fs::read_symlink(path).string();
  } else if (S_ISDIR(status.st_mode)) {
    type = 'd';
  }
  return fmt::format("{} {:04o} {}:{} {}", type, status.st_mode & 07777, status.st_uid,
                     status.st_gid, content);
}

void describe_input(const std::string& key, const fs::path& path,
                    std::map<std::string, std::string>& inputs) {
  std::error_code error;
  if (!fs::is_directory(fs::symlink_status(path, error))) {
    inputs[key] = describe_entry(path);
    return;
  }
  inputs[key] = describe_entry(path);
  for (auto it = fs::recursive_directory_iterator(path); it != fs::recursive_directory_iterator();
       ++it)
    inputs[key + "/" + fs::relative(it->path(), path).string()] = describe_entry(it->path());
}

nlohmann::json definition_json(const std::string& definition) {
  nlohmann::json parsed = nlohmann::json::parse(definition, nullptr, false);
  return parsed.is_object() ? parsed : nlohmann::json::object();
}

std::string short_key(const std::string& key) { return key.empty() ? "none" : key.substr(0, 12); }

// "definition: KEY ..." lines for the keys whose values differ.
void explain_definition(const std::string& before, const std::string& now,
                        std::vector<std::string>& lines) {
  nlohmann::json old_values = definition_json(before);
  nlohmann::json new_values = definition_json(now);
  std::vector<std::string> keys;
  for (const auto& [key, value] : old_values.items()) keys.push_back(key);
  for (const auto& [key, value] : new_values.items()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const std::string& key : keys) {
    nlohmann::json old_value = old_values.value(key, nlohmann::json());
    nlohmann::json new_value = new_values.value(key, nlohmann::json());
    if (old_value == new_value) continue;
    if (old_value.is_array() && new_value.is_array()) {
      std::vector<std::string> added;
      std::vector<std::string> removed;
      for (const auto& item : new_value)
        if (std::find(old_value.begin(), old_value.end(), item) == old_value.end())
          added.push_back(item.is_string() ? item.get<std::string>() : item.dump());
      for (const auto& item : old_value)
        if (std::find(new_value.begin(), new_value.end(), item) == new_value.end())
          removed.push_back(item.is_string() ? item.get<std::string>() : item.dump());
      std::string line = "definition: " + key;
      if (!added.empty()) line += " + " + fmt::format("{}", fmt::join(added, ", "));
      if (!removed.empty()) line += " - " + fmt::format("{}", fmt::join(removed, ", "));
      lines.push_back(line);
    } else {
      lines.push_back(fmt::format("definition: {} {} -> {}", key, old_value.dump(), new_value.dump()));
    }
  }
}

struct PackageLine {
  std::string version;
  std::string sha256;
};

// "name architecture" -> version and .deb hash, from "name version architecture sha256" lines.
std::map<std::string, PackageLine> packages_by_name(const std::vector<std::string>& lines) {
  std::map<std::string, PackageLine> packages;
  for (const std::string& line : lines) {
    std::vector<std::string_view> fields = util::split_whitespace(line);
    if (fields.size() != 4) continue;
    packages[fmt::format("{}:{}", fields[0], fields[2])] = {std::string(fields[1]),
                                                            std::string(fields[3])};
  }
  return packages;
}

void explain_packages(const std::vector<std::string>& before, const std::vector<std::string>& now,
                      std::vector<std::string>& lines) {
  std::map<std::string, PackageLine> old_packages = packages_by_name(before);
  std::map<std::string, PackageLine> new_packages = packages_by_name(now);
  for (const auto& [name, line] : new_packages) {
    auto old = old_packages.find(name);
    if (old == old_packages.end())
      lines.push_back(fmt::format("package {} {} added", name, line.version));
    else if (old->second.version != line.version)
      lines.push_back(fmt::format("package {}: {} -> {}", name, old->second.version, line.version));
    else if (old->second.sha256 != line.sha256)
      lines.push_back(fmt::format("package {} {}: a different .deb of the same version", name,
                                  line.version));
  }
  for (const auto& [name, line] : old_packages)
    if (!new_packages.contains(name))
      lines.push_back(fmt::format("package {} {} removed", name, line.version));
  if (lines.empty() && before != now) lines.push_back("packages: the install order changed");
}

void explain_inputs(const std::map<std::string, std::string>& before,
                    const std::map<std::string, std::string>& now,
                    std::vector<std::string>& lines) {
  for (const auto& [key, value] : now) {
    auto old = before.find(key);
    if (old == before.end())
      lines.push_back(fmt::format("input {} added", key));
    else if (old->second != value)
      lines.push_back(fmt::format("input {} changed", key));
  }
  for (const auto& [key, value] : before)
    if (!now.contains(key)) lines.push_back(fmt::format("input {} removed", key));
}

}  // namespace

StageManifest describe_stage(const Stage& stage, const std::string& parent_key,
                             std::vector<std::string> packages) {
  StageManifest manifest;
  manifest.architecture = stage.architecture;
  manifest.definition = stage.canonical();
  for (const auto& [key, path] : stage.inputs()) describe_input(key, path, manifest.inputs);
  manifest.parent = parent_key;
  manifest.packages = std::move(packages);
  return manifest;
}

std::string manifest_json(const StageManifest& manifest) {
  nlohmann::json json = {{"format", manifest.format},
                         {"architecture", manifest.architecture},
                         {"definition", definition_json(manifest.definition)},
                         {"inputs", manifest.inputs},
                         {"parent", manifest.parent},
                         {"packages", manifest.packages}};
  return json.dump(1) + "\n";
}

StageManifest parse_manifest(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("format") || !json.contains("packages"))
    fail("not a stage manifest: {}", text.substr(0, 80));
  try {
    StageManifest manifest;
    manifest.format = json.at("format").get<int>();
    manifest.architecture = json.at("architecture").get<std::string>();
    manifest.definition = json.at("definition").dump();
    manifest.inputs = json.at("inputs").get<std::map<std::string, std::string>>();
    manifest.parent = json.at("parent").get<std::string>();
    manifest.packages = json.at("packages").get<std::vector<std::string>>();
    return manifest;
  } catch (const nlohmann::json::exception& error) {
    fail("not a stage manifest: {}", error.what());
  }
}

std::string stage_key(const StageManifest& manifest) {
  return util::sha256_hex(manifest_json(manifest));
}

std::vector<std::string> explain_changes(const StageManifest& before, const StageManifest& now) {
  std::vector<std::string> lines;
  if (before.format != now.format)
    lines.push_back(fmt::format("the engine's stage format changed ({} -> {})", before.format,
                                now.format));
  if (before.architecture != now.architecture)
    lines.push_back(fmt::format("architecture {} -> {}", before.architecture, now.architecture));
  explain_definition(before.definition, now.definition, lines);
  explain_inputs(before.inputs, now.inputs, lines);
  if (before.parent != now.parent)
    lines.push_back(fmt::format("the parent stage changed ({} -> {})", short_key(before.parent),
                                short_key(now.parent)));
  std::vector<std::string> package_lines;
  explain_packages(before.packages, now.packages, package_lines);
  lines.insert(lines.end(), package_lines.begin(), package_lines.end());
  return lines;
}

}  // namespace apt_ostree::compose
