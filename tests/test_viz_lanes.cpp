// Which nodes get a lane (viz/lanes.h) and how the layout uses it with many nodes: important
// nodes pinned, the rest scrolling, one aggregated lane for the others, nothing under the legend;
// node specs as --nodes and the Filters panel take them. Pure functions, no ImGui.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "viz/lanes.h"
#include "viz/sizes.h"
#include "viz/timeline_input.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"

using namespace ballot::viz;

namespace {

bool has(const std::vector<int32_t>& v, int32_t n) {
  return std::find(v.begin(), v.end(), n) != v.end();
}

std::vector<int32_t> range(int32_t a, int32_t b) {
  std::vector<int32_t> v;
  for (int32_t n = a; n <= b; ++n) v.push_back(n);
  return v;
}

// A thousand nodes: n700 and then n12 lead, n333 is named in a violation, n850 crashes, and a
// partition cuts n998-n1000 off from the others.
TraceModel thousand_nodes() {
  TraceModel m;
  m.node_count = 1000;
  m.nodes.resize(1000);
  m.end_us = 10'000'000;
  for (int32_t leader : {700, 12}) {
    Event e;
    e.node = leader;
    e.kind = EventKind::Role;
    m.leader_change_events.push_back(static_cast<uint32_t>(m.events.size()));
    m.events.push_back(e);
  }
  Violation v;
  v.checker = "election_safety";
  v.nodes = {333};
  m.violations.push_back(v);
  Fault crash;
  crash.kind = "crash";
  crash.nodes = {850};
  crash.span = {1'000'000, 2'000'000, 0, 0};
  Fault split;
  split.kind = "partition";
  split.groups = {range(1, 997), {998, 999, 1000}};
  split.span = {3'000'000, 4'000'000, 0, 0};
  m.faults = {crash, split};
  return m;
}

ViewState whole_run() {
  ViewState v;
  v.t0_us = 0;
  v.t1_us = 10'000'000;
  return v;
}

// 1600 wide, only 400 high: room for a handful of lanes.
const Viewport kSmall{0.0f, 0.0f, 1600.0f, 400.0f, 16.0f, 30.0f};

}  // namespace

TEST_CASE("important nodes: leaders, violation nodes, fault targets and a partition's minority",
          "[viz][lanes]") {
  const ImportantNodes imp = important_nodes(thousand_nodes());
  CHECK(imp.leaders == std::vector<int32_t>{12, 700});
  CHECK(imp.violations == std::vector<int32_t>{333});
  CHECK(imp.fault_targets == std::vector<int32_t>{850, 998, 999, 1000});
  CHECK(imp.by_priority() == std::vector<int32_t>{12, 700, 333, 850, 998, 999, 1000});
  // A partition that lists one group cuts that group off.
  TraceModel one = thousand_nodes();
  one.faults[1].groups = {{5, 6}};
  CHECK(important_nodes(one).fault_targets == std::vector<int32_t>{5, 6, 850});
}

TEST_CASE("pick_lanes: all in node order when they fit", "[viz][lanes]") {
  const LanePick p = pick_lanes(range(1, 5), {3}, 5, 7);
  CHECK(p.lanes == range(1, 5));
  CHECK(p.pinned == 0);
  CHECK_FALSE(p.aggregated());
  CHECK(p.scroll_max == 0);
  CHECK(p.rows() == 5);
}

