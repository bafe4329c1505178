#include "lib/image/deflate_scan.h"

#include <gtest/gtest.h>
#include <libdeflate.h>
#include <zlib.h>

#include <random>
#include <string>

#include "lib/util/error.h"

using namespace apt_ostree;

namespace {

std::string deflate(const std::string& input, int level) {
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(level);
  std::string out(libdeflate_deflate_compress_bound(compressor, input.size()), '\0');
  out.resize(libdeflate_deflate_compress(compressor, input.data(), input.size(), out.data(),
                                         out.size()));
  libdeflate_free_compressor(compressor);
  return out;
}

// The reference: zlib's inflate stopping at every block boundary (Z_BLOCK), as gzjoin does.
image::FinalBlock zlib_final_block(const std::string& deflated, size_t inflated_size) {
  z_stream stream{};
  inflateInit2(&stream, -15);
  std::string scratch(inflated_size + 1, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  stream.avail_in = static_cast<uInt>(deflated.size());
  stream.next_out = reinterpret_cast<Bytef*>(scratch.data());
  stream.avail_out = static_cast<uInt>(scratch.size());
  image::FinalBlock final;
  for (;;) {
    int status = inflate(&stream, Z_BLOCK);
    EXPECT_TRUE(status == Z_OK || status == Z_STREAM_END) << status;
    const int unused = stream.data_type & 7;
    if (status == Z_STREAM_END || ((stream.data_type & 128) && (stream.data_type & 64))) {
      final.padding_bits = unused;
      break;
    }
    if (stream.data_type & 128) final.header_bit = (deflated.size() - stream.avail_in) * 8 - unused;
    if (status != Z_OK) break;
  }
  inflateEnd(&stream);
  return final;
}

// Inputs that give stored, fixed and dynamic blocks, one block or many.
std::vector<std::string> samples() {
  std::mt19937 random(42);
  std::vector<std::string> inputs = {"", "a", std::string(131072, '\0')};
  std::string noise(131072, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  inputs.push_back(noise);
  std::string text;
  const char* words[] = {"deflate ", "block ", "huffman ", "debian ", "ostree ", "\n"};
  while (text.size() < 200000) text += words[random() % 6];
  inputs.push_back(text);
  std::string mixed = text.substr(0, 50000) + noise.substr(0, 40000) + text.substr(0, 60000);
  inputs.push_back(mixed);
  return inputs;
}

}  // namespace

TEST(DeflateScan, FindsTheFinalBlockAsZlibDoes) {
  for (int level : {0, 1, 6, 12})
    for (const std::string& input : samples()) {
      const std::string deflated = deflate(input, level);
      image::FinalBlock expected = zlib_final_block(deflated, input.size());
      image::FinalBlock found = image::find_final_block(deflated);
      EXPECT_EQ(found.header_bit, expected.header_bit)
          << "level " << level << ", " << input.size() << " bytes";
      EXPECT_EQ(found.padding_bits, expected.padding_bits)
          << "level " << level << ", " << input.size() << " bytes";
    }
}

TEST(DeflateScan, MalformedStreamsThrow) {
  const std::string deflated = deflate(samples()[4], 6);
  EXPECT_THROW(image::find_final_block(deflated.substr(0, deflated.size() / 2)), Error);
  EXPECT_THROW(image::find_final_block(deflated + "extra"), Error);
  EXPECT_THROW(image::find_final_block(std::string("\x07", 1)), Error);  // reserved block type
}
