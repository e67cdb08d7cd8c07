// Faults and what they cause: the fault lane (a bar per fault, packed into rows), partitions and
// cut links (viz/timeline_cuts.h) across the node lanes, split brain (in its strip, tinted across
// the lanes and framed over the leaders' bands), where a truncated trace ends, and violations.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "viz/cluster_layout.h"
#include "viz/draw_util.h"
#include "viz/timeline_cuts.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// Split brain frames look at most at this many of a leader's bands in the window.
constexpr size_t kMaxFramedBands = 64;
// Partitions shade the gaps between bands faintly, with an edge where they begin.
constexpr uint8_t kPartitionShadeAlpha = 38;
constexpr uint8_t kPartitionEdgeAlpha = 160;
constexpr float kPartitionEdgeMin_px = 4.0f;  // narrower: no edge
// A cut link: a dashed arrow (dashes this long, this far apart, and its head) where its fault
// begins, when at least kCutArrowMin_px wide, and an edge this thick under both ends' bands.
constexpr float kCutArrowMin_px = 6.0f;
constexpr float kCutDash_px = 5.0f;
constexpr float kCutDashPeriod_px = 9.0f;
constexpr float kCutHead_px = 8.0f;
constexpr float kCutEdge_px = 4.0f;
constexpr float kCutArrowSpacing_px = 12.0f;  // between the arrows of one fault's links
// Split brain: a tint over the lanes; edges and frames over the leaders' bands when this wide.
constexpr uint8_t kSplitBrainTintAlpha = 60;
constexpr float kSplitBrainFramesMin_px = 6.0f;
constexpr float kSplitBrainFrame_px = 3.0f;
constexpr float kLabelPadding_px = 4.0f;
// The fault lane: a rounded bar per fault (or a diamond: SectionLayout::fault_mark); white ticks
// where a flapping link changes.
constexpr uint8_t kFaultBarAlpha = 210;
constexpr float kFaultBarRounding_px = 3.0f;
constexpr float kFaultBarRoundedMin_px = 12.0f;  // narrower bars get square corners
constexpr float kDiamondFold_px = 3.0f;          // see draw_fault_lane
constexpr uint8_t kFlapAlpha = 180;

// By the fault's look (the trace header's table of fault kinds), never by its kind's name.
Rgb fault_color(const Fault& f) {
  if (f.look == "split" || f.look == "isolate") return kPartitionColor;
  if (f.look == "crash") return kCrashedHatchColor;
  if (f.look == "pause") return kPausedColor;
  if (f.look == "clock") return kClockColor;
  if (f.look == "link" || f.look == "loss") return kDropColor;
  return kFaultBarColor;  // delay, heal, unknown
}

// A cut link: a dashed red arrow from the sender's lane to the receiver's at x, with a head at
// the receiver, and at the sender too when both ways are cut.
void draw_cut_arrow(ImDrawList* dl, const Section& s, const CutArrow& a, float x) {
  const bool down = s.top_of(a.to) > s.top_of(a.from);
  const float ya = down ? s.band_bottom(a.from) : s.band_top(a.from);
  const float yb = down ? s.band_top(a.to) : s.band_bottom(a.to);
  const float dir = down ? 1.0f : -1.0f;
  const float start = a.both ? ya + kCutHead_px * dir : ya;
  for (float yy = start; (yb - yy) * dir > kCutHead_px; yy += kCutDashPeriod_px * dir)
    vline(dl, x, std::min(yy, yy + kCutDash_px * dir), std::max(yy, yy + kCutDash_px * dir),
          col(kDropColor), 2.0f);
  dl->AddTriangleFilled(ImVec2(x - 5, yb - kCutHead_px * dir),
                        ImVec2(x + 5, yb - kCutHead_px * dir), ImVec2(x, yb), col(kDropColor));
  if (a.both)
    dl->AddTriangleFilled(ImVec2(x - 5, ya + kCutHead_px * dir),
                          ImVec2(x + 5, ya + kCutHead_px * dir), ImVec2(x, ya), col(kDropColor));
}

