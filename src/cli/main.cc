// apt-ostree: parse the command line, run one command, turn errors into one sentence and an exit
// code. Everything else lives in the library.
#include <cstdio>

#include "cli/commands.h"
#include "lib/util/error.h"
#include "lib/util/interrupt.h"

using namespace apt_ostree;

namespace {

struct Command {
  std::string_view name;
  void (*registrar)(CLI::App&, cli::Context&);
};
constexpr Command k_commands[] = {
    {"refresh-md", cli::register_refresh_md},
    {"search", cli::register_search},
    {"show", cli::register_show},
    {"resolve", cli::register_resolve},
    {"download", cli::register_download},
    {"cache", cli::register_cache},
    {"compose", cli::register_compose},
    {"image", cli::register_image},
    {"status", cli::register_status},
    {"rollback", cli::register_rollback},
    {"cleanup", cli::register_cleanup},
    {"kargs", cli::register_kargs},
    {"db", cli::register_db},
    {"upgrade", cli::register_upgrade},
    {"deploy", cli::register_deploy},
    {"rebase", cli::register_rebase},
    {"install", cli::register_install},
    {"uninstall", cli::register_uninstall},
    {"reset", cli::register_reset},
    {"override", cli::register_override},
};

// The command the arguments name (the first argument that is a command's name, the value of
// --cache-dir aside), or nullptr. Only that one is registered: building every command's options
// costs ~30 page faults of heap, a millisecond of `status`; help and mistakes get them all.
const Command* named_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view argument = argv[i];
    if (argument == "--cache-dir") {
      ++i;
      continue;
    }
    for (const Command& command : k_commands)
      if (argument == command.name) return &command;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  cli::Context context;
  CLI::App app{"apt-ostree: build Debian images fast and keep them updated atomically"};
  app.set_version_flag("--version", APT_OSTREE_VERSION);
  app.require_subcommand(1);
  app.add_option("--cache-dir", context.cache_dir, "Metadata and package cache directory");
  app.add_flag("-v,--verbose", context.verbose, "Print phase timings");
  app.add_flag("-q,--quiet", context.quiet, "Print only results and errors");
  app.add_flag("--json", context.json, "Machine-readable output where the output is data");
  if (const Command* command = named_command(argc, argv))
    command->registrar(app, context);
  else
    for (const Command& each : k_commands) each.registrar(app, context);
  // Global options may also follow the command ("apt-ostree search --json foo").
  for (CLI::App* command : app.get_subcommands({})) command->fallthrough();

  util::catch_interrupts();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    // An answer carried as an exit code (upgrade --check: nothing new) has no message.
    if (*e.what()) std::fprintf(stderr, "apt-ostree: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apt-ostree: internal error: %s\n", e.what());
    return static_cast<int>(ExitCode::failure);
  }
  return 0;
}
