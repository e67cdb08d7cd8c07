// Where the timeline puts things, as a pure function: the trace models, the view and the canvas's
// size in, rectangles and segments out. No ImGui and no OpenGL, so that tests call it directly
// (tests/test_viz_layout.cpp); the drawers (viz/timeline_draw.h) and the input handling
// (viz/timeline_input.h) read the same Layout, so what is drawn is where the mouse finds it.
//
// From the top of the canvas: the time ruler; per trace a section (a header when comparing, the
// split-brain strip, the fault rows, the node lanes, the client rows); the legend in its own
// strip at the bottom, below everything else. The label column on the left holds the lanes'
// names; the plot is right of it. When not every node fits at the lanes' least height, the
// lanes are picked by pick_lanes (viz/lanes.h): important ones pinned, the rest scrolling, one
// aggregated lane for the nodes without a lane; lanes never reach into the legend's strip.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

// The canvas: its top-left corner on the screen, its size, the font size, and the legend's
// height (measured by the drawer, which knows the text widths).
struct Viewport {
  float x = 0, y = 0, w = 0, h = 0;
  float font = 13.0f;
  float legend_h = 0;
};

// The mapping between time and x across the plot [x0, x1].
struct TimeAxis {
  float x0 = 0, x1 = 0;
  Time_us t0 = 0, t1 = 1;
  double px_per_us = 1;

  static TimeAxis make(float x0, float x1, Time_us t0, Time_us t1);
  // The x of a time; far outside the plot it is clamped, so that any time gives a drawable x.
  float x(Time_us t) const;
  // The time at an x.
  Time_us t(float px) const;
  bool visible(Time_us begin, Time_us end) const { return !(end < t0 || begin > t1); }
};

// A horizontal extent in pixels, clamped to the plot.
struct SpanX {
  float a = 0, b = 0;
  float width() const { return b - a; }
};
// [begin, end] clamped to the plot; with min_px > 0, at least that wide.
SpanX span_x(const TimeAxis& axis, Time_us begin, Time_us end, float min_px = 0.0f);

struct Segment {
  float ax = 0, ay = 0, bx = 0, by = 0;
};
struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// One trace's part of the canvas.
struct SectionLayout {
  int model = 0;       // 0 for the main trace, 1 for the compared one
  int node_count = 0;  // the model's
  bool show_header = false;
  float header_y = 0;
  float split_y = 0, split_h = 0;  // the split-brain strip
  float faults_y = 0, fault_row_h = 0;
  int fault_rows = 0;
  std::vector<int> fault_row_of;  // by fault index: its row
  float lanes_y = 0, lane_h = 0;
  std::vector<int32_t> lanes;   // nodes with a lane, top to bottom (pick_lanes, viz/lanes.h)
  std::vector<float> lane_top;  // by node - 1; -1 when hidden, scrolled away or aggregated
  // When not every selected node fits: the first `pinned` lanes stay put, the others scroll
  // (scroll of scroll_max), and the aggregated lane at more_y stands for the `folded` nodes.
  size_t pinned = 0;
  std::vector<int32_t> folded;
  float more_y = -1;  // the aggregated lane's top, -1 when there is none
  int scroll = 0, scroll_max = 0;
  Rect scroll_track, scroll_thumb;  // the scrollbar right of the plot, when scroll_max > 0
  float clients_y = 0, client_row_h = 0;
  int client_rows = 0;
  float bottom = 0;

  bool lane_visible(int32_t node) const {
    return node >= 1 && static_cast<size_t>(node - 1) < lane_top.size() &&
           lane_top[static_cast<size_t>(node - 1)] >= 0;
  }
  float top_of(int32_t node) const { return lane_top[static_cast<size_t>(node - 1)]; }
  // The role band's top and bottom inside a shown node's lane.
  float band_top(int32_t node) const;
  float band_bottom(int32_t node) const;
  float lane_center(int32_t node) const { return (band_top(node) + band_bottom(node)) * 0.5f; }
  bool aggregated() const { return more_y >= 0; }
  float lanes_bottom() const {
    return lanes_y + lane_h * static_cast<float>(lanes.size() + (aggregated() ? 1 : 0));
  }
  // The scrolled lanes' extent (below the pinned ones).
  float scrolled_top() const { return lanes_y + lane_h * static_cast<float>(pinned); }
  float scrolled_bottom() const { return lanes_y + lane_h * static_cast<float>(lanes.size()); }
  // The scroll position that puts the scrollbar's thumb centre at y.
  int scroll_at(float y) const;
  // A fault's bar: its row's top and bottom (1 px inside the row).
  float fault_row_top(int row) const;
  float fault_row_bottom(int row) const { return fault_row_top(row) + fault_row_h - 2; }
  // Fault `index`'s mark in its row: a bar, or a diamond when it is narrower than kFaultBarMin_px.
  struct FaultMark {
    Rect box;  // the bar, or the diamond's bounding box
    bool diamond = false;
    float xm = 0, ym = 0, r = 0;  // the diamond's centre and half-size
  };
  FaultMark fault_mark(const TimeAxis& axis, size_t index, const Fault& fault) const;
  // A client row's bar: 1 px inside the row. Clients share the rows by client % rows.
  int client_row(int32_t client) const { return client % client_rows; }
  float client_row_top(size_t row) const;
  float client_row_bottom(size_t row) const { return client_row_top(row) + client_row_h - 2; }
  float clients_bottom() const {
    return clients_y + static_cast<float>(client_rows) * client_row_h;
  }
  // An op's bar in its client's row, from invoke to return, at least kOpMin_px wide.
  Rect op_bar(const TimeAxis& axis, const ClientOp& op) const;

