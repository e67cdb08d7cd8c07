// The timeline's diff marks in compare mode (viz/diff_marks.h): internal to the timeline.
#pragma once
#include <vector>

#include "viz/diff_marks.h"
#include "viz/timeline_draw.h"

namespace ballot::viz::timeline {

// A hollow ring on every event of each section that has no counterpart in the other run (matched
// by content, time aside: sim/tracediff/loose_diff.h; only those in the visible window, at most
// one per pixel column and lane), and a labelled vertical line across both sections at the first
// divergence, the earliest of them. Reveal mode: nothing after the cursor.
void draw_diff_marks(Frame& f, const std::vector<Section>& sections, const DiffMarks& d);

}  // namespace ballot::viz::timeline
