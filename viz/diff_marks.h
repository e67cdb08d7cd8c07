// Compare mode's diff marks (docs/viz.md, "Compare"): how the two stacked runs differ, from the
// trace diff library: the summary `ballot diff` prints (sim/tracediff/trace_diff.h), and the
// marks from the looser matching that ignores time and captions (sim/tracediff/loose_diff.h),
// and where the timeline marks it. Computed once per pair of loaded models, off the UI thread
// (DiffJob in viz/diff_panel.h); the timeline then draws only the marks in its visible window.
//
// No ImGui: the layout of the marks is a pure function, tested without a display.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/tracediff/loose_diff.h"
#include "sim/tracediff/trace_diff.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"

namespace ballot::viz {

// Unmatched events split by lane: [0] cluster-wide events (node 0), [n] node n; each sorted.
using UnmatchedByLane = std::vector<std::vector<uint32_t>>;

// Events whose counterpart comes later (tracediff::LooseDiff::late_a), split by lane the same
// way, each lane with a max tree of the counterparts' times (found_after in diff_marks.cpp): the
// marks a cursor needs are then found in log time each.
struct LateByLane {
  std::vector<std::vector<tracediff::LooseDiff::Late>> lanes;
  std::vector<std::vector<Time_us>> trees;
};

struct DiffMarks {
  // The full models it was computed from (main, compared): marks apply to these only.
  const TraceModel* from[2] = {nullptr, nullptr};
  tracediff::TraceDiff diff;   // what `ballot diff` prints (the panel's summary)
  tracediff::LooseDiff loose;  // what the marks show: events matched by content, time aside
  std::string label;  // "first divergence: A's event #1351 (fault) at 2000.000ms has no ..."

  bool identical() const { return diff.identical(); }
  // Whether there is a time to mark: the earliest event without a counterpart.
  bool has_divergence_time() const { return loose.has_divergence; }
  Time_us divergence_us() const { return loose.divergence_us; }
  // Events of stack `model` (0 main, 1 compared) with no counterpart in the other, sorted.
  const std::vector<uint32_t>& unmatched(int model) const {
    return model == 0 ? loose.unmatched_a : loose.unmatched_b;
  }
  // The same, by lane (what the timeline draws from).
  UnmatchedByLane by_lane[2];
  // Events whose counterpart comes later, by lane: ringed in reveal mode while the cursor is
  // between the two.
  LateByLane late_by_lane[2];
};

// A model as the diff library takes it: its event lines and footer line (views into m.text).
tracediff::DiffRun diff_run_of(const TraceModel& m);

// Splits sorted unmatched events of `m` by lane.
UnmatchedByLane split_by_lane(const std::vector<uint32_t>& unmatched, const TraceModel& m);
LateByLane split_by_lane(const std::vector<tracediff::LooseDiff::Late>& late, const TraceModel& m);

// Aligns two whole models (costs a parse of every line: run it off the UI thread).
std::shared_ptr<const DiffMarks> compute_diff_marks(const TraceModel& main,
                                                    const TraceModel& compared);

// One unmatched event's mark: a hollow ring at (x, y).
struct DiffDot {
  float x = 0, y = 0;
  uint32_t event = 0;
};

// The marks a frame draws in one stack: the unmatched events of `by_lane` that `m` holds (in
// reveal mode m is the prefix up to the cursor, so later events are left out), inside the
// visible window, on a shown lane (a cluster-wide event, node 0, sits on the split-brain strip),
// at most one per `spacing_px` px and lane (the first event of each; the rest are skipped by
// binary search, so the cost follows the marks drawn). Lane by lane, each in time order.
// In reveal mode, given `late`, also the events up to the cursor whose counterpart comes after
// it: the other run has not done them yet (one per column as well, each found in log time).
std::vector<DiffDot> diff_dots(const UnmatchedByLane& by_lane, const TraceModel& m,
                               const SectionLayout& section, const TimeAxis& axis,
                               float spacing_px = 1.0f, const LateByLane* late = nullptr);

}  // namespace ballot::viz
