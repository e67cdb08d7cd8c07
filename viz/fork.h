// Fork at the cursor (docs/viz.md#fork-at-the-cursor): from a run's scenario and a time T, a
// branch scenario whose faults at or after T are changed (moved, removed, added), whose
// algorithm options or bug toggles are changed, or with any other "--set path=value"; run
// in-process and stacked under the original. The logic here is pure and has no ImGui: the Fork
// panel (viz/fork_panel.h) only edits a ForkEdits and calls these. nlohmann stays in the .cpp.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/time.h"

namespace ballot::viz {

// One scripted fault of the scenario, as the Fork panel lists it.
struct ForkFault {
  size_t index = 0;  // in the scenario's "faults" list
  std::string kind;
  Time_us at_us = 0;              // when it begins (a range's minimum)
  Time_us at_max_us = kNever_us;  // a range's maximum; kNever_us when `at` is one time
  Time_us duration_us = 0;        // 0: until a heal or the end (a range's minimum)
  bool ranged_duration = false;   // `duration` is a range
  bool instantaneous = false;     // heal, clock_jump: no duration
  std::string details;            // its other fields, compact: groups [["n1"],["n2","n3"]]
  bool editable = false;          // it begins at or after the fork time (a range: its minimum)
};

// One option or bug toggle of an algorithm, as it asks for it (sim/api/params.h ParamAsked).
struct ForkParam {
  enum class Type { Int, Double, Bool, Duration, Enum };
  std::string key;  // "pre_vote", "bugs.commit_old_term_by_count"
  Type type = Type::Bool;
  std::string fallback;              // the default, as a scenario writes it: false, 3, "150ms"
  std::string value;                 // the scenario's value in the same form; "" when not set
  std::vector<std::string> choices;  // Enum
  bool bug() const { return key.rfind("bugs.", 0) == 0; }
};

// A change to an existing fault (one at or after the fork time).
struct FaultEdit {
  size_t index = 0;
  bool remove = false;
  std::optional<Time_us> at_us;        // the new start (>= the fork time)
  std::optional<Time_us> duration_us;  // the new duration (0: until a heal or the end)
};

// A fault to add: its kind, start and duration, and its other fields as typed in the panel, by
// field name (fault_kinds.h): JSON, or a shorthand ("n1,n2" for nodes, "n1,n2 | n3,n4" for
// groups, "AppendEntries" for a message type, "150ms" for a delay). Empty fields are left out.
struct NewFault {
  std::string kind;
  Time_us at_us = 0;
  Time_us duration_us = 0;  // 0: none written
  std::map<std::string, std::string> fields;
};

struct ForkEdits {
  std::vector<FaultEdit> faults;
  std::vector<NewFault> added;
  // params.<algorithm>.<key> -> the value as a scenario writes it (true, 3, 150ms, none); an
  // empty value removes the key (back to the default).
  std::map<std::string, std::string> params;
  std::vector<std::string> sets;  // "path=value", applied last, as --set
  bool empty() const { return faults.empty() && added.empty() && params.empty() && sets.empty(); }
};

struct Branch {
  std::string scenario_json;  // the branch's resolved scenario (no golden), compact
  std::string changes;        // "faults[0] partition moved 1s -> 1.5s; pre_vote=true"
  std::string label;          // "branch at 800ms"
  Time_us fork_us = 0;
};

// The scenario's faults, each marked editable when it begins at or after fork_us. Throws
// ballot::InputError when the scenario is not valid.
std::vector<ForkFault> fork_faults(const std::string& scenario_json, Time_us fork_us);

// The options and bug toggles of the scenario's algorithm, with the scenario's values: asked of
// the algorithm itself (it builds its nodes once with no values), per-node keys ("n1.") left
// out. Empty for an unknown algorithm.
std::vector<ForkParam> fork_params(const std::string& scenario_json);

// The branch: the scenario with the edits applied, then the sets, then read and validated exactly
// as a scenario file with --set overrides is (golden removed: it no longer applies). Throws
// ballot::InputError with the reader's message (the path names the fault, parameter or flag).
// A fault may not be moved before fork_us, nor may one that begins before it be edited: the
// branch shares the past.
Branch make_branch(const std::string& scenario_json, Time_us fork_us, const ForkEdits& edits);

// The changes in words, for the label and the saved file's description.
std::string describe_edits(const std::string& scenario_json, const ForkEdits& edits);

// The branch as a self-contained scenario file (pretty JSON): its description says it was forked
// from `source` at the fork time with the changes; no golden. `ballot run FILE` runs the branch.
std::string branch_file_text(const Branch& branch, const std::string& source);

// Writes branch_file_text to `path`. Refuses (returns false with *error set) when the file exists
// and `overwrite` is false, or when it cannot be written.
bool save_branch(const Branch& branch, const std::string& source, const std::string& path,
                 bool overwrite, std::string* error);

// Runs the branch in-process: the trace text `ballot run` would write for it.
std::string run_branch(const Branch& branch);

// The time of the first event at which two traces differ (their event lines compared as text;
// headers and footers are not compared), or nullopt when they have the same events.
std::optional<Time_us> first_difference_us(const std::string& trace_a, const std::string& trace_b);

}  // namespace ballot::viz
