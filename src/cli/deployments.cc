// rollback and cleanup: reorder or drop deployments (lib/deploy/deployment_order.h).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/client.h"
#include "cli/commands.h"
#include "lib/deploy/deployment_order.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct CleanupOptions {
  ClientOptions client;
  bool pending = false;
  bool rollback = false;
  bool base = false;
};

}  // namespace

void register_rollback(CLI::App& app, Context& context) {
  auto options = std::make_shared<ClientOptions>();
  CLI::App* command = app.add_subcommand(
      "rollback", "Boot the previous deployment next (swap the default and the rollback)");
  add_transaction_options(*command, *options);
  command->callback([&context, options] {
    deploy::Transaction transaction = open_transaction(*options, context);
    std::vector<deploy::ListedDeployment> before = transaction.deployments();
    std::vector<size_t> order = deploy::rollback_order(before);
    transaction.write_order(order);
    const store::Deployment& first = before[order.front()].deployment;
    report_change(context, *options,
                  fmt::format("Moved {}.{} to be the first deployment", first.checksum,
                              first.serial));
  });
}

void register_cleanup(CLI::App& app, Context& context) {
  auto options = std::make_shared<CleanupOptions>();
  CLI::App* command = app.add_subcommand(
      "cleanup", "Remove pending or rollback deployments and prune what nothing uses");
  add_transaction_options(*command, options->client);
  command->add_flag("-p,--pending", options->pending, "Remove the pending deployment");
  command->add_flag("-r,--rollback", options->rollback, "Remove the rollback deployment");
  command->add_flag("-b,--base", options->base,
                    "Prune repository objects no ref or deployment uses (also done after -p/-r)");
  command->callback([&context, options] {
    if (!options->pending && !options->rollback && !options->base)
      throw CLI::ValidationError("cleanup", "choose what to clean up: -p, -r and/or -b");
    deploy::Transaction transaction = open_transaction(options->client, context);
    std::vector<deploy::ListedDeployment> before = transaction.deployments();
    std::vector<size_t> kept =
        deploy::cleanup_order(before, options->pending, options->rollback);
    uint64_t freed =
        kept.size() != before.size()
            ? transaction.write_order(kept)
            : transaction.finish(deploy::Transaction::Prune::always);
    report_change(context, options->client,
                  fmt::format("Removed {} deployment(s); freed {}", before.size() - kept.size(),
                              util::format_bytes(freed)));
  });
}

}  // namespace apt_ostree::cli
