#include "lib/compose/lint_kargs.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

using Problem = std::optional<std::string>;

TEST(LintKargs, AcceptsWhatBootcReads) {
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"console=ttyS0,115200n8\", \"quiet\"]\n"),
            std::nullopt);
  EXPECT_EQ(compose::kargs_file_problem("# serial console\n"
                                        "kargs = [\n"
                                        "  'console=ttyS0',  # literal string\n"
                                        "  \"rd.luks.name=\\u0041\",\n"
                                        "]\n"
                                        "match-architectures = [\"x86_64\", \"aarch64\"]\r\n"),
            std::nullopt);
  EXPECT_EQ(compose::kargs_file_problem("\"kargs\" = [\"\"\"multi\nline\"\"\", '''raw\\''']"),
            std::nullopt);
  EXPECT_EQ(compose::kargs_file_problem("kargs = []"), std::nullopt);
}

TEST(LintKargs, RefusesWhatBootcRefuses) {
  EXPECT_EQ(compose::kargs_file_problem(""), Problem("no 'kargs = [...]'"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"a\"]\nfoo = \"bar\""),
            Problem("line 2: unknown key 'foo'; only kargs and match-architectures"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = \"quiet\""),
            Problem("line 1: 'kargs' must be an array of strings"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [1]"),
            Problem("line 1: 'kargs' must be an array of strings"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"a\" \"b\"]"),
            Problem("line 1: expected ',' or ']' in 'kargs'"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"a\"]\nkargs = [\"b\"]"),
            Problem("line 2: 'kargs' is set twice"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"a\"] extra"),
            Problem("line 1: unexpected text after the value of 'kargs'"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"open\n"),
            Problem("line 1: unterminated string"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"bad \\q escape\"]"),
            Problem("line 1: bad escape '\\q'"));
  EXPECT_EQ(compose::kargs_file_problem("[kargs]\n"),
            Problem("line 1: tables are not allowed; only kargs and match-architectures"));
  EXPECT_EQ(compose::kargs_file_problem("kargs = [\"\xff\"]"),
            Problem("not UTF-8 (TOML files are UTF-8)"));
}

TEST(LintKargs, ChecksTheTomlFilesOfTheTree) {
  util::TempDirGuard dir(util::make_temp_dir(fs::temp_directory_path(), "lint-kargs-test"));
  const fs::path& root = dir.path();
  EXPECT_TRUE(compose::kargs_problems(root).empty());  // no kargs.d at all

  fs::path kargs_d = root / "usr/lib/bootc/kargs.d";
  fs::create_directories(kargs_d);
  std::ofstream(kargs_d / "10-good.toml") << "kargs = [\"quiet\"]\n";
  std::ofstream(kargs_d / "README") << "not toml, not read";
  std::ofstream(kargs_d / "20-bad.toml") << "kargs = [\"quiet\",\n";
  EXPECT_EQ(compose::kargs_problems(root),
            std::vector<std::string>{
                "/usr/lib/bootc/kargs.d/20-bad.toml: line 2: the array of 'kargs' is not closed"});

  fs::remove_all(kargs_d);
  std::ofstream(kargs_d) << "a file";
  EXPECT_EQ(compose::kargs_problems(root),
            std::vector<std::string>{"/usr/lib/bootc/kargs.d is not a directory"});
}

}  // namespace
