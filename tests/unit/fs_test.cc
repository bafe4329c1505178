#include "lib/util/fs.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/mapped_file.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

TEST(Fs, AtomicWriteReplacesWholeFileAndLeavesNoTemporaries) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "fs-test"));
  fs::path file = dir.path() / "data";
  util::write_file_atomic(file, "first");
  util::write_file_atomic(file, "second version");
  EXPECT_EQ(util::read_file(file), "second version");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  util::MappedFile mapped(file);
  EXPECT_EQ(mapped.bytes(), "second version");
}

TEST(Fs, ReplaceSymlinkSwitchesTarget) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "fs-test"));
  util::replace_symlink(dir.path() / "current", "gen-a");
  util::replace_symlink(dir.path() / "current", "gen-b");
  EXPECT_EQ(fs::read_symlink(dir.path() / "current"), "gen-b");
}

TEST(Fs, TempDirGuardRemovesTreeUnlessReleased) {
  fs::path kept;
  {
    util::TempDirGuard removed(util::make_temp_dir(fs::temp_directory_path(), "fs-test"));
    util::write_file_atomic(removed.path() / "x", "x");
    kept = removed.path();
  }
  EXPECT_FALSE(fs::exists(kept));
}

TEST(Fs, MissingFileIsAnErrorNamingIt) {
  try {
    util::read_file("/nonexistent/apt-ostree-file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/apt-ostree-file"), std::string::npos);
  }
}

TEST(Fs, LinkOrCopyReplacesTargetWithAHardlink) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "fs-test"));
  fs::path source = dir.path() / "source", target = dir.path() / "target";
  util::write_file_atomic(source, "content");
  util::write_file_atomic(target, "old");
  util::link_or_copy(source, target);
  EXPECT_TRUE(fs::equivalent(source, target));
  util::link_or_copy(source, target);  // already linked: nothing changes, no temporaries
  EXPECT_EQ(util::read_file(target), "content");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 2);
  EXPECT_THROW(util::link_or_copy(dir.path() / "missing", target), Error);
}
