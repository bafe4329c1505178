// status: the deployments of the sysroot (lib/deploy/status.h), from its files alone.
#include "lib/deploy/status.h"

#include <cstdio>
#include <memory>

#include "cli/commands.h"

namespace apt_ostree::cli {

void register_status(CLI::App& app, Context& context) {
  auto options = std::make_shared<ClientOptions>();
  CLI::App* command = app.add_subcommand(
      "status", "Show the deployments: booted, pending and rollback, their commits and origins");
  add_sysroot_option(*command, *options);
  command->callback([&context, options] {
    deploy::SysrootStatus status = deploy::read_status(options->sysroot);
    std::string out = context.json ? deploy::status_json(status).dump(2) + "\n"
                                   : deploy::format_status(status, context.verbose);
    std::fwrite(out.data(), 1, out.size(), stdout);
  });
}

}  // namespace apt_ostree::cli
