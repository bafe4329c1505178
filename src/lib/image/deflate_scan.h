// Where the final block of a raw deflate stream (RFC 1951) starts, found by reading its block
// headers and Huffman codes without producing any output: what the gzip encoder needs to join
// libdeflate's independently compressed blocks into one stream, at a fraction of the cost of
// inflating them (no window, no copies).
#pragma once

#include <cstdint>
#include <string_view>

namespace apt_ostree::image {

struct FinalBlock {
  uint64_t header_bit = 0;  // the final block's first header bit, counted from the first byte
  int padding_bits = 0;     // the unused bits at the top of the stream's last byte
};

// Throws Error when `deflated` is not one complete deflate stream ending in its last byte.
FinalBlock find_final_block(std::string_view deflated);

}  // namespace apt_ostree::image
