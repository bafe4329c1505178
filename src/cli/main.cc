// apt-ostree: parse the command line, run one command, turn errors into one sentence and an exit
// code. Everything else lives in the library.
#include <cstdio>

#include "cli/commands.h"
#include "lib/util/error.h"
#include "lib/util/interrupt.h"

using namespace apt_ostree;

namespace {

using Registrar = void (*)(CLI::App&, cli::Context&);
constexpr Registrar k_commands[] = {
    cli::register_refresh_md,
    cli::register_search,
    cli::register_show,
    cli::register_resolve,
    cli::register_download,
    cli::register_cache,
    cli::register_compose,
    cli::register_image,
};

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
  for (auto registrar : k_commands) registrar(app, context);
  // Global options may also follow the command ("apt-ostree search --json foo").
  for (CLI::App* command : app.get_subcommands({})) command->fallthrough();

  util::catch_interrupts();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
  } catch (const Error& e) {
    std::fprintf(stderr, "apt-ostree: %s\n", e.what());
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "apt-ostree: internal error: %s\n", e.what());
    return static_cast<int>(ExitCode::failure);
  }
  return 0;
}
