#include "lib/compose/preinst_order.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

namespace apt_ostree::compose {
namespace {

using Batches = std::vector<std::vector<size_t>>;

PreinstPackage package(std::string name, std::string depends = {}, std::string pre_depends = {},
                       bool has_preinst = false, std::string provides = {}) {
  return {std::move(name), std::move(depends), std::move(pre_depends), std::move(provides),
          has_preinst};
}

TEST(PreinstOrder, NothingEarlyWithoutPreDepends) {
  EXPECT_EQ(configure_before_preinsts({package("a"), package("b", "a", "", true)}, "amd64"),
            (Batches{{}, {}}));
}

TEST(PreinstOrder, PreDependencyChainConfiguredBeforeEachPreinst) {
  // c Pre-Depends b Pre-Depends a: a before b's preinst, b before c's.
  Batches batches = configure_before_preinsts(
      {package("a"), package("b", "", "a", true), package("c", "", "b", true)}, "amd64");
  EXPECT_EQ(batches, (Batches{{}, {0}, {1}}));
}

TEST(PreinstOrder, BatchIncludesTheDependsClosureBeforeThePackage) {
  // lib Depends base (both earlier): configuring lib needs base configured too.
  Batches batches = configure_before_preinsts(
      {package("base"), package("lib", "base"), package("tool"), package("app", "", "lib", true)},
      "amd64");
  EXPECT_EQ(batches[3], (std::vector<size_t>{0, 1}));
}

TEST(PreinstOrder, ConfiguredOnceAndNotWithoutPreinst) {
  Batches batches = configure_before_preinsts(
      {package("a"), package("b", "", "a"), package("c", "", "a", true),
       package("d", "", "a", true)},
      "amd64");
  EXPECT_EQ(batches, (Batches{{}, {}, {0}, {}}));
}

TEST(PreinstOrder, AlternativesAndProvidesPickAPresentPackage) {
  Batches batches = configure_before_preinsts(
      {package("mawk", "", "", false, "awk"), package("tool", "", "gawk | awk", true)}, "amd64");
  EXPECT_EQ(batches[1], (std::vector<size_t>{0}));
}

TEST(PreinstOrder, DependenciesAfterThePackageWaitForTheEnd) {
  // a Depends z, which comes after b: a dpkg cycle configured at the end, not early.
  Batches batches = configure_before_preinsts(
      {package("a", "z"), package("b", "", "a", true), package("z", "a")}, "amd64");
  EXPECT_EQ(batches[1], (std::vector<size_t>{0}));
}

TEST(PreinstOrder, ArchitectureRestrictionsApply) {
  Batches batches = configure_before_preinsts(
      {package("a"), package("b", "", "a [arm64]", true)}, "amd64");
  EXPECT_EQ(batches[1], (std::vector<size_t>{}));
}

TEST(PreinstOrder, MalformedFieldNamesThePackage) {
  try {
    configure_before_preinsts({package("broken", "", "a (>= ", true)}, "amd64");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("broken"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace apt_ostree::compose