TEST_CASE("pick_lanes: important pinned, the rest scrolls, one lane aggregates", "[viz][lanes]") {
  const std::vector<int32_t> all = range(1, 1000);
  const std::vector<int32_t> prio = {12, 700, 333, 850};
  const LanePick p = pick_lanes(all, prio, 8, 0);
  REQUIRE(p.rows() == 8);
  CHECK(p.pinned == 4);
  // Pinned in node order, then the scrolling window from the start.
  CHECK(p.lanes == std::vector<int32_t>{12, 333, 700, 850, 1, 2, 3});
  CHECK(p.folded.size() == 1000 - 7);
  CHECK_FALSE(has(p.folded, 700));
  CHECK(p.scroll_max == 996 - 3);
  // Scrolling moves the window; the pinned lanes stay.
  const LanePick q = pick_lanes(all, prio, 8, 10);
  CHECK(q.lanes == std::vector<int32_t>{12, 333, 700, 850, 11, 13, 14});  // n12 is pinned
  CHECK(q.scroll == 10);
  CHECK(has(q.folded, 1));
  // Past the end it is clamped.
  const LanePick r = pick_lanes(all, prio, 8, 100000);
  CHECK(r.scroll == r.scroll_max);
  CHECK(r.lanes.back() == 1000);
  // More important nodes than rows: all rows but two pinned, by priority.
  const LanePick s = pick_lanes(all, prio, 4, 0);
  CHECK(s.lanes == std::vector<int32_t>{12, 700, 1});
  CHECK(s.pinned == 2);
  CHECK(s.folded.size() == 997);
  // A single row: one node keeps it, the rest are counted as folded.
  const LanePick t = pick_lanes(all, prio, 1, 0);
  CHECK(t.rows() == 1);
  CHECK(t.lanes.size() + t.folded.size() == 1000);
}

TEST_CASE("layout with 1000 nodes in a small canvas: important lanes, an aggregated lane",
          "[viz][lanes][layout]") {
  const TraceModel m = thousand_nodes();
  const Layout L = layout_timeline({&m}, whole_run(), kSmall);
  const SectionLayout& s = L.sections[0];
  for (int32_t n : {12, 700, 333, 850, 998, 999, 1000}) {
    INFO("n" << n);
    CHECK(s.lane_visible(n));
  }
  REQUIRE(s.aggregated());
  CHECK(s.folded.size() == 1000 - s.lanes.size());
  CHECK(s.lanes.size() >= 8);
  // Every lane and the aggregated one lie between the fault rows and the legend.
  CHECK(s.lanes_y >= L.ruler_bottom());
  CHECK(s.more_y == Approx(s.lanes_y + s.lane_h * static_cast<float>(s.lanes.size())));
  CHECK(s.lanes_bottom() <= L.bottom - L.legend_h + 0.01f);
  CHECK(s.bottom <= L.bottom - L.legend_h + 0.01f);
  CHECK(s.lane_h >= kSmall.font * kLaneMin_fonts);
  // The scrollbar sits right of the plot along the scrolling lanes.
  REQUIRE(s.scroll_max > 0);
  CHECK(s.scroll_track.x0 >= L.axis.x1);
  CHECK(s.scroll_track.y0 == Approx(s.scrolled_top()));
  CHECK(s.scroll_thumb.y0 == Approx(s.scroll_track.y0));
}

TEST_CASE("the wheel over the label column and a drag on the scrollbar scroll the lanes",
          "[viz][lanes][input]") {
  const TraceModel m = thousand_nodes();
  ViewState view = whole_run();
  Layout L = layout_timeline({&m}, view, kSmall);
  const SectionLayout& s = L.sections[0];
  const Time_us t0 = view.t0_us, t1 = view.t1_us;
  PointerInput in;
  in.hovered = true;
  in.x = L.left + 10;
  in.y = (s.scrolled_top() + s.scrolled_bottom()) * 0.5f;
  in.wheel = -2;  // down two notches
  DragState drag;
  apply_pointer(in, L, drag, view);
  CHECK(view.lane_scroll[0] == 2 * kScrollLanesPerNotch);
  CHECK(view.t0_us == t0);  // no zoom
  CHECK(view.t1_us == t1);
  L = layout_timeline({&m}, view, kSmall);
  CHECK(L.sections[0].scroll == 2 * kScrollLanesPerNotch);
  CHECK(L.sections[0].lane_visible(12));  // still pinned
  // Pressing at the bottom of the scrollbar scrolls to the end.
  PointerInput press;
  press.hovered = press.activated = press.active = press.left_down = true;
  press.x = (L.sections[0].scroll_track.x0 + L.sections[0].scroll_track.x1) * 0.5f;
  press.y = L.sections[0].scroll_track.y1 - 1;
  apply_pointer(press, L, drag, view);
  CHECK(view.lane_scroll[0] == L.sections[0].scroll_max);
  L = layout_timeline({&m}, view, kSmall);
  CHECK(L.sections[0].lane_visible(997));
  // The wheel over the plot still zooms.
  in.x = (L.axis.x0 + L.axis.x1) * 0.5f;
  in.wheel = 1;
  DragState drag2;
  apply_pointer(in, L, drag2, view);
  CHECK(view.t1_us - view.t0_us < t1 - t0);
}

