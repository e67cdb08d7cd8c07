// Progress for people at a terminal: commands that take more than about a second redraw one line
// on stderr ("\r"), at most a few times a second, and erase it when done or before other output.
// Only the CLI keeps wall-clock time (never sim/ or algorithms/); the clock is injected so that
// tests drive it.
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

#include "sim/api/time.h"
#include "sim/api/trace.h"

namespace ballot::cli {

class Progress {
 public:
  // Nothing is drawn before this much time has passed: short commands stay silent.
  static constexpr double kDelay_s = 1.0;
  // Redraws are at least this far apart.
  static constexpr double kInterval_s = 0.25;

  // `now_s` is a monotonic clock in seconds. When `enabled` is false every call does nothing.
  Progress(std::ostream& out, bool enabled, std::function<double()> now_s, std::string label);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  // Runs of a sweep, comparison or check: "done/total runs, runs/s, ETA, failures so far".
  // Safe to call from several threads.
  void runs(uint64_t done, uint64_t total, uint64_t failures);
  // One long run: "simulated time of total (percent), events/s" (`events` so far).
  void simulated(Time_us now_us, Time_us total_us, uint64_t events);
  // Erases the line if one is shown (before printing anything else, and at the end); a later
  // update draws it again.
  void clear();

  bool enabled() const { return enabled_; }

 private:
  void draw_if_due(const std::function<std::string(double elapsed_s)>& text);

  std::ostream& out_;
  const bool enabled_;
  const std::function<double()> now_s_;
  const std::string label_;
  const double start_s_;
  double last_draw_s_ = -1;
  bool shown_ = false;
  std::mutex mutex_;
};

// Shows a run's progress: watches its events and looks at the clock every kEventsPerLook events
// only, so that watching costs next to nothing.
class RunProgress : public Observer {
 public:
  static constexpr uint64_t kEventsPerLook = 4096;
  RunProgress(Progress& progress, Time_us total_us) : progress_(progress), total_us_(total_us) {}
  void on_event(const TraceEvent& ev) override {
    if (++events_ % kEventsPerLook == 0) progress_.simulated(ev.time_us, total_us_, events_);
  }

 private:
  Progress& progress_;
  const Time_us total_us_;
  uint64_t events_ = 0;
};

// Whether to show progress: stderr is a terminal and --quiet was not given.
bool progress_wanted(bool quiet);
// Monotonic wall-clock seconds (std::chrono::steady_clock).
double steady_seconds();

// Pieces of the line, exposed for tests: "45s", "1m05s", "2h03m"; "37.2", "412", "15k", "1.2M".
std::string eta_text(double seconds);
std::string rate_text(double per_second);

}  // namespace ballot::cli
