#include "lib/compose/stage_layering.h"

#include <gtest/gtest.h>

#include "temp_tree.h"

using namespace apt_ostree;

namespace {

compose::LayeredPackage layered(const std::string& name, const std::string& depends = {},
                                const std::string& pre_depends = {}) {
  return {{name, depends, pre_depends, "", false, false}, "/debs/" + name + ".deb"};
}

}  // namespace

TEST(StageLayering, InstalledPackagesAreTheInstalledOnesOfTheStatusFile) {
  test_support::TempTree tree;
  tree.file("var/lib/dpkg/status",
            "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
            "Version: 2.36-9\n\n"
            "Package: removed\nStatus: deinstall ok config-files\nArchitecture: all\n"
            "Version: 1.0\n\n"
            "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\n"
            "Version: 12.4\nDescription: x\n more\n");
  std::map<std::string, std::string> installed = compose::installed_packages(tree.root);
  EXPECT_EQ(installed, (std::map<std::string, std::string>{{"base-files:amd64", "12.4"},
                                                           {"libc6:amd64", "2.36-9"}}));
}

TEST(StageLayering, OneUnpackBatchWhenNothingPreDependsOnANewPackage) {
  std::vector<compose::LayeredPackage> packages = {layered("liba"), layered("app", "liba"),
                                                   layered("tool", "", "libc6")};
  auto commands = compose::layering_commands(packages, "amd64", {"--path-exclude=/usr/share/doc/*"});
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0],
            (std::vector<std::string>{"/usr/bin/dpkg", "--unpack", "--path-exclude=/usr/share/doc/*",
                                      "/debs/liba.deb", "/debs/app.deb", "/debs/tool.deb"}));
}

TEST(StageLayering, APreDependencyIsUnpackedAndConfiguredBeforeItsDependent) {
  // app Pre-Depends on libx, which Depends on liby: both configured before app is unpacked.
  std::vector<compose::LayeredPackage> packages = {
      layered("liby"), layered("libx", "liby"), layered("other"), layered("app", "", "libx")};
  auto commands = compose::layering_commands(packages, "amd64", {});
  ASSERT_EQ(commands.size(), 3u) << testing::PrintToString(commands);
  EXPECT_EQ(commands[0], (std::vector<std::string>{"/usr/bin/dpkg", "--unpack", "/debs/liby.deb",
                                                   "/debs/libx.deb", "/debs/other.deb"}));
  EXPECT_EQ(commands[1], (std::vector<std::string>{"/usr/bin/dpkg", "--configure", "liby", "libx"}));
  EXPECT_EQ(commands[2], (std::vector<std::string>{"/usr/bin/dpkg", "--unpack", "/debs/app.deb"}));
}
