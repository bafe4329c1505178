#include "lib/store/commit_object.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

class CommitObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = util::make_temp_dir(fs::temp_directory_path(), "commit-object-test");
    fs::create_directories(dir / "tree/usr/bin");
    util::write_file_atomic(dir / "tree/usr/bin/tool", "#!/bin/sh\n");
    repo = store::open_repo(dir / "repo", store::RepoMode::bare_user, true);
  }
  void TearDown() override { fs::remove_all(dir); }

  fs::path dir;
  std::unique_ptr<store::Repo> repo;
};

}  // namespace

TEST_F(CommitObjectTest, ReadsWhatLibostreeReads) {
  store::CommitOptions options;
  options.ref = "debian/bookworm/amd64/base";
  options.subject = "first";
  options.timestamp = 1700000000;
  options.metadata = {{"version", std::string("12.20261204")},
                      {"apt-ostree.packages", std::vector<std::string>{"a 1 all", "b 2 amd64"}},
                      {"ostree.bootable", true},
                      {"apt-ostree.epoch", uint64_t{42}}};
  const std::string first = repo->commit(dir / "tree", options);
  options.parent = first;
  options.subject = "second";
  util::write_file_atomic(dir / "tree/usr/bin/other", "x");
  const std::string second = repo->commit(dir / "tree", options);

  store::CommitInfo expected = repo->read_commit(second);
  store::CommitInfo read = store::read_commit_object(dir / "repo", second);
  EXPECT_EQ(read.checksum, second);
  EXPECT_EQ(read.parent, first);
  EXPECT_EQ(read.subject, "second");
  EXPECT_EQ(read.timestamp, 1700000000u);
  EXPECT_EQ(read.metadata, expected.metadata);
  EXPECT_TRUE(store::read_commit_object(dir / "repo", first).parent.empty());

  EXPECT_EQ(store::resolve_rev_files(dir / "repo", "debian/bookworm/amd64/base"), second);
  EXPECT_EQ(store::resolve_rev_files(dir / "repo", first), first);
  EXPECT_EQ(store::resolve_rev_files(dir / "repo", "debian/nothing"), std::nullopt);
  EXPECT_EQ(store::resolve_rev_files(dir / "repo", "origin:debian/nothing"), std::nullopt);
}

TEST_F(CommitObjectTest, NamesWhatIsMissing) {
  const std::string missing(64, 'a');
  try {
    store::read_commit_object(dir / "repo", missing);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  EXPECT_THROW(store::read_commit_object(dir / "repo", "not-a-checksum"), Error);
  EXPECT_THROW(store::parse_commit_object("garbage", missing), Error);
}
