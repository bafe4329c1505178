#include <gtest/gtest.h>

#include "lib/store/ref_name.h"
#include "lib/util/fs.h"
#include "lib/util/process.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

TEST(RefNameTest, PlainNamesStayReadable) {
  EXPECT_EQ(store::package_ref("coreutils", "9.1-1", "amd64"),
            "apt-ostree/pkg/coreutils/9.1-1_amd64");
}

TEST(RefNameTest, EscapesWhatOstreeRejects) {
  EXPECT_EQ(store::package_ref("libstdc++6", "1:12.2.0-14~deb12u1+b1", "amd64"),
            "apt-ostree/pkg/libstdc_2B_2B6/1_3A12.2.0-14_7Edeb12u1_2Bb1_amd64");
  // '_' is the escape character, so it is escaped itself.
  EXPECT_EQ(store::escape_ref_component("a_b"), "a_5Fb");
  EXPECT_EQ(store::escape_ref_component(".hidden-1"), "_2Ehidden-1");
  EXPECT_EQ(store::escape_ref_component(".."), "_2E.");
  EXPECT_EQ(store::escape_ref_component("-x"), "_2Dx");
  EXPECT_EQ(store::escape_ref_component("\xff"), "_FF");
  EXPECT_TRUE(store::is_valid_ref(store::package_ref("g++", "4:12.2.0-3", "amd64")));
}

TEST(RefNameTest, DistinctInputsGiveDistinctRefs) {
  // Without escaping '_', "a_2B" and "a+" would collide.
  EXPECT_NE(store::escape_ref_component("a_2B"), store::escape_ref_component("a+"));
  EXPECT_NE(store::package_ref("a", "1_2", "all"), store::package_ref("a", "1", "2_all"));
}

// The rule is ostree_validate_rev's: checked against the stock ostree CLI.
TEST(RefNameTest, ValidRefsAreWhatOstreeAccepts) {
  if (util::run_process({"sh", "-c", "command -v ostree"}).exit_code != 0)
    GTEST_SKIP() << "the ostree CLI is not installed (ostree)";
  fs::path dir = util::make_temp_dir(fs::temp_directory_path(), "ref-name-test");
  util::TempDirGuard guard(dir);
  std::string repo = "--repo=" + (dir / "repo").string();
  fs::create_directories(dir / "tree");
  ASSERT_EQ(util::run_process({"ostree", repo, "init", "--mode=bare-user"}).exit_code, 0);
  ASSERT_EQ(util::run_process({"ostree", repo, "commit", "--branch=base",
                               "--tree=dir=" + (dir / "tree").string()})
                .exit_code,
            0);
  // (Not ':' here: the CLI reads "remote:ref". Nor a ref of hex digits only, such as "9": the CLI
  // takes it for an abbreviated checksum, and it names the base commit when that starts with it.)
  for (std::string ref : {"x", "a/b", "A-z_0.9", "_a", "9x", ".a", "-a", "a.", "a/.b", "x/../y",
                          "a_b/c-d/e.f", "", "/a", "a/", "a//b", "a b", "a+b", "a~b", "a\\b"}) {
    bool accepted =
        util::run_process({"ostree", repo, "refs", "--create=" + ref, "base"}).exit_code == 0;
    EXPECT_EQ(store::is_valid_ref(ref), accepted) << "'" << ref << "'";
    if (accepted) util::run_process({"ostree", repo, "refs", "--delete", "--", ref});
  }
}

TEST(RefNameTest, RejectsWhatSomeOstreeVersionsReject) {
  EXPECT_FALSE(store::is_valid_ref("a:b"));
  // OSTree 2022.7 takes non-ASCII letters; no ref this project writes needs them.
  EXPECT_FALSE(store::is_valid_ref("caf\xc3\xa9"));
}
