// ballot-viz: the Dear ImGui timeline for ballot traces (docs/viz.md).
//
//   ballot-viz TRACE
//   ballot-viz SCENARIO [--algo A] [--seed N] [--set k=v]...     run in-process, then show it
//   ... [--compare TRACE2 | --compare-algo B] [--screenshot FILE.png [--at TIME] [--size WxH]]
//
// Exit codes: 0 ok; 1 no display (or no OpenGL 3.3); 2 bad input (flags, trace, scenario).
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "sim/input_error.h"
#include "viz/app.h"
#include "viz/colors.h"
#include "viz/draw_util.h"
#include "viz/inprocess.h"
#include "viz/screenshot.h"
#include "viz/trace_query.h"

namespace {

using namespace ballot::viz;

constexpr int kExitOk = 0, kExitNoDisplay = 1, kExitBadInput = 2;
constexpr int kScreenshotFrames = 4;  // frames rendered before reading back (layout settles)
constexpr double kLoadingFrameInterval_s = 0.1;

struct Options {
  std::string input;
  std::string algorithm;
  uint64_t seed = 0;
  bool seed_given = false;
  std::vector<std::string> sets;
  std::string compare, compare_algo;
  std::string screenshot;
  std::string at, size = "1600x900", window;
  int benchmark_frames = 0;
  float font_size = 16.0f;
  bool no_side_panel = false;
  bool hide_heartbeats = false;
  int64_t select = -1;
  std::string panel;
};

std::string g_glfw_error;
void on_glfw_error(int code, const char* description) {
  g_glfw_error = "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
}

int bad_input(const std::string& message) {
  std::fprintf(stderr, "ballot-viz: %s\n", message.c_str());
  return kExitBadInput;
}

bool parse_size(const std::string& text, int& w, int& h) {
  return std::sscanf(text.c_str(), "%dx%d", &w, &h) == 2 && w >= 200 && h >= 150 && w <= 8192 &&
         h <= 8192;
}

// A proportional font with arrows, when the system has one (true); else ImGui's built-in font,
// scaled (false).
bool load_fonts(float size) {
  ImGuiIO& io = ImGui::GetIO();
  static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2190, 0x21FF, 0x2500, 0x25FF, 0};
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("BALLOT_VIZ_FONT")) candidates.emplace_back(env);
  candidates.emplace_back("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  candidates.emplace_back("/usr/share/fonts/TTF/DejaVuSans.ttf");
  candidates.emplace_back("/usr/share/fonts/dejavu/DejaVuSans.ttf");
  for (const std::string& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    ImFontConfig config;
    // One texel per pixel, snapped: glyphs then sample exactly under GL_NEAREST (see below).
    config.OversampleH = 1;
    config.OversampleV = 1;
    config.PixelSnapH = true;
    if (io.Fonts->AddFontFromFileTTF(path.c_str(), size, &config, kRanges) != nullptr) {
      ImFont* small =
          io.Fonts->AddFontFromFileTTF(path.c_str(), std::round(size * 0.85f), &config, kRanges);
      ImFont* lane =
          io.Fonts->AddFontFromFileTTF(path.c_str(), std::round(size * 1.15f), &config, kRanges);
      ImFont* large =
          io.Fonts->AddFontFromFileTTF(path.c_str(), std::round(size * 1.25f), &config, kRanges);
      set_fonts(small, lane, large);
      set_unicode_glyphs(true);
      return true;
    }
  }
  ImFontConfig config;
  config.SizePixels = 13.0f;
  io.Fonts->AddFontDefault(&config);
  io.FontGlobalScale = size / 13.0f;
  set_unicode_glyphs(false);
  return false;
}

void style_for_projection() {
  ImGui::StyleColorsDark();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.FrameRounding = 4;
  style.TabRounding = 4;
  style.FramePadding = ImVec2(8, 4);
  style.ItemSpacing = ImVec2(8, 6);
  style.WindowPadding = ImVec2(8, 8);
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0.11f, 0.12f, 0.145f, 1.0f);
}

struct FrameTimes {
  std::vector<double> ms;
  void add(double v) { ms.push_back(v); }
  void print(const char* what) const {
    if (ms.empty()) return;
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    double sum = 0;
    for (double v : s) sum += v;
    std::printf("  %-10s frames %4zu  mean %6.2f ms  p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms\n",
                what, s.size(), sum / static_cast<double>(s.size()), s[s.size() / 2],
                s[s.size() * 95 / 100], s.back());
  }
};

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

// ---- the command line ----

