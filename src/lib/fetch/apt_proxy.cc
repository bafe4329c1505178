#include "lib/fetch/apt_proxy.h"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <optional>
#include <vector>

#include "lib/util/error.h"
#include "lib/util/process.h"
#include "lib/util/strings.h"

namespace apt_ostree::fetch {

namespace {

// apt compares with this spelling only.
constexpr std::string_view k_direct = "DIRECT";

struct UrlParts {
  std::string scheme;  // lowercase
  std::string host;    // lowercase, without user info, port or IPv6 brackets
};

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  size_t separator = url.find("://");
  if (separator == std::string_view::npos) return parts;
  parts.scheme = util::to_lower(url.substr(0, separator));
  std::string_view authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  if (authority.starts_with('[')) {
    size_t end = authority.find(']');
    authority = end == std::string_view::npos ? std::string_view{} : authority.substr(1, end - 1);
  } else {
    authority = authority.substr(0, authority.find(':'));
  }
  parts.host = util::to_lower(authority);
  return parts;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string ProxyChoice::describe() const {
  if (proxy.empty()) return {};
  // Credentials in a proxy URL must never reach a terminal or a build log.
  std::string shown = proxy;
  size_t start = shown.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = shown.find_first_of("/?#", start);
  size_t at = shown.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at != std::string::npos && at >= start) shown.erase(start, at + 1 - start);
  return fmt::format("the proxy {} (from {})", shown, source);
}

ProxyChoice choose_proxy(const ProxySettings& settings, std::string_view url) {
  ProxyChoice choice;
  UrlParts parts = split_url(url);
  bool https = parts.scheme == "https";
  if (!https && parts.scheme != "http") return choice;

  if (!settings.explicit_proxy.empty()) {
    // Asked for on the command line: it beats every configured exception, no_proxy included.
    choice.source = "--apt-proxy";
    if (settings.explicit_proxy != k_direct) choice.proxy = settings.explicit_proxy;
    return choice;
  }

  choice.no_proxy = settings.no_proxy;
  // apt looks each name up for https first, then for http (https inherits http's settings), and
  // tries the host's own entry before the general one.
  std::vector<std::string> suffixes{"::Proxy::" + parts.host, "::Proxy"};
  for (const std::string& suffix : suffixes) {
    for (std::string_view scheme : {"https", "http"}) {
      if (scheme == "https" && !https) continue;
      std::string name = fmt::format("Acquire::{}{}", scheme, suffix);
      auto found = settings.apt_entries.find(util::to_lower(name));
      if (found == settings.apt_entries.end()) continue;
      choice.source = std::move(name);
      if (found->second != k_direct) choice.proxy = found->second;
      return choice;
    }
  }

  if (https && !settings.https_proxy.empty()) {
    choice.proxy = settings.https_proxy;
    choice.source = "https_proxy";
  } else if (!settings.http_proxy.empty()) {
    // apt sends https through http_proxy when https_proxy is unset, unlike curl.
    choice.proxy = settings.http_proxy;
    choice.source = "http_proxy";
  }
  return choice;
}

std::map<std::string, std::string, std::less<>> parse_apt_proxy_entries(std::string_view dump) {
  constexpr std::array<std::string_view, 2> k_prefixes{"acquire::http::proxy",
                                                       "acquire::https::proxy"};
  std::map<std::string, std::string, std::less<>> entries;
  for (std::string_view line : util::split(dump, '\n')) {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    std::string name = util::to_lower(util::trim(line.substr(0, tab)));
    std::string_view value = util::trim(line.substr(tab + 1));
    bool wanted = false;
    for (std::string_view prefix : k_prefixes)
      wanted = wanted || name == prefix || name.starts_with(fmt::format("{}::", prefix));
    // An empty value is unset to apt: the search goes on to the next name.
    if (wanted && !value.empty()) entries.insert_or_assign(std::move(name), std::string(value));
  }
  return entries;
}

ProxySettings load_proxy_settings(std::string explicit_proxy) {
  ProxySettings settings;
  settings.explicit_proxy = std::move(explicit_proxy);
  if (!settings.explicit_proxy.empty()) return settings;
  settings.http_proxy = environment("http_proxy");
  settings.https_proxy = environment("https_proxy");
  settings.no_proxy = environment("no_proxy");

  // apt-config applies APT's own parsing, APT_CONFIG, apt.conf.d ordering and #clear/#include,
  // which a reader of our own would have to copy; it costs ~20 ms, only before a download.
  std::optional<util::ProcessResult> result;
  try {
    result = util::run_process({"apt-config", "dump", "--no-empty", "--format", "%f%N%v%n",
                                "Acquire::http", "Acquire::https"});
  } catch (const Error&) {
    return settings;  // apt-config cannot run: no APT here, so only the environment applies
  }
  if (result->exit_code != 0) {
    // apt's lines, joined: a warning (W:) often names the cause of the error (E:) after it.
    std::string message;
    for (std::string_view line : util::split(result->err, '\n'))
      if (!line.empty()) message += (message.empty() ? "" : "; ") + std::string(line);
    fail(
        "cannot read the APT configuration for its proxy settings ({}); fix it, or choose the "
        "proxy with --apt-proxy",
        message.empty() ? fmt::format("apt-config exited with {}", result->exit_code) : message);
  }
  settings.apt_entries = parse_apt_proxy_entries(result->out);
  return settings;
}

bool is_valid_proxy(std::string_view value) {
  if (value == k_direct) return true;
  constexpr std::array<std::string_view, 6> k_schemes{"http",    "https",  "socks4",
                                                      "socks4a", "socks5", "socks5h"};
  UrlParts parts = split_url(value);
  for (std::string_view scheme : k_schemes)
    if (parts.scheme == scheme) return !parts.host.empty();
  return false;
}

}  // namespace apt_ostree::fetch
