#include "lib/compose/stage_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "lib/util/error.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k_packages = {
    "base-files 12.4+deb12u5 amd64 1111", "libc6 2.36-9+deb12u4 amd64 2222",
    "dash 0.5.12-2 amd64 3333"};

// A treefile with a files overlay and a run-chroot script in `tree` (written the first time),
// parsed.
compose::Stage stage_in(const test_support::TempTree& tree, const std::string& packages) {
  if (!fs::exists(tree.root / "setup.sh")) {
    tree.file("overlay/etc/motd", "hello\n");
    tree.file("setup.sh", "#!/bin/sh\ntrue\n");
  }
  tree.file("treefile.yaml", "release: bookworm\narchitecture: amd64\nvariant: minbase\n"
                             "packages: [" + packages + "]\nfiles: overlay\n"
                             "run-chroot: setup.sh\n");
  return compose::parse_treefile(tree.root / "treefile.yaml", "amd64").stages.at(0);
}

}  // namespace

TEST(StageKey, TheManifestNamesEveryInputAndRoundTrips) {
  test_support::TempTree tree;
  compose::StageManifest manifest = compose::describe_stage(stage_in(tree, "vim"), "", k_packages);
  EXPECT_EQ(manifest.architecture, "amd64");
  EXPECT_TRUE(manifest.inputs.contains("files"));
  EXPECT_TRUE(manifest.inputs.contains("files/etc/motd"));
  EXPECT_TRUE(manifest.inputs.contains("run-chroot"));
  EXPECT_EQ(compose::parse_manifest(compose::manifest_json(manifest)), manifest);
  EXPECT_EQ(compose::stage_key(manifest).size(), 64u);
  EXPECT_THROW(compose::parse_manifest("{\"no\": 1}"), Error);
}

TEST(StageKey, EqualInputsGiveEqualKeysAndEachInputChangesIt) {
  test_support::TempTree tree;
  compose::Stage stage = stage_in(tree, "vim");
  compose::StageManifest base = compose::describe_stage(stage, "", k_packages);
  std::string key = compose::stage_key(base);
  EXPECT_EQ(compose::stage_key(compose::describe_stage(stage, "", k_packages)), key);

  std::vector<std::string> newer = k_packages;
  newer[1] = "libc6 2.36-9+deb12u7 amd64 4444";
  EXPECT_NE(compose::stage_key(compose::describe_stage(stage, "", newer)), key);
  EXPECT_NE(compose::stage_key(compose::describe_stage(stage, "parent-key", k_packages)), key);
  EXPECT_NE(compose::stage_key(compose::describe_stage(stage_in(tree, "vim, less"), "", k_packages)),
            key);
  tree.file("overlay/etc/motd", "changed\n");
  EXPECT_NE(compose::stage_key(compose::describe_stage(stage, "", k_packages)), key);
  tree.file("overlay/etc/motd", "hello\n");
  EXPECT_EQ(compose::stage_key(compose::describe_stage(stage, "", k_packages)), key);
  ::chmod((tree.root / "setup.sh").c_str(), 0755);
  EXPECT_NE(compose::stage_key(compose::describe_stage(stage, "", k_packages)), key);
}

TEST(StageKey, ExplainSaysWhatChanged) {
  test_support::TempTree tree;
  compose::StageManifest before = compose::describe_stage(stage_in(tree, "vim"), "", k_packages);
  EXPECT_TRUE(compose::explain_changes(before, before).empty());

  tree.file("overlay/etc/issue", "new file\n");
  tree.file("setup.sh", "#!/bin/sh\necho changed\n");
  std::vector<std::string> packages = k_packages;
  packages[1] = "libc6 2.36-9+deb12u7 amd64 4444";
  packages[2] = "dash 0.5.12-2 amd64 5555";
  packages.push_back("vim 2:9.0.1378-2 amd64 6666");
  packages.erase(packages.begin());
  compose::StageManifest now =
      compose::describe_stage(stage_in(tree, "vim, less"), "parent", packages);

  std::vector<std::string> lines = compose::explain_changes(before, now);
  auto has = [&lines](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_TRUE(has("definition: packages + less")) << testing::PrintToString(lines);
  EXPECT_TRUE(has("input files/etc/issue added")) << testing::PrintToString(lines);
  EXPECT_TRUE(has("input run-chroot changed")) << testing::PrintToString(lines);
  EXPECT_TRUE(has("the parent stage changed (none -> parent)")) << testing::PrintToString(lines);
  EXPECT_TRUE(has("package libc6:amd64: 2.36-9+deb12u4 -> 2.36-9+deb12u7"))
      << testing::PrintToString(lines);
  EXPECT_TRUE(has("package dash:amd64 0.5.12-2: a different .deb of the same version"))
      << testing::PrintToString(lines);
  EXPECT_TRUE(has("package vim:amd64 2:9.0.1378-2 added")) << testing::PrintToString(lines);
  EXPECT_TRUE(has("package base-files:amd64 12.4+deb12u5 removed"))
      << testing::PrintToString(lines);
}
