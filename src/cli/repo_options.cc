#include "cli/commands.h"

namespace apt_ostree::cli {

void add_repo_options(CLI::App& command, Context& context) {
  command.add_option(
      "--mirror", context.mirror,
      "Archive URI (http://, https://, file://); default: from the host's APT sources");
  command.add_option("--release", context.release, "Release (suite or codename)")
      ->capture_default_str();
  command.add_option("--arch", context.architecture, "Architecture; default: the host's");
  command.add_option("--components", context.components, "Components")
      ->delimiter(',')
      ->capture_default_str();
  command.add_option("--keyring", context.keyrings, "OpenPGP keyring(s) trusted for Release files");
}

}  // namespace apt_ostree::cli
