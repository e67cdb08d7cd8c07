// The timeline panel: one lane per node with role bands, message arrows, fault overlays,
// split-brain highlights, a client lane and a time ruler with the cursor. Draws one trace, or
// two stacked (Compare) sharing the time axis and cursor.
//
// Each frame: the layout (viz/timeline_layout.h, a pure function of the models, the view and the
// canvas), then the mouse (viz/timeline_input.h: zoom, pan, scrub, click), then the drawers, one
// per lane kind (viz/timeline_draw.h), then hover and selection over what they drew.
//
// Drawing cost is bounded by the width in pixels, not by the trace: the visible window is found
// by binary search, and whatever is narrower than a pixel is folded (at most a few primitives
// per pixel column per lane).
#pragma once
#include <cstdint>
#include <vector>

#include "viz/diff_marks.h"
#include "viz/timeline_draw.h"
#include "viz/timeline_input.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

class Timeline {
 public:
  // Draws into the remaining space of the current ImGui window; handles zoom (wheel, around the
  // mouse), pan (drag), scrubbing (drag on the ruler), selection (click) and hover tooltips.
  void Draw(const std::vector<const TraceModel*>& models, ViewState& view);

  const TimelineStats& stats() const { return stats_; }
  // Compare mode's diff marks (viz/diff_marks.h) for the models drawn next; nullptr: none.
  void set_diff_marks(const DiffMarks* marks) { diff_marks_ = marks; }

  // Where the last frame put things, for tests that drive the UI.
  const Layout& layout() const { return layout_; }
  float plot_x0() const { return layout_.axis.x0; }
  float plot_x1() const { return layout_.axis.x1; }
  float ruler_y() const { return layout_.ruler_center(); }
  // The centre of a node's band (-1 when the lane is not shown).
  float lane_center_y(int model, int32_t node) const { return layout_.lane_center_y(model, node); }

 private:
  TimelineStats stats_;
  std::vector<Hit> hits_;  // what was drawn this frame, for hover and click
  Layout layout_;
  DragState drag_;
  const DiffMarks* diff_marks_ = nullptr;
};

}  // namespace ballot::viz