// A network fault's cut links (link_cut, bridge, majorities_ring, flap; cut_arrows says which):
// arrows side by side from where it begins, up to kMaxCutArrows and as many as fit before the
// fault's end (and the reveal cursor), the rest counted in a "+N"; and a red edge under the
// bands of the arrows' ends while it lasts.
void draw_cut_links(ImDrawList* dl, const Section& s, const CutFault& cut, float xa, float xb,
                    float limit_x) {
  CutArrows arrows = cut_arrows(cut, s.lanes);
  if (arrows.arrows.empty()) return;
  std::vector<int32_t> ends;
  for (const CutArrow& a : arrows.arrows)
    for (int32_t n : {a.from, a.to})
      if (std::find(ends.begin(), ends.end(), n) == ends.end()) ends.push_back(n);
  for (int32_t n : ends)
    dl->AddRectFilled(ImVec2(xa, s.band_bottom(n) + 1),
                      ImVec2(std::max(xb, xa + 1), s.band_bottom(n) + kCutEdge_px),
                      col(kDropColor, 170));
  if (xb - xa < kCutArrowMin_px) return;  // no room to tell them apart
  const float right = std::min(xb, limit_x);
  const auto fit = static_cast<size_t>(std::max(0.0f, (right - xa - 5) / kCutArrowSpacing_px)) + 1;
  if (arrows.arrows.size() > fit) {
    arrows.more += arrows.arrows.size() - fit;
    arrows.arrows.resize(fit);
  }
  float x = xa;
  for (const CutArrow& a : arrows.arrows) {
    draw_cut_arrow(dl, s, a, x);
    x += kCutArrowSpacing_px;
  }
  if (arrows.more > 0) {
    const std::string more = "+" + std::to_string(arrows.more);
    const CutArrow& last = arrows.arrows.back();
    const float y = std::min(s.band_bottom(last.from), s.band_bottom(last.to));
    dl->PushClipRect(ImVec2(xa, s.lanes_y), ImVec2(std::max(xa, limit_x), s.lanes_bottom()), true);
    text_at(dl, TextSize::Small, ImVec2(x - kCutArrowSpacing_px + 7, y + 2), col(kDropColor),
            more.c_str());
    dl->PopClipRect();
  }
}

// The cut links of the model's faults (cut_faults), resolved once per model: by the model's
// address and size, like the cluster view (a prefix in reveal mode grows with the cursor).
const std::vector<CutFault>& cuts_of(const TraceModel& m, int section) {
  struct Cache {
    const TraceModel* model = nullptr;
    size_t events = 0, text = 0;
    std::vector<CutFault> cuts;
  };
  static Cache caches[2];
  Cache& c = caches[section == 0 ? 0 : 1];
  if (c.model != &m || c.events != m.events.size() || c.text != m.text.size()) {
    c.model = &m;
    c.events = m.events.size();
    c.text = m.text.size();
    c.cuts = cut_faults(m);
  }
  return c.cuts;
}

}  // namespace

void draw_network_faults(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const float lanes_bottom = s.lanes_bottom();
  // Partitions: shaded across the lanes (each lane's group is tagged in the label column).
  SpanRuns partition_runs;
  auto shade_partition = [&](float xa, float xb) {
    fill_gaps(dl, s, xa, xb, col(kPartitionColor, kPartitionShadeAlpha));
  };
  for (const Fault& fault : s.m->faults) {
    if (!g.visible(fault.span.begin_us, fault.span.end_us)) continue;
    const SpanX sx = span_x(g, fault.span.begin_us, fault.span.end_us);
    const float xa = sx.a, xb = sx.b;
    if (!fault.groups.empty() || fault.look == "isolate") {
      partition_runs.add(xa, std::max(xb, xa + 1), shade_partition);
      if (xb - xa >= kPartitionEdgeMin_px)
        vline(dl, xa, s.lanes_y, lanes_bottom, col(kPartitionColor, kPartitionEdgeAlpha));
    }
  }
  partition_runs.flush(shade_partition);
  // Cut links between the lanes, where each fault begins. Nothing after the reveal cursor.
  const float limit_x = s.m->revealed() ? std::min(g.x1, g.x(s.m->revealed_until_us)) : g.x1;
  for (const CutFault& cut : cuts_of(*s.m, s.model)) {
    const Fault& fault = s.m->faults[cut.fault];
    if (!draws_cut_arrows(fault) || !g.visible(fault.span.begin_us, fault.span.end_us)) continue;
    const SpanX sx = span_x(g, fault.span.begin_us, fault.span.end_us);
    draw_cut_links(dl, s, cut, sx.a, sx.b, limit_x);
  }
}

