// upgrade, deploy REV and rebase REFSPEC: a new base commit for the deployment
// (lib/deploy/base_update.h).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/client.h"
#include "cli/commands.h"
#include "lib/deploy/base_update.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct BaseOptions {
  ClientOptions client;
  bool check = false;
  bool preview = false;
  bool allow_downgrade = false;
  std::string refspec;  // rebase
  std::string rev;      // deploy, rebase
};

std::string pull_summary(const store::PullResult& pull) {
  if (pull.commit.empty()) return "from the local repository";
  return fmt::format("{} fetched ({} objects, {} static delta parts)",
                     util::format_bytes(pull.bytes_transferred), pull.objects_fetched,
                     pull.delta_parts_fetched);
}

nlohmann::ordered_json update_json(const deploy::BaseUpdate& update) {
  nlohmann::ordered_json json{{"from", update.from},
                              {"to", update.to},
                              {"changed", update.changed},
                              {"bytes_transferred", update.pull.bytes_transferred},
                              {"objects_fetched", update.pull.objects_fetched},
                              {"delta_parts_fetched", update.pull.delta_parts_fetched}};
  if (update.packages) json["packages"] = deploy::package_diff_json(*update.packages);
  json["inactive-requests"] = update.inactive;
  if (update.deployed)
    json["deployment"] = fmt::format("{}.{}", update.deployed->checksum, update.deployed->serial);
  return json;
}

// Runs the update and prints what happened, as rpm-ostree does: the new base, the package
// changes, the reboot reminder. `upgrade --check` with nothing new exits 77.
void run_update(Context& context, const BaseOptions& options, deploy::BaseUpdateOptions update_options) {
  if (options.preview) update_options.mode = deploy::BaseUpdateMode::preview;
  else if (options.check) update_options.mode = deploy::BaseUpdateMode::check;
  update_options.allow_downgrade = options.allow_downgrade;
  update_options.layering = layering_settings(options.client, context);
  deploy::Transaction transaction = open_transaction(options.client, context);
  deploy::BaseUpdate update = deploy::update_base(transaction, update_options);
  if (context.json) {
    std::fputs((update_json(update).dump(2) + "\n").c_str(), stdout);
  } else if (!context.quiet) {
    if (!update.changed) {
      std::printf("No update available: %s is deployed.\n", update.to.c_str());
    } else {
      std::printf("%s: %s\n", update.deployed ? "Deployed" : "Available", update.to.c_str());
      std::printf("Fetched: %s\n", pull_summary(update.pull).c_str());
      if (update.packages && (options.preview || update.deployed))
        std::fputs(deploy::format_package_diff(*update.packages).c_str(), stdout);
      if (!update.inactive.empty())
        std::printf("Inactive requests (the new base has them): %s\n",
                    fmt::format("{}", fmt::join(update.inactive, ", ")).c_str());
      if (update.deployed && options.client.sysroot == "/")
        std::printf("Run \"systemctl reboot\" to start a reboot.\n");
    }
  }
  context.report_phases();
  if (!update.changed && update_options.mode != deploy::BaseUpdateMode::deploy)
    throw Error("", ExitCode::no_update);
}

void add_check_options(CLI::App& command, BaseOptions& options) {
  command.add_flag("--check", options.check, "Only say whether an update exists (exit 77 if not)");
  command.add_flag("--preview", options.preview,
                   "Say whether an update exists and list its package changes");
}

}  // namespace

void register_upgrade(CLI::App& app, Context& context) {
  auto options = std::make_shared<BaseOptions>();
  CLI::App* command = app.add_subcommand(
      "upgrade", "Pull the newest commit of the origin's ref and deploy it");
  add_transaction_options(*command, options->client);
  add_layering_options(*command, options->client, context);
  add_check_options(*command, *options);
  command->add_flag("--allow-downgrade", options->allow_downgrade,
                    "Deploy the ref's commit even if it is older than the deployed one");
  command->callback([&context, options] {
    run_update(context, *options, {{"", std::nullopt}});
  });
}

void register_deploy(CLI::App& app, Context& context) {
  auto options = std::make_shared<BaseOptions>();
  CLI::App* command = app.add_subcommand(
      "deploy", "Deploy a given commit of the origin's ref (pulled if needed)");
  add_transaction_options(*command, options->client);
  add_layering_options(*command, options->client, context);
  add_check_options(*command, *options);
  command->add_option("REV", options->rev, "The commit's checksum, or version=VERSION")
      ->required();
  command->callback([&context, options] {
    run_update(context, *options, {{"", options->rev}});
  });
}

void register_rebase(CLI::App& app, Context& context) {
  auto options = std::make_shared<BaseOptions>();
  CLI::App* command = app.add_subcommand(
      "rebase", "Follow another ref (REMOTE:REF, or a local REF) and deploy its newest commit");
  add_transaction_options(*command, options->client);
  add_layering_options(*command, options->client, context);
  add_check_options(*command, *options);
  command->add_option("REFSPEC", options->refspec, "REMOTE:REF or REF")->required();
  command->add_option("REV", options->rev, "A commit of that ref instead of its newest");
  command->callback([&context, options] {
    std::optional<std::string> rev;
    if (!options->rev.empty()) rev = options->rev;
    run_update(context, *options, {{options->refspec, rev}});
  });
}

}  // namespace apt_ostree::cli
