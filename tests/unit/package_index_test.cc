#include "lib/repo/package_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"
#include "lib/util/hash.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

// bash twice (older first, to check the ordering), apt with its long description in the stanza
// and no Description-md5, zsh whose translation is missing.
constexpr std::string_view k_packages = R"(Package: zsh
Version: 5.9-4+b1
Architecture: amd64
Description: shell with lots of features
Description-md5: 00000000000000000000000000000000
Section: shells
Priority: optional
Filename: pool/main/z/zsh/zsh_5.9-4+b1_amd64.deb
Size: 100

Package: bash
Source: bash (5.1-2)
Version: 5.1-2+b3
Essential: yes
Installed-Size: 6000
Architecture: amd64
Depends: base-files (>= 2.1.12),
 debianutils (>= 2.15)
Description: GNU Bourne Again SHell
Description-md5: 3522aa7b4374048d6450e348a5bb45d9
Multi-Arch: foreign
Priority: required
Filename: pool/main/b/bash/bash_5.1-2+b3_amd64.deb
Size: 1400000

Package: bash
Source: bash (5.2.15-2)
Version: 5.2.15-2+b13
Essential: yes
Installed-Size: 7164
Architecture: amd64
Provides: sh-shell, posix-shell (= 1.0)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Description: GNU Bourne Again SHell
Description-md5: 3522aa7b4374048d6450e348a5bb45d9
Multi-Arch: foreign
Tag: interface::shell,
 role::program
Section: shells
Priority: required
Filename: pool/main/b/bash/bash_5.2.15-2+b13_amd64.deb
Size: 1490652
SHA256: 82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1
)";

constexpr std::string_view k_contrib = R"(Package: apt
Version: 2.6.1
Architecture: amd64
Priority: important
Description: commandline package manager
 This package provides commandline tools
 .
 for searching packages.
Section: admin
)";

constexpr std::string_view k_translations = R"(Package: bash
Description-md5: 3522aa7b4374048d6450e348a5bb45d9
Description-en: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 It is the Bourne Again SHell.

Package: other
Description-md5: 11111111111111111111111111111111
Description-en: something else
 Not used by any package here.
)";

class PackageIndexTest : public ::testing::Test {
 protected:
  PackageIndexTest()
      : m_dir(util::make_temp_dir(fs::temp_directory_path(), "package-index-test")) {}

  fs::path build() {
    repo::PackageIndexBuilder builder;
    // Translations first: the builder must not depend on the order of the calls.
    builder.add_translations(k_translations, "main/i18n/Translation-en");
    builder.add_packages(k_packages, "main", "main/binary-amd64/Packages");
    builder.add_packages(k_contrib, "contrib", "contrib/binary-amd64/Packages");
    EXPECT_EQ(builder.size(), 4u);
    fs::path path = m_dir.path() / "packages.idx";
    builder.write(path);
    return path;
  }

  std::string open_error(const fs::path& path) {
    try {
      repo::PackageIndex::open(path);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }

  util::TempDirGuard m_dir;
};

}  // namespace

TEST_F(PackageIndexTest, RecordsAreSortedByNameThenVersionDescending) {
  auto index = repo::PackageIndex::open(build());
  ASSERT_EQ(index.size(), 4u);
  EXPECT_EQ(index.at(0).name, "apt");
  EXPECT_EQ(index.at(1).version, "5.2.15-2+b13");
  EXPECT_EQ(index.at(2).version, "5.1-2+b3");
  EXPECT_EQ(index.at(3).name, "zsh");
  EXPECT_EQ(index.equal_range("bash"), std::make_pair(size_t{1}, size_t{3}));
  EXPECT_EQ(index.equal_range("apt"), std::make_pair(size_t{0}, size_t{1}));
  EXPECT_EQ(index.equal_range("zsh"), std::make_pair(size_t{3}, size_t{4}));
  auto missing = index.equal_range("b");
  EXPECT_EQ(missing.first, missing.second);
  missing = index.equal_range("zzz");
  EXPECT_EQ(missing.first, missing.second);
}