void draw_split_brain_strip(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const TraceModel& m = *s.m;
  dl->AddRectFilled(ImVec2(g.x0, s.split_y), ImVec2(g.x1, s.split_y + s.split_h), col(kStripColor));
  const float small = font_px(TextSize::Small);
  text_at(dl, TextSize::Small,
          ImVec2(f.label_x() + kLabelInset_px, s.split_y + (s.split_h - small) * 0.5f),
          col(kStripLabelColor), "split brain");
  SpanRuns split_runs;
  std::vector<std::pair<float, std::string>> labels;
  auto draw_split = [&](float xa, float xb) {
    dl->AddRectFilled(ImVec2(xa, s.split_y), ImVec2(xb, s.split_y + s.split_h),
                      col(kSplitBrainColor));
    fill_gaps(dl, s, xa, xb, col(kSplitBrainColor, kSplitBrainTintAlpha));
  };
  for (size_t i = 0; i < m.split_brains.size(); ++i) {
    const SplitBrain& sb = m.split_brains[i];
    if (!g.visible(sb.begin_us, sb.end_us)) continue;
    // Always visible, however short.
    const SpanX sx = span_x(g, sb.begin_us, sb.end_us, kSplitBrainMin_px);
    split_runs.add(sx.a, sx.b, draw_split);
    std::string label = "SPLIT BRAIN:";
    for (int32_t l : sb.leaders) label += " " + node_name(l);
    const float lw = text_size(TextSize::Small, label.c_str()).x;
    if (sx.width() > lw + 2 * kLabelPadding_px)
      labels.emplace_back(sx.a + kLabelPadding_px, std::move(label));
    f.hits.push_back({Hit::Kind::SplitBrain, false, sx.a, s.split_y, sx.b, s.split_y + s.split_h,
                      s.model, static_cast<int64_t>(i), 0});
  }
  split_runs.flush(draw_split);
  for (const auto& [x, label] : labels)  // over the strip, which runs draw late
    text_at(dl, TextSize::Small, ImVec2(x, s.split_y + (s.split_h - small) * 0.5f), col(kWhite),
            label.c_str());
}

void draw_split_brain_frames(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const TraceModel& m = *s.m;
  const float lanes_bottom = s.lanes_bottom();
  // Its edges across all lanes, and the leaders' bands framed in the split-brain colour while it
  // lasts.
  for (const SplitBrain& sb : m.split_brains) {
    if (!g.visible(sb.begin_us, sb.end_us)) continue;
    const SpanX sx = span_x(g, sb.begin_us, sb.end_us, kSplitBrainMin_px);
    const float xa = sx.a, xb = sx.b;
    if (xb - xa < kSplitBrainFramesMin_px) continue;  // the tint and the strip say it
    vline(dl, xa, s.lanes_y, lanes_bottom, col(kSplitBrainColor, 230), 2.0f);
    vline(dl, xb, s.lanes_y, lanes_bottom, col(kSplitBrainColor, 230), 2.0f);
    for (int32_t l : sb.leaders) {
      if (!s.lane_visible(l)) continue;
      // Frame only the parts where this node led.
      const NodeTrack& track = m.nodes[static_cast<size_t>(l - 1)];
      const IndexRange r = bands_in(track, std::max(sb.begin_us, g.t0), std::min(sb.end_us, g.t1));
      for (size_t i = r.first; i < r.last && i < r.first + kMaxFramedBands; ++i) {
        const RoleBand& b = track.bands[i];
        if (b.role != Role::Leader) continue;
        const float ba = std::max({g.x(b.begin_us), xa}), bb = std::min({g.x(b.end_us), xb});
        if (bb - ba < 1) continue;
        dl->AddRect(ImVec2(ba, s.band_top(l) - 1), ImVec2(bb, s.band_bottom(l) + 1),
                    col(kSplitBrainColor), 0, 0, kSplitBrainFrame_px);
      }
    }
  }
}

void draw_truncation(Frame& f, const Section& s) {
  const TraceModel& m = *s.m;
  const TimeAxis& g = f.axis();
  if (!m.truncated() || m.end_us > g.t1) return;
  ImDrawList* dl = f.dl;
  const float lanes_bottom = s.lanes_bottom();
  const float x = std::max(g.x(m.end_us), g.x0);
  if (x < g.x1)
    hatch_rect(dl, ImVec2(x, s.lanes_y), ImVec2(g.x1, lanes_bottom), col(kViolationColor, 70),
               10.0f);
  vline(dl, x, s.split_y, lanes_bottom, col(kViolationColor), 2.5f);
  const char* text = "TRUNCATED: the trace ends here (no footer)";
  const float tw = ImGui::CalcTextSize(text).x;
  const float tx = x + tw + 12 < g.x1 ? x + 6 : std::max(g.x0 + 4, x - tw - 10);
  label_with_background(dl, ImVec2(tx, s.lanes_y + 4), col(kViolationColor), text,
                        col(kBlack, 220));
}

void draw_violations(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const float lanes_bottom = s.lanes_bottom();
  // A red line across the lanes, and a mark on each involved lane.
  for (const Violation& v : s.m->violations) {
    if (v.t_us < g.t0 || v.t_us > g.t1) continue;
    const float x = g.x(v.t_us);
    vline(dl, x, s.lanes_y, lanes_bottom, col(kViolationColor, 200), 2.0f);
    for (int32_t n : v.nodes) {
      if (!s.lane_visible(n)) continue;
      const float yy = s.band_top(n);
      dl->AddTriangleFilled(ImVec2(x - 7, yy - 10), ImVec2(x + 7, yy - 10), ImVec2(x, yy),
                            col(kViolationColor));
    }
  }
}

