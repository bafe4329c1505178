#include "lib/repo/search.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"
#include "lib/util/fs.h"

using namespace apt_ostree;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_packages = R"(Package: vim
Version: 2:9.0.1378-2
Description: Vi IMproved - enhanced vi editor
Description-md5: 59e8b8f7757db8b53566d5d119872de8

Package: vim
Version: 2:8.2.0-1
Description: Vi IMproved - old version
Description-md5: 00000000000000000000000000000000

Package: nano
Version: 7.2-1
Description: small, friendly text editor inspired by Pico

Package: postfix
Version: 3.7.11-0+deb12u1
Provides: default-mta, mail-transport-agent
Description: High-performance mail transport agent

Package: exim4-daemon-light
Version: 4.96-15
Provides: mail-transport-agent (= 4.96)
Description: lightweight Exim MTA (v4) daemon

Package: libfoo-dev
Version: 1.0-1
Description: development files for foo
 Contains the headers for FOO.
 The Editor-independent part.
)";

constexpr std::string_view k_translations = R"(Package: vim
Description-md5: 59e8b8f7757db8b53566d5d119872de8
Description-en: Vi IMproved - enhanced vi editor
 Vim is an almost compatible version of the UNIX editor Vi.
)";

class SearchTest : public ::testing::Test {
 protected:
  SearchTest() : m_dir(util::make_temp_dir(fs::temp_directory_path(), "search-test")) {
    repo::PackageIndexBuilder builder;
    builder.add_packages(k_packages, "main", "Packages");
    builder.add_translations(k_translations, "Translation-en");
    builder.write(m_dir.path() / "packages.idx");
    m_index = std::make_unique<repo::PackageIndex>(
        repo::PackageIndex::open(m_dir.path() / "packages.idx"));
  }

  std::vector<std::string> search(std::vector<std::string> terms, bool names_only = false) {
    std::vector<std::string> names;
    for (size_t record : repo::search_packages(*m_index, terms, names_only))
      names.emplace_back(m_index->at(record).name);
    return names;
  }

  using Names = std::vector<std::string>;
  util::TempDirGuard m_dir;
  std::unique_ptr<repo::PackageIndex> m_index;
};

}  // namespace

TEST_F(SearchTest, PlainTermMatchesNameShortAndLongDescriptionOncePerName) {
  EXPECT_EQ(search({"editor"}), (Names{"libfoo-dev", "nano", "vim"}));
  EXPECT_EQ(search({"unix"}), (Names{"vim"}));  // only in vim's translated long description
  EXPECT_EQ(search({"ano"}), (Names{"nano"}));  // in the name only
  EXPECT_EQ(search({"nothing-like-this"}), (Names{}));
}

TEST_F(SearchTest, HighestVersionIsReported) {
  auto records = repo::search_packages(*m_index, {"vim"}, false);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(m_index->at(records[0]).version, "2:9.0.1378-2");
  EXPECT_EQ(search({"old version"}), (Names{}));  // the older version's text is not searched
}

TEST_F(SearchTest, EveryTermMustMatch) {
  EXPECT_EQ(search({"text", "editor"}), (Names{"nano"}));
  EXPECT_EQ(search({"editor", "headers"}), (Names{"libfoo-dev"}));
  EXPECT_EQ(search({"vim", "pico"}), (Names{}));
  EXPECT_EQ(search({"mail", "daemon"}), (Names{"exim4-daemon-light"}));
}

TEST_F(SearchTest, MatchingIgnoresCase) {
  EXPECT_EQ(search({"EDITOR"}), search({"editor"}));
  EXPECT_EQ(search({"Pico", "TEXT"}), (Names{"nano"}));
  EXPECT_EQ(search({"E.i.o"}), (Names{"libfoo-dev", "nano", "vim"}));
}

TEST_F(SearchTest, RegexTermsAnchorToNamesAndDescriptions) {
  EXPECT_EQ(search({"^lib.*-dev$"}), (Names{"libfoo-dev"}));
  EXPECT_EQ(search({"^vi"}), (Names{"vim"}));      // vim's name and description start so
  EXPECT_EQ(search({"^small"}), (Names{"nano"}));  // start of a description
  EXPECT_EQ(search({"(pico|exim)"}), (Names{"exim4-daemon-light", "nano"}));
  EXPECT_EQ(search({"part\\.$"}), (Names{"libfoo-dev"}));  // end of the long description
  EXPECT_EQ(search({"^gnu"}), (Names{}));
  EXPECT_EQ(search({"editor", "^n"}), (Names{"nano"}));
}

TEST_F(SearchTest, RegexTermsWithQuantifiersAndGroupsAreNotOverFiltered) {
  // Each of these has a literal part that narrows the scan; none may lose a match.
  EXPECT_EQ(search({"edit(or|ing)"}), (Names{"libfoo-dev", "nano", "vim"}));
  EXPECT_EQ(search({"x?nano"}), (Names{"nano"}));
  EXPECT_EQ(search({"nanoo*"}), (Names{"nano"}));
  EXPECT_EQ(search({"na{1,2}no"}), (Names{"nano"}));
  EXPECT_EQ(search({"n[a]no"}), (Names{"nano"}));
  EXPECT_EQ(search({"(nano|vim)"}), (Names{"nano", "vim"}));
  EXPECT_EQ(search({"nano|vim"}), (Names{"nano", "vim"}));
  EXPECT_EQ(search({"m+ta"}), (Names{"exim4-daemon-light", "postfix"}));
  EXPECT_EQ(search({"libfoo\\-dev|exim4"}), (Names{"exim4-daemon-light", "libfoo-dev"}));
  EXPECT_EQ(search({"pico\\.?$"}), (Names{"nano"}));
}

TEST_F(SearchTest, InvalidRegexIsAUsageError) {
  try {
    search({"("});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("'('"), std::string::npos) << e.what();
  }
}

TEST_F(SearchTest, NamesOnlyMatchesNamesAndProvidedNames) {
  EXPECT_EQ(search({"editor"}, true), (Names{}));
  EXPECT_EQ(search({"vim"}, true), (Names{"vim"}));
  EXPECT_EQ(search({"mail-transport-agent"}, true), (Names{"exim4-daemon-light", "postfix"}));
  EXPECT_EQ(search({"^default"}, true), (Names{"postfix"}));
  EXPECT_EQ(search({"mta$"}, true), (Names{"postfix"}));
  EXPECT_EQ(search({"^mail-transport-agent$", "^post"}, true), (Names{"postfix"}));
  EXPECT_EQ(search({"4.96"}, true), (Names{}));  // provided versions are not names
}

TEST_F(SearchTest, ProvidedNamesMatchInFullTextSearchToo) {
  EXPECT_EQ(search({"default-mta"}), (Names{"postfix"}));
  EXPECT_EQ(search({"mail-transport-agent"}), (Names{"exim4-daemon-light", "postfix"}));
}
