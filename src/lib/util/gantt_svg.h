// A Gantt chart as a standalone SVG image: one row per task (a stage of a build), each bar made
// of its phases in order and coloured by phase name, on a time axis in seconds. Used for the
// build report, where it shows at a glance which stage and which phase took the time and what
// ran at once.
#pragma once

#include <string>
#include <vector>

namespace apt_ostree::util {

struct GanttPhase {
  std::string name;
  double ms = 0;
};

struct GanttRow {
  std::string label;
  std::string note;  // after the bar: "hit", "built (12 new packages)"
  double start_ms = 0;
  std::vector<GanttPhase> phases;  // back to back from start_ms
};

// The chart; names and notes are escaped for XML.
std::string gantt_svg(const std::vector<GanttRow>& rows);

}  // namespace apt_ostree::util
