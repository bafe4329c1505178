// What the client commands share: opening a transaction as the options say, and reporting a
// change (one line, or the new status with --json).
#pragma once

#include <string>

#include "cli/commands.h"
#include "lib/deploy/package_layering.h"
#include "lib/deploy/transaction.h"

namespace apt_ostree::cli {

// The sysroot's transaction; waits with a message on stderr unless --no-wait.
deploy::Transaction open_transaction(const ClientOptions& options, Context& context);

// How layered packages are built, from the global options and add_layering_options.
deploy::LayeringSettings layering_settings(const ClientOptions& options, const Context& context);

// Prints `summary` (or, with --json, the sysroot's new status) and, on the running system, the
// reminder that the change applies at the next boot.
void report_change(const Context& context, const ClientOptions& options,
                   const std::string& summary);

}  // namespace apt_ostree::cli
