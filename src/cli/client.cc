#include "cli/client.h"

#include <cstdio>

#include "lib/deploy/status.h"
#include "lib/util/progress.h"

namespace apt_ostree::cli {

deploy::Transaction open_transaction(const ClientOptions& options, Context& context) {
  deploy::TransactionOptions transaction;
  transaction.sysroot = options.sysroot;
  transaction.wait = !options.no_wait;
  transaction.on_wait = [&context](const std::string& message) {
    if (!context.quiet) std::fprintf(stderr, "apt-ostree: %s\n", message.c_str());
  };
  transaction.phases = &context.phases;
  return deploy::Transaction(transaction);
}

deploy::LayeringSettings layering_settings(const ClientOptions& options, const Context& context) {
  deploy::LayeringSettings settings;
  settings.cache_root = context.cache_root();
  settings.offline = options.offline;
  settings.apt_proxy = context.apt_proxy;
  settings.keyrings.assign(context.keyrings.begin(), context.keyrings.end());
  settings.progress = util::progress_mode_for_stderr(context.quiet || context.json);
  return settings;
}

void report_change(const Context& context, const ClientOptions& options,
                   const std::string& summary) {
  context.report_phases();
  if (context.json) {
    std::string out = deploy::status_json(deploy::read_status(options.sysroot)).dump(2) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return;
  }
  if (context.quiet) return;
  std::printf("%s\n", summary.c_str());
  if (options.sysroot == "/") std::printf("Run \"systemctl reboot\" to start a reboot.\n");
}

}  // namespace apt_ostree::cli
