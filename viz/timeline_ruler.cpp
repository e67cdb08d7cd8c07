// The time ruler (ticks, captions, violations, the cursor's time), the time cursor across the
// sections, and the legend.
#include <algorithm>
#include <cmath>
#include <string>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// Captions are yellow flags on the ruler; violations red triangles hanging from its top.
constexpr float kFlagPole_px = 12.0f;
constexpr float kFlagWidth_px = 8.0f;
constexpr float kViolationMarkHalf_px = 6.0f;
// The time cursor: a line across the sections under a triangle on the ruler; the mouse's time a
// faint line.
constexpr float kCursorLine_px = 2.0f;
constexpr float kCursorHeadHalf_px = 7.0f;
constexpr uint8_t kMouseLineAlpha = 50;

// A "nice" tick step (1, 2 or 5 times a power of ten microseconds) near `raw`.
Time_us nice_step(double raw) {
  if (raw < 1) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  const double nice = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return std::max<Time_us>(1, static_cast<Time_us>(nice * p));
}

}  // namespace

void draw_ruler(Frame& f, const std::vector<const TraceModel*>& models) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const ViewState& view = f.view;
  const float y0 = f.L.top, y1 = f.L.ruler_bottom();
  dl->AddRectFilled(ImVec2(f.label_x(), y0), ImVec2(f.L.right, y1), col(kRulerColor));
  const Time_us step = nice_step(kRulerTickSpacing_px / g.px_per_us);
  const Time_us minor = step % 5 == 0 ? step / 5 : (step % 2 == 0 ? step / 2 : step);
  dl->PushClipRect(ImVec2(g.x0 - 30, y0), ImVec2(f.L.right, y1), true);
  const Time_us first = (g.t0 / minor) * minor;
  float label_end = -1e9f;
  // The cursor's time box (drawn below) hides the tick labels it would overlap.
  const std::string cursor_text = format_time(view.cursor_us);
  const float cursor_w = ImGui::CalcTextSize(cursor_text.c_str()).x;
  const float cursor_x = std::clamp(g.x(view.cursor_us) - cursor_w * 0.5f, g.x0, g.x1 - cursor_w);
  const bool cursor_shown = g.x(view.cursor_us) >= g.x0 - 1 && g.x(view.cursor_us) <= g.x1 + 1;
  for (Time_us t = first; t <= g.t1; t += minor) {
    if (t < g.t0) continue;
    const float x = g.x(t);
    const bool major = t % step == 0;
    vline(dl, x, y1 - (major ? kRulerTickMajor_px : kRulerTickMinor_px), y1, col(kTickColor));
    if (major) {
      const std::string label = format_tick(t, step);
      const float lw = ImGui::CalcTextSize(label.c_str()).x;
      const float lx = std::min(x + 3, g.x1 + 6 - lw);
      const bool under_cursor =
          cursor_shown && lx < cursor_x + cursor_w + 8 && lx + lw > cursor_x - 8;
      if (lx > label_end + 6 && !under_cursor) {
        dl->AddText(ImVec2(lx, y0 + 3), col(kTickLabelColor), label.c_str());
        label_end = lx + lw;
      }
    }
  }
  // Captions (yellow flags) and violations (red) on the ruler.
  for (const TraceModel* m : models) {
    for (const Caption& c : m->captions) {
      if (c.t_us < g.t0 || c.t_us > g.t1) continue;
      const float x = g.x(c.t_us);
      dl->AddRectFilled(ImVec2(x, y1 - kFlagPole_px), ImVec2(x + kFlagWidth_px, y1 - 6),
                        col(kCaptionColor));
      vline(dl, x, y1 - kFlagPole_px, y1, col(kCaptionColor), 1.5f);
    }
    for (const Violation& v : m->violations) {
      if (v.t_us < g.t0 || v.t_us > g.t1) continue;
      const float x = g.x(v.t_us);
      dl->AddTriangleFilled(ImVec2(x - kViolationMarkHalf_px, y0 + 1),
                            ImVec2(x + kViolationMarkHalf_px, y0 + 1), ImVec2(x, y0 + 11),
                            col(kViolationColor));
    }
  }
  dl->PopClipRect();
  // The cursor's time, in a box.
  const float cx = g.x(view.cursor_us);
  if (cx >= g.x0 - 1 && cx <= g.x1 + 1) {
    const std::string t = format_time(view.cursor_us);
    const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
    float bx = std::clamp(cx - ts.x * 0.5f, g.x0, g.x1 - ts.x);
    dl->AddRectFilled(ImVec2(bx - 4, y0 + 1), ImVec2(bx + ts.x + 4, y0 + ts.y + 3),
                      col(kCursorBoxColor), 3.0f);
    dl->AddText(ImVec2(bx, y0 + 2), col(kCursorBoxTextColor), t.c_str());
  }
}

