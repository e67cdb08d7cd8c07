// The viewer's interaction, driven headless: a real ImGui context (no window, no OpenGL) runs the
// App frame by frame while the test moves the mouse, turns the wheel and presses keys, then
// checks the view: zoom around the mouse, pan by dragging, click to select or move the cursor,
// stepping, jumps, playback pausing at a caption, filters, compare.
#include <catch2/catch.hpp>

#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "tests/headless_imgui.h"
#include "viz/app.h"
#include "viz/sizes.h"
#include "viz/trace_query.h"

using namespace ballot::viz;

namespace {

// GLFW key codes, which the ImGui 1.86 GLFW backend uses as key indices.
constexpr int kKeyRight = 262, kKeyLeft = 263, kKeyDown = 264, kKeyUp = 265, kKeyHome = 268,
              kKeySpace = 32;

const std::string kScenario = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-partition.json";

class Ui {
 public:
  explicit Ui(AppOptions options) : imgui_(ImVec2(1280, 720)) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_RightArrow] = kKeyRight;
    io.KeyMap[ImGuiKey_LeftArrow] = kKeyLeft;
    io.KeyMap[ImGuiKey_DownArrow] = kKeyDown;
    io.KeyMap[ImGuiKey_UpArrow] = kKeyUp;
    io.KeyMap[ImGuiKey_Home] = kKeyHome;
    io.KeyMap[ImGuiKey_Space] = kKeySpace;
    app_ = std::make_unique<App>(std::move(options));
    for (int i = 0; i < 2000 && app_->loading(); ++i) {
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    frame();
    frame();
  }

  void frame(float dt = 1.0f / 60) {
    ImGui::GetIO().DeltaTime = dt;
    ImGui::NewFrame();
    app_->Frame(dt);
    ImGui::Render();
  }
  // One frame, returning every text the frame rendered: ImGui's text log, which LogFinish hands
  // to the clipboard callback.
  std::string frame_text() {
    ImGuiIO& io = ImGui::GetIO();
    static std::string captured;
    captured.clear();
    const auto saved = io.SetClipboardTextFn;
    io.SetClipboardTextFn = [](void*, const char* text) { captured = text; };
    io.DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    ImGui::LogToClipboard();
    app_->Frame(1.0f / 60);
    ImGui::LogFinish();
    ImGui::Render();
    io.SetClipboardTextFn = saved;
    return captured;
  }
  void key(int k, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyShift = shift;
    io.KeysDown[k] = true;
    frame();
    io.KeysDown[k] = false;
    io.KeyShift = false;
    frame();
  }
  void move(float x, float y) {
    ImGui::GetIO().MousePos = ImVec2(x, y);
    frame();
  }
  void click(float x, float y) {
    move(x, y);
    ImGui::GetIO().MouseDown[0] = true;
    frame();
    ImGui::GetIO().MouseDown[0] = false;
    frame();
  }
  void wheel(float x, float y, float notches) {
    move(x, y);
    ImGui::GetIO().MouseWheel = notches;
    frame();
    ImGui::GetIO().MouseWheel = 0;
    frame();
  }
  void drag(float x0, float y, float x1) {
    move(x0, y);
    ImGui::GetIO().MouseDown[0] = true;
    frame();
    for (int i = 1; i <= 10; ++i) move(x0 + (x1 - x0) * static_cast<float>(i) / 10, y);
    ImGui::GetIO().MouseDown[0] = false;
    frame();
  }

  App& app() { return *app_; }
  ViewState& view() { return app_->view(); }
  const Timeline& timeline() { return app_->timeline(); }
  // The pixel column of time t, and the time under pixel column x, in the last frame.
  float x_of(Time_us t) {
    const ViewState& v = view();
    return timeline().plot_x0() +
           static_cast<float>(static_cast<double>(t - v.t0_us) / static_cast<double>(v.span_us())) *
               (timeline().plot_x1() - timeline().plot_x0());
  }
  double t_of(float x) {
    const ViewState& v = view();
    return static_cast<double>(v.t0_us) + (x - timeline().plot_x0()) /
                                              (timeline().plot_x1() - timeline().plot_x0()) *
                                              static_cast<double>(v.span_us());
  }

