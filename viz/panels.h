// The side panels of ballot-viz. Each is a struct with Draw(), drawing its contents into the
// current ImGui window (the App hosts them as tabs); they read the immutable models and change
// only the ViewState.
//
//   Inspector  the selected message / event / op / fault, and every node's state at the cursor
//              (role, epoch, whom it follows, its vote, and its log where the algorithm records
//              log facts, as Raft does)
//   Filters    message types (one click hides heartbeats) and nodes
//   Captions   the scenario's lesson captions; playback can pause at those marked "pause"
//   Summary    metrics, expectations and violations from the footer; a click jumps to a violation
//   Compare    a second trace of the same scenario and seed, stacked, with one time cursor
#pragma once
#include <string>
#include <vector>

#include "viz/cdf_plot.h"
#include "viz/panel_nodes.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

using Models = std::vector<const TraceModel*>;

// Moves the cursor to an event and selects what it belongs to (its message, op, fault), keeping
// the zoom but bringing it into view.
void jump_to_event(const Models& models, int model, uint32_t event, ViewState& view);
// Moves the cursor to a time, bringing it into view.
void jump_to_time(Time_us t, ViewState& view);
// Whether an event passes the filters (stepping skips the others).
bool event_shown(const TraceModel& m, uint32_t event, const Filters& filters);

struct Inspector {
  void Draw(const Models& models, ViewState& view);

 private:
  void draw_selection(const Models& models, ViewState& view);
  void draw_state_at_cursor(const Models& models, ViewState& view);
};

struct FiltersPanel {
  void Draw(const Models& models, ViewState& view);

 private:
  NodeFilters nodes_;  // viz/panel_nodes.h
};

struct CaptionsPanel {
  void Draw(const Models& models, ViewState& view);
};

// The caption in force at the cursor, in large type above the timeline (nothing when none).
void DrawCaptionBanner(const Models& models, const ViewState& view);

struct SummaryPanel {
  void Draw(const Models& models, ViewState& view);

 private:
  void draw(const Models& models, ViewState& view);
};

struct ComparePanel {
  // Sets *open_path when the user asks to open a trace; *close when they close the comparison.
  void Draw(const Models& models, ViewState& view, std::string* open_path, bool* close);
  // The CDF of leader loss (per loss) of A and B drawn in the last frame (no curves when there
  // was one trace).
  const CdfPlotGeometry& cdf() const { return cdf_; }

 private:
  char path_[512] = {};
  CdfPlotGeometry cdf_;
};

}  // namespace ballot::viz
