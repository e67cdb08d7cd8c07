// The timeline's layout and mouse handling (viz/timeline_layout.h, viz/timeline_input.h), without
// ImGui or OpenGL: where lanes go, how time maps to x, what zoom, pan, drags and clicks do.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "viz/inprocess.h"
#include "viz/sizes.h"
#include "viz/timeline_input.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"

using namespace ballot::viz;

namespace {

Fault fault(Time_us begin, Time_us end) {
  Fault f;
  f.kind = "crash";
  f.span = {begin, end, 0, 0};
  return f;
}

// Five nodes, three clients, three faults of which two overlap; the run ends at 10 s.
TraceModel five_nodes() {
  TraceModel m;
  m.node_count = 5;
  m.client_count = 3;
  m.end_us = 10'000'000;
  m.faults = {fault(1'000'000, 3'000'000), fault(2'000'000, 4'000'000),
              fault(5'000'000, 6'000'000)};
  return m;
}

ViewState whole_run() {
  ViewState v;
  v.t0_us = 0;
  v.t1_us = 10'000'000;
  v.cursor_us = 4'000'000;
  return v;
}

const Viewport kCanvas{10.0f, 40.0f, 1280.0f, 720.0f, 16.0f, 30.0f};

// Everything of a section lies in order from the top, inside the canvas above the legend.
void check_section_in_order(const Layout& L, const SectionLayout& s, float above) {
  CHECK(s.split_y >= above);
  CHECK(s.faults_y >= s.split_y + s.split_h);
  CHECK(s.lanes_y >= s.faults_y + static_cast<float>(s.fault_rows) * s.fault_row_h);
  float y = s.lanes_y;
  for (int32_t n : s.lanes) {
    CHECK(s.top_of(n) == Approx(y));
    CHECK(s.band_top(n) > s.top_of(n));
    CHECK(s.band_bottom(n) > s.band_top(n));
    CHECK(s.band_bottom(n) < s.top_of(n) + s.lane_h);
    y += s.lane_h;
  }
  if (s.aggregated()) {  // the "+N more" lane follows the last lane
    CHECK(s.more_y == Approx(y));
    y += s.lane_h;
  }
  CHECK(s.lanes_bottom() == Approx(y));
  if (s.client_rows > 0) {
    CHECK(s.clients_y >= s.lanes_bottom());
    CHECK(s.clients_bottom() <= s.bottom + 0.01f);
  }
  CHECK(s.bottom <= L.bottom - L.legend_h + 0.01f);
}

}  // namespace

TEST_CASE("timeline layout: the ruler, then lanes that do not overlap, inside the canvas",
          "[viz][layout]") {
  const TraceModel m = five_nodes();
  const Layout L = layout_timeline({&m}, whole_run(), kCanvas);
  CHECK(L.top == kCanvas.y);
  CHECK(L.bottom == kCanvas.y + kCanvas.h);
  CHECK(L.axis.x0 > kCanvas.x);
  CHECK(L.axis.x1 < kCanvas.x + kCanvas.w);
  CHECK(L.label_w >= kLabelColumnMin_px);
  REQUIRE(L.sections.size() == 1);
  const SectionLayout& s = L.sections[0];
  CHECK_FALSE(s.show_header);
  CHECK(s.lanes == std::vector<int32_t>{1, 2, 3, 4, 5});
  CHECK(s.fault_rows == 2);  // two faults overlap
  CHECK(s.client_rows == 3);
  check_section_in_order(L, s, L.ruler_bottom());
  // Lanes fill the height the rest leaves: within a lane's height of the legend.
  CHECK(s.bottom > L.bottom - L.legend_h - kSectionGap_px - s.lane_h);
  // Lane centres go down with the node number.
  for (int32_t n = 2; n <= 5; ++n) CHECK(L.lane_center_y(0, n) > L.lane_center_y(0, n - 1));
  CHECK(L.lane_center_y(0, 6) == -1.0f);
  CHECK(L.lane_center_y(1, 1) == -1.0f);
}

TEST_CASE("timeline layout: compared traces stack, each with a header", "[viz][layout]") {
  const TraceModel a = five_nodes();
  TraceModel b = five_nodes();
  b.node_count = 3;
  b.client_count = 0;
  const Layout L = layout_timeline({&a, &b}, whole_run(), kCanvas);
  REQUIRE(L.sections.size() == 2);
  CHECK(L.sections[0].show_header);
  CHECK(L.sections[1].show_header);
  check_section_in_order(L, L.sections[0], L.ruler_bottom());
  CHECK(L.sections[1].header_y >= L.sections[0].bottom);
  check_section_in_order(L, L.sections[1], L.sections[1].header_y);
  CHECK(L.sections[1].client_rows == 0);
  CHECK(L.lane_center_y(1, 1) > L.lane_center_y(0, 5));
  CHECK(L.sections[0].lane_h == L.sections[1].lane_h);  // lanes share the height alike
}

