// install, uninstall, override and reset: change the packages layered on (or removed from) the
// deployment's base commit (lib/deploy/package_layering.h).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
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
  bool all = false;  // override reset --all
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
        {"removed", result.removed},
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
  if (!result.removed.empty())
    summary += fmt::format("Removed from the base: {}\n", fmt::join(result.removed, ", "));
  summary += fmt::format("Deployed: {}{} ({} downloaded)", result.commit,
                         result.commit == result.base ? " (the base, nothing layered)" : "",
                         util::format_bytes(result.bytes_downloaded));
  report_change(context, options.client, summary);
}

// The command with its options; `packages`: it takes PACKAGE... too.
enum class Packages { required, optional, none };

std::pair<CLI::App*, std::shared_ptr<PackagesOptions>> add_command(
    CLI::App& app, Context& context, const char* name, const char* description,
    Packages packages = Packages::required) {
  auto options = std::make_shared<PackagesOptions>();
  CLI::App* command = app.add_subcommand(name, description);
  add_transaction_options(*command, options->client);
  add_layering_options(*command, options->client, context);
  if (packages != Packages::none) {
    CLI::Option* option = command->add_option("PACKAGE", options->packages, "Package names");
    if (packages == Packages::required) option->required();
  }
  return {command, options};
}

}  // namespace

void register_install(CLI::App& app, Context& context) {
  auto [command, options] = add_command(
      app, context, "install",
      "Layer packages or local .deb files (and what they need) on the base commit and deploy");
  command->callback([&context, options] {
    deploy::LayeredPackagesChange change;
    for (const std::string& package : options->packages) {
      // A path to a .deb file, as apt takes one ("./foo.deb"); otherwise a package name.
      if (package.ends_with(".deb") && std::filesystem::is_regular_file(package))
        change.install_local.push_back(std::filesystem::absolute(package));
      else
        change.install.push_back(package);
    }
    run_change(context, *options, change, "install");
  });
}

void register_uninstall(CLI::App& app, Context& context) {
  auto [command, options] = add_command(app, context, "uninstall",
                                        "Drop layered packages and deploy the base with the rest");
  command->callback([&context, options] {
    deploy::LayeredPackagesChange change;
    change.uninstall = options->packages;
    run_change(context, *options, change, "uninstall");
  });
}

void register_reset(CLI::App& app, Context& context) {
  auto [command, options] = add_command(
      app, context, "reset", "Drop every layered package and override: deploy the base",
      Packages::none);
  command->callback([&context, options] {
    deploy::LayeredPackagesChange change;
    change.reset = true;
    run_change(context, *options, change, "reset");
  });
}

void register_override(CLI::App& app, Context& context) {
  CLI::App* override_command =
      app.add_subcommand("override", "Change the base commit's packages: remove or restore them");
  override_command->require_subcommand(1);
  auto [remove, remove_options] =
      add_command(*override_command, context, "remove",
                  "Remove base packages (purged in a new deployment; what needs them must go too)");
  remove->callback([&context, options = remove_options] {
    deploy::LayeredPackagesChange change;
    change.remove_base = options->packages;
    run_change(context, *options, change, "override remove");
  });
  auto [replace, replace_options] =
      add_command(*override_command, context, "replace",
                  "Replace base packages by local .deb files of the same names");
  replace->callback([&context, options = replace_options] {
    deploy::LayeredPackagesChange change;
    for (const std::string& deb : options->packages) {
      if (!std::filesystem::is_regular_file(deb))
        throw Error(fmt::format("override replace takes .deb files; {} is not one", deb),
                    ExitCode::usage);
      change.replace_local.push_back(std::filesystem::absolute(deb));
    }
    run_change(context, *options, change, "override replace");
  });
  auto [reset, reset_options] = add_command(*override_command, context, "reset",
                                            "Restore removed or replaced base packages",
                                            Packages::optional);
  reset->add_flag("--all", reset_options->all, "Restore every removed or replaced base package");
  reset->callback([&context, options = reset_options] {
    if (options->packages.empty() == !options->all)
      throw Error("override reset needs PACKAGE... or --all (not both)", ExitCode::usage);
    deploy::LayeredPackagesChange change;
    change.restore_base = options->packages;
    change.restore_all = options->all;
    run_change(context, *options, change, "override reset");
  });
}

}  // namespace apt_ostree::cli
