// The Fork side panel (docs/viz.md#fork-at-the-cursor): from the cursor's time, change the faults
// after it, an option or a bug toggle, or anything with a --set line; run the branch in the
// background and hand it to the App, which stacks it under the original (the compare slot); save
// it as a scenario file. The logic is in viz/fork.h; this is its ImGui face and the background run.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "viz/fork.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

// Runs a branch on a background thread: the run, then the trace's parse (with progress), then
// where it first differs from the original.
class BranchRun {
 public:
  BranchRun(Branch branch, std::shared_ptr<const TraceModel> original);
  ~BranchRun();
  BranchRun(const BranchRun&) = delete;
  BranchRun& operator=(const BranchRun&) = delete;

  bool finished() const { return finished_.load(); }
  std::string status() const;  // "Running branch at 800ms...", "Loading branch: 3 of 5 MB"
  double fraction() const;
  // After finished(): the model (nullptr on error), the error, the first difference.
  std::shared_ptr<const TraceModel> result() const;
  std::string error() const;
  std::optional<Time_us> first_difference() const;
  const Branch& branch() const { return branch_; }

 private:
  void run();
  Branch branch_;
  std::shared_ptr<const TraceModel> original_;
  std::atomic<bool> finished_{false};
  std::atomic<uint64_t> done_{0}, total_{1};
  std::atomic<int> phase_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const TraceModel> result_;
  std::string error_;
  std::optional<Time_us> first_difference_;
  std::thread thread_;
};

class ForkPanel {
 public:
  // Draws the panel for `original` (the main trace, whole even in reveal mode), forking at the
  // cursor.
  void Draw(const std::shared_ptr<const TraceModel>& original, ViewState& view);

  // Builds the branch of `original` at `fork_us` with `edits` and starts running it; false with
  // error() set when the edits do not make a valid scenario.
  bool start(const std::shared_ptr<const TraceModel>& original, Time_us fork_us,
             const ForkEdits& edits);
  bool running() const { return run_ != nullptr; }
  // The branch's model once its run has finished, once (the App stacks it under the original).
  std::shared_ptr<const TraceModel> take_result();
  const std::string& error() const { return error_; }
  // Why the trace drawn last cannot be forked ("" when it can).
  const std::string& unavailable() const { return unavailable_; }
  // The branch shown, once one has run.
  const std::optional<Branch>& shown_branch() const { return shown_; }

 private:
  void reset_for(const TraceModel& original);
  void refresh_faults(const TraceModel& original, Time_us fork_us);
  ForkEdits collect_edits(Time_us fork_us);
  void draw_faults(Time_us fork_us);
  void draw_new_fault(Time_us fork_us);
  void draw_params();
  void draw_sets();
  void draw_run(const std::shared_ptr<const TraceModel>& original, Time_us fork_us);
  void draw_save(const TraceModel& original);

  const TraceModel* for_ = nullptr;  // the model the panel's state belongs to
  std::string unavailable_;          // why this trace cannot be forked
  std::vector<ForkFault> faults_;
  Time_us faults_at_ = -1;
  std::vector<ForkParam> params_;
  // Per fault index: removed, the start and duration as typed.
  struct FaultInput {
    bool remove = false;
    char at[32] = {}, duration[32] = {};
  };
  std::map<size_t, FaultInput> fault_inputs_;
  // Per parameter key: the value as typed (booleans "true"/"false").
  std::map<std::string, std::string> param_inputs_;
  std::vector<NewFault> added_;
  int new_kind_ = 0;
  char new_at_[32] = {}, new_duration_[32] = {};
  std::map<std::string, std::string> new_fields_;
  std::vector<std::string> sets_;
  char set_line_[256] = {};
  std::string error_;
  std::unique_ptr<BranchRun> run_;
  std::optional<Branch> shown_;
  std::optional<Time_us> shown_difference_;
  char save_path_[512] = {};
  bool overwrite_ = false;
  std::string save_message_;
  bool save_ok_ = false;
};

}  // namespace ballot::viz
