#include "lib/deb/dependency.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using deb::Relation;
using deb::RelationOp;

namespace {

std::vector<deb::Alternatives> parse(std::string_view field, std::string_view arch = "amd64") {
  return deb::parse_relations(field, arch, "Depends of test");
}

// The error message, or "" when the field parses.
std::string error_of(std::string_view field) {
  try {
    parse(field);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Dependency, ParsesTheDocumentedExample) {
  auto groups = parse("a (>= 1.0) | b:any, c [amd64 !i386] <!nocheck>, d:amd64 (<< 2:3.0-1~)");
  ASSERT_EQ(groups.size(), 3u);
  ASSERT_EQ(groups[0].size(), 2u);
  EXPECT_EQ(groups[0][0], (Relation{"a", "", RelationOp::ge, "1.0"}));
  EXPECT_EQ(groups[0][1], (Relation{"b", "any", RelationOp::none, ""}));
  EXPECT_EQ(groups[1], (deb::Alternatives{{"c", "", RelationOp::none, ""}}));
  EXPECT_EQ(groups[2], (deb::Alternatives{{"d", "amd64", RelationOp::lt, "2:3.0-1~"}}));
}

TEST(Dependency, AllOperatorsIncludingObsoleteOnes) {
  auto groups = parse("a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1), f (< 1), g (> 1), h (1)");
  ASSERT_EQ(groups.size(), 8u);
  RelationOp expected[] = {RelationOp::lt, RelationOp::le, RelationOp::eq, RelationOp::ge,
                           RelationOp::gt, RelationOp::le, RelationOp::ge, RelationOp::eq};
  for (size_t i = 0; i < groups.size(); ++i) {
    EXPECT_EQ(groups[i][0].op, expected[i]) << groups[i][0].name;
    EXPECT_EQ(groups[i][0].version, "1");
  }
}

TEST(Dependency, ToleratesWhitespaceAndContinuationLines) {
  auto groups =
      parse("\n libc6 (>=2.36),\n  libssl3(>= 3.0.9)  |\n\tlibssl1.1 ,\n zlib1g ( = 1:1.2.13 ),\n");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0][0], (Relation{"libc6", "", RelationOp::ge, "2.36"}));
  EXPECT_EQ(groups[1][0], (Relation{"libssl3", "", RelationOp::ge, "3.0.9"}));
  EXPECT_EQ(groups[1][1], (Relation{"libssl1.1", "", RelationOp::none, ""}));
  EXPECT_EQ(groups[2][0], (Relation{"zlib1g", "", RelationOp::eq, "1:1.2.13"}));
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse(" \n ").empty());
}

TEST(Dependency, ArchitectureRestrictions) {
  const char* field =
      "a [amd64], b [!amd64], c [i386 arm64], d [!i386 !arm64], e [linux-any],"
      " f [any-amd64], g [kfreebsd-any], h [any-arm] | i";
  auto names = [&](std::string_view arch) {
    std::string out;
    for (const auto& group : deb::parse_relations(field, arch, "Build-Depends of x"))
      out += deb::format_alternatives(group) + ";";
    return out;
  };
  EXPECT_EQ(names("amd64"), "a;d;e;f;i;");
  EXPECT_EQ(names("arm64"), "b;c;e;i;");
  EXPECT_EQ(names("armhf"), "b;d;e;h | i;");
  EXPECT_EQ(names("kfreebsd-amd64"), "b;d;f;g;i;");
}

// Mixed lists follow dpkg-dev: the first matching entry decides, an unmatched negation includes.
TEST(Dependency, MixedArchitectureListsFollowDpkgDev) {
  auto kept = [](std::string_view arch) { return !parse("c [amd64 !i386]", arch).empty(); };
  EXPECT_TRUE(kept("amd64"));
  EXPECT_FALSE(kept("i386"));
  EXPECT_TRUE(kept("arm64"));
  EXPECT_FALSE(parse("c [!amd64 amd64]", "amd64").size());
}

TEST(Dependency, GroupEmptiedByArchitectureIsDropped) {
  auto groups = parse("a [i386] | b [armhf], c");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0][0].name, "c");
}

