// encode_none: the image as it is, holes kept. See encoders.h.
#include "lib/image/encoders.h"

namespace apt_ostree::image {

void encode_none(SparseFile& input, ChecksummedOutput& output) {
  constexpr uint64_t k_chunk_size = 1 << 20;
  Chunk chunk;
  while (input.next(k_chunk_size, chunk)) {
    if (chunk.data)
      output.write(*chunk.data);
    else
      output.write_zeros(chunk.length);
  }
}

}  // namespace apt_ostree::image
