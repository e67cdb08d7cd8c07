// The cluster view (docs/viz.md#cluster-view): the nodes on a circle as RaftScope draws them, at
// the time cursor: each node in its role colour with its epoch, its election timer as a countdown
// ring, the messages in flight as dots along the links, lost ones ending in a cross, vote replies
// marked granted or refused, crashed and paused nodes, and cut links. Shown beside the timeline
// with --cluster or the C key. The geometry and the state at a time are pure functions
// (viz/cluster_layout.h); this only draws them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "viz/cluster_layout.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

class ClusterView {
 public:
  // Draws the main trace (models.front(), in reveal mode its prefix) at view.cursor_us into the
  // remaining space of the current ImGui window.
  void Draw(const std::vector<const TraceModel*>& models, const ViewState& view);

  // The width the view takes beside a timeline of `available` width and `height`: a square as
  // tall as the area, at most 45% of the width.
  static float width_for(float available, float height);

 private:
  void refresh(const TraceModel& m);
  // Per model (checked by address, event count and text size): the timer spans, the faults that
  // cut links and the typical latency, computed once instead of every frame.
  const TraceModel* cached_ = nullptr;
  size_t cached_events_ = 0, cached_text_ = 0;
  std::vector<std::vector<TimerSpan>> spans_;
  std::vector<CutFault> cuts_;
  Time_us typical_us_ = 0;
};

}  // namespace ballot::viz
