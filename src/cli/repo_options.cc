#include "cli/commands.h"
#include "lib/fetch/apt_proxy.h"

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

void add_download_options(CLI::App& command, Context& context) {
  command
      .add_option("--apt-proxy", context.apt_proxy,
                  "Proxy for every http(s) download (e.g. http://apt-cacher:3142), or DIRECT for "
                  "none; default: as apt chooses (APT configuration, then http_proxy/https_proxy)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            return fetch::is_valid_proxy(value)
                       ? ""
                       : "not a proxy URL (http://HOST:PORT, https://, socks5h://) or DIRECT";
          },
          "", "proxy URL"))
      ->type_name("URL");
}

}  // namespace apt_ostree::cli
