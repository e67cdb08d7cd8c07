// The viewer's Compare panel draws the empirical CDF of each trace's leader losses, computed by
// the function `ballot compare --plot` uses (cli/cdf.h): the footer's leader_loss_us read into
// the model, the plot's layout, and the panel drawn headless (ImGui without a window).
#include <catch2/catch.hpp>

#include <imgui.h>

#include <set>
#include <string>

#include "tests/headless_imgui.h"
#include "viz/cdf_plot.h"
#include "viz/draw_util.h"
#include "viz/inprocess.h"
#include "viz/panels.h"
#include "viz/trace_model.h"

using namespace ballot::viz;

namespace {

const std::string kScenario = std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json";

std::shared_ptr<const TraceModel> run(const std::string& algorithm, uint64_t seed) {
  InProcessRun r = run_in_process(kScenario, algorithm, seed, {});
  return parse_trace(std::move(r.trace), r.label);
}

int64_t metric(const TraceModel& m, const std::string& name) {
  for (const auto& [n, v] : m.metrics)
    if (n == name) return std::stoll(v);
  FAIL("no metric " << name);
  return 0;
}

}  // namespace

TEST_CASE("viz cdf: the model reads each leader loss from the footer", "[viz][cdf]") {
  for (const char* algorithm : {"bully", "raft"}) {
    const auto m = run(algorithm, 1);
    REQUIRE(m->has_footer);
    CHECK(static_cast<int64_t>(m->leader_losses_us.size()) == metric(*m, "leader_loss_count"));
    int64_t total = 0, longest = 0;
    for (Time_us d : m->leader_losses_us) {
      total += d;
      longest = std::max(longest, d);
    }
    CHECK(total == metric(*m, "leader_loss_total_us"));
    CHECK(longest == metric(*m, "leader_loss_max_us"));
    CHECK(!m->leader_losses_us.empty());
  }
}

TEST_CASE("viz cdf: the layout steps up at each distinct value to its share", "[viz][cdf]") {
  // 100, 200, 200, 400 in a 0..105% box of 400: steps to 1/4, 3/4, 1.
  const CdfPlotGeometry g = layout_cdf_plot({{200, 100, 400, 200}, {}}, 10, 20, 430, 120);
  REQUIRE(g.curves.size() == 2);
  CHECK(g.x_max_us == 420);
  const CdfPlotGeometry::Curve& c = g.curves[0];
  CHECK(c.samples == 4);
  REQUIRE(c.points.size() == 3);
  auto x_of = [](double v) { return 10 + static_cast<float>(v / 420) * 420; };
  auto y_of = [](double f) { return 120 - static_cast<float>(f) * 100; };
  CHECK(c.points[0][0] == Approx(x_of(100)));
  CHECK(c.points[0][1] == Approx(y_of(0.25)));
  CHECK(c.points[1][0] == Approx(x_of(200)));
  CHECK(c.points[1][1] == Approx(y_of(0.75)));
  CHECK(c.points[2][1] == Approx(y_of(1)));
  // The line: from 0 at the first value, up and along each step, to the right edge at 1.
  REQUIRE(c.line.size() == 7);
  CHECK(c.line.front()[0] == Approx(x_of(100)));
  CHECK(c.line.front()[1] == Approx(y_of(0)));
  CHECK(c.line[1][0] == Approx(x_of(100)));  // up to the first step ...
  CHECK(c.line[1][1] == Approx(y_of(0.25)));
  CHECK(c.line[2][0] == Approx(x_of(200)));  // ... along it to the second value ...
  CHECK(c.line[2][1] == Approx(y_of(0.25)));
  CHECK(c.line[3][0] == Approx(x_of(200)));  // ... and up to its share
  CHECK(c.line[3][1] == Approx(y_of(0.75)));
  CHECK(c.line.back()[0] == Approx(430));
  CHECK(c.line.back()[1] == Approx(y_of(1)));
  // No samples: no line, no points.
  CHECK(g.curves[1].samples == 0);
  CHECK(g.curves[1].line.empty());
  CHECK(g.curves[1].points.empty());
}

TEST_CASE("viz cdf: the Compare panel draws both traces' CDFs", "[viz][cdf][ui]") {
  const auto a = run("bully", 1);
  const auto b = run("raft", 1);
  HeadlessImGui imgui(ImVec2(800, 900));
  ImGuiIO& io = ImGui::GetIO();
  ComparePanel panel;
  ViewState view;
  std::string open;
  bool close = false;
  const Models models = {a.get(), b.get()};
  for (int frame = 0; frame < 2; ++frame) {
    io.DeltaTime = 1.0f / 60;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(800, 900));
    ImGui::Begin("compare");
    panel.Draw(models, view, &open, &close);
    ImGui::End();
    ImGui::Render();
  }
  // The geometry: a curve per trace, a point per distinct leader loss.
  const CdfPlotGeometry& g = panel.cdf();
  REQUIRE(g.curves.size() == 2);
  const std::set<Time_us> distinct_a(a->leader_losses_us.begin(), a->leader_losses_us.end());
  const std::set<Time_us> distinct_b(b->leader_losses_us.begin(), b->leader_losses_us.end());
  CHECK(g.curves[0].points.size() == distinct_a.size());
  CHECK(g.curves[1].points.size() == distinct_b.size());
  CHECK(g.curves[0].samples == a->leader_losses_us.size());
  // ... and what reached the draw list: vertices in each curve's colour, inside the plot.
  size_t in_colour[2] = {0, 0};
  const ImDrawData* data = ImGui::GetDrawData();
  REQUIRE(data != nullptr);
  for (int l = 0; l < data->CmdListsCount; ++l)
    for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer)
      for (int c = 0; c < 2; ++c)
        if (v.col == col(kCdfColors[c]) && v.pos.x >= g.x0 - 4 && v.pos.x <= g.x1 + 4 &&
            v.pos.y >= g.y0 - 4 && v.pos.y <= g.y1 + 4)
          ++in_colour[c];
  CHECK(in_colour[0] > 0);
  CHECK(in_colour[1] > 0);
}

TEST_CASE("viz cdf: with one trace the Compare panel draws no plot", "[viz][cdf][ui]") {
  const auto a = run("raft", 1);
  HeadlessImGui imgui(ImVec2(800, 600));
  ComparePanel panel;
  ViewState view;
  std::string open;
  bool close = false;
  ImGui::NewFrame();
  ImGui::Begin("compare");
  panel.Draw({a.get()}, view, &open, &close);
  ImGui::End();
  ImGui::Render();
  CHECK(panel.cdf().curves.empty());
}
