// Which cut links the timeline draws between node lanes where a network fault begins, as a pure
// function (no ImGui): the links come from the cluster view's resolution (cut_faults,
// viz/cluster_layout.h), which uses the kernel's own fault shapes. Tested without a display in
// tests/test_viz_cluster.cpp; drawn by viz/timeline_faults.cpp (docs/viz.md#faults).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "viz/cluster_layout.h"
#include "viz/trace_model.h"

namespace ballot::viz {

// At most this many cut-link arrows per fault; the rest is counted ("+N").
constexpr size_t kMaxCutArrows = 10;

// Whether the timeline draws a fault's cut links as arrows between lanes: every network fault
// that cuts links (link_cut of single nodes or node sets, bridge, majorities_ring, flap) but a
// partition and an isolation, which have their own shading and group tags.
bool draws_cut_arrows(const Fault& fault);

// One arrow: from `from`'s lane to `to`'s. When both ways are cut it is one two-way arrow, with
// `from` the upper lane of the two.
struct CutArrow {
  int32_t from = 0, to = 0;
  bool both = false;
  bool operator==(const CutArrow&) const = default;
};
struct CutArrows {
  std::vector<CutArrow> arrows;  // left to right: by the upper end's lane, then the lower end's
  size_t more = 0;               // arrows between shown lanes left out by the cap
  size_t hidden = 0;             // arrows with an end whose lane is not shown
};
// The arrows for one fault's cut links between the shown `lanes` (top to bottom; nodes hidden,
// scrolled away or folded into "+N more" are not in it), at most `cap` of them.
CutArrows cut_arrows(const CutFault& cut, const std::vector<int32_t>& lanes,
                     size_t cap = kMaxCutArrows);

}  // namespace ballot::viz