 private:
  HeadlessImGui imgui_;  // declared first: outlives the App
  std::unique_ptr<App> app_;
};

AppOptions scenario_options() {
  AppOptions o;
  o.main.path = kScenario;
  o.main.is_scenario = true;
  o.main.algorithm = "bully";
  o.main.seed = 1;
  return o;
}

// A 2-node trace whose footer names a violation at 300us (n1 and n2 both lead epoch 1), written
// to the temporary directory as `name`; returns its path.
std::string write_two_leaders_trace(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  {
    std::ofstream out(path);
    out << R"({"format":"ballot-trace","format_version":2,"algorithm":"x","seed":1,"scenario":{"name":"v","nodes":2}})"
           "\n"
        << R"({"i":0,"t":0,"k":"start","n":1})"
           "\n"
        << R"({"i":1,"t":0,"k":"start","n":2})"
           "\n"
        << R"({"i":2,"t":100,"k":"role","n":1,"role":"leader","epoch":1,"leader":1})"
           "\n"
        << R"({"i":3,"t":300,"k":"role","n":2,"role":"leader","epoch":1,"leader":2})"
           "\n"
        << R"({"footer":true,"events":4,"end_us":1000,"violations":[{"checker":"one_leader_per_epoch","event":3,"t":300,"nodes":[1,2],"message":"two leaders in epoch 1"}]})"
        << "\n";
  }
  return path;
}

}  // namespace

TEST_CASE("the viewer opens a run fitted to the window", "[viz][ui]") {
  Ui ui(scenario_options());
  REQUIRE_FALSE(ui.app().loading());
  REQUIRE_FALSE(ui.app().failure());
  const ViewState& v = ui.view();
  CHECK(v.t0_us < 0);
  CHECK(v.t1_us > 10'000'000);
  CHECK(v.t1_us < 10'500'000);
  CHECK(v.cursor_us == 0);
  for (int32_t n = 1; n <= 5; ++n) CHECK(ui.timeline().lane_center_y(0, n) > 0);
  CHECK(ui.timeline().lane_center_y(0, 2) > ui.timeline().lane_center_y(0, 1));
}

TEST_CASE("the wheel zooms around the mouse; dragging pans", "[viz][ui]") {
  Ui ui(scenario_options());
  const float x =
      ui.timeline().plot_x0() + 0.3f * (ui.timeline().plot_x1() - ui.timeline().plot_x0());
  const float y = ui.timeline().lane_center_y(0, 3);
  const double t_under_mouse = ui.t_of(x);
  const Time_us span = ui.view().span_us();
  ui.wheel(x, y, 1.0f);
  CHECK(ui.view().span_us() == Approx(span * 0.8).epsilon(0.01));
  CHECK(ui.t_of(x) == Approx(t_under_mouse).margin(span / 1000.0));
  ui.wheel(x, y, -2.0f);
  CHECK(ui.view().span_us() > span);

  const Time_us t0 = ui.view().t0_us;
  const double us_per_px = static_cast<double>(ui.view().span_us()) /
                           (ui.timeline().plot_x1() - ui.timeline().plot_x0());
  ui.drag(x, y, x + 100);
  CHECK(static_cast<double>(t0 - ui.view().t0_us) == Approx(100 * us_per_px).epsilon(0.05));
  ui.key('F');  // fit all again
  CHECK(ui.view().t1_us < 10'500'000);
  CHECK(ui.view().t0_us < 0);
}

