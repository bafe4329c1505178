#include "lib/image/deflate_scan.h"

#include <array>
#include <cstring>

#include "lib/util/error.h"

namespace apt_ostree::image {

namespace {

constexpr int k_max_bits = 15;  // the longest deflate code

// Bits in the order deflate packs them: from each byte's least significant bit on.
class BitReader {
 public:
  explicit BitReader(std::string_view data)
      : m_data(reinterpret_cast<const unsigned char*>(data.data())), m_size(data.size()) {}

  // The next `count` (at most 32) bits without consuming them; zeros past the end.
  uint32_t peek(int count) {
    if (m_buffered < count) refill();
    return static_cast<uint32_t>(m_buffer & ((uint64_t{1} << count) - 1));
  }
  void skip(int count) {
    if (m_buffered < count) refill();
    m_buffer >>= count;
    m_buffered -= count;
  }
  uint32_t read(int count) {
    uint32_t value = peek(count);
    skip(count);
    return value;
  }
  void align_to_byte() { skip(static_cast<int>((8 - position() % 8) % 8)); }
  // Bits consumed.
  uint64_t position() const { return m_next * 8 - static_cast<uint64_t>(m_buffered); }

 private:
  void refill() {
    if (m_next + 8 <= m_size) {
      // Whole bytes up to 56 bits of buffer, in one unaligned load.
      uint64_t word;
      std::memcpy(&word, m_data + m_next, 8);
      const int bytes = (63 - m_buffered) / 8;  // at most 7: the buffer never overflows
      m_buffer |= (word & ((uint64_t{1} << (8 * bytes)) - 1)) << m_buffered;
      m_next += static_cast<uint64_t>(bytes);
      m_buffered += 8 * bytes;
      return;
    }
    // Past the end the stream reads as zeros, for a while: a stream cut short would otherwise be
    // read forever.
    if (m_next > m_size + 64) fail("internal error: a deflate stream ends in mid-block");
    for (; m_buffered <= 56; m_buffered += 8, ++m_next)
      m_buffer |= uint64_t{m_next < m_size ? m_data[m_next] : 0u} << m_buffered;
  }

  const unsigned char* m_data;
  uint64_t m_size;
  uint64_t m_next = 0;  // the next byte to load into the buffer
  uint64_t m_buffer = 0;
  int m_buffered = 0;  // valid bits in m_buffer
};

// A canonical Huffman code: codes of up to k_fast_bits bits are looked up in one table over the
// next bits, longer (rare) ones decoded bit by bit from the counts per length, as zlib's puff
// does. A table of every 15-bit index would cost more to fill, per block, than it saves.
class HuffmanTable {
 public:
  void build(const uint8_t* lengths, int count) {
    m_count.fill(0);
    for (int i = 0; i < count; ++i) ++m_count[lengths[i]];
    m_count[0] = 0;
    std::array<uint16_t, k_max_bits + 2> offsets{};
    for (int bits = 1; bits <= k_max_bits; ++bits)
      offsets[bits + 1] = static_cast<uint16_t>(offsets[bits] + m_count[bits]);
    for (int symbol = 0; symbol < count; ++symbol)
      if (lengths[symbol] != 0) m_symbols[offsets[lengths[symbol]]++] = static_cast<uint16_t>(symbol);

    m_fast.fill(0);  // length 0: decode slowly
    uint32_t code = 0;
    int index = 0;
    for (int length = 1; length <= k_fast_bits; ++length) {
      for (int i = 0; i < m_count[length]; ++i, ++code) {
        uint32_t reversed = 0;
        for (int bit = 0; bit < length; ++bit) reversed |= ((code >> bit) & 1) << (length - 1 - bit);
        const uint16_t entry = static_cast<uint16_t>(m_symbols[index + i] << 4 | length);
        for (uint32_t at = reversed; at < m_fast.size(); at += 1u << length) m_fast[at] = entry;
      }
      index += m_count[length];
      code <<= 1;
    }
  }

