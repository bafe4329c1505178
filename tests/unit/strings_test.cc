#include "lib/util/strings.h"

#include <gtest/gtest.h>

using namespace apt_ostree::util;

TEST(Strings, TrimAndSplit) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(split_whitespace(" a  b\tc\n"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(split("a, b,,c", ','), (std::vector<std::string_view>{"a", "b", "", "c"}));
}

TEST(Strings, CaseAndBytes) {
  EXPECT_EQ(to_lower("LibSSL3"), "libssl3");
  EXPECT_TRUE(iequals("Package", "package"));
  EXPECT_FALSE(iequals("Package", "Packages"));
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(38'200'000), "38.2 MB");
}

TEST(Strings, ParseSize) {
  EXPECT_EQ(parse_size("500000"), 500000u);
  EXPECT_EQ(parse_size("20M"), 20'000'000u);
  EXPECT_EQ(parse_size("1.5 GB"), 1'500'000'000u);
  EXPECT_EQ(parse_size("2GiB"), 2ull << 30);
  EXPECT_EQ(parse_size("4k"), 4000u);
  EXPECT_FALSE(parse_size("M"));
  EXPECT_FALSE(parse_size("12 parsecs"));
  EXPECT_FALSE(parse_size("1.2.3"));
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
  EXPECT_EQ(edit_distance("packages", "packages", 3), 0u);
  EXPECT_EQ(edit_distance("pakages", "packages", 3), 1u);
  EXPECT_EQ(edit_distance("packagess", "packages", 3), 1u);
  EXPECT_EQ(edit_distance("packeges", "packages", 3), 1u);
  EXPECT_EQ(edit_distance("pakcages", "packages", 3), 1u);  // one swap
  EXPECT_EQ(edit_distance("", "vim", 5), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting", 5), 3u);
}

TEST(EditDistance, StopsAtTheCap) {
  EXPECT_EQ(edit_distance("abcdefgh", "zyxwvuts", 2), 3u);
  EXPECT_EQ(edit_distance("", "vim", 1), 2u);
}

TEST(Strings, Hex) {
  EXPECT_EQ(to_hex(std::string("\x01\xab\xff", 3)), "01abff");
  EXPECT_EQ(to_hex(""), "");
  EXPECT_TRUE(is_lower_hex(std::string(64, 'a'), 64));
  EXPECT_FALSE(is_lower_hex(std::string(64, 'A'), 64));
  EXPECT_FALSE(is_lower_hex(std::string(63, 'a'), 64));
  EXPECT_FALSE(is_lower_hex(std::string(63, 'a') + "g", 64));
}
