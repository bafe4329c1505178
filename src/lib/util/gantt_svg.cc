#include "lib/util/gantt_svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace apt_ostree::util {

namespace {

constexpr int k_label_width = 160;
constexpr int k_chart_width = 720;
constexpr int k_note_width = 220;
constexpr int k_row_height = 26;
constexpr int k_bar_height = 16;
constexpr int k_axis_height = 30;
constexpr int k_legend_height = 24;

// A fixed palette, assigned to phase names in order of first appearance, so the same phase has
// the same colour in every row.
constexpr const char* k_palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                     "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A round step for the axis ticks: about 8 ticks over `total_s` seconds.
double tick_step(double total_s) {
  double raw = std::max(total_s / 8, 0.001);
  double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (raw <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

}  // namespace

std::string gantt_svg(const std::vector<GanttRow>& rows) {
  double end_ms = 1;
  std::map<std::string, std::string> colours;
  std::vector<std::string> order;
  for (const GanttRow& row : rows) {
    double at = row.start_ms;
    for (const GanttPhase& phase : row.phases) {
      at += phase.ms;
      if (!colours.contains(phase.name)) {
        colours[phase.name] = k_palette[order.size() % std::size(k_palette)];
        order.push_back(phase.name);
      }
    }
    end_ms = std::max(end_ms, at);
  }
  int width = k_label_width + k_chart_width + k_note_width;
  int height = k_axis_height + static_cast<int>(rows.size()) * k_row_height + k_legend_height + 10;
  double scale = k_chart_width / end_ms;  // pixels per millisecond

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  double step_s = tick_step(end_ms / 1000);
  for (double t = 0; t * 1000 <= end_ms + 1e-6; t += step_s) {
    double x = k_label_width + t * 1000 * scale;
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#555\">{4:g} s</text>\n",
        x, k_axis_height - 6, k_axis_height + rows.size() * k_row_height, k_axis_height - 12, t);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    const GanttRow& row = rows[i];
    int y = k_axis_height + static_cast<int>(i) * k_row_height;
    svg += fmt::format("<text x=\"6\" y=\"{}\">{}</text>\n", y + 17, escaped(row.label));
    double at = row.start_ms;
    for (const GanttPhase& phase : row.phases) {
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\">"
          "<title>{} {:.2f} s</title></rect>\n",
          k_label_width + at * scale, y + (k_row_height - k_bar_height) / 2,
          std::max(phase.ms * scale, 0.5), k_bar_height, colours[phase.name], escaped(phase.name),
          phase.ms / 1000);
      at += phase.ms;
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" fill=\"#333\">{}</text>\n",
                       k_label_width + at * scale + 6, y + 17, escaped(row.note));
  }
  int legend_y = k_axis_height + static_cast<int>(rows.size()) * k_row_height + 16;
  int x = 6;
  for (const std::string& name : order) {
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        x, legend_y - 9, colours[name], x + 14, legend_y, escaped(name));
    x += 24 + static_cast<int>(name.size()) * 7;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace apt_ostree::util
