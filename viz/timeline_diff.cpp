#include "viz/timeline_diff.h"

#include <algorithm>
#include <string>

#include "viz/draw_util.h"

namespace ballot::viz::timeline {

namespace {

constexpr float kDiffLine_px = 2.0f;     // the first divergence's line
constexpr float kDiffRing_fonts = 0.4f;  // an unmatched event's ring, radius in fonts
constexpr float kDiffRingMin_px = 4.0f;
constexpr float kDiffRingStroke_px = 1.5f;
constexpr float kDiffLabelPad_px = 3.0f;

}  // namespace

void draw_diff_marks(Frame& f, const std::vector<Section>& sections, const DiffMarks& d) {
  if (d.identical()) return;
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const ImU32 color = col(kDiffColor);
  const float r = std::max(kDiffRingMin_px, f.L.font * kDiffRing_fonts);
  for (const Section& s : sections) {
    if (s.model < 0 || s.model > 1) continue;
    float right = f.L.right;
    if (s.m->revealed()) right = std::min(right, g.x(s.m->revealed_until_us) + r + 1);
    dl->PushClipRect(ImVec2(g.x0 - r - 1, f.L.top), ImVec2(right, f.L.bottom), true);
    for (const DiffDot& dot :
         diff_dots(d.by_lane[s.model], *s.m, s, g, r, &d.late_by_lane[s.model]))
      dl->AddCircle(ImVec2(dot.x, dot.y), r, color, 12, kDiffRingStroke_px);
    dl->PopClipRect();
  }
  if (!d.has_divergence_time()) return;
  const Time_us t = d.divergence_us();
  if (f.view.reveal && t > f.view.cursor_us) return;  // not revealed yet
  if (t < g.t0 || t > g.t1) return;
  const float x = g.x(t);
  const float top = f.L.ruler_bottom(), bottom = f.L.sections_bottom();
  vline(dl, x, top, bottom, color, kDiffLine_px);
  // The label at the top, right of the line (left of it near the right edge).
  const std::string& text = d.label;
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  float lx = x + kDiffLine_px + kDiffLabelPad_px;
  if (lx + size.x + 2 * kDiffLabelPad_px > g.x1)
    lx = x - kDiffLabelPad_px - size.x - 2 * kDiffLabelPad_px;
  lx = std::max(lx, g.x0);
  const float ly = top + 2;
  dl->AddRectFilled(ImVec2(lx, ly), ImVec2(lx + size.x + 2 * kDiffLabelPad_px, ly + size.y + 2),
                    col(kBackgroundColor, 220), 3.0f);
  dl->AddText(ImVec2(lx + kDiffLabelPad_px, ly + 1), color, text.c_str());
}

}  // namespace ballot::viz::timeline