void draw_cursor(Frame& f, float mouse_x, bool mouse_line) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const float ruler_bottom = f.L.ruler_bottom(), bottom = f.L.sections_bottom();
  // The time cursor across everything.
  const float cx = g.x(f.view.cursor_us);
  if (cx >= g.x0 - 1 && cx <= g.x1 + 1) {
    vline(dl, cx, ruler_bottom - 6, bottom, col(kCursorColor, 230), kCursorLine_px);
    dl->AddTriangleFilled(ImVec2(cx - kCursorHeadHalf_px, ruler_bottom - 10),
                          ImVec2(cx + kCursorHeadHalf_px, ruler_bottom - 10),
                          ImVec2(cx, ruler_bottom - 1), col(kCursorColor));
  }
  // The mouse's time, faintly.
  if (mouse_line) vline(dl, mouse_x, ruler_bottom, bottom, col(kWhite, kMouseLineAlpha));
}

float draw_legend(ImDrawList* dl, const std::vector<const TraceModel*>& models, float x, float y,
                  float w, bool draw) {
  const float h = ImGui::GetFontSize();
  const float row_h = h + kLegendRowPadding_px;
  float cx = x, cy = y;
  enum class Style { Fill, Crashed, Cross, Ring, Outline, Arrow, Paused };
  auto item = [&](Rgb c, const char* label, Style style) {
    const float sw = h * kLegendSwatch_fonts;
    const float tw = ImGui::CalcTextSize(label).x;
    if (cx + sw + tw + 5 > x + w && cx > x) {  // wrap
      cx = x;
      cy += row_h;
    }
    if (draw) {
      const ImVec2 a(cx, cy + h * 0.1f), b(cx + sw, cy + h * 0.9f);
      const ImVec2 mid((a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f);
      switch (style) {
        case Style::Fill:
          dl->AddRectFilled(a, b, col(c));
          break;
        case Style::Crashed:
          dl->AddRectFilled(a, b, col(c));
          hatch_rect(dl, a, b, col(kCrashedHatchColor), 5.0f, 1.5f);
          break;
        case Style::Cross:
          x_mark(dl, mid, h * 0.3f, col(c), 2.0f);
          break;
        case Style::Ring:
          dl->AddCircle(mid, h * 0.3f, col(c), 10, 2.0f);
          break;
        case Style::Outline:
          dl->AddRectFilled(a, b, col(c, 70));
          dl->AddRect(a, b, col(c));
          break;
        case Style::Arrow:
          arrow(dl, ImVec2(a.x, b.y), ImVec2(b.x, a.y), col(c), 1.5f, 6.0f);
          break;
        case Style::Paused:  // purple over the role colour
          dl->AddRectFilled(a, b, col(kFollowerColor));
          dl->AddRectFilled(a, ImVec2(b.x, b.y - (b.y - a.y) * 0.3f), col(c));
          break;
      }
      dl->AddText(ImVec2(cx + sw + 5, cy), col(kLegendTextColor), label);
    }
    cx += sw + tw + kLegendItemGap_px;
  };
  item(kFollowerColor, "follower", Style::Fill);
  item(kCandidateColor, "candidate", Style::Fill);
  item(kLeaderColor, "leader", Style::Fill);
  item(kCrashedColor, "crashed", Style::Crashed);
  item(kPausedColor, "paused", Style::Paused);
  item(kSplitBrainColor, "split brain", Style::Fill);
  item(kPartitionColor, "partition", Style::Outline);
  item(kMessagePalette[1], "message", Style::Arrow);
  item(kHeartbeatColor, "heartbeat", Style::Arrow);
  item(kDropColor, "lost", Style::Cross);
  item(kDuplicateColor, "duplicate", Style::Ring);
  bool ops = false, blamed = false, lost = false;
  for (const TraceModel* m : models) {
    ops |= !m->ops.empty();
    blamed |= !m->lincheck_failing_ops.empty();
    lost |= !m->lost_writes.empty();
  }
  if (ops) {
    item(kOpOkColor, "op ok", Style::Fill);
    item(kOpFailColor, "op failed", Style::Fill);
    item(kOpInfoColor, "op unknown", Style::Fill);
  }
  if (blamed) item(kOpBlamedColor, "not linearizable", Style::Fill);
  if (lost) item(kOpLostColor, "lost write", Style::Fill);
  return cy - y + row_h;
}

}  // namespace ballot::viz::timeline