// Parses argv into `o`; an exit code when the program should stop (--help, a bad flag).
std::optional<int> parse_command_line(int argc, char** argv, Options& o) {
  CLI::App cli{
      "ballot-viz: the timeline viewer for ballot traces.\n"
      "Opens a trace written by `ballot run SCENARIO --trace FILE`, or runs a scenario in-process\n"
      "(`ballot-viz SCENARIO --algo A --seed N`) and opens its trace. See docs/viz.md."};
  cli.add_option("input", o.input, "A trace (.jsonl) or a scenario (.json) to run in-process")
      ->required();
  cli.add_option("--algo", o.algorithm,
                 "Run the scenario with this algorithm (overrides the scenario's)");
  cli.add_option("--seed", o.seed, "Run the scenario with this seed (overrides the scenario's)")
      ->each([&o](const std::string&) { o.seed_given = true; });
  cli.add_option("--set", o.sets, "Override a scenario setting, key=value (as `ballot run --set`)");
  cli.add_option("--compare", o.compare,
                 "A second trace (or scenario) to stack under the first, one time cursor");
  cli.add_option(
      "--compare-algo", o.compare_algo,
      "Compare with the same scenario and seed run with this algorithm (scenario input only)");
  cli.add_option("--screenshot", o.screenshot,
                 "Render to this PNG and exit (needs a display; use xvfb-run)");
  cli.add_option("--at", o.at, "Time cursor for --screenshot, e.g. 4s, 250ms, 37us");
  cli.add_option("--size", o.size, "Window size WxH (default 1600x900)");
  cli.add_option("--window", o.window,
                 "Visible time window A:B, e.g. 1.9s:2.4s (default: the whole run)");
  cli.add_option("--benchmark-frames", o.benchmark_frames,
                 "Render N frames over several views, print load time and frame times, exit");
  cli.add_option("--font-size", o.font_size, "Font size in pixels (default 16)");
  cli.add_flag("--no-side-panel", o.no_side_panel,
               "Start with the side panels hidden (P toggles them)");
  cli.add_flag("--hide-heartbeats", o.hide_heartbeats,
               "Start with heartbeats hidden (H toggles them)");
  cli.add_option("--panel", o.panel,
                 "Side panel to open: inspector, filters, captions, summary or compare")
      ->check(CLI::IsMember({"inspector", "filters", "captions", "summary", "compare"}));
  cli.add_option("--select", o.select,
                 "Select event number I (its \"i\") in the Inspector and move the cursor to it");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  return std::nullopt;
}

// --window A:B, or nullopt when it does not parse or B is not after A.
std::optional<std::pair<Time_us, Time_us>> parse_window(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto a = parse_time(text.substr(0, colon));
  const auto b = parse_time(text.substr(colon + 1));
  if (!a || !b || *b <= *a) return std::nullopt;
  return std::make_pair(*a, *b);
}

// Checks a scenario input now: a bad one is bad input whether or not there is a display. An
// exit code when it is bad.
std::optional<int> check_scenario_input(const Options& o, const TraceSource& main) {
  try {
    check_scenario(o.input, main.algorithm, main.seed, o.sets);
    if (!o.compare_algo.empty()) check_scenario(o.input, o.compare_algo, main.seed, o.sets);
  } catch (const ballot::InputError& e) {
    // Scenario errors name the file in their path already ("file: faults[0].at").
    std::string where = o.input;
    if (!e.path().empty())
      where = e.path().rfind(o.input, 0) == 0 ? e.path() : o.input + ": " + e.path();
    return bad_input(where + ": " + e.what());
  }
  return std::nullopt;
}

