#include "cli/progress.h"

#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "cli/runner.h"

namespace ballot::cli {

Progress::Progress(std::ostream& out, bool enabled, std::function<double()> now_s,
                   std::string label)
    : out_(out),
      enabled_(enabled),
      now_s_(std::move(now_s)),
      label_(std::move(label)),
      start_s_(enabled_ ? now_s_() : 0) {}

Progress::~Progress() {
  clear();
}

std::string eta_text(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  char buffer[32];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  }
  return buffer;
}

std::string rate_text(double per_second) {
  char buffer[32];
  if (per_second >= 1e6)
    std::snprintf(buffer, sizeof buffer, "%.1fM", per_second / 1e6);
  else if (per_second >= 1e4)
    std::snprintf(buffer, sizeof buffer, "%.0fk", per_second / 1e3);
  else if (per_second >= 100)
    std::snprintf(buffer, sizeof buffer, "%.0f", per_second);
  else
    std::snprintf(buffer, sizeof buffer, "%.1f", per_second);
  return buffer;
}

void Progress::draw_if_due(const std::function<std::string(double elapsed_s)>& text) {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const double now = now_s_();
  const double elapsed = now - start_s_;
  if (elapsed < kDelay_s) return;
  // Also after clear(): a command that prints often must not make the line flicker.
  if (last_draw_s_ >= 0 && now - last_draw_s_ < kInterval_s) return;
  last_draw_s_ = now;
  shown_ = true;
  // "\033[K" erases what a longer previous line left to the right.
  out_ << '\r' << label_ << "  " << text(elapsed) << "\033[K" << std::flush;
}

void Progress::runs(uint64_t done, uint64_t total, uint64_t failures) {
  draw_if_due([&](double elapsed) {
    const double rate = static_cast<double>(done) / elapsed;
    std::string line =
        std::to_string(done) + "/" + std::to_string(total) + " runs  " + rate_text(rate) +
        " runs/s  ETA " +
        (done == 0 ? std::string("?") : eta_text(static_cast<double>(total - done) / rate));
    if (failures > 0) line += "  " + std::to_string(failures) + " failed";
    return line;
  });
}

void Progress::simulated(Time_us now_us, Time_us total_us, uint64_t events) {
  draw_if_due([&](double elapsed) {
    const int percent =
        total_us > 0 ? static_cast<int>(std::min<Time_us>(100, now_us * 100 / total_us)) : 0;
    // Tenths of a second are enough to watch; human_duration is exact to the microsecond.
    const Time_us shown_us = now_us - now_us % (kSecond_us / 10);
    return "simulated " + human_duration(shown_us) + " of " + human_duration(total_us) + " (" +
           std::to_string(percent) + "%)  " + rate_text(static_cast<double>(events) / elapsed) +
           " events/s";
  });
}

void Progress::clear() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!shown_) return;
  out_ << "\r\033[K" << std::flush;
  shown_ = false;
}

bool progress_wanted(bool quiet) {
  return !quiet && isatty(fileno(stderr)) == 1;
}

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace ballot::cli