TEST_F(PackageIndexTest, FieldsAreParsed) {
  auto index = repo::PackageIndex::open(build());
  repo::PackageRecord bash = index.at(1);
  EXPECT_EQ(bash.architecture, "amd64");
  EXPECT_EQ(bash.component, "main");
  EXPECT_EQ(bash.section, "shells");
  EXPECT_EQ(bash.source, "bash");
  EXPECT_EQ(bash.filename, "pool/main/b/bash/bash_5.2.15-2+b13_amd64.deb");
  EXPECT_EQ(bash.sha256, "82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1");
  EXPECT_EQ(bash.depends, "base-files (>= 2.1.12), debianutils (>= 5.6-0.1)");
  EXPECT_EQ(bash.provides, "sh-shell, posix-shell (= 1.0)");
  EXPECT_EQ(bash.priority, repo::Priority::required);
  EXPECT_EQ(bash.multi_arch, repo::MultiArch::foreign);
  EXPECT_TRUE(bash.essential);
  EXPECT_EQ(bash.size, 1490652u);
  EXPECT_EQ(bash.installed_size_kib, 7164u);
  EXPECT_TRUE(bash.stanza.starts_with("Package: bash\nSource: bash (5.2.15-2)\n"));
  EXPECT_TRUE(bash.stanza.ends_with("SHA256: " + std::string(bash.sha256) + "\n"));
  EXPECT_EQ(index.at(2).depends, "base-files (>= 2.1.12),\n debianutils (>= 2.15)");

  repo::PackageRecord apt = index.at(0);
  EXPECT_EQ(apt.component, "contrib");
  EXPECT_EQ(apt.source, "apt");  // no Source field: the package's own name
  EXPECT_EQ(apt.priority, repo::Priority::important);
  EXPECT_EQ(apt.multi_arch, repo::MultiArch::no);
  EXPECT_FALSE(apt.essential);

  repo::PackageRecord zsh = index.at(3);
  EXPECT_EQ(zsh.depends, "");
  EXPECT_EQ(zsh.installed_size_kib, 0u);
}

TEST_F(PackageIndexTest, LongDescriptionsComeFromStanzaOrTranslation) {
  auto index = repo::PackageIndex::open(build());
  for (size_t i : {1, 2}) {
    repo::PackageRecord bash = index.at(i);
    EXPECT_EQ(bash.description, "GNU Bourne Again SHell");
    EXPECT_EQ(bash.long_description,
              " Bash is an sh-compatible command language interpreter.\n .\n It is the Bourne "
              "Again SHell.");
    EXPECT_TRUE(bash.description_translated);
    EXPECT_EQ(bash.description_md5, "3522aa7b4374048d6450e348a5bb45d9");
  }

  repo::PackageRecord apt = index.at(0);
  EXPECT_EQ(apt.description, "commandline package manager");
  EXPECT_EQ(apt.long_description,
            " This package provides commandline tools\n .\n for searching packages.");
  EXPECT_FALSE(apt.description_translated);
  util::Digest md5(util::DigestKind::md5);
  md5.update(std::string(apt.description) + "\n" + std::string(apt.long_description) + "\n");
  EXPECT_EQ(apt.description_md5, md5.finish());

  repo::PackageRecord zsh = index.at(3);  // its md5 matches no translation
  EXPECT_EQ(zsh.long_description, "");
  EXPECT_FALSE(zsh.description_translated);
}

TEST_F(PackageIndexTest, SearchTextIsLowercaseOnePerName) {
  auto index = repo::PackageIndex::open(build());
  ASSERT_EQ(index.search_entry_count(), 3u);
  EXPECT_EQ(index.search_entry_record(1), 1u);  // bash's highest version
  EXPECT_EQ(index.search_entry_record(2), 3u);
  using repo::SearchField;
  EXPECT_EQ(index.search_text(1, SearchField::names),
            std::string_view("bash\0sh-shell\0posix-shell", 25));
  EXPECT_EQ(index.search_text(1, SearchField::description),
            "gnu bourne again shell\n bash is an sh-compatible command language interpreter.\n .\n "
            "it is the bourne again shell.");
  EXPECT_EQ(index.search_text(2, SearchField::description), "shell with lots of features");
  std::string_view names = index.search_blob(SearchField::names);
  EXPECT_EQ(index.search_entry_at(SearchField::names, 0), 0u);
  EXPECT_EQ(index.search_entry_at(SearchField::names, names.find("posix")), 1u);
  EXPECT_EQ(index.search_entry_at(SearchField::names, names.size() - 1), 2u);
  EXPECT_EQ(names.back(), '\0');
}

