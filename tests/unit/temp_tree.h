// A scratch directory tree for tests of code that works on composed trees: removed at the end of
// the test, with a helper that writes a file and the directories above it.
#pragma once

#include <filesystem>
#include <string>

#include "lib/util/fs.h"

namespace apt_ostree::test_support {

struct TempTree {
  util::TempDirGuard dir{
      util::make_temp_dir(std::filesystem::temp_directory_path(), "apt-ostree-test-tree")};
  std::filesystem::path root = dir.path();

  // Writes `content` to root/`path` ("etc/hostname"), creating its directories.
  void file(const std::string& path, const std::string& content = "x") const {
    std::filesystem::create_directories((root / path).parent_path());
    util::write_file_atomic(root / path, content);
  }
};

}  // namespace apt_ostree::test_support