TEST_CASE("timeline layout: hidden lanes take no space", "[viz][layout]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  const Layout all = layout_timeline({&m}, view, kCanvas);
  view.filters.hidden_nodes = {false, true, false, true};  // n2 and n4
  const Layout L = layout_timeline({&m}, view, kCanvas);
  const SectionLayout& s = L.sections[0];
  CHECK(s.lanes == std::vector<int32_t>{1, 3, 5});
  CHECK_FALSE(s.lane_visible(2));
  CHECK_FALSE(s.lane_visible(4));
  CHECK(L.lane_center_y(0, 2) == -1.0f);
  // n3 follows n1 directly, and the lanes shown share the height the hidden ones left.
  CHECK(s.top_of(3) == Approx(s.top_of(1) + s.lane_h));
  CHECK(s.top_of(5) == Approx(s.top_of(3) + s.lane_h));
  CHECK(s.lane_h > all.sections[0].lane_h);
  check_section_in_order(L, s, L.ruler_bottom());
}

TEST_CASE("timeline layout: many lanes stay at least their minimum height, above the legend",
          "[viz][layout]") {
  TraceModel m = five_nodes();
  m.node_count = 60;
  const Layout L = layout_timeline({&m}, whole_run(), kCanvas);
  const SectionLayout& s = L.sections[0];
  CHECK(s.lane_h >= kCanvas.font * kLaneMin_fonts);
  CHECK(s.lane_h < kCanvas.font * kLaneMin_fonts * 1.2f);
  // Not all 60 fit: the lanes that do, then one aggregated lane for the rest, all of it above
  // the legend's strip.
  CHECK(s.aggregated());
  CHECK(s.lanes.size() + s.folded.size() == 60);
  CHECK(s.lanes.size() > 10);
  check_section_in_order(L, s, L.ruler_bottom());
}

TEST_CASE("timeline axis: the cursor maps to its x and back", "[viz][layout]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  view.t0_us = 2'000'000;
  view.t1_us = 6'000'000;
  const Layout L = layout_timeline({&m}, view, kCanvas);
  const TimeAxis& a = L.axis;
  CHECK(a.x(view.t0_us) == Approx(a.x0));
  CHECK(a.x(view.t1_us) == Approx(a.x1));
  // The cursor at 4 s is halfway across the plot.
  CHECK(a.x(view.cursor_us) == Approx((a.x0 + a.x1) / 2));
  for (Time_us t : {2'000'000, 3'141'592, 5'999'999})
    CHECK(std::llabs(a.t(a.x(t)) - t) <= 1 / a.px_per_us + 1);
  // Far outside the plot x is clamped, not overflowing.
  CHECK(a.x(INT64_MAX / 4) < a.x1 + 1e6f);
  // Spans are clamped to the plot and kept at their minimum width.
  const SpanX s = span_x(a, 0, 10'000'000);
  CHECK(s.a == a.x0);
  CHECK(s.b == a.x1);
  const SpanX tiny = span_x(a, 3'000'000, 3'000'001, kOpMin_px);
  CHECK(tiny.width() == Approx(kOpMin_px));
}

TEST_CASE("timeline zoom keeps the anchored time where it was", "[viz][layout]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  const Time_us anchor = 2'500'000;
  const float before = layout_timeline({&m}, view, kCanvas).axis.x(anchor);
  zoom(view, 0.5, anchor, m.end_us);
  CHECK(view.span_us() == 5'000'000);
  CHECK(view.t0_us < anchor);
  CHECK(view.t1_us > anchor);
  CHECK(layout_timeline({&m}, view, kCanvas).axis.x(anchor) == Approx(before).margin(0.5));
  // Zooming in as far as it goes stops at the narrowest window, still around the anchor.
  for (int i = 0; i < 40; ++i) zoom(view, 0.5, anchor, m.end_us);
  CHECK(view.span_us() == kMinSpan_us);
  CHECK(view.t0_us <= anchor);
  CHECK(view.t1_us >= anchor);
  // And out, at most kMaxZoomOut runs.
  for (int i = 0; i < 40; ++i) zoom(view, 2.0, anchor, m.end_us);
  CHECK(view.span_us() == static_cast<Time_us>(m.end_us * kMaxZoomOut));
  // Fit all: the whole run with a margin.
  fit_all({&m}, view);
  CHECK(view.t0_us < 0);
  CHECK(view.t1_us > m.end_us);
}

