#include "lib/compose/treefile_document.h"

#include <gtest/gtest.h>

#include <fstream>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
using namespace apt_ostree::compose;
namespace fs = std::filesystem;

namespace {

class TreefileDocumentTest : public ::testing::Test {
 protected:
  TreefileDocumentTest()
      : m_dir(util::make_temp_dir(fs::temp_directory_path(), "treefile-document-test")) {}

  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = m_dir.path() / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }
  std::string name(const std::string& file) const { return (m_dir.path() / file).string(); }
  // The message of the Error loading `file` throws, without the "path:" prefix of `file` itself.
  std::string error_of(const std::string& file) {
    try {
      load_treefile(m_dir.path() / file);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::usage);
      std::string message = e.what();
      std::string prefix = name(file) + ":";
      return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
    }
    return "no error";
  }
  std::string error_of_text(const std::string& text) {
    write("t.yaml", text);
    return error_of("t.yaml");
  }

  util::TempDirGuard m_dir;
};

std::vector<std::string> values(const RawList* list) {
  std::vector<std::string> result;
  for (const auto& item : list->items) result.push_back(item.value);
  return result;
}

}  // namespace

TEST_F(TreefileDocumentTest, ReadsKeysWithTheirLines) {
  write("t.yaml",
        "# a comment\n"
        "release: bookworm\n"
        "packages:\n"
        "  - systemd-sysv\n"
        "  # - commented-out\n"
        "  - udev\n"
        "units:\n"
        "  # all commented out reads as an empty list\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "t.yaml");
  ASSERT_TRUE(treefile.top.scalar("release"));
  EXPECT_EQ(treefile.top.scalar("release")->value, "bookworm");
  EXPECT_EQ(treefile.top.scalar("release")->where.text(), name("t.yaml") + ":2");
  const RawList* packages = treefile.top.list("packages");
  ASSERT_TRUE(packages);
  EXPECT_EQ(values(packages), (std::vector<std::string>{"systemd-sysv", "udev"}));
  EXPECT_EQ(packages->items[1].where.line, 6);
  ASSERT_TRUE(treefile.top.list("units"));
  EXPECT_TRUE(treefile.top.list("units")->items.empty());
  EXPECT_FALSE(treefile.stages_where);
  EXPECT_EQ(treefile.files, (std::vector<fs::path>{m_dir.path() / "t.yaml"}));
}

TEST_F(TreefileDocumentTest, YamlSyntaxErrorsNameFileAndLine) {
  EXPECT_EQ(error_of_text("release: bookworm\npackages: [a]]\nhostname: x\n"),
            "2: invalid YAML: illegal flow end");
  EXPECT_EQ(error_of_text("release: bookworm\n  architecture: amd64\n"),
            "2: invalid YAML: illegal map value");
}

TEST_F(TreefileDocumentTest, DocumentShapeErrors) {
  EXPECT_EQ(error_of_text("# nothing but a comment\n"), " the treefile is empty");
  EXPECT_EQ(error_of_text("- release\n- bookworm\n"),
            "1: a treefile is a mapping of keys, not a list");
  EXPECT_EQ(error_of_text("release: bookworm\n---\nrelease: trixie\n"),
            "3: a second YAML document starts here; a treefile is one document");
  EXPECT_EQ(error_of("missing.yaml"), " the treefile does not exist");
  fs::create_directories(m_dir.path() / "dir.yaml");
  EXPECT_EQ(error_of("dir.yaml"), " the treefile is not a file");
}

TEST_F(TreefileDocumentTest, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(error_of_text("release: bookworm\npakages: [vim]\n"),
            "2: key 'pakages' is not a treefile key (did you mean 'packages'?)");
  EXPECT_EQ(error_of_text("stages:\n  base:\n    relase: bookworm\n"),
            "3: key 'relase' is not a stage key (did you mean 'release'?)");
  EXPECT_EQ(error_of_text("variabels:\n  a: b\n"),
            "1: key 'variabels' is not a treefile key (did you mean "
            "'variables'?)");
  EXPECT_EQ(error_of_text("release: bookworm\nimage:\n  size: 2G\n"),
            "3: key 'size' is not an image key (one of layout, table, alignment, compression, "
            "level, partitions, remote, remote-name, remote-keyring)");
  EXPECT_EQ(error_of_text("stages:\n  base:\n    image:\n      table: gpt\n"),
            "3: key 'image' belongs at the top level of a treefile, not in a stage");
}

TEST_F(TreefileDocumentTest, KeysInTheWrongPlace) {
  EXPECT_EQ(error_of_text("release: bookworm\nfrom: base\n"),
            "2: key 'from' belongs in a stage under 'stages:'");
  EXPECT_EQ(error_of_text("release: bookworm\nexport: true\n"),
            "2: key 'export' belongs in a stage under 'stages:'");
  EXPECT_EQ(error_of_text("stages:\n  base:\n    include: other.yaml\n"),
            "3: key 'include' belongs at the top level of a treefile, not in a stage");
}

TEST_F(TreefileDocumentTest, WrongTypesAndEmptyValues) {
  auto check = [&](const std::string& text, const std::string& expected) {
    EXPECT_EQ(error_of_text(text), expected) << text;
  };
  check("packages: vim\n",
        "1: key 'packages' must be a list, not a single value; write 'packages: [item, ...]' or "
        "one '- item' per line");
  check("packages: {vim: 1}\n",
        "1: key 'packages' must be a list, not a mapping; write 'packages: [item, ...]' or one "
        "'- item' per line");
  check("packages:\n  - vim\n  - [a, b]\n",
        "3: key 'packages' must list single values, not a list");
  // An empty item is placed at its key: yaml-cpp marks it where the next token starts.
  check("packages:\n  - vim\n  -\n",
        "1: key 'packages' must list single values, not an empty item");
  check("packages: [vim, '']\n", "1: key 'packages' lists an empty item");
  check("release: [bookworm]\n", "1: key 'release' must be a single value, not a list");
  check("hostname:\n  name: pi\n", "1: key 'hostname' must be a single value, not a mapping");
  check("release:\n", "1: key 'release' has no value");
  check("hostname: ''\n", "1: key 'hostname' is empty");
  check("stages:\n  base:\n    export: yes\n", "3: key 'export' must be true or false, not 'yes'");
  check("stages: [base]\n", "1: key 'stages' must map stage names to stage keys, not a list");
  check("stages:\n  base: [a]\n", "2: stage 'base' must be a mapping of stage keys, not a list");
  check("stages:\n  -base: {}\n",
        "2: '-base' is not a stage name (a letter or digit, then letters, digits, '.', '_' and "
        "'-')");
  check("include: ''\n",
        "1: key 'include' must name a treefile or list treefiles, not an empty "
        "value");
  check("include: {a: b}\n",
        "1: key 'include' must name a treefile or list treefiles, not a "
        "mapping");
}

TEST_F(TreefileDocumentTest, RepeatedKeysAndStagesAreErrors) {
  EXPECT_EQ(error_of_text("release: bookworm\npackages: [a]\nrelease: trixie\n"),
            "3: key 'release' is given twice (first on line 1)");
  EXPECT_EQ(error_of_text("stages:\n  base: {}\n  lite: {}\n  base:\n    release: trixie\n"),
            "4: stage 'base' is given twice (first on line 2)");
}

TEST_F(TreefileDocumentTest, VariableDefinitions) {
  write("t.yaml", "variables:\n  board: rpi4\n  empty: ''\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "t.yaml");
  EXPECT_EQ(treefile.variables.at("board").value, "rpi4");
  EXPECT_EQ(treefile.variables.at("board").where.line, 2);
  EXPECT_EQ(treefile.variables.at("empty").value, "");
  EXPECT_EQ(error_of_text("variables:\n  arch: arm64\n"),
            "2: variable 'arch' is built in and cannot be redefined");
  EXPECT_EQ(error_of_text("variables:\n  board-name: x\n"),
            "2: 'board-name' is not a variable name (letters, digits and '_', not starting with a "
            "digit)");
  EXPECT_EQ(error_of_text("variables:\n  boards: [a, b]\n"),
            "2: variable 'boards' must be a single value, not a list");
  EXPECT_EQ(error_of_text("variables:\n  board:\n"),
            "2: variable 'board' has no value; write '' for an empty one");
  EXPECT_EQ(error_of_text("include:\n"),
            "1: key 'include' must name a treefile or list treefiles, not an empty value");
  EXPECT_EQ(error_of_text("variables: [a]\n"),
            "1: key 'variables' must map names to values, not a list");
}

TEST_F(TreefileDocumentTest, IncludedFilesComeFirstAndTheIncluderOverrides) {
  write("a.yaml",
        "release: bookworm\n"
        "hostname: from-a\n"
        "packages: [a1, shared]\n"
        "variables:\n"
        "  x: a\n"
        "  only_a: yes\n");
  write("b.yaml", "hostname: from-b\npackages: [b1]\n");
  write("main.yaml",
        "include: [a.yaml, b.yaml]\n"
        "packages: [m1, shared]\n"
        "variables:\n"
        "  x: main\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "main.yaml");
  EXPECT_EQ(treefile.top.scalar("release")->value, "bookworm");
  EXPECT_EQ(treefile.top.scalar("release")->where.text(), name("a.yaml") + ":1");
  EXPECT_EQ(treefile.top.scalar("hostname")->value, "from-b");
  // Lists append in merge order; repeats are left for the stage builder to fold.
  EXPECT_EQ(values(treefile.top.list("packages")),
            (std::vector<std::string>{"a1", "shared", "b1", "m1", "shared"}));
  EXPECT_EQ(treefile.top.list("packages")->items[2].where.text(), name("b.yaml") + ":2");
  EXPECT_EQ(treefile.variables.at("x").value, "main");
  EXPECT_EQ(treefile.variables.at("x").where.text(), name("main.yaml") + ":4");
  EXPECT_EQ(treefile.variables.at("only_a").value, "yes");
  EXPECT_EQ(treefile.files, (std::vector<fs::path>{m_dir.path() / "a.yaml", m_dir.path() / "b.yaml",
                                                   m_dir.path() / "main.yaml"}));
  EXPECT_EQ(treefile.top.where.file, name("main.yaml"));
}

TEST_F(TreefileDocumentTest, IncludePathsAreRelativeToTheIncludingFile) {
  write("boards/common/base.yaml", "release: bookworm\n");
  write("boards/common/pi.yaml", "include: base.yaml\narchitecture: arm64\n");
  write("boards/pi4.yaml", "include: common/pi.yaml\nhostname: pi4\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "boards/pi4.yaml");
  EXPECT_EQ(treefile.top.scalar("release")->where.text(), name("boards/common/base.yaml") + ":1");
  EXPECT_EQ(treefile.files.size(), 3u);
}

TEST_F(TreefileDocumentTest, StagesMergeByName) {
  write("base.yaml",
        "stages:\n"
        "  base:\n"
        "    release: bookworm\n"
        "    packages: [a]\n"
        "  lite:\n"
        "    from: base\n");
  write("main.yaml",
        "include: base.yaml\n"
        "stages:\n"
        "  lite:\n"
        "    packages: [b]\n"
        "    export: true\n"
        "  extra:\n"
        "    from: lite\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "main.yaml");
  ASSERT_EQ(treefile.stages.size(), 3u);
  EXPECT_EQ(treefile.stages[0].first, "base");
  EXPECT_EQ(treefile.stages[1].first, "lite");
  EXPECT_EQ(treefile.stages[2].first, "extra");
  const RawStage& lite = treefile.stages[1].second;
  EXPECT_EQ(lite.scalar("from")->value, "base");
  EXPECT_EQ(lite.scalar("export")->value, "true");
  EXPECT_EQ(values(lite.list("packages")), (std::vector<std::string>{"b"}));
  EXPECT_EQ(lite.where.text(), name("main.yaml") + ":3");
  EXPECT_EQ(treefile.stages_where->text(), name("main.yaml") + ":2");
}

TEST_F(TreefileDocumentTest, IncludeCyclesAndMissingIncludes) {
  write("a.yaml", "include: b.yaml\nrelease: bookworm\n");
  write("b.yaml", "release: trixie\ninclude:\n  - c.yaml\n");
  write("c.yaml", "include: a.yaml\n");
  try {
    load_treefile(m_dir.path() / "a.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), name("c.yaml") + ":1: include cycle: " + name("a.yaml") +
                                         " -> " + name("b.yaml") + " -> " + name("c.yaml") +
                                         " -> " + name("a.yaml"));
  }
  write("a.yaml", "release: bookworm\ninclude: [nope.yaml]\n");
  EXPECT_EQ(error_of("a.yaml"), "2: included treefile '" + name("nope.yaml") + "' does not exist");
}

TEST_F(TreefileDocumentTest, ADiamondOfIncludesIsNotACycle) {
  write("common.yaml", "release: bookworm\npackages: [a]\n");
  write("left.yaml", "include: common.yaml\n");
  write("right.yaml", "include: common.yaml\n");
  write("main.yaml", "include: [left.yaml, right.yaml]\n");
  RawTreefile treefile = load_treefile(m_dir.path() / "main.yaml");
  EXPECT_EQ(treefile.files.size(), 4u);
  EXPECT_EQ(treefile.top.scalar("release")->value, "bookworm");
}

TEST_F(TreefileDocumentTest, ErrorsInIncludedFilesNameThatFile) {
  write("inc.yaml", "release: bookworm\n\npackages: vim\n");
  write("main.yaml", "include: inc.yaml\n");
  try {
    load_treefile(m_dir.path() / "main.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(name("inc.yaml") + ":3: key 'packages' must be"))
        << e.what();
  }
}
