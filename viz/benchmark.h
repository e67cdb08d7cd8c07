// ballot-viz --benchmark-frames N: walks through views of the loaded trace (fit all, zooming in,
// panning, playing; a quarter of the frames each), times every frame (wall and process CPU time,
// with glFinish so that software OpenGL's rasterisation counts) and reports load time, frame
// times and geometry (docs/viz.md).
#pragma once
#include <chrono>
#include <vector>

#include "viz/app.h"

namespace ballot::viz {

class Benchmark {
 public:
  explicit Benchmark(int frames);
  bool on() const { return frames_ > 0; }

  // Each frame once the trace is loaded: the load time (measured the first time).
  void loaded();
  // Sets the view for frame i after the load.
  void steer(App& app, int i) const;
  // Before drawing a frame.
  void begin_frame(std::chrono::steady_clock::time_point frame_start);
  // After ImGui::Render: the frame's vertices and draw calls.
  void count_geometry();
  // After rendering frame `frames_after_load` (from 2 on): its time. True when done.
  bool record(int frames_after_load);
  // The report on stdout.
  void report(const App& app, int width, int height) const;

 private:
  struct FrameTimes {
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    void print(const char* what) const;
  };
  int frames_;
  std::chrono::steady_clock::time_point load_start_, frame_start_;
  double cpu_start_ = 0;
  double load_s_ = 0;
  FrameTimes fit_times_, zoom_times_, pan_times_, play_times_;
  FrameTimes vertices_, commands_;  // per frame
  FrameTimes cpu_times_;            // process CPU time per frame, all threads (llvmpipe's included)
  // The same per view (fit all, zooming, panning, playing): on a shared machine CPU time moves
  // less with the other load than wall time does.
  FrameTimes view_cpu_[4];
  int last_vertices_ = 0, last_commands_ = 0;
};

}  // namespace ballot::viz