TEST_CASE("fault rows: a fault takes the first row free at its start, at most four",
          "[viz][layout]") {
  int rows = 0;
  CHECK(pack_fault_rows({}, rows).empty());
  CHECK(rows == 0);
  std::vector<Fault> faults = {fault(0, 10),  fault(5, 15),  fault(10, 20), fault(12, 30),
                               fault(13, 30), fault(14, 30), fault(16, 30)};
  const std::vector<int> row = pack_fault_rows(faults, rows);
  // The fifth and sixth find no row free and share the last; the seventh finds the second free.
  CHECK(row == std::vector<int>{0, 1, 0, 2, 3, 3, 1});
  CHECK(rows == kMaxFaultRows);
  // An instantaneous fault keeps its row busy for a microsecond.
  CHECK(pack_fault_rows({fault(5, 5), fault(5, 5)}, rows) == std::vector<int>{0, 1});
}

TEST_CASE("fault marks sit in their rows, a diamond when too short to see", "[viz][layout]") {
  TraceModel m = five_nodes();
  m.faults.push_back(fault(7'000'000, 7'000'000));  // instantaneous, as a clock jump
  const Layout L = layout_timeline({&m}, whole_run(), kCanvas);
  const SectionLayout& s = L.sections[0];
  for (size_t i = 0; i < m.faults.size(); ++i) {
    const auto fm = s.fault_mark(L.axis, i, m.faults[i]);
    const int row = s.fault_row_of[i];
    CHECK(fm.box.y0 >= s.faults_y + static_cast<float>(row) * s.fault_row_h);
    CHECK(fm.box.y1 <= s.faults_y + static_cast<float>(row + 1) * s.fault_row_h);
    CHECK(fm.box.y1 <= s.lanes_y);
    CHECK(fm.box.x1 > fm.box.x0);
  }
  const auto bar = s.fault_mark(L.axis, 0, m.faults[0]);
  CHECK_FALSE(bar.diamond);
  CHECK(bar.box.x0 == L.axis.x(1'000'000));
  CHECK(bar.box.x1 == L.axis.x(3'000'000));
  // The two overlapping faults take different rows.
  CHECK(s.fault_mark(L.axis, 1, m.faults[1]).box.y0 > bar.box.y1);
  const auto diamond = s.fault_mark(L.axis, 3, m.faults[3]);
  CHECK(diamond.diamond);
  CHECK(diamond.xm == L.axis.x(7'000'000));
  CHECK(diamond.box.x1 - diamond.box.x0 == Approx(2 * diamond.r));
  // A long fault's bar stops a little past the plot's edges.
  TraceModel wide = five_nodes();
  wide.faults = {fault(-50'000'000, 50'000'000)};
  const Layout W = layout_timeline({&wide}, whole_run(), kCanvas);
  const auto clamped = W.sections[0].fault_mark(W.axis, 0, wide.faults[0]);
  CHECK(clamped.box.x0 == W.axis.x0 - kFaultBarOverhang_px);
  CHECK(clamped.box.x1 == W.axis.x1 + kFaultBarOverhang_px);
}

TEST_CASE("client ops sit in their client's row, at least a few pixels wide", "[viz][layout]") {
  const TraceModel m = five_nodes();  // three clients: one row each
  const Layout L = layout_timeline({&m}, whole_run(), kCanvas);
  const SectionLayout& s = L.sections[0];
  ClientOp op;
  op.invoke_us = 2'000'000;
  op.return_us = 2'500'000;
  float previous_bottom = s.lanes_bottom();
  for (int32_t client = 0; client < 3; ++client) {
    op.client = client;
    const Rect bar = s.op_bar(L.axis, op);
    CHECK(bar.y0 >= previous_bottom);
    CHECK(bar.y1 > bar.y0);
    CHECK(bar.y1 <= s.bottom);
    CHECK(bar.x0 == L.axis.x(op.invoke_us));
    CHECK(bar.x1 == L.axis.x(op.return_us));
    previous_bottom = bar.y1;
  }
  op.client = 3;  // shares the first row
  op.return_us = op.invoke_us;
  const Rect shared = s.op_bar(L.axis, op);
  op.client = 0;
  CHECK(shared.y0 == s.op_bar(L.axis, op).y0);
  CHECK(shared.x1 - shared.x0 == Approx(kOpMin_px));
}