void draw_fault_lane(Frame& f, const Section& s) {
  if (s.fault_rows == 0) return;
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const float font = f.L.font;
  text_at(dl, TextSize::Small, ImVec2(f.label_x() + kLabelInset_px, s.faults_y + 3),
          col(kFaultsLabelColor), "faults");
  dl->PushClipRect(ImVec2(g.x0, s.faults_y),
                   ImVec2(g.x1, s.faults_y + s.fault_rows * s.fault_row_h), true);
  const auto& faults = s.m->faults;
  float last_x[kMaxFaultRows];
  ImU32 last_color[kMaxFaultRows] = {};
  std::fill(last_x, last_x + kMaxFaultRows, -1e9f);
  for (size_t i = 0; i < faults.size(); ++i) {
    const Fault& fault = faults[i];
    if (!g.visible(fault.span.begin_us, fault.span.end_us)) continue;
    const int row = s.fault_row_of[i];
    const SectionLayout::FaultMark fm = s.fault_mark(g, i, fault);
    const float y0 = fm.box.y0, y1 = fm.box.y1, xa = fm.box.x0, xb = fm.box.x1;
    const Rgb c = fault_color(fault);
    const bool instant = fm.diamond;
    if (instant) {  // a clock jump, or too short to see
      const float xm = fm.xm, ym = fm.ym, r = fm.r;
      // Zoomed out, diamonds pile up: one drawn within kDiamondFold_px of the row's last one of
      // the same colour would hide behind it, so it is left out (with its label and its hit).
      const size_t k = static_cast<size_t>(row);
      if (k < kMaxFaultRows && last_color[k] == col(c) && xm - last_x[k] < kDiamondFold_px)
        continue;
      last_x[k] = xm;
      last_color[k] = col(c);
      dl->AddQuadFilled(ImVec2(xm, ym - r), ImVec2(xm + r, ym), ImVec2(xm, ym + r),
                        ImVec2(xm - r, ym), col(c));
    } else {
      // Rounded corners only where they show: a rounded rectangle is dozens of triangles, a
      // plain one two, and a zoomed-out run has hundreds of narrow bars.
      dl->AddRectFilled(ImVec2(xa, y0), ImVec2(xb, y1), col(c, kFaultBarAlpha),
                        xb - xa >= kFaultBarRoundedMin_px ? kFaultBarRounding_px : 0.0f);
      for (Time_us flap : fault.flaps_us) vline(dl, g.x(flap), y0, y1, col(kWhite, kFlapAlpha));
    }
    // The label goes inside the bar when it fits, else after it, up to the next fault of the row.
    float next_x = g.x1;
    for (size_t j = i + 1; j < faults.size(); ++j)
      if (s.fault_row_of[j] == row) {
        next_x = std::min(next_x, g.x(faults[j].span.begin_us));
        break;
      }
    // Reveal mode: a label never runs past the cursor, where nothing is shown.
    if (s.m->revealed()) next_x = std::min(next_x, g.x(s.m->revealed_until_us));
    const ImVec2 ts = ImGui::CalcTextSize(fault.summary.c_str());
    const float ty = y0 + (y1 - y0 - ts.y) * 0.5f;
    const float inside_x = std::max(xa, g.x0) + 4;
    if (!instant && std::min(xb, g.x1) - inside_x >= ts.x + 4) {
      dl->AddText(ImVec2(inside_x, ty), text_color_on(c), fault.summary.c_str());
    } else if (next_x - (xb + 5) >= std::min(ts.x, font * 4)) {
      dl->PushClipRect(ImVec2(xb + 4, y0), ImVec2(next_x - 2, y1), true);
      dl->AddText(ImVec2(xb + 5, ty), col(kFaultTextColor), fault.summary.c_str());
      dl->PopClipRect();
    } else if (!instant && std::min(xb, g.x1) - inside_x > font * 3) {
      dl->PushClipRect(ImVec2(inside_x, y0), ImVec2(std::min(xb, g.x1) - 2, y1), true);
      dl->AddText(ImVec2(inside_x, ty), text_color_on(c), fault.summary.c_str());
      dl->PopClipRect();
    }
    f.hits.push_back({Hit::Kind::Fault, false, xa, y0, std::max(xb, xa + 2), y1, s.model,
                      static_cast<int64_t>(i), 0});
  }
  dl->PopClipRect();
}

}  // namespace ballot::viz::timeline
