// Decompresses a whole buffer whose format (gzip, xz, zstd, bzip2, lzma or none) is detected from
// its magic bytes, so index files can be fetched in whichever compression the archive offers.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace apt_ostree::util {

// `what` names the data in error messages (for example the URL it came from).
std::string decompress(std::string_view compressed, std::string_view what);

// The same, handing the output to `sink` piece by piece, so memory stays bounded whatever the
// decompressed size.
void decompress_stream(std::string_view compressed, std::string_view what,
                       const std::function<void(std::string_view)>& sink);

}  // namespace apt_ostree::util
