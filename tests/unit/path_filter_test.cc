#include "lib/compose/path_filter.h"

#include <gtest/gtest.h>

using apt_ostree::compose::PathFilter;

namespace {

// The filters Debian's own minimal images use (as in dpkg's documentation).
PathFilter docs_filter() {
  return PathFilter({"/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*"},
                    {"/usr/share/doc/*/copyright", "/usr/share/locale/locale.alias"});
}

TEST(PathFilter, NoExcludesKeepsEverything) {
  PathFilter filter({}, {"/usr/share/doc/*/copyright"});
  EXPECT_TRUE(filter.empty());
  EXPECT_FALSE(filter.excludes_file("/usr/share/doc/bash/README"));
}

TEST(PathFilter, StarMatchesAcrossSlashesAsInDpkg) {
  PathFilter filter = docs_filter();
  EXPECT_TRUE(filter.excludes_file("/usr/share/man/man1/ls.1.gz"));
  EXPECT_TRUE(filter.excludes_file("/usr/share/doc/bash/examples/loadables/Makefile"));
  EXPECT_FALSE(filter.excludes_file("/usr/bin/ls"));
  EXPECT_FALSE(filter.excludes_file("/usr/share/doc"));  // the directory itself is not "doc/*"
}

TEST(PathFilter, IncludesWin) {
  PathFilter filter = docs_filter();
  EXPECT_FALSE(filter.excludes_file("/usr/share/doc/bash/copyright"));
  EXPECT_FALSE(filter.excludes_file("/usr/share/locale/locale.alias"));
  EXPECT_TRUE(filter.excludes_file("/usr/share/locale/de/LC_MESSAGES/bash.mo"));
}

TEST(PathFilter, DirectoriesOfReincludedFilesAreKept) {
  PathFilter filter = docs_filter();
  EXPECT_FALSE(filter.excludes_directory("/usr/share/doc/bash"));
  EXPECT_TRUE(filter.excludes_directory("/usr/share/doc/bash/examples"));
  EXPECT_TRUE(filter.excludes_directory("/usr/share/man/man1"));
  EXPECT_TRUE(filter.excludes_directory("/usr/share/locale/de"));
}

}  // namespace
