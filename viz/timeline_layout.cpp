#include "viz/timeline_layout.h"

#include <algorithm>
#include <cmath>

#include "viz/lanes.h"
#include "viz/sizes.h"

namespace ballot::viz {

TimeAxis TimeAxis::make(float x0, float x1, Time_us t0, Time_us t1) {
  TimeAxis a;
  a.x0 = x0;
  a.x1 = x1;
  a.t0 = t0;
  a.t1 = t1;
  a.px_per_us = (x1 - x0) / static_cast<double>(t1 - t0);
  return a;
}

float TimeAxis::x(Time_us t) const {
  const double v = x0 + static_cast<double>(t - t0) * px_per_us;
  return static_cast<float>(
      std::clamp(v, static_cast<double>(x0) - 1e5, static_cast<double>(x1) + 1e5));
}

Time_us TimeAxis::t(float px) const {
  return t0 + static_cast<Time_us>(std::llround((px - x0) / px_per_us));
}

SpanX span_x(const TimeAxis& axis, Time_us begin, Time_us end, float min_px) {
  SpanX s;
  s.a = std::max(axis.x(begin), axis.x0);
  s.b = std::min(axis.x(end), axis.x1);
  if (min_px > 0) s.b = std::max(s.b, s.a + min_px);
  return s;
}

float SectionLayout::band_top(int32_t node) const {
  return top_of(node) + lane_h * kBandTop_lanes;
}

float SectionLayout::band_bottom(int32_t node) const {
  return top_of(node) + lane_h * kBandBottom_lanes;
}

float SectionLayout::fault_row_top(int row) const {
  return faults_y + static_cast<float>(row) * fault_row_h + 1;
}

SectionLayout::FaultMark SectionLayout::fault_mark(const TimeAxis& axis, size_t index,
                                                   const Fault& fault) const {
  FaultMark fm;
  const int row = fault_row_of[index];
  fm.box.y0 = fault_row_top(row);
  fm.box.y1 = fault_row_bottom(row);
  const float xa = axis.x(fault.span.begin_us), xb = axis.x(fault.span.end_us);
  fm.diamond = xb - xa < kFaultBarMin_px;
  if (fm.diamond) {
    fm.xm = (xa + xb) * 0.5f;
    fm.ym = (fm.box.y0 + fm.box.y1) * 0.5f;
    fm.r = (fm.box.y1 - fm.box.y0) * kFaultDiamond_rows;
    fm.box.x0 = fm.xm - fm.r;
    fm.box.x1 = fm.xm + fm.r;
  } else {
    fm.box.x0 = std::max(xa, axis.x0 - kFaultBarOverhang_px);
    fm.box.x1 = std::min(xb, axis.x1 + kFaultBarOverhang_px);
  }
  return fm;
}

Rect SectionLayout::op_bar(const TimeAxis& axis, const ClientOp& op) const {
  const auto row = static_cast<size_t>(client_row(op.client));
  const SpanX sx = span_x(axis, op.invoke_us, op.return_us, kOpMin_px);
  return {sx.a, client_row_top(row), sx.b, client_row_bottom(row)};
}

float SectionLayout::client_row_top(size_t row) const {
  return clients_y + static_cast<float>(row) * client_row_h + 1;
}

Segment SectionLayout::message_segment(const TimeAxis& axis, const Message& msg) const {
  const bool down = top_of(msg.to) >= top_of(msg.from);
  Segment s;
  s.ax = axis.x(msg.send_us);
  s.ay = down ? band_bottom(msg.from) : band_top(msg.from);
  s.bx = axis.x(msg.end_us);
  s.by = down ? band_top(msg.to) : band_bottom(msg.to);
  if (msg.fate == Message::Fate::Dropped && s.bx - s.ax < kDropStubBelow_px) {
    const float len = std::min(lane_h * kLaneGap_lanes * kDropStub_gaps, kDropStubMax_px);
    s.bx = s.ax;
    s.by = s.ay + (down ? len : -len);
  }
  return s;
}

float Layout::lane_center_y(int model, int32_t node) const {
  if (model < 0 || static_cast<size_t>(model) >= sections.size()) return -1.0f;
  const SectionLayout& s = sections[static_cast<size_t>(model)];
  if (!s.lane_visible(node)) return -1.0f;
  return s.lane_center(node);
}

std::vector<int> pack_fault_rows(const std::vector<Fault>& faults, int& rows) {
  std::vector<Time_us> row_end;
  std::vector<int> row_of(faults.size());
  for (size_t f = 0; f < faults.size(); ++f) {
    const Fault& fault = faults[f];
    int row = -1;
    for (size_t r = 0; r < row_end.size(); ++r)
      if (row_end[r] <= fault.span.begin_us) {
        row = static_cast<int>(r);
        break;
      }
    if (row < 0) {
      if (static_cast<int>(row_end.size()) < kMaxFaultRows) {
        row_end.push_back(0);
        row = static_cast<int>(row_end.size()) - 1;
      } else {
        row = kMaxFaultRows - 1;
      }
    }
    // An instantaneous fault still keeps its row busy for a microsecond.
    row_end[static_cast<size_t>(row)] = std::max(fault.span.end_us, fault.span.begin_us + 1);
    row_of[f] = row;
  }
  rows = static_cast<int>(row_end.size());
  return row_of;
}

int SectionLayout::scroll_at(float y) const {
  const float track = scroll_track.y1 - scroll_track.y0;
  const float thumb = scroll_thumb.y1 - scroll_thumb.y0;
  if (scroll_max <= 0 || track <= thumb) return 0;
  const float frac = (y - thumb * 0.5f - scroll_track.y0) / (track - thumb);
  return std::clamp(static_cast<int>(std::lround(frac * static_cast<float>(scroll_max))), 0,
                    scroll_max);
}

Layout layout_timeline(const std::vector<const TraceModel*>& models, const ViewState& view,
                       const Viewport& vp) {
  Layout L;
  L.font = vp.font;
  L.width = std::max(vp.w, kCanvasMinWidth_px);
  L.height = std::max(vp.h, kCanvasMinHeight_px);
  L.left = vp.x;
  L.label_w = std::max(kLabelColumnMin_px, vp.font * kLabelColumn_fonts);
  L.top = vp.y;
  L.bottom = vp.y + L.height;
  L.ruler_h = vp.font + kRulerPadding_px;
  L.legend_h = vp.legend_h;
  for (const TraceModel* m : models) L.full_span_us = std::max(L.full_span_us, m->run_end_us());

  // What each section needs whatever the lanes' height, and the nodes its filters select.
  const float font = vp.font;
  L.sections.resize(models.size());
  float fixed_h = L.ruler_h + L.legend_h;
  int total_selected = 0;
  int client_rows_total = 0;
  std::vector<std::vector<int32_t>> selected(models.size());
  std::vector<std::vector<int32_t>> priority(models.size());
  for (size_t i = 0; i < models.size(); ++i) {
    const TraceModel& m = *models[i];
    SectionLayout& s = L.sections[i];
    s.model = static_cast<int>(i);
    s.node_count = m.node_count;
    s.show_header = models.size() > 1;
    s.split_h = std::max(kSplitStripMin_px, font * kSplitStrip_fonts);
    s.fault_row_h = font + kFaultRowPadding_px;
    s.fault_row_of = pack_fault_rows(m.faults, s.fault_rows);
    const ImportantNodes imp = important_nodes(m);
    priority[i] = imp.by_priority();
    std::vector<bool> important(static_cast<size_t>(m.node_count) + 1, false);
    for (int32_t n : priority[i]) important[static_cast<size_t>(n)] = true;
    for (int32_t n = 1; n <= m.node_count; ++n)
      if (!view.filters.node_hidden(n) ||
          (view.filters.keep_important && important[static_cast<size_t>(n)]))
        selected[i].push_back(n);
    s.client_rows = std::min(m.client_count, kMaxClientRows);
    total_selected += static_cast<int>(selected[i].size());
    client_rows_total += s.client_rows;
    fixed_h += (s.show_header ? font + kSectionHeaderPadding_px : 0.0f) + s.split_h +
               kSplitStripGap_px + s.fault_rows * s.fault_row_h +
               (s.client_rows > 0 ? kClientLaneGap_px : 0.0f) + kSectionGap_px;
  }
  // How many rows fit at the lanes' least height; client rows take a fixed fraction of a lane
  // each. When the selected nodes need more, each section gets its share (pick_lanes).
  const float avail = L.height - fixed_h;
  const float least = font * kLaneMin_fonts;
  const float client_units = kClientRow_lanes * static_cast<float>(client_rows_total);
  const int fit_total = std::max(static_cast<int>(models.size()),
                                 static_cast<int>(std::floor(avail / least - client_units)));
  int rows_total = 0;
  for (size_t i = 0; i < models.size(); ++i) {
    SectionLayout& s = L.sections[i];
    const int sel = static_cast<int>(selected[i].size());
    int fit = sel;
    if (total_selected > fit_total)
      fit = std::max(1, static_cast<int>(std::floor(static_cast<double>(fit_total) * sel /
                                                    std::max(total_selected, 1))));
    const LanePick pick =
        pick_lanes(selected[i], priority[i], fit, i < 2 ? view.lane_scroll[i] : 0);
    s.lanes = pick.lanes;
    s.pinned = pick.pinned;
    s.folded = pick.folded;
    s.scroll = pick.scroll;
    s.scroll_max = pick.scroll_max;
    rows_total += pick.rows();
    if (s.scroll_max > 0) L.scrollbar_w = kScrollbar_px;
  }
  const float x1 = vp.x + L.width - kPlotRightMargin_px - L.scrollbar_w;
  L.right = x1 + kPlotRightMargin_px;
  L.axis = TimeAxis::make(vp.x + L.label_w, x1, view.t0_us, view.t1_us);
  const float units = static_cast<float>(rows_total) + client_units;
  const float lane_h = std::clamp(avail / std::max(units, 1.0f), least, font * kLaneMax_fonts);
  float y = L.top + L.ruler_h;
  for (SectionLayout& s : L.sections) {
    if (s.show_header) {
      s.header_y = y;
      y += font + kSectionHeaderPadding_px;
    }
    s.split_y = y + kSplitStripTopGap_px;
    y += s.split_h + kSplitStripGap_px;
    s.faults_y = y;
    y += s.fault_rows * s.fault_row_h;
    s.lanes_y = y;
    s.lane_h = lane_h;
    s.lane_top.assign(static_cast<size_t>(s.node_count), -1.0f);
    for (int32_t n : s.lanes) {
      s.lane_top[static_cast<size_t>(n - 1)] = y;
      y += lane_h;
    }
    if (!s.folded.empty()) {
      s.more_y = y;
      y += lane_h;
    }
    if (s.scroll_max > 0) {
      // The track spans the scrolling lanes; the thumb's share is theirs of all that scroll.
      const float t0 = s.scrolled_top(), t1 = s.scrolled_bottom();
      const float window = static_cast<float>(s.lanes.size() - s.pinned);
      const float share = window / (window + static_cast<float>(s.scroll_max));
      const float thumb = std::max(kScrollThumbMin_px, (t1 - t0) * share);
      const float ty =
          t0 + (t1 - t0 - thumb) * static_cast<float>(s.scroll) / static_cast<float>(s.scroll_max);
      s.scroll_track = {L.right, t0, L.right + L.scrollbar_w, t1};
      s.scroll_thumb = {L.right + 1, ty, L.right + L.scrollbar_w - 1, ty + thumb};
    }
    if (s.client_rows > 0) {
      y += kClientLaneGap_px;
      s.clients_y = y;
      s.client_row_h = std::max(kClientRowMin_px, lane_h * kClientRow_lanes);
      y += s.client_rows * s.client_row_h;
    }
    s.bottom = y;
    y += kSectionGap_px;
  }
  return L;
}

std::string section_title(const TraceModel& m, int model) {
  return std::string(model == 0 ? "A: " : "B: ") + (m.variant.empty() ? "" : m.variant + "   ") +
         m.algorithm + " seed " + std::to_string(m.seed) + "   " + m.file_label;
}

std::string stack_label(const TraceModel& m, int model) {
  return std::string(model == 0 ? "A: " : "B: ") + m.algorithm +
         (m.variant.empty() ? "" : " [" + m.variant + "]");
}

const std::string* op_label_fitting(const ClientOp& op, float width,
                                    const std::function<float(const std::string&)>& text_w,
                                    float pad) {
  for (const std::string* label : {&op.label, &op.short_label})
    if (!label->empty() && text_w(*label) + pad < width) return label;
  return nullptr;
}

float side_panel_width(float window_w, float font_px, float tabs_w) {
  const float least = std::max(tabs_w, font_px * kSidePanelMin_fonts);
  const float most = std::max(least, font_px * kSidePanelMax_fonts);
  const float w = std::clamp(window_w * kSidePanelFraction, least, most);
  return std::min(w, window_w * kSidePanelMaxFraction);
}

void fit_all(const std::vector<const TraceModel*>& models, ViewState& view) {
  Time_us end = 1;
  for (const TraceModel* m : models) end = std::max(end, m->run_end_us());
  const Time_us margin = std::max<Time_us>(end / 100, 1);
  view.t0_us = -margin;
  view.t1_us = end + margin;
}

void zoom(ViewState& view, double factor, Time_us anchor_us, Time_us full_span_us) {
  const double span = static_cast<double>(view.span_us());
  double new_span = std::clamp(
      span * factor, static_cast<double>(kMinSpan_us),
      std::max(static_cast<double>(full_span_us) * kMaxZoomOut, static_cast<double>(kMinSpan_us)));
  const double frac = (static_cast<double>(anchor_us - view.t0_us)) / span;
  const double t0 = static_cast<double>(anchor_us) - frac * new_span;
  view.t0_us = static_cast<Time_us>(std::llround(t0));
  view.t1_us =
      view.t0_us + std::max<Time_us>(kMinSpan_us, static_cast<Time_us>(std::llround(new_span)));
}

}  // namespace ballot::viz
