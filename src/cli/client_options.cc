// Options the client commands share (status, rollback, deploy, kargs, ...).
#include "cli/commands.h"

namespace apt_ostree::cli {

void add_sysroot_option(CLI::App& command, ClientOptions& options) {
  command.add_option("--sysroot", options.sysroot,
                     "The OSTree sysroot to act on (default: /, the running system)");
}

void add_transaction_options(CLI::App& command, ClientOptions& options) {
  add_sysroot_option(command, options);
  command.add_flag("--no-wait", options.no_wait,
                   "Fail at once if another transaction holds the sysroot, instead of waiting");
}

}  // namespace apt_ostree::cli
