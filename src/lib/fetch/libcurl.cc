#include "lib/fetch/libcurl.h"

#include "lib/util/error.h"
#include "lib/util/shared_library.h"

namespace apt_ostree::fetch {

namespace {

LibCurl load() {
  util::SharedLibrary library("libcurl.so.4", "libcurl4");
  LibCurl lib{};
  library.resolve(lib.easy_init, "curl_easy_init");
  library.resolve(lib.easy_cleanup, "curl_easy_cleanup");
  library.resolve(lib.easy_setopt, "curl_easy_setopt");
  library.resolve(lib.easy_getinfo, "curl_easy_getinfo");
  library.resolve(lib.easy_strerror, "curl_easy_strerror");
  library.resolve(lib.multi_init, "curl_multi_init");
  library.resolve(lib.multi_cleanup, "curl_multi_cleanup");
  library.resolve(lib.multi_setopt, "curl_multi_setopt");
  library.resolve(lib.multi_add_handle, "curl_multi_add_handle");
  library.resolve(lib.multi_remove_handle, "curl_multi_remove_handle");
  library.resolve(lib.multi_perform, "curl_multi_perform");
  library.resolve(lib.multi_poll, "curl_multi_poll");
  library.resolve(lib.multi_info_read, "curl_multi_info_read");
  library.resolve(lib.share_init, "curl_share_init");
  library.resolve(lib.share_cleanup, "curl_share_cleanup");
  library.resolve(lib.share_setopt, "curl_share_setopt");
  decltype(&::curl_global_init) global_init = nullptr;
  library.resolve(global_init, "curl_global_init");
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("cannot initialise libcurl.so.4");
  return lib;
}

}  // namespace

const LibCurl& libcurl() {
  static const LibCurl lib = load();  // thread-safe initialisation (C++11 magic statics)
  return lib;
}

}  // namespace apt_ostree::fetch
