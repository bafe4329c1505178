#include "lib/util/gantt_svg.h"

#include <gtest/gtest.h>

using namespace apt_ostree;

namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t found = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++found;
  return found;
}

}  // namespace

TEST(GanttSvg, OneBarSegmentPerPhaseSameColourForTheSamePhase) {
  std::vector<util::GanttRow> rows = {
      {"base", "built", 0, {{"fetch", 1000}, {"configure", 3000}}},
      {"app <&>", "hit", 4000, {{"configure", 2000}}},
  };
  std::string svg = util::gantt_svg(rows);
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_EQ(count(svg, "<title>"), 3u);
  EXPECT_NE(svg.find("<title>configure 3.00 s</title>"), std::string::npos);
  EXPECT_NE(svg.find("app &lt;&amp;&gt;"), std::string::npos);  // escaped
  EXPECT_EQ(svg.find("app <&>"), std::string::npos);
  // configure keeps one colour: two bars and one legend swatch, fetch one of each.
  EXPECT_EQ(count(svg, "fill=\"#f28e2b\""), 3u);
  EXPECT_EQ(count(svg, "fill=\"#4e79a7\""), 2u);
  // The axis reaches the end of the last bar (6 s).
  EXPECT_NE(svg.find(">6 s</text>"), std::string::npos);
}
