#include "lib/compose/dpkg_database_triggers.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;
using compose::DpkgTriggerInterests;

TEST(DpkgTriggerInterests, FileInterestsInRegistrationOrder) {
  DpkgTriggerInterests interests;
  interests.add("interest /usr/share/icons\n  # a comment\n\ninterest-noawait /usr/lib/mime\n",
                "gtk");
  interests.add("interest-await\t/usr/share/icons  \n", "libc6:amd64");
  // The same package and path again keeps its place and takes the last option.
  interests.add("interest /usr/share/doc\ninterest-noawait /usr/share/doc\n", "docs");
  EXPECT_EQ(interests.file_interests(),
            "/usr/share/icons gtk\n/usr/lib/mime gtk/noawait\n/usr/share/icons libc6:amd64\n"
            "/usr/share/doc docs/noawait\n");
  EXPECT_TRUE(interests.explicit_interests().empty());
}

TEST(DpkgTriggerInterests, ExplicitInterestsMoveToTheEndWhenRegisteredAgain) {
  DpkgTriggerInterests interests;
  interests.add("interest ldconfig\n", "libc-bin");
  interests.add("interest-noawait ldconfig\ninterest update-icons\n", "other");
  interests.add("interest-noawait ldconfig\n", "libc-bin");
  auto files = interests.explicit_interests();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files["ldconfig"], "other/noawait\nlibc-bin/noawait\n");
  EXPECT_EQ(files["update-icons"], "other\n");
  EXPECT_EQ(interests.file_interests(), "");
}

TEST(DpkgTriggerInterests, ActivationsRegisterNothing) {
  DpkgTriggerInterests interests;
  interests.add("activate ldconfig\nactivate-noawait /usr/share/x\nactivate-await y\n", "lib");
  EXPECT_EQ(interests.file_interests(), "");
  EXPECT_TRUE(interests.explicit_interests().empty());
}

TEST(DpkgTriggerInterests, RefusesWhatDpkgRefuses) {
  auto error = [](std::string_view member) {
    try {
      DpkgTriggerInterests().add(member, "pkg");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("interest\n").find("without a trigger"), std::string::npos);
  EXPECT_NE(error("want ldconfig\n").find("unknown directive 'want'"), std::string::npos);
  EXPECT_NE(error("interest ldconfig").find("newline"), std::string::npos);
  EXPECT_NE(error("interest a b\n").find("invalid trigger"), std::string::npos);
  for (std::string_view name : {"/usr/", "/usr//share", "/", "bad_name", "-x"})
    EXPECT_NE(error("interest " + std::string(name) + "\n").find("neither"), std::string::npos)
        << name;
}
