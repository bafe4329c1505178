// encode_zstd: libzstd with worker threads. See encoders.h.
#include <zstd.h>

#include <memory>
#include <string>

#include "lib/image/encoders.h"
#include "lib/util/error.h"

namespace apt_ostree::image {

namespace {

constexpr uint64_t k_chunk_size = 1 << 20;

void check(size_t result, const char* what) {
  if (ZSTD_isError(result)) fail("the zstd compressor failed to {}: {}", what,
                                 ZSTD_getErrorName(result));
}

}  // namespace

void encode_zstd(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!context) fail("cannot start a zstd compressor (out of memory)");
  check(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level), "set the level");
  check(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1), "enable checksums");
  // Worker threads need a libzstd built with them (Debian's is); without, it compresses on one.
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_nbWorkers, static_cast<int>(std::max(1u, threads)));
  check(ZSTD_CCtx_setPledgedSrcSize(context.get(), input.size()), "record the size");

  static const std::string k_zeros(k_chunk_size, '\0');
  std::string buffer(ZSTD_CStreamOutSize(), '\0');
  auto code = [&](std::string_view bytes, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
      size_t remaining = ZSTD_compressStream2(context.get(), &out, &in, mode);
      check(remaining, "compress");
      output.write(std::string_view(buffer.data(), out.pos));
      if (mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size) return;
    }
  };
  Chunk chunk;
  while (input.next(k_chunk_size, chunk))
    code(chunk.data ? std::string_view(*chunk.data)
                    : std::string_view(k_zeros).substr(0, chunk.length),
         ZSTD_e_continue);
  code({}, ZSTD_e_end);
}

}  // namespace apt_ostree::image