// Everything that does not need a display: the window's size and what the App opens. An exit
// code when the input is bad.
std::optional<int> resolve_options(const Options& o, AppOptions& app, int& width, int& height) {
  if (!parse_size(o.size, width, height))
    return bad_input("--size: expected WxH like 1280x720, got '" + o.size + "'");
  if (!o.at.empty()) {
    const auto t = parse_time(o.at);
    if (!t || *t < 0)
      return bad_input("--at: expected a time like 4s, 250ms or 37us, got '" + o.at + "'");
    app.cursor_us = *t;
  }
  if (!o.window.empty()) {
    app.window_us = parse_window(o.window);
    if (!app.window_us)
      return bad_input("--window: expected A:B with A < B, like 1.9s:2.4s, got '" + o.window + "'");
  }
  if (std::FILE* f = std::fopen(o.input.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return bad_input(o.input + ": cannot open the file");
  }
  const bool scenario =
      !o.algorithm.empty() || o.seed_given || !o.sets.empty() || !looks_like_trace(o.input);
  app.main.path = o.input;
  app.main.is_scenario = scenario;
  if (!o.algorithm.empty()) app.main.algorithm = o.algorithm;
  if (o.seed_given) app.main.seed = o.seed;
  app.main.sets = o.sets;
  if (scenario)
    if (const auto code = check_scenario_input(o, app.main)) return code;
  if (!o.compare.empty() && !o.compare_algo.empty())
    return bad_input("--compare and --compare-algo: give one of them");
  if (!o.compare.empty()) {
    TraceSource c;
    c.path = o.compare;
    c.is_scenario = !looks_like_trace(o.compare);
    app.compare = c;
  } else if (!o.compare_algo.empty()) {
    if (!scenario) return bad_input("--compare-algo needs a scenario as input, not a trace");
    TraceSource c = app.main;
    c.algorithm = o.compare_algo;
    app.compare = c;
  }
  app.side_panel = !o.no_side_panel;
  app.hide_heartbeats = o.hide_heartbeats;
  app.panel = o.panel;
  if (o.select >= 0) app.select_event = static_cast<uint32_t>(o.select);
  return std::nullopt;
}

// ---- the display ----

// An OpenGL 3.3 window, or nullptr (with the reason on stderr) when there is no display.
GLFWwindow* open_window(int width, int height, bool headless, const std::string& input) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr,
                 "ballot-viz: no display: cannot open a window (%s).\n"
                 "ballot-viz needs a display. Without one, run it under a virtual X server, e.g.\n"
                 "  xvfb-run -a ballot-viz %s --screenshot out.png --size 1280x720\n",
                 g_glfw_error.empty() ? "glfwInit failed" : g_glfw_error.c_str(), input.c_str());
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_RESIZABLE, headless ? GLFW_FALSE : GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(width, height, "ballot-viz", nullptr, nullptr);
  if (window == nullptr) {
    std::fprintf(stderr, "ballot-viz: cannot create an OpenGL 3.3 window (%s).\n",
                 g_glfw_error.c_str());
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(headless ? 0 : 1);
  return window;
}

// Dear ImGui on the window: style, fonts and the GLFW and OpenGL backends.
void start_imgui(GLFWwindow* window, float font_size) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini files next to people's traces
  style_for_projection();
  const bool unscaled_fonts = load_fonts(font_size);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  // Nearest-texel sampling of the font atlas. ImGui draws every shape through the atlas (its
  // white texel); on software OpenGL (llvmpipe) bilinear filtering of every pixel is the largest
  // cost of a frame. Glyphs are pixel-aligned with one texel per pixel, so text looks the same
  // (the scaled built-in font keeps bilinear filtering).
  if (unscaled_fonts) {
    GLint previous = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<intptr_t>(io.Fonts->TexID)));
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
  }
}

void close_window(GLFWwindow* window) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
}

// ---- the benchmark (--benchmark-frames N) ----

// Walks through views of the loaded trace (fit all, zooming in, panning, playing; a quarter of
// the frames each), times every frame and reports load time, frame times and geometry.
class Benchmark {
 public:
  explicit Benchmark(int frames) : frames_(frames), load_start_(std::chrono::steady_clock::now()) {}
  bool on() const { return frames_ > 0; }

  void loaded() {
    if (load_s_ == 0)
      load_s_ =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start_).count();
  }
  // Sets the view for frame i after the load.
  void steer(App& app, int i) const {
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
  // After ImGui::Render: the frame's vertices and draw calls.
  void count_geometry() {
    const ImDrawData* dd = ImGui::GetDrawData();
    int draw_calls = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i) draw_calls += dd->CmdLists[i]->CmdBuffer.Size;
    last_vertices_ = dd->TotalVtxCount;
    last_commands_ = draw_calls;
  }
  // After rendering frame `frames_after_load` (from 2 on): its time. True when done.
  bool record(std::chrono::steady_clock::time_point frame_start, double cpu_start,
              int frames_after_load) {
    glFinish();  // count the rasterisation (llvmpipe renders on the CPU)
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start)
            .count();
    const int i = frames_after_load - 1, n = frames_;
    (i < n / 4       ? fit_times_
     : i < n / 2     ? zoom_times_
     : i < 3 * n / 4 ? pan_times_
                     : play_times_)
        .add(ms);
    vertices_.add(last_vertices_);
    cpu_times_.add(cpu_ms() - cpu_start);
    commands_.add(last_commands_);
    return frames_after_load > n;
  }
  void report(const App& app, int width, int height) const {
    if (!on() || app.main_model() == nullptr) return;
    const TraceModel& m = *app.main_model();
    std::printf("ballot-viz benchmark: %s\n", m.file_label.c_str());
    std::printf(
        "  load       %.2f s  (%zu events, %.1f MB of text, %zu messages; resident %ld MB)\n",
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
    std::vector<double> v = vertices_.ms, c = commands_.ms;
    std::sort(v.begin(), v.end());
    std::sort(c.begin(), c.end());
    if (!v.empty())
      std::printf(
          "  geometry   vertices per frame p50 %.0f max %.0f; draw calls p50 %.0f max %.0f\n",
          v[v.size() / 2], v.back(), c[c.size() / 2], c.back());
  }

 private:
  int frames_;
  std::chrono::steady_clock::time_point load_start_;
  double load_s_ = 0;
  FrameTimes fit_times_, zoom_times_, pan_times_, play_times_;
  FrameTimes vertices_, commands_;  // per frame
  FrameTimes cpu_times_;            // process CPU time per frame, all threads (llvmpipe's included)
  int last_vertices_ = 0, last_commands_ = 0;
};

