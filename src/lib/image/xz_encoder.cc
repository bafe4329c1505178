// encode_xz: liblzma's multithreaded stream encoder. See encoders.h.
#include <lzma.h>

#include <string>

#include "lib/image/encoders.h"
#include "lib/util/error.h"

namespace apt_ostree::image {

namespace {

constexpr uint64_t k_chunk_size = 1 << 20;

class XzStream {
 public:
  XzStream(int level, unsigned threads) {
    lzma_mt options{};
    options.threads = std::max(1u, threads);
    options.preset = static_cast<uint32_t>(level);
    options.check = LZMA_CHECK_CRC64;  // as xz(1)
    lzma_ret status = lzma_stream_encoder_mt(&m_stream, &options);
    if (status != LZMA_OK) fail("cannot start an xz compressor at level {} (liblzma {})", level,
                                static_cast<int>(status));
  }
  ~XzStream() { lzma_end(&m_stream); }
  XzStream(const XzStream&) = delete;
  XzStream& operator=(const XzStream&) = delete;

  // Compresses `input` (or, with `finish`, ends the stream), writing what comes out.
  void code(std::string_view input, bool finish, ChecksummedOutput& output) {
    m_stream.next_in = reinterpret_cast<const uint8_t*>(input.data());
    m_stream.avail_in = input.size();
    for (;;) {
      m_stream.next_out = reinterpret_cast<uint8_t*>(m_buffer.data());
      m_stream.avail_out = m_buffer.size();
      lzma_ret status = lzma_code(&m_stream, finish ? LZMA_FINISH : LZMA_RUN);
      output.write(std::string_view(m_buffer.data(), m_buffer.size() - m_stream.avail_out));
      if (status == LZMA_STREAM_END) return;
      if (status != LZMA_OK) fail("the xz compressor failed (liblzma {})", static_cast<int>(status));
      if (!finish && m_stream.avail_in == 0) return;
    }
  }

 private:
  lzma_stream m_stream = LZMA_STREAM_INIT;
  std::string m_buffer = std::string(1 << 20, '\0');
};

}  // namespace

void encode_xz(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads) {
  XzStream stream(level, threads);
  static const std::string k_zeros(k_chunk_size, '\0');
  Chunk chunk;
  while (input.next(k_chunk_size, chunk))
    stream.code(chunk.data ? std::string_view(*chunk.data)
                           : std::string_view(k_zeros).substr(0, chunk.length),
                false, output);
  stream.code({}, true, output);
}

}  // namespace apt_ostree::image
