#include "lib/deb/control.h"

#include <gtest/gtest.h>

#include "lib/util/error.h"

using namespace apt_ostree;

TEST(ControlParser, ParagraphsFieldsAndContinuations) {
  std::string text =
      "Package: a\nVersion: 1.0\nDescription: short\n long line\n .\n more\n\n\n"
      "package: b\r\nDepends: c,\n d\n";
  deb::ControlParser parser(text, "Packages");
  deb::ControlStanza stanza;
  ASSERT_TRUE(parser.next(stanza));
  EXPECT_EQ(stanza.first_line, 1u);
  EXPECT_EQ(stanza.get("Package"), "a");
  EXPECT_EQ(stanza.get("description"), "short\n long line\n .\n more");
  ASSERT_TRUE(parser.next(stanza));
  EXPECT_EQ(stanza.first_line, 9u);
  EXPECT_EQ(stanza.get("Package"), "b");
  EXPECT_EQ(stanza.get("Depends"), "c,\n d");
  EXPECT_FALSE(stanza.get("Version"));
  EXPECT_FALSE(parser.next(stanza));
}

TEST(ControlParser, MalformedLineNamesSourceAndLine) {
  deb::ControlParser parser("Package: a\nthis is not a field\n", "dists/x/Packages");
  deb::ControlStanza stanza;
  try {
    parser.next(stanza);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dists/x/Packages:2"), std::string::npos) << e.what();
  }
}
