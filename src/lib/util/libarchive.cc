#include "lib/util/libarchive.h"

#include "lib/util/shared_library.h"

namespace apt_ostree::util {

namespace {

LibArchive load() {
  SharedLibrary library("libarchive.so.13", "libarchive13");
  LibArchive lib{};
  library.resolve(lib.read_new, "archive_read_new");
  library.resolve(lib.read_free, "archive_read_free");
  library.resolve(lib.read_support_filter_all, "archive_read_support_filter_all");
  library.resolve(lib.read_support_format_raw, "archive_read_support_format_raw");
  library.resolve(lib.read_open_memory, "archive_read_open_memory");
  library.resolve(lib.read_next_header, "archive_read_next_header");
  library.resolve(lib.read_data, "archive_read_data");
  library.resolve(lib.error_string, "archive_error_string");
  return lib;
}

}  // namespace

const LibArchive& libarchive() {
  static const LibArchive lib = load();  // thread-safe initialisation (C++11 magic statics)
  return lib;
}

}  // namespace apt_ostree::util