TEST_CASE("clicks select what is under the mouse, or move the cursor", "[viz][ui]") {
  Ui ui(scenario_options());
  // n2 leads from 2.2s to 6s (split brain): its band at 4s.
  ui.click(ui.x_of(4'000'000), ui.timeline().lane_center_y(0, 2));
  CHECK(ui.view().selection.kind == Selection::Kind::Band);
  CHECK(ui.view().selection.node == 2);
  const TraceModel& m = *ui.app().main_model();
  const RoleBand& band = m.nodes[1].bands[static_cast<size_t>(ui.view().selection.index)];
  CHECK(band.role == Role::Leader);
  // The split-brain strip sits just above the faults strip, under the ruler.
  // A click on the ruler moves the time cursor.
  ui.click(ui.x_of(3'000'000), ui.timeline().ruler_y());
  CHECK(ui.view().cursor_us == Approx(3'000'000).margin(ui.view().span_us() / 500.0));
}

TEST_CASE("stepping goes event by event; filters skip heartbeats", "[viz][ui]") {
  Ui ui(scenario_options());
  const TraceModel& m = *ui.app().main_model();
  ui.key(kKeyRight);
  CHECK(ui.view().cursor_event == 0);
  ui.key(kKeyRight);
  CHECK(ui.view().cursor_event == 1);
  CHECK(ui.view().selection.kind == Selection::Kind::Message);  // event 1 is a send
  ui.key(kKeyLeft);
  CHECK(ui.view().cursor_event == 0);

  // From 7s, with heartbeats hidden, the next event shown is not a heartbeat.
  ui.view().cursor_us = 7'000'000;
  ui.view().cursor_event = -1;
  ui.key('H');
  REQUIRE(ui.view().filters.hide_heartbeats);
  ui.key(kKeyRight);
  const int64_t e = ui.view().cursor_event;
  REQUIRE(e >= 0);
  CHECK(m.events[static_cast<size_t>(e)].t_us >= 7'000'000);
  if (m.events[static_cast<size_t>(e)].aux != kNoAux &&
      (m.events[static_cast<size_t>(e)].kind == EventKind::Send ||
       m.events[static_cast<size_t>(e)].kind == EventKind::Deliver))
    CHECK_FALSE(m.messages[m.events[static_cast<size_t>(e)].aux].heartbeat);
  // Every event between 7s and it is a heartbeat's (or was otherwise filtered).
  for (uint32_t i = first_event_at_or_after(m, 7'000'000); i < static_cast<uint32_t>(e); ++i)
    CHECK_FALSE(event_shown(m, i, ui.view().filters));
}

TEST_CASE("jumps: next fault, next leader change", "[viz][ui]") {
  Ui ui(scenario_options());
  ui.key('N');
  CHECK(ui.view().cursor_us == 2'000'000);  // the partition begins
  ui.key('N');
  CHECK(ui.view().cursor_us == 6'000'000);  // and ends
  ui.key('N', /*shift=*/true);
  CHECK(ui.view().cursor_us == 2'000'000);
  ui.view().cursor_us = 0;
  ui.view().cursor_event = -1;
  ui.key('L');
  CHECK(ui.view().cursor_us == 2'201'719);  // n2 becomes leader on its side
}

TEST_CASE("playback runs the cursor and pauses at a caption marked pause", "[viz][ui]") {
  Ui ui(scenario_options());
  ui.view().cursor_us = 1'900'000;
  ui.view().speed = 1.0;
  ui.key(kKeySpace);
  CHECK(ui.view().playing);
  for (int i = 0; i < 10; ++i) ui.frame(0.05f);
  CHECK_FALSE(ui.view().playing);
  CHECK(ui.view().cursor_us == 2'000'000);  // "The network splits ..." has pause: true
  // Without pausing at captions it runs on.
  ui.view().pause_at_captions = false;
  ui.view().cursor_us = 1'900'000;
  ui.key(kKeySpace);
  for (int i = 0; i < 10; ++i) ui.frame(0.05f);
  CHECK(ui.view().cursor_us > 2'100'000);
}

TEST_CASE("compare stacks two traces with one cursor", "[viz][ui]") {
  AppOptions o = scenario_options();
  TraceSource other = o.main;
  other.seed = 2;
  o.compare = other;
  Ui ui(o);
  REQUIRE(ui.app().models().size() == 2);
  CHECK(ui.timeline().lane_center_y(1, 1) > ui.timeline().lane_center_y(0, 5));
  CHECK(ui.app().models()[1]->seed == 2);
}

