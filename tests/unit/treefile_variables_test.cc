#include "lib/compose/treefile_variables.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using namespace apt_ostree::compose;

namespace {

Located<std::string> at(std::string text, int line = 3) {
  return {std::move(text), {"t.yaml", line}};
}

Variables stage_variables(std::map<std::string, Located<std::string>> defined) {
  return Variables(std::move(defined),
                   {{"arch", "arm64"}, {"release", "bookworm"}, {"stage", "lite"}});
}

std::string error_of(const Variables& variables, const std::string& text) {
  try {
    variables.expand(at(text), "packages");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST(TreefileVariables, ExpandsBuiltinsAndDefinedVariables) {
  Variables variables = stage_variables({{"board", at("rpi4", 1)}});
  EXPECT_EQ(variables.expand(at("linux-image-${arch}"), "packages"), "linux-image-arm64");
  EXPECT_EQ(variables.expand(at("os/${release}/${board}/${stage}"), "ref"),
            "os/bookworm/rpi4/lite");
  EXPECT_EQ(variables.expand(at("no variables"), "hostname"), "no variables");
}

TEST(TreefileVariables, DollarDollarIsALiteralDollar) {
  Variables variables = stage_variables({});
  EXPECT_EQ(variables.expand(at("cost $$5 on ${arch}"), "x"), "cost $5 on arm64");
  EXPECT_EQ(variables.expand(at("$${arch}"), "x"), "${arch}");
}

TEST(TreefileVariables, VariablesMayUseVariables) {
  Variables variables =
      stage_variables({{"kernel", at("linux-image-${flavour}", 1)}, {"flavour", at("${arch}", 2)}});
  EXPECT_EQ(variables.expand(at("${kernel}"), "packages"), "linux-image-arm64");
}

TEST(TreefileVariables, UndefinedVariableNamesFileLineKeyAndKnownNames) {
  Variables variables = stage_variables({{"board", at("rpi4", 1)}});
  EXPECT_EQ(error_of(variables, "${bord}"),
            "t.yaml:3: key 'packages' uses ${bord}, which is not defined (defined: arch, board, "
            "release, stage); add it under 'variables:'");
}

TEST(TreefileVariables, ErrorInsideAVariableNamesWhereTheVariableIsDefined) {
  Variables variables = stage_variables({{"kernel", at("linux-image-${flavor}", 7)}});
  EXPECT_EQ(error_of(variables, "${kernel}"),
            "t.yaml:7: variable 'kernel' uses ${flavor}, which is not defined (defined: arch, "
            "kernel, release, stage); add it under 'variables:'");
}

TEST(TreefileVariables, SelfReferenceIsAnError) {
  Variables variables = stage_variables({{"a", at("x${b}", 1)}, {"b", at("${a}", 2)}});
  EXPECT_EQ(error_of(variables, "${a}"), "t.yaml:1: variables refer to themselves: a -> b -> a");
}

TEST(TreefileVariables, BuiltinNotKnownYetIsAnError) {
  Variables variables(std::map<std::string, Located<std::string>>{},
                      {{"arch", std::nullopt}, {"release", std::nullopt}, {"stage", "base"}});
  EXPECT_EQ(variables.expand(at("${stage}"), "from"), "base");
  EXPECT_EQ(error_of(variables, "${arch}"),
            "t.yaml:3: key 'packages' cannot use ${arch}: release, architecture and from are "
            "read before a stage's ${arch} and ${release} are known");
}

TEST(TreefileVariables, StrayDollarAndBadReferencesAreErrors) {
  Variables variables = stage_variables({});
  EXPECT_EQ(error_of(variables, "$arch"),
            "t.yaml:3: key 'packages' has a '$' that starts no variable in '$arch'; write "
            "'${name}' for a variable or '$$' for a literal '$'");
  EXPECT_EQ(error_of(variables, "price$"),
            "t.yaml:3: key 'packages' has a '$' that starts no variable in 'price$'; write "
            "'${name}' for a variable or '$$' for a literal '$'");
  EXPECT_EQ(error_of(variables, "${arch"),
            "t.yaml:3: key 'packages' has an unterminated '${' in '${arch'");
  EXPECT_EQ(error_of(variables, "${}"),
            "t.yaml:3: key 'packages' uses '${}', which is not a variable name (letters, digits "
            "and '_', not starting with a digit)");
}

TEST(TreefileVariables, Names) {
  EXPECT_TRUE(is_valid_variable_name("board_name2"));
  EXPECT_TRUE(is_valid_variable_name("_x"));
  EXPECT_FALSE(is_valid_variable_name("2x"));
  EXPECT_FALSE(is_valid_variable_name("a-b"));
  EXPECT_TRUE(is_builtin_variable("arch"));
  EXPECT_TRUE(is_builtin_variable("stage"));
  EXPECT_FALSE(is_builtin_variable("board"));
}
