// encode_gzip: parallel blocks from libdeflate joined into one gzip stream. See encoders.h.
//
// libdeflate compresses 2.5 times as fast as zlib at the same level, with output as small as
// zlib's with pigz's priming (85.81 MB against 85.83 MB for a Debian root filesystem at level 6),
// but it only writes complete deflate streams: each block's last deflate block is marked final and
// it cannot be primed with the previous block's 32 KiB. So each block is compressed on its own,
// and then, as zlib's gzjoin example does, walked to find the bit where its final block starts
// (deflate_scan.h: its Huffman codes are read, nothing is inflated); that bit is cleared and an
// empty stored block brings the stream back to a byte boundary for the next block.
#include <libdeflate.h>
#include <zlib.h>

#include <deque>
#include <memory>
#include <optional>

#include "lib/image/deflate_scan.h"
#include "lib/image/encoders.h"
#include "lib/image/ordered_workers.h"
#include "lib/util/error.h"

namespace apt_ostree::image {

namespace {

constexpr uint64_t k_block_size = 128 * 1024;  // pigz's default

struct Block {
  std::string deflated;
  uint32_t crc = 0;
  uint64_t length = 0;
};

const std::string& zero_block() {
  static const std::string zeros(k_block_size, '\0');
  return zeros;
}

class BlockCompressor {
 public:
  explicit BlockCompressor(int level)
      : m_compressor(libdeflate_alloc_compressor(level)) {
    if (!m_compressor) fail("cannot start a gzip compressor at level {} (libdeflate)", level);
  }
  ~BlockCompressor() { libdeflate_free_compressor(m_compressor); }
  BlockCompressor(const BlockCompressor&) = delete;
  BlockCompressor& operator=(const BlockCompressor&) = delete;

  // `input` as deflate blocks; unless `last`, ending byte-aligned and not final, so that the next
  // block's bytes may follow.
  Block compress(std::string_view input, bool last) {
    Block block;
    block.length = input.size();
    block.crc = libdeflate_crc32(0, input.data(), input.size());
    block.deflated.resize(libdeflate_deflate_compress_bound(m_compressor, input.size()) + 5);
    size_t size = libdeflate_deflate_compress(m_compressor, input.data(), input.size(),
                                              block.deflated.data(), block.deflated.size());
    if (size == 0) fail("the gzip compressor failed on a block (libdeflate)");
    block.deflated.resize(size);
    if (!last) continue_after(block.deflated);
    return block;
  }

 private:
  // Clears the final-block bit and appends an empty stored block (3 zero header bits, zeros to the
  // byte boundary, LEN 0, NLEN 0xffff): the stream continues, byte-aligned, as after a sync flush.
  void continue_after(std::string& deflated) {
    FinalBlock final = find_final_block(deflated);
    deflated[final.header_bit / 8] &= static_cast<char>(~(1u << (final.header_bit % 8)));
    deflated.back() &= static_cast<char>((1u << (8 - final.padding_bits)) - 1);
    if (final.padding_bits < 3) deflated.push_back('\0');
    deflated.append("\x00\x00\xff\xff", 4);
  }

  libdeflate_compressor* m_compressor;
};

void put_le32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// RFC 1952 header: deflate, no name, modification time 0 (reproducible, as gzip -n), the
// extra-flags byte gzip sets for its fastest and best levels, Unix.
std::string gzip_header(int level) {
  std::string header = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0};
  header.push_back(level >= 9 ? 2 : level == 1 ? 4 : 0);
  header.push_back(3);
  return header;
}

}  // namespace

void encode_gzip(SparseFile& input, ChecksummedOutput& output, int level, unsigned threads) {
  using Workers = OrderedWorkers<std::unique_ptr<BlockCompressor>, Block>;
  Workers workers(threads, [level] { return std::make_unique<BlockCompressor>(level); });
  // Blocks are independent, so every full block of zeros compresses to the same bytes.
  std::optional<Block> zeros;

  output.write(gzip_header(level));
  uint32_t crc = 0;
  uint64_t length = 0;
  auto write_block = [&](const Block& block) {
    output.write(block.deflated);
    crc = static_cast<uint32_t>(crc32_combine(crc, block.crc, static_cast<z_off_t>(block.length)));
    length += block.length;
  };

  std::deque<std::future<Block>> pending;
  Chunk chunk;
  while (input.next(k_block_size, chunk)) {
    if (!chunk.data && !chunk.last && chunk.length == k_block_size) {
      if (!zeros) zeros = BlockCompressor(level).compress(zero_block(), false);
      std::promise<Block> ready;
      ready.set_value(*zeros);
      pending.push_back(ready.get_future());
    } else {
      std::string_view bytes = chunk.data ? std::string_view(*chunk.data)
                                          : std::string_view(zero_block()).substr(0, chunk.length);
      // The job keeps the chunk's buffer alive while it reads it.
      pending.push_back(workers.submit(
          [bytes, last = chunk.last, keep = chunk.data](std::unique_ptr<BlockCompressor>& state) {
            return state->compress(bytes, last);
          }));
    }
    // Bounded read-ahead: enough to keep every worker busy, little memory.
    while (pending.size() > 4 * workers.threads()) {
      write_block(pending.front().get());
      pending.pop_front();
    }
  }
  for (; !pending.empty(); pending.pop_front()) write_block(pending.front().get());

  std::string trailer;
  put_le32(trailer, crc);
  put_le32(trailer, static_cast<uint32_t>(length));  // ISIZE is the length modulo 2^32
  output.write(trailer);
}

}  // namespace apt_ostree::image
