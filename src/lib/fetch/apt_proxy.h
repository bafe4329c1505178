// Which proxy a download goes through, chosen exactly as apt chooses it, so the caching proxy a
// build farm configured once for apt (apt-cacher-ng, squid) serves apt-ostree too. For a URL with
// scheme S (http or https) and host H, the first of these that is set wins:
//   1. an explicit proxy (--apt-proxy), for every http(s) URL; no_proxy does not apply to it
//   2. Acquire::S::Proxy::H, then (https only) Acquire::http::Proxy::H   } the host's APT
//   3. Acquire::S::Proxy, then (https only) Acquire::http::Proxy         } configuration
//   4. the environment: http_proxy; for https, https_proxy, else http_proxy
// The value DIRECT (at 1, 2 or 3) means no proxy. From 2 on, the environment's no_proxy still
// sends the hosts it lists directly. This is apt's own order (its http method), so APT_CONFIG,
// apt.conf.d and per-host entries mean here what they mean to apt-get.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace apt_ostree::fetch {

// Everything the choice depends on. libcurl is handed the outcome and never reads the
// environment itself, so the order above holds whatever curl's own defaults are.
struct ProxySettings {
  std::string explicit_proxy;  // a proxy URL or DIRECT; empty: none given
  // The Acquire::http(s)::Proxy entries of the APT configuration, by full name in lowercase
  // (APT's names are case-insensitive): "acquire::http::proxy::deb.example.org" -> "DIRECT".
  std::map<std::string, std::string, std::less<>> apt_entries;
  std::string http_proxy;  // the environment, lowercase names only, as apt reads it
  std::string https_proxy;
  std::string no_proxy;
};

struct ProxyChoice {
  std::string proxy;     // the proxy URL; empty: connect directly
  std::string no_proxy;  // hosts to reach directly anyway (libcurl's CURLOPT_NOPROXY syntax)
  std::string source;    // where `proxy` came from: "--apt-proxy", "Acquire::http::Proxy", ...
  // For messages: "the proxy http://cache:3142 (from Acquire::http::Proxy)", without any
  // user:password the URL holds; empty when there is no proxy.
  std::string describe() const;
};

// The choice for one URL; URLs other than http:// and https:// never use a proxy.
ProxyChoice choose_proxy(const ProxySettings& settings, std::string_view url);

// The Acquire::http(s)::Proxy entries of `apt-config dump --format '%f%N%v%n'` output (one
// "NAME<TAB>VALUE" per line); other names, and entries with an empty value, are left out.
std::map<std::string, std::string, std::less<>> parse_apt_proxy_entries(std::string_view dump);

// The settings for downloads: with an explicit proxy, just that; otherwise the host's APT
// configuration (by running apt-config, which honours APT_CONFIG; a host without APT has none)
// and the environment. Throws Error when apt-config rejects the configuration.
ProxySettings load_proxy_settings(std::string explicit_proxy);

// What --apt-proxy accepts: DIRECT, or an http://, https://, socks4(a):// or socks5(h):// URL
// naming a host.
bool is_valid_proxy(std::string_view value);

}  // namespace apt_ostree::fetch