  // A message's arrow between the bands of its sender and receiver (both lanes shown): from the
  // sender's band edge facing the receiver to the receiver's edge facing the sender. A message
  // lost as it was sent is a short stub out of the sender.
  Segment message_segment(const TimeAxis& axis, const Message& msg) const;
};

struct Layout {
  float left = 0;  // the canvas's left edge: the label column starts here
  float label_w = 0;
  float right = 0;  // the plot's right edge plus its margin
  float top = 0, bottom = 0;
  float width = 0, height = 0;  // the canvas (at least the minimum size)
  float font = 13.0f;
  float ruler_h = 0;
  float legend_h = 0;
  float scrollbar_w = 0;  // right of the plot, when a section's lanes scroll
  TimeAxis axis;
  std::vector<SectionLayout> sections;
  Time_us full_span_us = 1;  // the longest run's end

  float ruler_bottom() const { return top + ruler_h; }
  float ruler_center() const { return top + ruler_h * 0.5f; }
  float sections_bottom() const {
    return sections.empty() ? ruler_bottom() : sections.back().bottom;
  }
  bool in_plot_x(float x) const { return x >= axis.x0 && x <= axis.x1; }
  bool in_ruler(float y) const { return y < top + ruler_h; }
  // The centre of a node's band in a section, or -1 when it is not shown.
  float lane_center_y(int model, int32_t node) const;
};

// The layout of `models` (one section each, in order) in the canvas `vp`, for the visible window
// and the node filters of `view`. view.t1_us must be after view.t0_us.
Layout layout_timeline(const std::vector<const TraceModel*>& models, const ViewState& view,
                       const Viewport& vp);

// Packs the faults into at most kMaxFaultRows rows, greedily in order of their start: a fault
// takes the first row free at its start (the last row when none is). Returns the row of each
// fault and sets `rows` to the number of rows used.
std::vector<int> pack_fault_rows(const std::vector<Fault>& faults, int& rows);

// A section's header: "A: raft seed 1   FILE", led by the variant's name when the trace is a run
// of one ("B: buggy   raft seed 1   FILE"): two variants of a lesson stacked are told apart by it.
std::string section_title(const TraceModel& m, int model);

// A stacked run's short name in the side panels (the Inspector's state at the cursor, the Compare
// tab's columns): "A: raft", with the variant when the run is one ("B: raft [buggy]").
std::string stack_label(const TraceModel& m, int model);

// The label an op's bar of `width` px has room for: its full label, else its short one, else
// none (nullptr). `text_w` measures a text in the lane's font; `pad` is the room kept around it.
const std::string* op_label_fitting(const ClientOp& op, float width,
                                    const std::function<float(const std::string&)>& text_w,
                                    float pad = 6.0f);

// The side panel's width in a window `window_w` wide: about a third of it, but at least what its
// tab labels need (`tabs_w`, measured in the panel's font) and kSidePanelMin_fonts of that font,
// so that larger text (--font-size) widens the panel instead of clipping it; at most
// kSidePanelMaxFraction of the window, so that the timeline keeps the rest.
float side_panel_width(float window_w, float font_px, float tabs_w);

// The visible window: the whole run in view, with a small margin.
void fit_all(const std::vector<const TraceModel*>& models, ViewState& view);
// Zooms by `factor` (< 1 zooms in) keeping time `anchor_us` at the same place, between
// kMinSpan_us and kMaxZoomOut runs of `full_span_us`.
void zoom(ViewState& view, double factor, Time_us anchor_us, Time_us full_span_us);

}  // namespace ballot::viz
