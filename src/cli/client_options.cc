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

void add_layering_options(CLI::App& command, ClientOptions& options, Context& context) {
  command.add_option("--keyring", context.keyrings,
                     "OpenPGP keyring(s) trusted for the archive's Release files (default: the "
                     "deployment's APT sources' Signed-By, else Debian's archive keyring)");
  add_download_options(command, context);
  command.add_flag("--offline", options.offline,
                   "Take layered packages and archive metadata from the caches only");
}

}  // namespace apt_ostree::cli
