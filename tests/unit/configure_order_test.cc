#include "lib/compose/configure_order.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

namespace apt_ostree::compose {
namespace {

ConfigurePackage package(std::string name, std::string depends = {}, std::string pre_depends = {},
                         bool has_preinst = false, bool essential = false,
                         std::string provides = {}) {
  return {std::move(name), std::move(depends), std::move(pre_depends), std::move(provides),
          essential, has_preinst};
}

// The steps as text: "configure a b", "preinst c".
std::vector<std::string> describe(const std::vector<ConfigurePackage>& packages) {
  std::vector<std::string> lines;
  for (const DpkgStep& step : configure_steps(packages, "amd64")) {
    std::string line = step.kind == DpkgStep::Kind::configure ? "configure" : "preinst";
    for (size_t index : step.packages) line += " " + packages[index].name;
    lines.push_back(line);
  }
  return lines;
}

using Lines = std::vector<std::string>;

TEST(ConfigureOrder, PreinstsWithoutPreDependsRunInOrder) {
  EXPECT_EQ(describe({package("a", "", "", true), package("b", "a", "", true)}),
            (Lines{"preinst a", "preinst b"}));
}

TEST(ConfigureOrder, PreDependencyChainConfiguredBeforeEachPreinst) {
  // c Pre-Depends b Pre-Depends a: a before b's preinst, b before c's.
  EXPECT_EQ(describe({package("a"), package("b", "", "a", true), package("c", "", "b", true)}),
            (Lines{"configure a", "preinst b", "configure b", "preinst c"}));
}

TEST(ConfigureOrder, BatchIncludesTheDependsClosureBeforeThePackage) {
  EXPECT_EQ(describe({package("base"), package("lib", "base"), package("tool"),
                      package("app", "", "lib", true)}),
            (Lines{"configure base lib", "preinst app"}));
}

TEST(ConfigureOrder, ConfiguredOnceAndOnlyBeforeAPreinst) {
  EXPECT_EQ(describe({package("a"), package("b", "", "a"), package("c", "", "a", true),
                      package("d", "", "a", true)}),
            (Lines{"configure a", "preinst c", "preinst d"}));
}

TEST(ConfigureOrder, EssentialSetFirstWithWhatItNeeds) {
  // exim's preinst and scripts need awk, which exists once mawk (depended on by essential
  // base-files, not by exim) is configured.
  Lines steps = describe({package("exim", "", "", true), package("libc"),
                          package("mawk", "libc", "", true, false, "awk"),
                          package("base-files", "awk", "", false, true)});
  EXPECT_EQ(steps, (Lines{"preinst mawk", "configure libc mawk base-files", "preinst exim"}));
}

TEST(ConfigureOrder, AlternativesAndProvidesPickAPresentPackage) {
  EXPECT_EQ(describe({package("mawk", "", "", false, false, "awk"),
                      package("tool", "", "gawk | awk", true)}),
            (Lines{"configure mawk", "preinst tool"}));
}

TEST(ConfigureOrder, DependenciesAfterThePackageWaitForTheEnd) {
  // a Depends z, which comes after b: a dpkg cycle configured at the end, not early.
  EXPECT_EQ(describe({package("a", "z"), package("b", "", "a", true), package("z", "a")}),
            (Lines{"configure a", "preinst b"}));
}

TEST(ConfigureOrder, ArchitectureRestrictionsApply) {
  EXPECT_EQ(describe({package("a"), package("b", "", "a [arm64]", true)}), (Lines{"preinst b"}));
}

TEST(ConfigureOrder, MalformedFieldNamesThePackage) {
  try {
    configure_steps({package("broken", "", "a (>= ", true)}, "amd64");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace apt_ostree::compose