TEST_CASE("message arrows run between the bands' facing edges", "[viz][layout]") {
  const TraceModel m = five_nodes();
  const Layout L = layout_timeline({&m}, whole_run(), kCanvas);
  const SectionLayout& s = L.sections[0];
  Message down;
  down.from = 1, down.to = 4, down.send_us = 1'000'000, down.end_us = 1'010'000;
  Segment seg = s.message_segment(L.axis, down);
  CHECK(seg.ax == L.axis.x(down.send_us));
  CHECK(seg.bx == L.axis.x(down.end_us));
  CHECK(seg.ay == s.band_bottom(1));
  CHECK(seg.by == s.band_top(4));
  Message up = down;
  up.from = 4, up.to = 1;
  seg = s.message_segment(L.axis, up);
  CHECK(seg.ay == s.band_top(4));
  CHECK(seg.by == s.band_bottom(1));
  // Lost as it was sent: a short stub out of the sender, toward the receiver.
  Message lost = down;
  lost.fate = Message::Fate::Dropped;
  lost.end_us = lost.send_us;
  seg = s.message_segment(L.axis, lost);
  CHECK(seg.bx == seg.ax);
  CHECK(seg.by > seg.ay);
  CHECK(seg.by - seg.ay <= kDropStubMax_px);
  CHECK(seg.by < s.band_top(2));
}

TEST_CASE("the wheel zooms around the mouse's time, and pans with shift", "[viz][layout][input]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  Layout L = layout_timeline({&m}, view, kCanvas);
  DragState drag;
  PointerInput in;
  in.hovered = true;
  in.x = L.axis.x0 + (L.axis.x1 - L.axis.x0) * 0.25f;
  in.y = L.lane_center_y(0, 2);
  in.wheel = 1;
  const Time_us under_mouse = L.axis.t(in.x);
  const PointerResult r = apply_pointer(in, L, drag, view);
  CHECK(r.in_plot);
  CHECK_FALSE(r.in_ruler);
  CHECK(view.span_us() < 10'000'000);
  L.axis = TimeAxis::make(L.axis.x0, L.axis.x1, view.t0_us, view.t1_us);
  CHECK(std::llabs(L.axis.t(in.x) - under_mouse) <= 1 / L.axis.px_per_us + 1);

  const ViewState before = view;
  in.pan_modifier = true;
  apply_pointer(in, L, drag, view);
  CHECK(view.span_us() == before.span_us());
  CHECK(view.t0_us < before.t0_us);  // the wheel forward pans back in time
}

TEST_CASE("a drag on the ruler scrubs the cursor, a drag on the plot pans",
          "[viz][layout][input]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  view.playing = true;
  const Layout L = layout_timeline({&m}, view, kCanvas);
  DragState drag;
  PointerInput in;
  in.hovered = in.activated = in.active = in.left_down = true;
  in.x = L.axis.x(7'000'000);
  in.y = L.ruler_center();
  apply_pointer(in, L, drag, view);
  CHECK(drag.ruler);
  CHECK(std::llabs(view.cursor_us - 7'000'000) <= 1 / L.axis.px_per_us + 1);
  CHECK_FALSE(view.playing);
  CHECK(view.t0_us == 0);

  drag = {};
  const Time_us cursor = view.cursor_us;
  in.y = L.lane_center_y(0, 3);
  in.dragging = true;
  in.delta_x = 100;
  apply_pointer(in, L, drag, view);
  CHECK(drag.plot);
  CHECK(view.cursor_us == cursor);
  CHECK(view.t0_us < 0);  // dragged right: earlier times come into view
  CHECK(view.span_us() == 10'000'000);
}

TEST_CASE("a click selects what is under the mouse, or moves the cursor to it",
          "[viz][layout][input]") {
  const TraceModel m = five_nodes();
  ViewState view = whole_run();
  const Layout L = layout_timeline({&m}, view, kCanvas);
  const SectionLayout& s = L.sections[0];
  std::vector<Hit> hits;
  // A band of n2 from 1 s to 3 s, and an arrow across it at 2 s from n1 to n3.
  hits.push_back({Hit::Kind::Band, false, L.axis.x(1'000'000), s.band_top(2), L.axis.x(3'000'000),
                  s.band_bottom(2), 0, 7, 2});
  hits.push_back({Hit::Kind::Message, true, L.axis.x(2'000'000), s.band_bottom(1),
                  L.axis.x(2'000'000), s.band_top(3), 0, 11, 0});

  PointerInput in;
  in.hovered = true;
  in.x = L.axis.x(1'500'000);
  in.y = s.lane_center(2);
  const Hit* h = hover_and_click(hits, in, L, true, view);
  REQUIRE(h != nullptr);
  CHECK(view.selection.kind == Selection::Kind::Band);
  CHECK(view.selection.index == 7);
  CHECK(view.selection.node == 2);
  CHECK(view.hovered == view.selection);

  // Near the arrow, the arrow wins over the band under it.
  in.x = L.axis.x(2'000'000) + 2;
  h = hover_and_click(hits, in, L, false, view);
  REQUIRE(h != nullptr);
  CHECK(view.hovered.kind == Selection::Kind::Message);
  CHECK(view.selection.kind == Selection::Kind::Band);  // hovering alone does not select

  // On nothing: a click moves the cursor there.
  in.x = L.axis.x(8'000'000);
  CHECK(hover_and_click(hits, in, L, true, view) == nullptr);
  CHECK(view.hovered.kind == Selection::Kind::None);
  CHECK(std::llabs(view.cursor_us - 8'000'000) <= 1 / L.axis.px_per_us + 1);
  CHECK(view.cursor_event == -1);

  // Over the ruler: neither.
  in.y = L.ruler_center();
  const Time_us cursor = view.cursor_us;
  CHECK(hover_and_click(hits, in, L, true, view) == nullptr);
  CHECK(view.cursor_us == cursor);
}

