// resolve: what exactly would be installed, in install order, with why (lib/solve/resolver.h).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "lib/solve/resolver.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct ResolveOptions {
  std::string variant = "none";
  bool no_recommends = false;
  std::vector<std::string> excludes;
  std::string why;
  std::vector<std::string> packages;
};

std::string format_table(const repo::PackageIndex& index, const solve::Plan& plan) {
  size_t name_width = 7, version_width = 7, arch_width = 4;
  for (const auto& entry : plan.packages) {
    repo::PackageRecord record = index.at(entry.index);
    name_width = std::max(name_width, record.name.size());
    version_width = std::max(version_width, record.version.size());
    arch_width = std::max(arch_width, record.architecture.size());
  }
  std::string out = fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>9}  {}\n", "package", name_width,
                                "version", version_width, "arch", arch_width, "size", "reason");
  for (const auto& entry : plan.packages) {
    repo::PackageRecord record = index.at(entry.index);
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>9}  {}\n", record.name, name_width,
                       record.version, version_width, record.architecture, arch_width,
                       util::format_bytes(record.size), entry.reason);
  }
  out += fmt::format("{} packages, {} to download, {} installed\n", plan.packages.size(),
                     util::format_bytes(plan.download_bytes),
                     util::format_bytes(plan.installed_kib * 1024));
  return out;
}

nlohmann::ordered_json plan_json(const repo::PackageIndex& index, const solve::Plan& plan) {
  nlohmann::ordered_json packages = nlohmann::ordered_json::array();
  for (const auto& entry : plan.packages) {
    repo::PackageRecord record = index.at(entry.index);
    nlohmann::ordered_json item{{"name", record.name},
                                {"version", record.version},
                                {"architecture", record.architecture},
                                {"size", record.size},
                                {"installed_size_kib", record.installed_size_kib},
                                {"filename", record.filename},
                                {"sha256", record.sha256},
                                {"reason", entry.reason}};
    if (entry.pulled_by) item["pulled_by"] = index.at(*entry.pulled_by).name;
    packages.push_back(std::move(item));
  }
  return {{"packages", std::move(packages)},
          {"totals",
           {{"packages", plan.packages.size()},
            {"download_bytes", plan.download_bytes},
            {"installed_kib", plan.installed_kib}}}};
}

}  // namespace

void register_resolve(CLI::App& app, Context& context) {
  auto options = std::make_shared<ResolveOptions>();
  CLI::App* command = app.add_subcommand(
      "resolve",
      "Show exactly what would be installed for a variant and packages, in install order");
  add_repo_options(*command, context);
  command
      ->add_option("--variant", options->variant,
                   "mmdebstrap package set: none, essential, apt, required, minbase, buildd, "
                   "important, standard")
      ->capture_default_str();
  command->add_flag("--no-recommends", options->no_recommends,
                    "Do not install the named packages' Recommends (variants never do)");
  // One value per --exclude (repeatable, or comma-separated) so that it does not swallow PKG.
  command
      ->add_option("--exclude", options->excludes,
                   "Never install PKG; an error if something needs it")
      ->allow_extra_args(false)
      ->delimiter(',');
  command->add_option("--why", options->why, "Print the chain that pulls PKG in");
  command->add_option("PKG", options->packages, "Package to install: NAME or NAME=VERSION");
  command->callback([&context, options] {
    std::optional<solve::Variant> variant = solve::parse_variant(options->variant);
    if (!variant)
      throw Error(fmt::format("unknown variant '{}'; use none, essential, apt, required, minbase, "
                              "buildd, important or standard",
                              options->variant),
                  ExitCode::usage);
    std::filesystem::path generation = context.current_generation();
    repo::PackageIndex index = [&] {
      util::ScopedPhase phase(context.phases, "load-index");
      return context.open_index();
    }();
    std::string architecture = context.repo_config().architecture;
    std::filesystem::path solv_cache = generation / "packages.solv";
    std::optional<solve::Resolver> resolver;
    {
      util::ScopedPhase phase(context.phases, "load-pool");
      // The Resolver rebuilds and rewrites a missing or stale cache itself.
      resolver.emplace(index, architecture, solv_cache);
    }
    solve::ResolveRequest request;
    request.variant = *variant;
    request.packages = options->packages;
    request.install_recommends = !options->no_recommends;
    request.excludes = options->excludes;
    request.release = context.release;
    solve::Plan plan = resolver->resolve(request, &context.phases);

    std::vector<std::string> chain;
    if (!options->why.empty()) {
      chain = resolver->why(plan, options->why);
      if (chain.empty())
        throw Error(
            fmt::format("'{}' is not part of this plan, so nothing pulls it in", options->why),
            ExitCode::usage);
    }
    std::string out;
    if (context.json) {
      nlohmann::ordered_json json = plan_json(index, plan);
      if (!chain.empty()) json["why"] = {{"package", options->why}, {"chain", chain}};
      out = json.dump(2) + "\n";
    } else if (!chain.empty()) {
      for (size_t i = 0; i < chain.size(); ++i)
        out += fmt::format("{:{}}{}\n", "", 2 * i, chain[i]);
    } else {
      out = format_table(index, plan);
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    context.report_phases();
  });
}

}  // namespace apt_ostree::cli
