// search: apt-cache search over the cached package index (matching rules in lib/repo/search.h).
#include "lib/repo/search.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"

namespace apt_ostree::cli {

namespace {

struct SearchOptions {
  std::vector<std::string> terms;
  bool names_only = false;
  bool full = false;
};

std::string format_results(const repo::PackageIndex& index, const std::vector<size_t>& records,
                           const SearchOptions& options, bool json) {
  if (json) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (size_t i : records) {
      repo::PackageRecord record = index.at(i);
      array.push_back({{"name", record.name},
                       {"version", record.version},
                       {"architecture", record.architecture},
                       {"description", record.description}});
    }
    return array.dump(2) + "\n";
  }
  std::string out;
  for (size_t i : records) {
    repo::PackageRecord record = index.at(i);
    if (options.full)
      out += repo::format_show_stanza(record);
    else
      out.append(record.name).append(" - ").append(record.description).append("\n");
  }
  return out;
}

}  // namespace

void register_search(CLI::App& app, Context& context) {
  auto options = std::make_shared<SearchOptions>();
  CLI::App* command = app.add_subcommand(
      "search",
      "List packages whose name or description matches every TERM (like apt-cache search)");
  add_repo_options(*command, context);
  command
      ->add_option("TERM", options->terms,
                   "POSIX extended regular expression, matched case-insensitively")
      ->required();
  command->add_flag("--names-only", options->names_only,
                    "Match package names and the names they provide, not descriptions");
  command->add_flag("--full", options->full, "Print each match's whole record, as show does");
  command->callback([&context, options] {
    repo::PackageIndex index = [&] {
      util::ScopedPhase phase(context.phases, "open-index");
      return context.open_index();
    }();
    std::vector<size_t> records;
    {
      util::ScopedPhase phase(context.phases, "search");
      records = repo::search_packages(index, options->terms, options->names_only);
    }
    {
      util::ScopedPhase phase(context.phases, "print");
      std::string out = format_results(index, records, *options, context.json);
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
