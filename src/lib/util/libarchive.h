// libarchive, loaded on first use: linked, it (with libxml2, ICU and nettle behind it) would add
// ~4 ms to the start-up of every command, while only refresh and .deb reading use it.
#pragma once

#include <archive.h>
#include <archive_entry.h>

namespace apt_ostree::util {

// The libarchive entry points the project uses, resolved from libarchive.so.13.
struct LibArchive {
  decltype(&::archive_read_new) read_new;
  decltype(&::archive_read_free) read_free;
  decltype(&::archive_read_support_filter_all) read_support_filter_all;
  decltype(&::archive_read_support_format_raw) read_support_format_raw;
  decltype(&::archive_read_open_memory) read_open_memory;
  decltype(&::archive_read_next_header) read_next_header;
  decltype(&::archive_read_data) read_data;
  decltype(&::archive_error_string) error_string;
};

// Loads libarchive once (thread-safe); throws Error if it is missing.
const LibArchive& libarchive();

}  // namespace apt_ostree::util
