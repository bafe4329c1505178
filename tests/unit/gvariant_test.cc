#include "lib/util/gvariant.h"

#include <glib.h>
#include <gtest/gtest.h>

#include <string>

#include "lib/util/error.h"

using namespace apt_ostree;

namespace {

// GLib's serialization of a value given in GVariant text format.
std::string serialize(const char* type, const char* text) {
  GError* error = nullptr;
  GVariant* value = g_variant_parse(G_VARIANT_TYPE(type), text, nullptr, nullptr, &error);
  EXPECT_EQ(error, nullptr) << (error ? error->message : "");
  std::string data(static_cast<const char*>(g_variant_get_data(value)), g_variant_get_size(value));
  g_variant_unref(value);
  return data;
}

}  // namespace

TEST(GVariantTest, TypeLengthsAlignmentsAndSizes) {
  EXPECT_EQ(util::gvariant_type_length("a{sv}ay"), 5u);
  EXPECT_EQ(util::gvariant_type_length("(a{sv}aya(say)sstayay)x"), 22u);
  EXPECT_THROW(util::gvariant_type_length("(sa"), Error);
  EXPECT_THROW(util::gvariant_type_length("z"), Error);
  EXPECT_EQ(util::gvariant_alignment("(yt)"), 8u);
  EXPECT_EQ(util::gvariant_alignment("as"), 1u);
  EXPECT_EQ(util::gvariant_fixed_size("(yt)"), 16u);
  EXPECT_EQ(util::gvariant_fixed_size("(ty)"), 16u);
  EXPECT_EQ(util::gvariant_fixed_size("(yy)"), 2u);
  EXPECT_EQ(util::gvariant_fixed_size("()"), 1u);
  EXPECT_EQ(util::gvariant_fixed_size("(ys)"), 0u);
}

TEST(GVariantTest, ReadsWhatGlibWrites) {
  const std::string data = serialize(
      "(a{sv}aya(say)sstayay)",
      "({'version': <'12.1'>, 'packages': <['a 1 all', 'b 2 amd64']>, 'bootable': <true>, "
      "'size': <uint64 1234567890123>}, [byte 1, 2], @a(say) [], 'subject', 'body', "
      "uint64 99, [byte 3, 4, 5], @ay [])");
  util::GVariantView commit("(a{sv}aya(say)sstayay)", data);
  ASSERT_EQ(commit.size(), 8u);
  util::GVariantView metadata = commit.child(0);
  ASSERT_EQ(metadata.size(), 4u);
  EXPECT_EQ(metadata.child(0).child(0).string(), "version");
  EXPECT_EQ(metadata.child(0).child(1).child(0).string(), "12.1");
  util::GVariantView packages = metadata.child(1).child(1).child(0);
  EXPECT_EQ(packages.type(), "as");
  ASSERT_EQ(packages.size(), 2u);
  EXPECT_EQ(packages.child(1).string(), "b 2 amd64");
  EXPECT_TRUE(metadata.child(2).child(1).child(0).boolean());
  EXPECT_EQ(metadata.child(3).child(1).child(0).uint64(), 1234567890123u);
  EXPECT_EQ(commit.child(1).data(), std::string("\x01\x02", 2));
  EXPECT_EQ(commit.child(2).size(), 0u);
  EXPECT_EQ(commit.child(3).string(), "subject");
  EXPECT_EQ(commit.child(4).string(), "body");
  EXPECT_EQ(commit.child(5).uint64(), 99u);
  EXPECT_EQ(commit.child(6).data(), "\x03\x04\x05");
  EXPECT_EQ(commit.child(7).data(), "");
}

// Over 255 bytes the framing offsets are two bytes wide.
TEST(GVariantTest, ReadsLargeContainers) {
  std::string text = "[";
  for (int i = 0; i < 300; ++i) text += (i ? ", '" : "'") + std::to_string(i * 1000) + "'";
  text += "]";
  const std::string data = serialize("as", text.c_str());
  ASSERT_GT(data.size(), 1000u);
  util::GVariantView list("as", data);
  ASSERT_EQ(list.size(), 300u);
  EXPECT_EQ(list.child(0).string(), "0");
  EXPECT_EQ(list.child(299).string(), "299000");
  EXPECT_THROW(list.child(300), Error);
}

TEST(GVariantTest, FixedSizeArraysAndTuples) {
  const std::string data = serialize("(ua(yt)s)", "(uint32 7, [(byte 1, uint64 2), (3, 4)], 'x')");
  util::GVariantView value("(ua(yt)s)", data);
  EXPECT_EQ(value.child(0).uint64(), 7u);
  util::GVariantView pairs = value.child(1);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs.child(1).child(0).uint64(), 3u);
  EXPECT_EQ(pairs.child(1).child(1).uint64(), 4u);
  EXPECT_EQ(value.child(2).string(), "x");
}

// Garbage gives empty children, never a read outside the data.
TEST(GVariantTest, MalformedDataReadsAsEmpty) {
  std::string data = serialize("(sas)", "('abc', ['d', 'e'])");
  data[data.size() - 1] = static_cast<char>(0xff);  // the first member's end, now out of range
  util::GVariantView value("(sas)", data);
  EXPECT_EQ(value.child(0).string(), "");
  util::GVariantView truncated("as", std::string_view("ab\0", 3));
  for (size_t i = 0; i < truncated.size(); ++i) (void)truncated.child(i).string();
  util::GVariantView variant("v", std::string_view("x\0zz", 4));
  EXPECT_THROW(variant.child(0), Error);
}
