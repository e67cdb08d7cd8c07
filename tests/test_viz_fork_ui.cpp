// The Fork tab in the running viewer, headless (a real ImGui context, no window): the branch runs
// in the background and is stacked under the original, with one cursor; a bad edit is reported
// in the panel.
#include <catch2/catch.hpp>

#include <imgui.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "tests/headless_imgui.h"
#include "viz/app.h"

using namespace ballot::viz;

namespace {

class Ui {
 public:
  explicit Ui(AppOptions options) : imgui_(ImVec2(1280, 720)) {
    app_ = std::make_unique<App>(std::move(options));
    wait([&] { return !app_->loading(); });
  }
  void frame() {
    ImGui::GetIO().DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    app_->Frame(1.0f / 60);
    ImGui::Render();
  }
  template <typename Done>
  void wait(Done done) {
    for (int i = 0; i < 4000 && !done(); ++i) {
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    frame();
    frame();
  }
  App& app() { return *app_; }

 private:
  HeadlessImGui imgui_;  // declared first: outlives the App
  std::unique_ptr<App> app_;
};

}  // namespace

TEST_CASE("fork: the branch is stacked under the original with one cursor", "[viz][ui][fork]") {
  AppOptions o;
  o.main.path = std::string(BALLOT_SOURCE_DIR) + "/scenarios/raft-partition-leader-minority.json";
  o.main.is_scenario = true;
  o.cursor_us = 800'000;
  o.panel = "fork";  // the tab is drawn in every frame below
  Ui ui(o);
  REQUIRE(ui.app().models().size() == 1);

  ForkEdits bad;
  bad.sets.push_back("durration=5s");
  CHECK_FALSE(ui.app().fork(bad));
  CHECK(ui.app().fork_panel().error().find("did you mean 'duration'?") != std::string::npos);
  ui.frame();
  CHECK(ui.app().models().size() == 1);

  ForkEdits moved;
  moved.faults.push_back({0, false, 1'500'000, {}});
  REQUIRE(ui.app().fork(moved));
  ui.wait([&] { return !ui.app().fork_panel().running(); });
  REQUIRE(ui.app().models().size() == 2);
  const TraceModel& a = *ui.app().models()[0];
  const TraceModel& b = *ui.app().models()[1];
  CHECK(b.file_label == "branch at 800ms: faults[0] partition at 1s -> 1500ms");
  CHECK(b.trace_hash != a.trace_hash);
  CHECK(b.faults.front().span.begin_us == 1'500'000);
  // Stacked: B's first lane lies below A's last; one cursor, where it was.
  CHECK(ui.app().timeline().lane_center_y(1, 1) > ui.app().timeline().lane_center_y(0, 5));
  CHECK(ui.app().view().cursor_us == 800'000);
  REQUIRE(ui.app().fork_panel().shown_branch().has_value());
  CHECK(ui.app().fork_panel().shown_branch()->fork_us == 800'000);
}

TEST_CASE("fork: a trace whose scenario this ballot cannot read explains why", "[viz][ui][fork]") {
  const std::string path =
      (std::filesystem::temp_directory_path() / "ballot-viz-fork-old.jsonl").string();
  {
    std::ofstream out(path);
    out << R"({"format":"ballot-trace","format_version":2,"algorithm":"bully","seed":1,"scenario":{"name":"old","nodes":2,"durration":"1s"}})"
           "\n"
        << R"({"i":0,"t":0,"k":"start","n":1})"
           "\n"
        << R"({"footer":true,"events":1,"end_us":1000})"
           "\n";
  }
  AppOptions o;
  o.main.path = path;
  o.panel = "fork";
  Ui ui(o);
  REQUIRE_FALSE(ui.app().failure());
  CHECK(ui.app().fork_panel().unavailable().find("did you mean 'duration'?") != std::string::npos);
  CHECK_FALSE(ui.app().fork(ForkEdits{}));
  std::filesystem::remove(path);
}
