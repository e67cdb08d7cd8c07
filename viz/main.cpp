// ballot-viz: the Dear ImGui timeline for ballot traces (docs/viz.md).
//
//   ballot-viz TRACE
//   ballot-viz SCENARIO [--algo A] [--seed N] [--set k=v]...     run in-process, then show it
//   ... [--compare TRACE2 | --compare-algo B] [--screenshot FILE.png [--at TIME] [--size WxH]]
//   ... --record FILE.mp4|FILE.gif [--from T] [--to T] [--fps N] [--speed X]
//
// Exit codes: 0 ok; 1 no display (or no OpenGL 3.3); 2 bad input (flags, trace, scenario);
// 3 --record: ffmpeg is not on PATH, or it failed.
//
// main() is the outline: the command line (viz/viewer_options.h), the window and Dear ImGui, the
// App (viz/app.h) and its frames until done, the benchmark's report (viz/benchmark.h).
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "viz/app.h"
#include "viz/benchmark.h"
#include "viz/colors.h"
#include "viz/draw_util.h"
#include "viz/record.h"
#include "viz/screenshot.h"
#include "viz/viewer_options.h"

namespace {

using namespace ballot::viz;

constexpr int kScreenshotFrames = 4;  // frames rendered before reading back (layout settles)
constexpr double kLoadingFrameInterval_s = 0.1;

std::string g_glfw_error;
void on_glfw_error(int code, const char* description) {
  g_glfw_error = "GLFW error " + std::to_string(code) + ": " + (description ? description : "");
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

// ---- the frame loop ----

// Idle: sleep until input. Loading: a progress bar needs only a few frames a second, and the
// loader thread needs the CPU more than the window does.
void wait_for_events(App& app, bool headless) {
  const bool idle = !app.loading() && !app.diffing() && !app.view().playing && !headless;
  if (idle)
    glfwWaitEventsTimeout(0.5);
  else if (app.loading() || app.diffing())
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
int run_frames(GLFWwindow* window, App& app, const ViewerOptions& o, Benchmark& bench,
               const std::optional<RecordPlan>& recording) {
  const bool headless = !o.screenshot.empty() || bench.on() || recording;
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
    bench.begin_frame(frame_start);
    const float dt = std::chrono::duration<float>(frame_start - last).count();
    last = frame_start;
    // A screenshot stands still in time; the benchmark plays in real time.
    const auto [fb_w, fb_h] =
        render_frame(window, app, headless && !bench.on() ? 0.0f : dt, headless, bench);

    if (loaded) ++frames_after_load;
    // A screenshot or a recording of two runs waits for their diff marks.
    if (recording && loaded && !app.diffing() && frames_after_load >= kScreenshotFrames)
      return record(app, *recording, [&] { return render_frame(window, app, 0.0f, true, bench); });
    if (!o.screenshot.empty() && loaded && !app.diffing() &&
        frames_after_load >= kScreenshotFrames) {
      std::string error;
      if (write_back_buffer_png(o.screenshot, fb_w, fb_h, error)) return kExitOk;
      std::fprintf(stderr, "ballot-viz: %s\n", error.c_str());
      return kExitBadInput;
    }
    if (bench.on() && loaded && frames_after_load > 1 && bench.record(frames_after_load))
      return kExitOk;
    glfwSwapBuffers(window);
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  ViewerOptions o;
  if (const auto code = parse_command_line(argc, argv, o)) return *code;
  AppOptions app_options;
  int width = 0, height = 0;
  if (const auto code = resolve_options(o, app_options, width, height)) return *code;
  std::optional<RecordPlan> recording;
  bool record = false;
  RecordPlan plan;
  if (const auto code = resolve_record(o, width, height, app_options, plan, record)) return *code;
  if (record) recording = plan;

  const bool headless = !o.screenshot.empty() || o.benchmark_frames > 0 || recording;
  GLFWwindow* window = open_window(width, height, headless, o.input);
  if (window == nullptr) return kExitNoDisplay;
  start_imgui(window, o.font_size);

  Benchmark bench(o.benchmark_frames);
  App app(app_options);  // starts loading the trace(s) in the background
  const int exit_code = run_frames(window, app, o, bench, recording);
  if (exit_code == kExitOk) bench.report(app, width, height);
  close_window(window);
  return exit_code;
}
