// show: print package records as `apt-cache show` does (the full, translated description in place
// of the short one Packages carries), every version unless PKG=VERSION picks one.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/deb/control.h"
#include "lib/solve/problems.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

// Names of the packages that provide `name` (highest versions only, as search entries hold them).
std::vector<std::string> providers_of(const repo::PackageIndex& index, std::string_view name) {
  std::string wanted = util::to_lower(name);
  std::vector<std::string> providers;
  for (size_t entry = 0; entry < index.search_entry_count(); ++entry) {
    std::string_view names = index.search_text(entry, repo::SearchField::names);
    size_t start = names.find('\0');
    while (start != std::string_view::npos) {
      size_t end = names.find('\0', start + 1);
      if (names.substr(start + 1, end == std::string_view::npos ? end : end - start - 1) ==
          wanted) {
        providers.emplace_back(index.at(index.search_entry_record(entry)).name);
        break;
      }
      start = end;
    }
  }
  return providers;
}

// Records to print for one "PKG[=VERSION]" argument; unknown names and versions are usage errors.
std::vector<size_t> select_records(const repo::PackageIndex& index, std::string_view argument) {
  size_t equals = argument.find('=');
  std::string_view name = argument.substr(0, equals);
  auto [first, last] = index.equal_range(name);
  if (first == last) {
    std::vector<std::string> providers = providers_of(index, name);
    if (!providers.empty())
      throw Error(fmt::format("'{}' is a virtual package provided by {}; show one of those", name,
                              fmt::join(providers, ", ")),
                  ExitCode::usage);
    throw Error(solve::unknown_package_message(index, name), ExitCode::usage);
  }
  std::vector<size_t> records;
  std::vector<std::string_view> versions;
  for (size_t i = first; i < last; ++i) {
    std::string_view version = index.at(i).version;
    versions.push_back(version);
    if (equals == std::string_view::npos || version == argument.substr(equals + 1))
      records.push_back(i);
  }
  if (records.empty())
    throw Error(fmt::format("package {} has no version {}; available: {}", name,
                            argument.substr(equals + 1), fmt::join(versions, ", ")),
                ExitCode::usage);
  return records;
}

// Each record as an object of its fields in apt-cache show's order, values verbatim.
std::string format_json(const std::vector<std::string>& stanzas) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& text : stanzas) {
    deb::ControlParser parser(text, "show output");
    deb::ControlStanza stanza;
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    if (parser.next(stanza))
      for (const auto& field : stanza.fields) object[std::string(field.name)] = field.value;
    array.push_back(std::move(object));
  }
  return array.dump(2) + "\n";
}

}  // namespace

void register_show(CLI::App& app, Context& context) {
  auto packages = std::make_shared<std::vector<std::string>>();
  CLI::App* command =
      app.add_subcommand("show", "Print package records (like apt-cache show), all versions");
  add_repo_options(*command, context);
  command->add_option("PKG", *packages, "Package name, or NAME=VERSION for one version")
      ->required();
  command->callback([&context, packages] {
    repo::PackageIndex index = [&] {
      util::ScopedPhase phase(context.phases, "open-index");
      return context.open_index();
    }();
    std::vector<size_t> records;
    {
      util::ScopedPhase phase(context.phases, "search");
      for (const auto& argument : *packages) {
        std::vector<size_t> selected = select_records(index, argument);
        records.insert(records.end(), selected.begin(), selected.end());
      }
    }
    {
      util::ScopedPhase phase(context.phases, "print");
      std::vector<std::string> stanzas;
      for (size_t i : records) stanzas.push_back(repo::format_show_stanza(index.at(i)));
      std::string out;
      if (context.json)
        out = format_json(stanzas);
      else
        for (const auto& stanza : stanzas) out += stanza;
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