TEST_F(PackageIndexTest, ShowStanzaMatchesAptCacheShow) {
  auto index = repo::PackageIndex::open(build());
  EXPECT_EQ(repo::format_show_stanza(index.at(1)),
            "Package: bash\nSource: bash (5.2.15-2)\nVersion: 5.2.15-2+b13\nEssential: yes\n"
            "Installed-Size: 7164\nArchitecture: amd64\nProvides: sh-shell, posix-shell (= 1.0)\n"
            "Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)\n"
            "Description-en: GNU Bourne Again SHell\n"
            " Bash is an sh-compatible command language interpreter.\n .\n"
            " It is the Bourne Again SHell.\n"
            "Description-md5: 3522aa7b4374048d6450e348a5bb45d9\n"
            "Multi-Arch: foreign\nTag: interface::shell,\n role::program\nSection: shells\n"
            "Priority: required\nFilename: pool/main/b/bash/bash_5.2.15-2+b13_amd64.deb\n"
            "Size: 1490652\n"
            "SHA256: 82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1\n\n");
  std::string apt = repo::format_show_stanza(index.at(0));
  EXPECT_NE(apt.find("Priority: important\nDescription: commandline package manager\n This package"
                     " provides commandline tools\n .\n for searching packages.\n"
                     "Description-md5: "),
            std::string::npos)
      << apt;
  EXPECT_TRUE(apt.ends_with("\nSection: admin\n\n")) << apt;
}

TEST_F(PackageIndexTest, RewritingReplacesTheFileAtomically) {
  fs::path path = build();
  build();
  EXPECT_EQ(std::distance(fs::directory_iterator(m_dir.path()), fs::directory_iterator()), 1);
  EXPECT_EQ(repo::PackageIndex::open(path).size(), 4u);
}

TEST_F(PackageIndexTest, MissingTruncatedOrForeignFilesAreRejected) {
  fs::path missing = m_dir.path() / "missing.idx";
  std::string error = open_error(missing);
  EXPECT_NE(error.find(missing.string()), std::string::npos) << error;
  EXPECT_NE(error.find("refresh-md"), std::string::npos) << error;

  fs::path path = build();
  std::string good = util::read_file(path);
  auto expect_rejected = [&](std::string content, std::string_view why) {
    fs::path bad = m_dir.path() / "bad.idx";
    util::write_file_atomic(bad, content);
    std::string message = open_error(bad);
    EXPECT_NE(message.find(bad.string()), std::string::npos) << message;
    EXPECT_NE(message.find(why), std::string::npos) << message;
    EXPECT_NE(message.find("refresh-md"), std::string::npos) << message;
  };
  expect_rejected(good.substr(0, good.size() - 1), "truncated");
  expect_rejected(good.substr(0, 10), "truncated");
  expect_rejected("", "truncated");
  std::string other = good;
  other[0] = 'X';
  expect_rejected(other, "not an apt-ostree package index");
  std::string newer = good;
  newer[8] = 99;  // format version, right after the magic
  expect_rejected(newer, "format version 99");
}

TEST(PackageIndexBuilder, MalformedStanzasNameTheSource) {
  repo::PackageIndexBuilder builder;
  auto error = [&](std::string_view text) {
    try {
      builder.add_packages(text, "main", "main/binary-amd64/Packages");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("Version: 1\nDescription: x\n").find("main/binary-amd64/Packages:1"),
            std::string::npos);
  EXPECT_NE(error("Package: a\nVersion: 1\n\nPackage: b\n").find("Packages:4: package b"),
            std::string::npos);
  EXPECT_NE(error("Package: a\nVersion: 1\nSize: big\n").find("invalid Size 'big'"),
            std::string::npos);
}
