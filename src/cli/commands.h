// The command table: each command lives in its own file and registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace apt_ostree::cli {

// Registers the subcommand; its callback runs the command and may throw Error.
void register_refresh_md(CLI::App& app, Context& context);
void register_search(CLI::App& app, Context& context);
void register_show(CLI::App& app, Context& context);
void register_resolve(CLI::App& app, Context& context);
void register_download(CLI::App& app, Context& context);
void register_cache(CLI::App& app, Context& context);
void register_compose(CLI::App& app, Context& context);
void register_image(CLI::App& app, Context& context);
void register_status(CLI::App& app, Context& context);
void register_rollback(CLI::App& app, Context& context);
void register_cleanup(CLI::App& app, Context& context);
void register_kargs(CLI::App& app, Context& context);
void register_db(CLI::App& app, Context& context);
void register_upgrade(CLI::App& app, Context& context);
void register_deploy(CLI::App& app, Context& context);
void register_rebase(CLI::App& app, Context& context);
void register_install(CLI::App& app, Context& context);
void register_uninstall(CLI::App& app, Context& context);
void register_reset(CLI::App& app, Context& context);
void register_override(CLI::App& app, Context& context);
// Adds `lint` to the compose command (compose_lint.cc).
void register_compose_lint(CLI::App& compose, Context& context);
// Adds `build` to the compose command (compose_build.cc).
void register_compose_build(CLI::App& compose, Context& context);
// Adds `image` to the compose command (compose_image.cc).
void register_compose_image(CLI::App& compose, Context& context);

// Adds --mirror, --release, --arch, --components, --keyring to a subcommand.
void add_repo_options(CLI::App& command, Context& context);

// What the client commands act on.
struct ClientOptions {
  std::string sysroot = "/";
  bool no_wait = false;
  bool offline = false;  // layered packages from the caches only
};
// Adds --sysroot (client_options.cc).
void add_sysroot_option(CLI::App& command, ClientOptions& options);
// Adds --sysroot and --no-wait, for the commands that change the sysroot.
void add_transaction_options(CLI::App& command, ClientOptions& options);
// Adds --keyring, --apt-proxy and --offline, for the commands that may build layered packages
// (install, uninstall, upgrade, deploy, rebase).
void add_layering_options(CLI::App& command, ClientOptions& options, Context& context);

// Adds --apt-proxy to a command that downloads (refresh-md, download); read-only commands never
// touch the network, so they do not take it. Defined with add_repo_options (repo_options.cc).
void add_download_options(CLI::App& command, Context& context);

}  // namespace apt_ostree::cli
