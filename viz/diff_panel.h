// Compare mode's diff (docs/viz.md, "Compare"): the job that aligns the two runs off the UI
// thread, the Compare panel's diff section, and the timeline's marks (viz/timeline_diff.cpp).
#pragma once
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "viz/diff_marks.h"
#include "viz/panels.h"
#include "viz/trace_model.h"
#include "viz/view_state.h"

namespace ballot::viz {

// Aligns two loaded models on a background thread (a big trace takes a while: every line is
// parsed again); the UI polls finished() once per frame.
class DiffJob {
 public:
  DiffJob(std::shared_ptr<const TraceModel> main, std::shared_ptr<const TraceModel> compared);
  ~DiffJob();
  DiffJob(const DiffJob&) = delete;
  DiffJob& operator=(const DiffJob&) = delete;

  bool finished() const { return finished_.load(); }
  bool for_models(const TraceModel* main, const TraceModel* compared) const {
    return main_.get() == main && compared_.get() == compared;
  }
  // After finished(): the marks (nullptr if the alignment failed).
  std::shared_ptr<const DiffMarks> result() const;

 private:
  std::shared_ptr<const TraceModel> main_, compared_;
  std::atomic<bool> finished_{false};
  mutable std::mutex mutex_;
  std::shared_ptr<const DiffMarks> result_;
  std::thread thread_;
};

// The Compare panel's diff section: the first divergence and a button that moves the cursor to
// it, whether to draw the marks, and the summary `ballot diff` prints. `marks` is nullptr while
// the job runs (`aligning`) or when it failed.
void draw_diff_section(const DiffMarks* marks, bool aligning, ViewState& view, bool* show_marks);

}  // namespace ballot::viz