TEST_CASE("node specs: ranges, names, leaders, and what is wrong with a bad one",
          "[viz][lanes][nodes]") {
  std::string error;
  auto spec = parse_node_spec("n1-n5,n9", error);
  REQUIRE(spec);
  CHECK(spec->ranges == std::vector<std::pair<int32_t, int32_t>>{{1, 5}, {9, 9}});
  spec = parse_node_spec(" 2-4 , n7 ", error);
  REQUIRE(spec);
  CHECK(spec->ranges == std::vector<std::pair<int32_t, int32_t>>{{2, 4}, {7, 7}});
  spec = parse_node_spec("leaders", error);
  REQUIRE(spec);
  CHECK(spec->leaders);
  for (const char* bad : {"x3", "n5-n1", "", "n1-", "n0", "n1,,n2", "n1-n2-n3", "leader"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(parse_node_spec(bad, error));
    CHECK_FALSE(error.empty());
  }
  error.clear();
  parse_node_spec("n5-n1", error);
  CHECK(error.find("n5-n1") != std::string::npos);

  const auto shown = nodes_of_spec(*parse_node_spec("n2-n3,n5", error), 6, {}, error);
  REQUIRE(shown);
  CHECK(*shown == std::vector<bool>{false, true, true, false, true, false});
  const auto leaders = nodes_of_spec(*parse_node_spec("leaders", error), 6, {4}, error);
  REQUIRE(leaders);
  CHECK(*leaders == std::vector<bool>{false, false, false, true, false, false});
  error.clear();
  CHECK_FALSE(nodes_of_spec(*parse_node_spec("n4-n9", error), 6, {}, error));
  CHECK(error == "n7 is not in the cluster, which has n1 to n6");
}

TEST_CASE("filters: leaders only shows the leaders, a range shows it and the important nodes",
          "[viz][lanes][filters]") {
  const TraceModel m = thousand_nodes();
  const Viewport tall{0.0f, 0.0f, 1600.0f, 3000.0f, 16.0f, 30.0f};
  ViewState view = whole_run();
  // Leaders only (the Filters panel's button, --nodes leaders): the rest hidden, not kept.
  std::string error;
  const auto leaders =
      nodes_of_spec(*parse_node_spec("leaders", error), 1000, important_nodes(m).leaders, error);
  REQUIRE(leaders);
  view.filters.hidden_nodes.assign(1000, true);
  for (size_t i = 0; i < 1000; ++i) view.filters.hidden_nodes[i] = !(*leaders)[i];
  view.filters.keep_important = false;
  Layout L = layout_timeline({&m}, view, tall);
  CHECK(L.sections[0].lanes == std::vector<int32_t>{12, 700});
  CHECK_FALSE(L.sections[0].aggregated());

  // A range, with the important nodes kept: n10-n40 and the seven important ones.
  const auto r = nodes_of_spec(*parse_node_spec("n10-n40", error), 1000, {}, error);
  REQUIRE(r);
  for (size_t i = 0; i < 1000; ++i) view.filters.hidden_nodes[i] = !(*r)[i];
  view.filters.keep_important = true;
  L = layout_timeline({&m}, view, tall);
  std::vector<int32_t> want = range(10, 40);
  for (int32_t n : {333, 700, 850, 998, 999, 1000}) want.push_back(n);  // n12 is in the range
  CHECK(L.sections[0].lanes == want);
  CHECK_FALSE(L.sections[0].aggregated());
  // Hide all, keeping the important: only they are left.
  view.filters.hidden_nodes.assign(1000, true);
  L = layout_timeline({&m}, view, tall);
  CHECK(L.sections[0].lanes == std::vector<int32_t>{12, 333, 700, 850, 998, 999, 1000});
  // Filters::node_hidden agrees, once the App has told it which nodes are important.
  view.filters.important.assign(1000, false);
  view.filters.important[699] = true;
  CHECK_FALSE(view.filters.node_hidden(700));
  CHECK(view.filters.node_hidden(701));
  view.filters.keep_important = false;
  CHECK(view.filters.node_hidden(700));
}
