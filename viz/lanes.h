// Which nodes get a lane of their own, as pure functions (no ImGui): the timeline's layout
// (viz/timeline_layout.h) calls pick_lanes with what fits in the canvas, the Filters panel and
// `--nodes` turn a node spec ("n1-n5,n9", "leaders") into the nodes shown. Tested without a
// display in tests/test_viz_lanes.cpp.
//
// The rules (docs/viz.md#many-nodes): when every selected node fits, each has a lane, in node
// order. When they do not, the important nodes (important_nodes: leaders, nodes named in
// violations, fault targets) are pinned at the top, the other lanes scroll under them, and one
// aggregated lane ("+N more") stands for every selected node that has no lane.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "viz/trace_model.h"

namespace ballot::viz {

// The nodes the viewer always shows, each list ascending and without repeats.
struct ImportantNodes {
  std::vector<int32_t> leaders;        // every node that was leader at some time in the model
  std::vector<int32_t> violations;     // nodes named by the footer's violations
  std::vector<int32_t> fault_targets;  // see important_nodes
  // All of them once, leaders first, then violation nodes, then fault targets: the order in
  // which they are pinned when not all of them fit.
  std::vector<int32_t> by_priority() const;
};
// A fault's targets are its nodes (crash, pause, clock, isolate), both ends of a link fault, and
// for a partition every node outside its largest group (with one group listed: that group, cut
// off from the rest). A prefix model (reveal mode) gives the
// nodes up to its cut.
ImportantNodes important_nodes(const TraceModel& m);

// What the lanes show of one section.
struct LanePick {
  std::vector<int32_t> lanes;   // nodes with a lane of their own, top to bottom
  size_t pinned = 0;            // the first `pinned` lanes stay put; the ones after scroll
  std::vector<int32_t> folded;  // selected nodes without a lane: the aggregated lane, ascending
  int scroll = 0;               // the scroll position used: how many scrolling nodes are above
  int scroll_max = 0;           // the largest scroll position (0: nothing scrolls)
  bool aggregated() const { return !folded.empty(); }
  // Rows the lanes take: one per lane, one for the aggregated lane.
  int rows() const { return static_cast<int>(lanes.size()) + (aggregated() ? 1 : 0); }
};

// `selected`: the nodes the filters show, ascending. `priority`: the important nodes in order
// (ImportantNodes::by_priority; those not selected are ignored). `fit`: how many rows fit.
// `scroll`: the requested scroll position (clamped to [0, scroll_max]).
// When all selected nodes fit, each has a lane in node order. Otherwise the rows are: the pinned
// nodes (the first important ones, up to all rows but two, so that one scrolls and one
// aggregates), ascending; then a window of the other selected nodes (ascending) starting at
// `scroll`; then the aggregated lane for every selected node without a lane. At least one row
// is used whatever `fit` says.
LanePick pick_lanes(const std::vector<int32_t>& selected, const std::vector<int32_t>& priority,
                    int fit, int scroll);

// A node selection as typed after `--nodes` or into the Filters panel: comma-separated node
// names or ranges ("n1-n5,n9", "3", "2-4"), or the word "leaders" (every node that led), or
// "all". Spaces around the parts are ignored.
struct NodeSpec {
  bool all = false;
  bool leaders = false;
  std::vector<std::pair<int32_t, int32_t>> ranges;  // inclusive, first <= last
};
// The spec, or nullopt with `error` saying what was expected ("expected a node like n3 or a
// range like n1-n5, got 'x3'").
std::optional<NodeSpec> parse_node_spec(std::string_view text, std::string& error);
// Which of the cluster's `node_count` nodes the spec shows ([0] is n1), or nullopt with `error`
// naming a node outside the cluster ("n12 is not in the cluster, which has n1 to n5").
// `leaders`: the nodes that led (ImportantNodes::leaders).
std::optional<std::vector<bool>> nodes_of_spec(const NodeSpec& spec, int32_t node_count,
                                               const std::vector<int32_t>& leaders,
                                               std::string& error);

}  // namespace ballot::viz