// A real run, as `ballot-viz scenarios/split-brain-3-2.json --compare-algo bully` shows it.
TEST_CASE("timeline layout of a real compare: two runs fit a 1280x720 canvas",
          "[viz][layout][run]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json";
  const InProcessRun raft = run_in_process(file, std::string("raft"), 1, {});
  const InProcessRun bully = run_in_process(file, std::string("bully"), 1, {});
  const auto a = parse_trace(raft.trace, raft.label);
  const auto b = parse_trace(bully.trace, bully.label);
  ViewState view;
  fit_all({a.get(), b.get()}, view);
  const Layout L = layout_timeline({a.get(), b.get()}, view, kCanvas);
  REQUIRE(L.sections.size() == 2);
  check_section_in_order(L, L.sections[0], L.ruler_bottom());
  check_section_in_order(L, L.sections[1], L.sections[1].header_y);
  CHECK(L.sections[0].lanes.size() == 5);
  CHECK(L.sections[0].fault_rows >= 1);
  CHECK(L.axis.x(0) > L.axis.x0);  // fit all leaves a margin
  CHECK(L.axis.x(std::max(a->end_us, b->end_us)) < L.axis.x1);
}

TEST_CASE("the side panel widens with the font instead of clipping", "[viz][layout]") {
  // The tab labels at a font: DejaVu Sans averages under half the font per character (measured:
  // "Filters" is 62 px at 22 px); 2x8 px of padding and 4 of spacing each; the panel's padding.
  auto tabs = [](float font) {
    const float chars = 9 + 7 + 8 + 7 + 7;  // Inspector Filters Captions Summary Compare
    return chars * font * 0.5f + 5 * (17 + 4) + 18 + font * 0.5f;
  };
  // The default font on the default window: a third of it, as before.
  CHECK(side_panel_width(1600, 16, tabs(16)) == Approx(1600 * 0.34f));
  // 22 px on 1280x720 (a projector): wide enough for the tabs and kSidePanelMin_fonts of text,
  // and the timeline keeps more than half the window.
  for (float font : {16.0f, 20.0f, 22.0f}) {
    INFO("font " << font);
    const float w = side_panel_width(1280, font, tabs(font));
    CHECK(w >= tabs(font));
    CHECK(w >= font * kSidePanelMin_fonts);
    CHECK(w <= 1280 * kSidePanelMaxFraction);
  }
  CHECK(side_panel_width(1280, 22, tabs(22)) > side_panel_width(1280, 16, tabs(16)));
  // Larger still, or a narrow window: the timeline keeps its share and the tabs scroll.
  CHECK(side_panel_width(1280, 28, tabs(28)) == Approx(1280 * kSidePanelMaxFraction));
  CHECK(side_panel_width(600, 24, tabs(24)) == Approx(600 * kSidePanelMaxFraction));
}

TEST_CASE("a client op's bar shows its full label, else the short one, else none",
          "[viz][layout][ops]") {
  ClientOp op;
  op.label = "write k0 23 ok";  // 14 characters
  op.short_label = "write ok";  // 8
  const auto seven_px = [](const std::string& t) { return 7.0f * static_cast<float>(t.size()); };
  const std::string* full = op_label_fitting(op, 200, seven_px);
  REQUIRE(full != nullptr);
  CHECK(*full == "write k0 23 ok");
  const std::string* short_one = op_label_fitting(op, 80, seven_px);
  REQUIRE(short_one != nullptr);
  CHECK(*short_one == "write ok");
  CHECK(op_label_fitting(op, 50, seven_px) == nullptr);
}
