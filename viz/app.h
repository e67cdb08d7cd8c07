// The ballot-viz application: loads the trace(s) in the background with a progress bar, then
// draws one frame at a time: toolbar, caption banner, timeline and the side panels, and applies
// keyboard shortcuts and playback. Knows nothing of GLFW or OpenGL (main.cpp owns those).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "viz/cluster_view.h"
#include "viz/diff_panel.h"
#include "viz/fork_panel.h"
#include "viz/panels.h"
#include "viz/timeline.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

// Where a trace comes from: a file, or a scenario run in-process.
struct TraceSource {
  std::string path;
  bool is_scenario = false;
  std::optional<std::string> algorithm;
  std::optional<uint64_t> seed;
  std::vector<std::string> sets;
  std::string variant;  // the scenario's variant to run ("" : the file as written)
};

// Loads one trace on a background thread; the UI polls it.
class TraceLoader {
 public:
  explicit TraceLoader(TraceSource source);
  ~TraceLoader();
  TraceLoader(const TraceLoader&) = delete;
  TraceLoader& operator=(const TraceLoader&) = delete;

  bool finished() const { return finished_.load(); }
  // After finished(): the model, or nullptr and error() says why ("FILE: line 7: expected ...").
  std::shared_ptr<const TraceModel> result() const;
  std::string error() const;
  double fraction() const;
  std::string status() const;  // "Running scenario...", "Reading x.jsonl: 42 of 93 MB"

 private:
  void run();
  TraceSource source_;
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> done_{0}, total_{1};
  std::atomic<int> phase_{0};  // 0 reading/running, 1 parsing
  mutable std::mutex mutex_;
  std::shared_ptr<const TraceModel> result_;
  std::string error_;
  std::thread thread_;
};

struct AppOptions {
  TraceSource main;
  std::optional<TraceSource> compare;
  std::optional<Time_us> cursor_us;                      // --at
  std::optional<std::pair<Time_us, Time_us>> window_us;  // --window
  std::optional<uint32_t> select_event;                  // --select: inspect this event
  bool side_panel = true;
  bool hide_heartbeats = false;
  std::string nodes;    // --nodes: the node spec whose lanes are shown (viz/lanes.h), "" for all
  bool reveal = false;  // --reveal: start in reveal mode
  std::string panel;  // the side tab open at start: inspector, filters, captions, summary, compare,
                      // fork
  bool cluster = false;  // --cluster: start with the cluster view shown
};

class App {
 public:
  explicit App(AppOptions options);

  // True while a trace is still loading (the frame shows progress).
  bool loading() const;
  // Compare mode: the two runs are still being aligned (the diff marks come when done).
  bool diffing() const { return diff_job_ != nullptr; }
  // A load failed: the message to print ("FILE: line 7: ..."); the program exits 2.
  std::optional<std::string> failure() const;

  // Draws one frame; dt_s is the real time since the previous frame (drives playback).
  void Frame(float dt_s);

  const Timeline& timeline() const { return timeline_; }
  ViewState& view() { return view_; }
  std::vector<const TraceModel*> models() const;
  // What the timeline and the panels draw: models(), or in reveal mode their prefixes up to the
  // cursor (as of the last frame).
  std::vector<const TraceModel*> shown_models() const;
  const TraceModel* main_model() const { return main_.get(); }
  // Moves the cursor to t as playback does: the window turns the page when the cursor reaches its
  // edge (--record plays the run this way, one frame at a time).
  void seek_playing(Time_us t);
  // The Fork tab: its branch, once run, takes the compare slot (stacked under the original).
  ForkPanel& fork_panel() { return fork_panel_; }
  // What the Fork tab's "Run branch" does: the branch of the main trace at the cursor with
  // `edits`, run in the background; false (the reason in fork_panel().error()) when invalid.
  bool fork(const ForkEdits& edits);

 private:
  void poll_loaders();
  // Compare mode: starts aligning a new pair of models, and takes the result when it is done.
  void poll_diff();
  // Reveal mode: cuts the models at the cursor (cached while the cursor stays put) and drops a
  // selection that points past what is revealed.
  Models reveal(const Models& models);
  void draw_loading();
  // `shown_main`: the main trace as the timeline shows it (in reveal mode, its prefix).
  void draw_toolbar(const Models& models, const TraceModel& shown_main);
  void draw_side_panel(const Models& models);
  void handle_keys(const Models& models);
  void play(const Models& models, float dt_s);
  void step(const Models& models, int dir);
  void jump(const Models& models, const std::vector<uint32_t>& list, int dir);
  void jump_violation(const Models& models, int dir);
  // Whether the violations (the footer's) may be shown: not in reveal mode before the end.
  bool violations_revealed(const TraceModel& m) const;

  AppOptions options_;
  std::unique_ptr<TraceLoader> main_loader_, compare_loader_;
  std::shared_ptr<const TraceModel> main_, compare_;
  // Reveal mode's prefixes of main_ and compare_, and what they were cut from and at.
  std::shared_ptr<const TraceModel> shown_[2];
  std::shared_ptr<TraceModel> prefix_[2];  // shown_ when it is a prefix (extend_prefix moves it)
  const TraceModel* shown_from_[2] = {nullptr, nullptr};
  Time_us shown_at_us_ = -1;
  std::optional<std::string> failure_;
  std::string compare_error_;
  bool initialised_view_ = false;
  int select_tab_frames_ = 2;  // frames during which options_.panel is forced open

  ViewState view_;
  Timeline timeline_;
  ClusterView cluster_;
  Inspector inspector_;
  FiltersPanel filters_;
  CaptionsPanel captions_;
  SummaryPanel summary_;
  ComparePanel compare_panel_;
  ForkPanel fork_panel_;
  std::unique_ptr<DiffJob> diff_job_;
  std::shared_ptr<const DiffMarks> diff_;          // for main_ and compare_, once aligned
  std::shared_ptr<const TraceModel> diff_for_[2];  // what diff_ was computed from (kept alive)
  bool show_diff_marks_ = true;
};

}  // namespace ballot::viz
