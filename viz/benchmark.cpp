#include "viz/benchmark.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "viz/timeline_layout.h"

namespace ballot::viz {

namespace {

// CPU time of the whole process (every thread), in ms: frame cost independent of other load.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

long rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_rss = 0;
  statm >> pages_total >> pages_rss;
  return pages_rss * 4096 / (1024 * 1024);
}

}  // namespace

void Benchmark::FrameTimes::print(const char* what) const {
  if (ms.empty()) return;
  std::vector<double> s = ms;
  std::sort(s.begin(), s.end());
  double sum = 0;
  for (double v : s) sum += v;
  std::printf("  %-10s frames %4zu  mean %6.2f ms  p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms\n",
              what, s.size(), sum / static_cast<double>(s.size()), s[s.size() / 2],
              s[s.size() * 95 / 100], s.back());
}

Benchmark::Benchmark(int frames) : frames_(frames), load_start_(std::chrono::steady_clock::now()) {}

void Benchmark::loaded() {
  if (load_s_ == 0)
    load_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start_).count();
}

void Benchmark::steer(App& app, int i) const {
  ViewState& v = app.view();
  const int n = frames_;
  Time_us end = app.main_model()->end_us;
  if (i < n / 4) {
    fit_all(app.models(), v);
  } else if (i < n / 2) {  // zoom in step by step around the middle
    zoom(v, 0.85, end / 2, end);
  } else if (i < 3 * n / 4) {  // pan across at a mid zoom
    const Time_us span = std::max<Time_us>(end / 50, 1);
    v.t0_us = (end - span) * (i - n / 2) / std::max(1, n / 4);
    v.t1_us = v.t0_us + span;
  } else {  // play at a zoom of a few seconds
    v.playing = true;
    v.speed = 10;
  }
}

void Benchmark::begin_frame(std::chrono::steady_clock::time_point frame_start) {
  frame_start_ = frame_start;
  cpu_start_ = cpu_ms();
}

void Benchmark::count_geometry() {
  const ImDrawData* dd = ImGui::GetDrawData();
  int draw_calls = 0;
  for (int i = 0; i < dd->CmdListsCount; ++i) draw_calls += dd->CmdLists[i]->CmdBuffer.Size;
  last_vertices_ = dd->TotalVtxCount;
  last_commands_ = draw_calls;
}

bool Benchmark::record(int frames_after_load) {
  glFinish();  // count the rasterisation (llvmpipe renders on the CPU)
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start_)
          .count();
  const int i = frames_after_load - 1, n = frames_;
  (i < n / 4       ? fit_times_
   : i < n / 2     ? zoom_times_
   : i < 3 * n / 4 ? pan_times_
                   : play_times_)
      .add(ms);
  vertices_.add(last_vertices_);
  const double cpu = cpu_ms() - cpu_start_;
  cpu_times_.add(cpu);
  view_cpu_[i < n / 4 ? 0 : i < n / 2 ? 1 : i < 3 * n / 4 ? 2 : 3].add(cpu);
  commands_.add(last_commands_);
  return frames_after_load > n;
}

void Benchmark::report(const App& app, int width, int height) const {
  if (!on() || app.main_model() == nullptr) return;
  const TraceModel& m = *app.main_model();
  std::printf("ballot-viz benchmark: %s\n", m.file_label.c_str());
  std::printf("  load       %.2f s  (%zu events, %.1f MB of text, %zu messages; resident %ld MB)\n",
              load_s_, m.events.size(), static_cast<double>(m.text.size()) / 1e6, m.messages.size(),
              rss_mb());
  std::printf("  window     %dx%d\n", width, height);
  fit_times_.print("fit-all");
  zoom_times_.print("zooming");
  pan_times_.print("panning");
  play_times_.print("playing");
  FrameTimes all;
  for (const FrameTimes* f : {&fit_times_, &zoom_times_, &pan_times_, &play_times_})
    for (double v : f->ms) all.add(v);
  all.print("all");
  cpu_times_.print("cpu");
  const char* const cpu_names[] = {"cpu fit", "cpu zoom", "cpu pan", "cpu play"};
  for (int k = 0; k < 4; ++k) view_cpu_[k].print(cpu_names[k]);
  std::vector<double> v = vertices_.ms, c = commands_.ms;
  std::sort(v.begin(), v.end());
  std::sort(c.begin(), c.end());
  if (!v.empty())
    std::printf("  geometry   vertices per frame p50 %.0f max %.0f; draw calls p50 %.0f max %.0f\n",
                v[v.size() / 2], v.back(), c[c.size() / 2], c.back());
}

}  // namespace ballot::viz
