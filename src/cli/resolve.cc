// resolve: what exactly would be installed, in install order, with why (lib/solve/resolver.h).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/plan.h"
#include "lib/solve/resolver.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct ResolveOptions {
  PlanOptions plan;
  std::string why;
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
  add_plan_options(*command, options->plan);
  command->add_option("--why", options->why, "Print the chain that pulls PKG in");
  command->callback([&context, options] {
    ResolvedPlan resolved = resolve_plan(context, options->plan);
    const repo::PackageIndex& index = *resolved.index;
    const solve::Plan& plan = resolved.plan;

    std::vector<std::string> chain;
    if (!options->why.empty()) {
      chain = solve::why(index, plan, options->why);
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
