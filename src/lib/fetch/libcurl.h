// libcurl, loaded on first use. Linking it would cost every command ~13 ms of start-up (its TLS,
// Kerberos, LDAP and IDN libraries are mapped and relocated before main), while only commands
// that download need it; search/show/resolve must start in a few milliseconds.
#pragma once

#include <curl/curl.h>

namespace apt_ostree::fetch {

// The libcurl entry points the fetcher uses, resolved from libcurl.so.4.
struct LibCurl {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_cleanup) share_cleanup;
  decltype(&::curl_share_setopt) share_setopt;
};

// Loads and globally initialises libcurl once (thread-safe); throws Error if it is missing.
const LibCurl& libcurl();

}  // namespace apt_ostree::fetch
