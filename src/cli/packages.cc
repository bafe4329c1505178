// install, uninstall and reset: change the packages layered on the deployment's base commit
// (lib/deploy/package_layering.h).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cli/client.h"
#include "cli/commands.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct PackagesOptions {
  ClientOptions client;
  std::vector<std::string> packages;
};

void run_change(Context& context, const PackagesOptions& options,
                const deploy::LayeredPackagesChange& change, const char* command) {
  if (::geteuid() != 0)
    fail("{} needs root: it runs the packages' maintainer scripts in a chroot of the new tree",
         command);
  deploy::Transaction transaction = open_transaction(options.client, context);
  deploy::LayeringResult result =
      deploy::change_packages(transaction, change, layering_settings(options.client, context));
  if (context.json) {
    nlohmann::ordered_json added = nlohmann::ordered_json::array();
    for (const compose::InstalledPackage& package : result.added)
      added.push_back({{"name", package.name},
                       {"version", package.version},
                       {"architecture", package.architecture}});
    nlohmann::ordered_json json{
        {"base", result.base},
        {"commit", result.commit},
        {"added", added},
        {"bytes_downloaded", result.bytes_downloaded},
        {"deployment", fmt::format("{}.{}", result.deployed.checksum, result.deployed.serial)}};
    std::fputs((json.dump(2) + "\n").c_str(), stdout);
    context.report_phases();
    return;
  }
  std::string summary;
  for (const compose::InstalledPackage& package : result.added)
    summary += fmt::format("  {}:{} {}\n", package.name, package.architecture, package.version);
  if (!summary.empty()) summary = "Layered on the base:\n" + summary;
  summary += fmt::format("Deployed: {}{} ({} downloaded)", result.commit,
                         result.commit == result.base ? " (the base, nothing layered)" : "",
                         util::format_bytes(result.bytes_downloaded));
  report_change(context, options.client, summary);
}

// The command with its options; `packages`: it takes PACKAGE... too.
std::pair<CLI::App*, std::shared_ptr<PackagesOptions>> add_command(CLI::App& app,
                                                                   Context& context,
                                                                   const char* name,
                                                                   const char* description,
                                                                   bool packages = true) {
  auto options = std::make_shared<PackagesOptions>();
  CLI::App* command = app.add_subcommand(name, description);
  add_transaction_options(*command, options->client);
  add_layering_options(*command, options->client, context);
  if (packages) command->add_option("PACKAGE", options->packages, "Package names")->required();
  return {command, options};
}

}  // namespace

void register_install(CLI::App& app, Context& context) {
  auto [command, options] = add_command(
      app, context, "install", "Layer packages (and what they need) on the base commit and deploy");
  command->callback([&context, options] {
    run_change(context, *options, {options->packages, {}, false}, "install");
  });
}

void register_uninstall(CLI::App& app, Context& context) {
  auto [command, options] = add_command(app, context, "uninstall",
                                        "Drop layered packages and deploy the base with the rest");
  command->callback([&context, options] {
    run_change(context, *options, {{}, options->packages, false}, "uninstall");
  });
}

void register_reset(CLI::App& app, Context& context) {
  auto [command, options] = add_command(
      app, context, "reset", "Drop every layered package and override: deploy the base", false);
  command->callback([&context, options] { run_change(context, *options, {{}, {}, true}, "reset"); });
}

}  // namespace apt_ostree::cli
