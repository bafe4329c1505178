#include "lib/compose/diversions.h"

#include <gtest/gtest.h>

#include <map>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"
#include "temp_tree.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

using Tree = test_support::TempTree;

namespace {

deb::DebMetadata metadata(std::vector<std::string> paths, bool ships_md5sums) {
  deb::DebMetadata result;
  result.paths = std::move(paths);
  if (ships_md5sums) result.control_members["md5sums"] = "...";
  return result;
}

}  // namespace

TEST(Diversions, ReadsDpkgsThreeLineRecords) {
  Tree tree;
  EXPECT_TRUE(compose::read_diversions(tree.root).empty());
  tree.file("var/lib/dpkg/diversions", "/usr/bin/a\n/usr/bin/a.real\npkg\n/etc/b\n/etc/b.orig\n:\n");
  std::vector<compose::Diversion> diversions = compose::read_diversions(tree.root);
  ASSERT_EQ(diversions.size(), 2u);
  EXPECT_EQ(diversions[0].from, "/usr/bin/a");
  EXPECT_EQ(diversions[0].to, "/usr/bin/a.real");
  EXPECT_EQ(diversions[0].package, "pkg");
  EXPECT_EQ(diversions[1].package, ":");
  tree.file("var/lib/dpkg/diversions", "/usr/bin/a\n/usr/bin/a.real\n");
  EXPECT_THROW(compose::read_diversions(tree.root), Error);
}

TEST(Diversions, OtherPackagesFileMovesAsideAndTheDivertersTakesItsPlace) {
  Tree tree;
  // Unpacked as a union: the diverted package came last, so its file is at the path.
  tree.file("usr/bin/tool", "original");
  deb::DebMetadata diverting = metadata({"/.", "/usr", "/usr/bin", "/usr/bin/tool"}, false);
  deb::DebMetadata diverted = metadata({"/.", "/usr", "/usr/bin", "/usr/bin/tool"}, false);
  tree.file("var/lib/dpkg/info/wrapper.md5sums",
            util::sha256_hex("x").substr(0, 32) + "  usr/bin/tool\n");
  std::vector<compose::UnpackedPackage> packages{{"wrapper", "wrapper", &diverting},
                                                 {"tool", "tool", &diverted}};
  std::map<size_t, std::string> contents{{0, "wrapper's"}, {1, "original"}};
  compose::apply_diversions(
      tree.root, {{"/usr/bin/tool", "/usr/bin/tool.real", "wrapper"}}, packages,
      [&](size_t package, const std::string& path, const fs::path& destination) {
        EXPECT_EQ(path, "/usr/bin/tool");
        util::write_file_atomic(destination, contents.at(package));
      });
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/tool"), "wrapper's");
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/tool.real"), "original");
  // The md5sums generated from the tree now name the wrapper's own file.
  EXPECT_EQ(util::read_file(tree.root / "var/lib/dpkg/info/wrapper.md5sums"),
            util::digest_file(util::DigestKind::md5, tree.root / "usr/bin/tool") +
                "  usr/bin/tool\n");
}

TEST(Diversions, WithoutTheDivertersOwnFileThePathIsFreed) {
  Tree tree;
  tree.file("usr/bin/tool", "original");
  deb::DebMetadata diverting = metadata({"/.", "/usr"}, true);
  deb::DebMetadata diverted = metadata({"/.", "/usr", "/usr/bin", "/usr/bin/tool"}, true);
  std::vector<compose::UnpackedPackage> packages{{"wrapper", "wrapper", &diverting},
                                                 {"tool", "tool", &diverted}};
  compose::apply_diversions(tree.root, {{"/usr/bin/tool", "/usr/bin/tool.real", "wrapper"}},
                            packages,
                            [&](size_t, const std::string&, const fs::path& destination) {
                              util::write_file_atomic(destination, "original");
                            });
  EXPECT_FALSE(fs::exists(tree.root / "usr/bin/tool"));
  EXPECT_EQ(util::read_file(tree.root / "usr/bin/tool.real"), "original");
}
