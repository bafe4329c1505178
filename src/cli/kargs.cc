// kargs: show or edit the kernel arguments; an edit makes a new deployment of the same commit.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/client.h"
#include "cli/commands.h"
#include "lib/deploy/kernel_arguments.h"
#include "lib/util/error.h"

namespace apt_ostree::cli {

namespace {

struct KargsOptions {
  ClientOptions client;
  deploy::KernelArgumentEdits edits;
};

}  // namespace

void register_kargs(CLI::App& app, Context& context) {
  auto options = std::make_shared<KargsOptions>();
  CLI::App* command = app.add_subcommand(
      "kargs", "Show the kernel arguments, or deploy the current commit with edited ones");
  add_transaction_options(*command, options->client);
  deploy::KernelArgumentEdits& edits = options->edits;
  command->add_option("--append", edits.append, "Add KEY=VALUE (repeatable)")
      ->allow_extra_args(false);
  command->add_option("--append-if-missing", edits.append_if_missing,
                      "Add KEY=VALUE unless it is there")
      ->allow_extra_args(false);
  command->add_option("--replace", edits.replace,
                      "Set KEY=VALUE, or change one value with KEY=OLD=NEW")
      ->allow_extra_args(false);
  command->add_option("--delete", edits.remove, "Remove KEY (its only value) or KEY=VALUE")
      ->allow_extra_args(false);
  command->add_option("--delete-if-present", edits.remove_if_present,
                      "Remove KEY or KEY=VALUE if it is there")
      ->allow_extra_args(false);
  command->callback([&context, options] {
    if (options->edits.empty()) {
      // Reading needs no lock, and none is taken: kargs alone is as cheap as status.
      std::vector<deploy::ListedDeployment> list = deploy::list_deployments(options->client.sysroot);
      if (list.empty()) fail("{} has no deployment", options->client.sysroot);
      const deploy::ListedDeployment* base = &list.front();
      for (const auto& listed : list)
        if (listed.role == deploy::DeploymentRole::booted) base = &listed;
      std::printf("%s\n", base->deployment.kernel_arguments.c_str());
      return;
    }
    deploy::Transaction transaction = open_transaction(options->client, context);
    deploy::ListedDeployment base = transaction.base();
    std::vector<std::string> arguments =
        deploy::edit_kernel_arguments(base.deployment.kernel_arguments, options->edits);
    store::Deployment deployed = transaction.deploy(base.deployment.osname,
                                                    base.deployment.checksum, base.origin,
                                                    arguments);
    report_change(context, options->client,
                  fmt::format("Deployed {}.{} with the kernel arguments: {}", deployed.checksum,
                              deployed.serial, deployed.kernel_arguments));
  });
}

}  // namespace apt_ostree::cli
