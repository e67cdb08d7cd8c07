// Questions the panels ask of a TraceModel: what each node believed at a time, its log as far as
// its record facts tell, where the next interesting event is, and how to write times for people.
// Pure functions of the immutable model; no ImGui, so they are unit-tested without a display.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/trace_model.h"

namespace ballot::viz {

// What node `node` (1-based) believed at time t: the band covering t (the last one that began at
// or before t), and whether it was paused.
struct NodeState {
  const RoleBand* band = nullptr;  // nullptr before the node started
  bool paused = false;
  std::optional<Vote> last_vote;  // the latest vote it granted at or before t
};
NodeState state_at(const TraceModel& model, int32_t node, Time_us t);

// A node's log reconstructed from its append/truncate/commit/apply facts up to time t.
struct LogEntryView {
  int64_t index = 0, term = 0;
  uint32_t event = 0;  // the append fact, for the command in the Inspector
};
struct LogView {
  std::vector<LogEntryView> entries;  // entries[k].index == k + 1
  int64_t commit_index = 0, last_applied = 0;
  bool any_facts = false;  // the algorithm records log facts at all
};
LogView log_at(const TraceModel& model, int32_t node, Time_us t);

// The caption in force at time t: the last one shown at or before t (nullptr before the first).
// The banner above the timeline shows it. A caption anchored to an event is in the trace at the
// time the run resolved it; one whose event never happened is not in the trace at all.
const Caption* caption_at(const TraceModel& model, Time_us t);

// Index of the first event with time >= t (events.size() when none).
uint32_t first_event_at_or_after(const TraceModel& model, Time_us t);

// In a sorted list of event indices, the first one after `event` (dir > 0) or the last one
// before it (dir < 0); -1 when there is none.
int64_t neighbour_in(const std::vector<uint32_t>& list, int64_t event, int dir);
// The same in time: the first listed event with time > t, or the last with time < t.
int64_t neighbour_in_time(const TraceModel& model, const std::vector<uint32_t>& list, Time_us t,
                          int dir);

// Indices [first, last) of the messages that can overlap [t0, t1]: sent at or before t1 and not
// ended before t0 (the range may include a few that ended earlier; callers test each).
struct IndexRange {
  size_t first = 0, last = 0;
};
IndexRange messages_in(const TraceModel& model, Time_us t0, Time_us t1);
IndexRange ops_in(const TraceModel& model, Time_us t0, Time_us t1);
// Bands of one node that overlap [t0, t1].
IndexRange bands_in(const NodeTrack& track, Time_us t0, Time_us t1);

// Times for people. format_time: exact, "2.201719s", "412ms", "37us", "0s". format_tick: for axis
// labels, with as many decimals as the tick step needs ("2.25s" at a 50ms step).
std::string format_time(Time_us t);
std::string format_tick(Time_us t, Time_us step_us);
// Parses "4s", "1.5s", "250ms", "37us", "3m" or a plain number of microseconds; nullopt if bad.
std::optional<Time_us> parse_time(const std::string& text);

// The toolbar's badge for a trace as it is shown: "CUT" (a limit stopped the run; the footer's
// "cut"), "TRUNCATED" (no footer) or "". A reveal-mode prefix has none: the badge, like the
// footer, appears once the cursor reaches the end (docs/viz.md#reveal-mode).
const char* trace_badge(const TraceModel& shown);

// The footer's damage as lines for the Summary, each with the event a click jumps to: a lost
// write's return event, a duplicate's repeat (the first event of that node at that time), or
// the time alone (event -1) when no such event is in the trace. At most `max_per_list` lines per
// list, then one "N more ..." line without a target.
struct DamageLine {
  std::string text;
  bool target = true;  // false for the "N more" line
  int64_t event = -1;
  Time_us t_us = 0;
};
std::vector<DamageLine> damage_lines(const TraceModel& model, size_t max_per_list = 10);

}  // namespace ballot::viz
