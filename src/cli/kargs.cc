// kargs: show or edit the kernel arguments; an edit makes a new deployment of the same commit.
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "cli/client.h"
#include "cli/commands.h"
#include "lib/deploy/kernel_arguments.h"
#include "lib/util/editor.h"
#include "lib/util/error.h"
#include "lib/util/strings.h"

namespace apt_ostree::cli {

namespace {

struct KargsOptions {
  ClientOptions client;
  deploy::KernelArgumentEdits edits;
  bool editor = false;
};

// The arguments as the user left them in the editor: every line not starting with '#'.
std::vector<std::string> edited_arguments(const std::vector<std::string>& current) {
  std::string text =
      "# The kernel arguments of the new deployment, space-separated. Lines starting with '#'\n"
      "# are ignored; ostree adds its own ostree= argument.\n";
  for (const std::string& argument : current) text += argument + " ";
  text += "\n";
  const std::string edited =
      util::edit_text(text, std::filesystem::temp_directory_path(), "kernel-arguments");
  std::vector<std::string> arguments;
  for (std::string_view line : util::split(edited, '\n'))
    if (!line.starts_with('#'))
      for (std::string_view argument : util::split_whitespace(line))
        arguments.emplace_back(argument);
  return arguments;
}

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
  command->add_flag("--editor", options->editor,
                    "Edit the kernel arguments in $VISUAL or $EDITOR (not with the edit options)");
  command->callback([&context, options] {
    if (options->editor && !options->edits.empty())
      throw CLI::ValidationError("kargs", "--editor cannot be combined with --append, ...");
    if (options->edits.empty() && !options->editor) {
      // Reading needs no lock, and none is taken: kargs alone is as cheap as status.
      std::vector<deploy::ListedDeployment> list = deploy::list_deployments(options->client.sysroot);
      const deploy::ListedDeployment& base =
          deploy::base_deployment(list, options->client.sysroot);
      std::printf("%s\n", base.deployment.kernel_arguments.c_str());
      return;
    }
    deploy::Transaction transaction = open_transaction(options->client, context);
    deploy::ListedDeployment base = transaction.base();
    std::vector<std::string> arguments =
        deploy::edit_kernel_arguments(base.deployment.kernel_arguments, options->edits);
    if (options->editor) {
      std::vector<std::string> edited = edited_arguments(arguments);
      if (edited == arguments) {
        if (!context.quiet) std::printf("No changes.\n");
        return;
      }
      arguments = std::move(edited);
    }
    store::Deployment deployed = transaction.deploy(base.deployment.osname,
                                                    base.deployment.checksum, base.origin,
                                                    arguments);
    report_change(context, options->client,
                  fmt::format("Deployed {}.{} with the kernel arguments: {}", deployed.checksum,
                              deployed.serial, deployed.kernel_arguments));
  });
}

}  // namespace apt_ostree::cli