// ---- the frame loop ----

// Idle: sleep until input. Loading: a progress bar needs only a few frames a second, and the
// loader thread needs the CPU more than the window does.
void wait_for_events(App& app, bool headless) {
  const bool idle = !app.loading() && !app.view().playing && !headless;
  if (idle)
    glfwWaitEventsTimeout(0.5);
  else if (app.loading())
    glfwWaitEventsTimeout(kLoadingFrameInterval_s);
  else
    glfwPollEvents();
}

// Draws one frame of the App into the back buffer; returns the framebuffer's size.
std::pair<int, int> render_frame(GLFWwindow* window, App& app, float dt, bool headless,
                                 Benchmark& bench) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // No hover tooltips in screenshots.
  if (headless) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui::NewFrame();
  app.Frame(dt);
  ImGui::Render();
  if (bench.on()) bench.count_geometry();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(kBackgroundColor.r / 255.0f, kBackgroundColor.g / 255.0f,
               kBackgroundColor.b / 255.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  return {fb_w, fb_h};
}

// Renders frames until the window closes, the screenshot is written or the benchmark is done;
// returns the exit code.
int run_frames(GLFWwindow* window, App& app, const Options& o, Benchmark& bench) {
  const bool headless = !o.screenshot.empty() || bench.on();
  int frames_after_load = 0;
  auto last = std::chrono::steady_clock::now();
  while (!glfwWindowShouldClose(window)) {
    wait_for_events(app, headless);
    if (auto failure = app.failure()) {
      std::fprintf(stderr, "ballot-viz: %s\n", failure->c_str());
      return kExitBadInput;
    }
    const bool loaded = !app.loading();
    if (loaded) bench.loaded();
    if (bench.on() && loaded && frames_after_load > 0) bench.steer(app, frames_after_load);

    const auto frame_start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_ms();
    const float dt = std::chrono::duration<float>(frame_start - last).count();
    last = frame_start;
    // A screenshot stands still in time; the benchmark plays in real time.
    const auto [fb_w, fb_h] =
        render_frame(window, app, headless && !bench.on() ? 0.0f : dt, headless, bench);

    if (loaded) ++frames_after_load;
    if (!o.screenshot.empty() && loaded && frames_after_load >= kScreenshotFrames) {
      std::string error;
      if (write_back_buffer_png(o.screenshot, fb_w, fb_h, error)) return kExitOk;
      std::fprintf(stderr, "ballot-viz: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (bench.on() && loaded && frames_after_load > 1 &&
        bench.record(frame_start, cpu_start, frames_after_load))
      return kExitOk;
    glfwSwapBuffers(window);
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (const auto code = parse_command_line(argc, argv, o)) return *code;
  AppOptions app_options;
  int width = 0, height = 0;
  if (const auto code = resolve_options(o, app_options, width, height)) return *code;

  const bool headless = !o.screenshot.empty() || o.benchmark_frames > 0;
  GLFWwindow* window = open_window(width, height, headless, o.input);
  if (window == nullptr) return kExitNoDisplay;
  start_imgui(window, o.font_size);

  Benchmark bench(o.benchmark_frames);
  App app(app_options);  // starts loading the trace(s) in the background
  const int exit_code = run_frames(window, app, o, bench);
  if (exit_code == kExitOk) bench.report(app, width, height);
  close_window(window);
  return exit_code;
}
