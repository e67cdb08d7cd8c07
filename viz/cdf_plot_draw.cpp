#include "viz/cdf_plot_draw.h"

#include <imgui.h>

#include "viz/draw_util.h"
#include "viz/trace_query.h"

namespace ballot::viz {

CdfPlotGeometry DrawCdfPlot(const std::vector<std::vector<Time_us>>& samples,
                            const std::vector<std::string>& labels, float height) {
  // The legend: a line per curve in its colour.
  for (size_t i = 0; i < samples.size(); ++i) {
    const size_t n = samples[i].size();
    ImGui::TextColored(
        col4(kCdfColors[i % 2]), "%s: %s", i < labels.size() ? labels[i].c_str() : "",
        n == 0 ? "no leader loss" : (std::to_string(n) + (n == 1 ? " loss" : " losses")).c_str());
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(120.0f, ImGui::GetContentRegionAvail().x);
  ImGui::Dummy(ImVec2(width, height));
  const float text_h = ImGui::GetTextLineHeight();
  // Room on the left for "1" and "0", below for the axis's times.
  const float x0 = origin.x + ImGui::CalcTextSize("0.5").x + 8, x1 = origin.x + width - 8;
  const float y0 = origin.y + text_h / 2, y1 = origin.y + height - text_h - 6;
  const CdfPlotGeometry g = layout_cdf_plot(samples, x0, y0, x1, y1);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 frame = col(kCdfFrameColor);
  dl->AddRect(ImVec2(x0, y0), ImVec2(x1, y1), frame);
  dl->AddLine(ImVec2(x0, (y0 + y1) / 2), ImVec2(x1, (y0 + y1) / 2), col(kCdfFrameColor, 70));
  dl->AddText(ImVec2(origin.x, y0 - text_h / 2), frame, "1");
  dl->AddText(ImVec2(origin.x, (y0 + y1) / 2 - text_h / 2), frame, "0.5");
  dl->AddText(ImVec2(origin.x, y1 - text_h / 2), frame, "0");
  dl->AddText(ImVec2(x0, y1 + 3), frame, "0");
  const std::string right = format_time(g.x_max_us);
  dl->AddText(ImVec2(x1 - ImGui::CalcTextSize(right.c_str()).x, y1 + 3), frame, right.c_str());
  for (size_t i = 0; i < g.curves.size(); ++i) {
    const CdfPlotGeometry::Curve& c = g.curves[i];
    const ImU32 colour = col(kCdfColors[i % 2]);
    std::vector<ImVec2> line;
    for (const auto& p : c.line) line.emplace_back(p[0], p[1]);
    if (line.size() >= 2)
      dl->AddPolyline(line.data(), static_cast<int>(line.size()), colour, 0, 2.0f);
    for (const auto& p : c.points) dl->AddCircleFilled(ImVec2(p[0], p[1]), 3.0f, colour);
  }
  return g;
}

}  // namespace ballot::viz