TEST(Dependency, BuildProfilesAreIgnored) {
  auto groups = parse("a <!nocheck>, b (>= 1) [amd64] <!stage1 !cross> <stage2>, c <pkg.foo.bar>");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[1][0], (Relation{"b", "", RelationOp::ge, "1"}));
}

TEST(Dependency, ErrorsNameWhatAndTheBadText) {
  std::string message = error_of("a, b (>= 1.0");
  EXPECT_NE(message.find("Depends of test"), std::string::npos) << message;
  EXPECT_NE(message.find("'b (>= 1.0'"), std::string::npos) << message;

  for (const char* bad : {
           "a (>= )",       // no version
           "a (>< 1)",      // not an operator
           "a (>= 1.0",     // unterminated
           "a (>= 1.0 2)",  // two words
           "a (>= 1_0)",    // bad version character
           "(>= 1)",        // no name
           "a, , b",        // empty group
           "a | | b",       // empty alternative
           "a |",           // trailing bar
           "a:",            // empty qualifier
           "a [amd64",      // unterminated list
           "a []",          // empty list
           "a [!]",         // negation of nothing
           "a <!nocheck",   // unterminated profile
           "a <>",          // empty profile
           "a b",           // trailing garbage
           "-a",            // name must start with an alphanumeric
       })
    EXPECT_NE(error_of(bad), "") << bad;
  EXPECT_EQ(error_of("a, b,"), "");  // a trailing comma is tolerated
}

TEST(Dependency, VersionSatisfies) {
  EXPECT_TRUE(deb::version_satisfies("1.0", RelationOp::none, ""));
  EXPECT_TRUE(deb::version_satisfies("1.0~rc1", RelationOp::lt, "1.0"));
  EXPECT_FALSE(deb::version_satisfies("1.0", RelationOp::lt, "1.0"));
  EXPECT_TRUE(deb::version_satisfies("1.0", RelationOp::le, "1.0-0"));
  EXPECT_TRUE(deb::version_satisfies("0:1.0", RelationOp::eq, "1.0"));
  EXPECT_FALSE(deb::version_satisfies("1.0+b1", RelationOp::eq, "1.0"));
  EXPECT_TRUE(deb::version_satisfies("1.0+b1", RelationOp::ge, "1.0"));
  EXPECT_FALSE(deb::version_satisfies("1.0~", RelationOp::ge, "1.0"));
  EXPECT_TRUE(deb::version_satisfies("1:0.1", RelationOp::gt, "9.9"));
  EXPECT_FALSE(deb::version_satisfies("1.0", RelationOp::gt, "1.0"));
}

TEST(Dependency, Formatting) {
  EXPECT_EQ(deb::to_string(RelationOp::lt), "<<");
  EXPECT_EQ(deb::to_string(RelationOp::le), "<=");
  EXPECT_EQ(deb::to_string(RelationOp::eq), "=");
  EXPECT_EQ(deb::to_string(RelationOp::ge), ">=");
  EXPECT_EQ(deb::to_string(RelationOp::gt), ">>");
  EXPECT_EQ(deb::to_string(RelationOp::none), "");
  EXPECT_EQ(deb::format_relation({"libssl3", "", RelationOp::ge, "3.2"}), "libssl3 (>= 3.2)");
  EXPECT_EQ(deb::format_relation({"python3", "any", RelationOp::none, ""}), "python3:any");
  EXPECT_EQ(deb::format_alternatives(
                {{"a", "", RelationOp::none, ""}, {"b", "amd64", RelationOp::ge, "1"}}),
            "a | b:amd64 (>= 1)");

  // Formatting then parsing gives the same relations back (obsolete operators normalised).
  auto groups = parse("a (< 1) | b:any (> 2), c (= 1:2-3)");
  std::string text;
  for (const auto& group : groups)
    text += (text.empty() ? "" : ", ") + deb::format_alternatives(group);
  EXPECT_EQ(text, "a (<= 1) | b:any (>= 2), c (= 1:2-3)");
  EXPECT_EQ(parse(text), groups);
}