TEST_CASE("two variants stacked: the Inspector names each run's variant", "[viz][ui][variants]") {
  AppOptions o;
  o.main.path = std::string(BALLOT_SOURCE_DIR) + "/scenarios/lessons/04-election-restriction.json";
  o.main.is_scenario = true;
  o.main.variant = "base";
  TraceSource other = o.main;
  other.variant = "buggy";
  o.compare = other;
  o.panel = "inspector";
  Ui ui(o);
  REQUIRE(ui.app().models().size() == 2);
  const std::string text = ui.frame_text();
  CHECK_THAT(text, Catch::Contains("At the cursor"));
  CHECK_THAT(text, Catch::Contains("A: raft [base]"));
  CHECK_THAT(text, Catch::Contains("B: raft [buggy]"));
}

TEST_CASE("a violation in the footer: V jumps to it", "[viz][ui]") {
  const std::string path = write_two_leaders_trace("ballot-viz-violation.jsonl");
  AppOptions o;
  o.main.path = path;
  Ui ui(o);
  REQUIRE_FALSE(ui.app().failure());
  ui.key('V');
  CHECK(ui.view().cursor_us == 300);
  CHECK(ui.view().cursor_event == 3);
  std::filesystem::remove(path);
}

TEST_CASE("a corrupt trace fails the load with its line", "[viz][ui]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "ballot-viz-corrupt.jsonl").string();
  {
    std::ofstream out(path);
    out << R"({"format":"ballot-trace","format_version":2,"scenario":{"nodes":1}})"
           "\n"
        << "{\"i\":0,\n";
  }
  AppOptions o;
  o.main.path = path;
  Ui ui(o);
  REQUIRE(ui.app().failure());
  CHECK_THAT(*ui.app().failure(), Catch::Contains("line 2: expected one JSON object per line"));
  std::filesystem::remove(path);
}

TEST_CASE("reveal mode: R and --reveal show the run up to the cursor, stepping reveals more",
          "[viz][ui][reveal]") {
  AppOptions o = scenario_options();
  o.reveal = true;
  Ui ui(o);
  const TraceModel& full = *ui.app().main_model();
  CHECK(ui.view().reveal);
  auto shown = [&] { return ui.app().shown_models().front(); };
  REQUIRE(shown()->revealed());
  CHECK(shown()->revealed_until_us == 0);
  CHECK(shown()->split_brains.empty());
  CHECK(shown()->metrics.empty());
  // At n2's election: the timeline now holds the run up to it, and no further.
  ui.view().cursor_us = 2'201'719;
  const Time_us t = ui.view().cursor_us;
  ui.frame();
  CHECK(shown()->revealed_until_us == t);
  CHECK(shown()->end_us == t);
  for (const Event& e : shown()->events) CHECK(e.t_us <= t);
  CHECK(shown()->events.size() < full.events.size());
  const size_t before = shown()->events.size();
  for (int i = 0; i < 50 && ui.view().cursor_us == t; ++i) ui.key(kKeyRight);
  ui.frame();
  CHECK(ui.view().cursor_us > t);
  CHECK(shown()->events.size() > before);
  // R turns it off: the whole run again, footer and all.
  ui.key('R');
  CHECK_FALSE(ui.view().reveal);
  CHECK(shown() == &full);
  CHECK_FALSE(shown()->metrics.empty());
}