  int decode(BitReader& bits) const {
    const uint16_t entry = m_fast[bits.peek(k_fast_bits)];
    if (entry != 0) {
      bits.skip(entry & 15);
      return entry >> 4;
    }
    // Longer than k_fast_bits: bit by bit (the code's bits come most significant first).
    int code = 0, first = 0, index = 0;
    for (int length = 1; length <= k_max_bits; ++length) {
      code |= static_cast<int>(bits.read(1));
      const int count = m_count[length];
      if (code - first < count) return m_symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    fail("internal error: a deflate stream holds an invalid Huffman code");
  }

 private:
  static constexpr int k_fast_bits = 10;
  std::array<uint16_t, k_max_bits + 1> m_count{};
  std::array<uint16_t, 288> m_symbols{};
  std::array<uint16_t, 1u << k_fast_bits> m_fast{};
};

// RFC 1951 3.2.5: the extra bits of length codes 257..285 and distance codes 0..29.
constexpr uint8_t k_length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                        2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint8_t k_distance_extra[30] = {0, 0, 0, 0, 1, 1, 2,  2,  3,  3,  4,  4,  5,  5,  6,
                                          6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order the code length code lengths come in (3.2.7).
constexpr uint8_t k_code_length_order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                             11, 4,  12, 3, 13, 2, 14, 1, 15};

struct Tables {
  HuffmanTable literals;
  HuffmanTable distances;
};

void read_dynamic_tables(BitReader& bits, Tables& tables) {
  const int literal_count = static_cast<int>(bits.read(5)) + 257;
  const int distance_count = static_cast<int>(bits.read(5)) + 1;
  const int code_length_count = static_cast<int>(bits.read(4)) + 4;
  std::array<uint8_t, 19> code_lengths{};
  for (int i = 0; i < code_length_count; ++i)
    code_lengths[k_code_length_order[i]] = static_cast<uint8_t>(bits.read(3));
  HuffmanTable code_length_table;
  code_length_table.build(code_lengths.data(), 19);
  std::array<uint8_t, 288 + 32> lengths{};
  const int total = literal_count + distance_count;
  for (int i = 0; i < total;) {
    const int symbol = code_length_table.decode(bits);
    if (symbol < 16) {
      lengths[i++] = static_cast<uint8_t>(symbol);
      continue;
    }
    uint8_t repeated = 0;
    int times = 0;
    if (symbol == 16) {
      if (i == 0) fail("internal error: a deflate stream repeats a length before the first");
      repeated = lengths[i - 1];
      times = 3 + static_cast<int>(bits.read(2));
    } else if (symbol == 17) {
      times = 3 + static_cast<int>(bits.read(3));
    } else {
      times = 11 + static_cast<int>(bits.read(7));
    }
    if (i + times > total) fail("internal error: a deflate stream's code lengths overflow");
    for (; times > 0; --times) lengths[i++] = repeated;
  }
  tables.literals.build(lengths.data(), literal_count);
  tables.distances.build(lengths.data() + literal_count, distance_count);
}

const Tables& fixed_tables() {
  static const Tables tables = [] {
    Tables fixed;
    std::array<uint8_t, 288> literal_lengths{};
    for (int i = 0; i < 288; ++i) literal_lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    fixed.literals.build(literal_lengths.data(), 288);
    std::array<uint8_t, 30> distance_lengths{};
    distance_lengths.fill(5);
    fixed.distances.build(distance_lengths.data(), 30);
    return fixed;
  }();
  return tables;
}

// Reads symbols up to and including the end-of-block code, skipping their extra bits.
void skip_huffman_block(BitReader& bits, const Tables& tables) {
  for (;;) {
    const int symbol = tables.literals.decode(bits);
    if (symbol < 256) continue;
    if (symbol == 256) return;
    if (symbol > 285) fail("internal error: a deflate stream holds length code {}", symbol);
    bits.skip(k_length_extra[symbol - 257]);
    const int distance = tables.distances.decode(bits);
    if (distance > 29) fail("internal error: a deflate stream holds distance code {}", distance);
    bits.skip(k_distance_extra[distance]);
  }
}

}  // namespace

FinalBlock find_final_block(std::string_view deflated) {
  BitReader bits(deflated);
  Tables dynamic;
  for (;;) {
    FinalBlock block;
    block.header_bit = bits.position();
    const bool final = bits.read(1);
    const uint32_t type = bits.read(2);
    if (type == 0) {
      bits.align_to_byte();
      const uint32_t length = bits.read(16);
      if ((bits.read(16) ^ 0xffff) != length)
        fail("internal error: a deflate stream's stored block has a bad length");
      for (uint32_t i = 0; i < length; ++i) bits.skip(8);
    } else if (type == 1) {
      skip_huffman_block(bits, fixed_tables());
    } else if (type == 2) {
      read_dynamic_tables(bits, dynamic);
      skip_huffman_block(bits, dynamic);
    } else {
      fail("internal error: a deflate stream holds a block of the reserved type 3");
    }
    if (final) {
      const uint64_t end = bits.position();
      if ((end + 7) / 8 != deflated.size())
        fail("internal error: a deflate stream ends {} bytes before its buffer",
             deflated.size() - (end + 7) / 8);
      block.padding_bits = static_cast<int>((8 - end % 8) % 8);
      return block;
    }
  }
}

}  // namespace apt_ostree::image
