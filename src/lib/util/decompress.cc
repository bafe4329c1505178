#include "lib/util/decompress.h"

#include <array>
#include <memory>

#include "lib/util/error.h"
#include "lib/util/libarchive.h"

namespace apt_ostree::util {

void decompress_stream(std::string_view compressed, std::string_view what,
                       const std::function<void(std::string_view)>& sink) {
  // libarchive's raw format refuses an empty stream; an empty input is an empty file.
  if (compressed.empty()) return;
  const LibArchive& lib = libarchive();
  std::unique_ptr<archive, decltype(lib.read_free)> reader(lib.read_new(), lib.read_free);
  lib.read_support_filter_all(reader.get());
  lib.read_support_format_raw(reader.get());
  if (lib.read_open_memory(reader.get(), compressed.data(), compressed.size()) != ARCHIVE_OK)
    fail("cannot decompress {}: {}", what, lib.error_string(reader.get()));
  archive_entry* entry = nullptr;
  if (lib.read_next_header(reader.get(), &entry) != ARCHIVE_OK)
    fail("cannot decompress {}: {}", what, lib.error_string(reader.get()));
  std::array<char, 1 << 18> buffer{};
  for (;;) {
    la_ssize_t n = lib.read_data(reader.get(), buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0)
      fail("cannot decompress {}: {} (truncated or corrupt)", what, lib.error_string(reader.get()));
    sink({buffer.data(), static_cast<size_t>(n)});
  }
}

std::string decompress(std::string_view compressed, std::string_view what) {
  std::string out;
  out.reserve(compressed.size() * 4);
  decompress_stream(compressed, what, [&out](std::string_view piece) { out.append(piece); });
  return out;
}

}  // namespace apt_ostree::util