TEST_CASE("reveal mode: the fault, leader and violation jumps go only to what is revealed",
          "[viz][ui][reveal]") {
  AppOptions o = scenario_options();
  o.reveal = true;
  Ui ui(o);
  // At 0 nothing is revealed: the next fault (2s) and leader change (2.2s) stay hidden.
  ui.key('N');
  CHECK(ui.view().cursor_us == 0);
  ui.key('L');
  CHECK(ui.view().cursor_us == 0);
  // At 4s the partition's beginning is behind: back jumps reach it; its end (6s) stays hidden.
  ui.view().cursor_us = 4'000'000;
  ui.key('N', /*shift=*/true);
  CHECK(ui.view().cursor_us == 2'000'000);
  ui.key('N');
  CHECK(ui.view().cursor_us == 2'000'000);
  ui.key('L', /*shift=*/true);
  CHECK(ui.view().cursor_us < 2'000'000);
  // Reveal off: the jumps go through the whole run again.
  ui.view().cursor_us = 4'000'000;
  ui.view().cursor_event = -1;
  ui.key('R');
  REQUIRE_FALSE(ui.view().reveal);
  ui.key('N');
  CHECK(ui.view().cursor_us == 6'000'000);
}

TEST_CASE("reveal mode: violations (the footer's) are jumped to only once the end is revealed",
          "[viz][ui][reveal]") {
  const std::string path = write_two_leaders_trace("ballot-viz-reveal-violation.jsonl");
  AppOptions o;
  o.main.path = path;
  o.reveal = true;
  Ui ui(o);
  REQUIRE_FALSE(ui.app().failure());
  ui.key('V');
  CHECK(ui.view().cursor_us == 0);  // ahead: not revealed
  ui.view().cursor_us = 500;        // past the violation, but the footer is not revealed yet
  ui.key('V', /*shift=*/true);
  CHECK(ui.view().cursor_us == 500);
  ui.view().cursor_us = 1000;  // the end: the footer, and its violation, are revealed
  ui.key('V', /*shift=*/true);
  CHECK(ui.view().cursor_us == 300);
  CHECK(ui.view().cursor_event == 3);
  std::filesystem::remove(path);
}

TEST_CASE("many nodes: the wheel over the names scrolls the lanes, --nodes picks them",
          "[viz][ui][lanes]") {
  // 200 Raft nodes for 1 s: n156 wins the election (seed 1).
  const std::string scenario =
      (std::filesystem::temp_directory_path() / "ballot-test-viz-ui-200.json").string();
  std::ofstream(scenario) << R"({"name": "raft-200", "nodes": 200, "algorithm": "raft",
    "seed": 1, "duration": "1s",
    "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"}},
    "params": {"raft": {"election_timeout_min": "300ms", "election_timeout_max": "3s"}}})";
  AppOptions o;
  o.main.path = scenario;
  o.main.is_scenario = true;
  {
    Ui ui(o);
    REQUIRE_FALSE(ui.app().failure());
    const SectionLayout& s = ui.timeline().layout().sections[0];
    REQUIRE(s.aggregated());
    CHECK(s.lane_visible(156));  // the leader, pinned
    CHECK(s.lanes.front() == 156);
    const int32_t first_scrolled = s.lanes[s.pinned];
    const float x = ui.timeline().layout().left + 10;  // over the names
    const float y = (s.scrolled_top() + s.scrolled_bottom()) * 0.5f;
    const Time_us span = ui.view().span_us();
    ui.wheel(x, y, -1.0f);
    CHECK(ui.view().lane_scroll[0] == kScrollLanesPerNotch);
    CHECK(ui.view().span_us() == span);  // not zoomed
    const SectionLayout& after = ui.timeline().layout().sections[0];
    CHECK(after.lanes[after.pinned] == first_scrolled + kScrollLanesPerNotch);
    CHECK(after.lane_visible(156));
  }
  o.nodes = "n1-n5";
  {
    Ui ui(o);
    CHECK(ui.timeline().layout().sections[0].lanes == std::vector<int32_t>{1, 2, 3, 4, 5, 156});
  }
  o.nodes = "leaders";
  {
    Ui ui(o);
    CHECK(ui.timeline().layout().sections[0].lanes == std::vector<int32_t>{156});
  }
  o.nodes = "n190-n210";
  {
    Ui ui(o);
    REQUIRE(ui.app().failure());
    CHECK(*ui.app().failure() == "--nodes: n201 is not in the cluster, which has n1 to n200");
  }
  std::filesystem::remove(scenario);
}
