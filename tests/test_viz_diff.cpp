// Compare mode's diff marks (viz/diff_marks.h) on two runs of a shipped scenario that differ by
// one --set: the models handed to the diff library, the alignment, and the marks per stack.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "viz/diff_marks.h"
#include "viz/inprocess.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"

using namespace ballot::viz;

namespace {

std::shared_ptr<const TraceModel> leader_pause(const std::string& fault_at) {
  const InProcessRun run =
      run_in_process(std::string(BALLOT_SOURCE_DIR) + "/scenarios/leader-pause.json",
                     std::string("bully"), 1, {"faults[0].at=" + fault_at});
  return parse_trace(run.trace, run.label);
}

// The first index whose lines differ, found here without the library.
uint32_t first_different_line(const TraceModel& a, const TraceModel& b) {
  uint32_t i = 0;
  while (i < a.events.size() && i < b.events.size() && a.line(i) == b.line(i)) ++i;
  return i;
}

ViewState window(Time_us t0, Time_us t1) {
  ViewState v;
  v.t0_us = t0;
  v.t1_us = t1;
  return v;
}

}  // namespace

TEST_CASE("viz diff: a model's lines and footer go to the diff library as written", "[viz][diff]") {
  const auto m = leader_pause("2s");
  const ballot::tracediff::DiffRun run = diff_run_of(*m);
  REQUIRE(run.lines.size() == m->events.size());
  CHECK(run.lines.front().substr(0, 7) == "{\"i\":0,");
  REQUIRE(run.footer.has_value());
  CHECK(run.footer->substr(0, 15) == "{\"footer\":true,");
  CHECK(run.footer->back() == '}');
}

TEST_CASE("viz diff: identical runs have no marks", "[viz][diff]") {
  const auto a = leader_pause("2s"), b = leader_pause("2s");
  const auto marks = compute_diff_marks(*a, *b);
  CHECK(marks->identical());
  CHECK_FALSE(marks->has_divergence_time());
  CHECK(marks->unmatched(0).empty());
  CHECK(marks->unmatched(1).empty());
}

TEST_CASE("viz diff: runs that differ by one --set: the divergence and the unmatched events",
          "[viz][diff]") {
  const auto a = leader_pause("2s"), b = leader_pause("2500ms");
  const auto marks = compute_diff_marks(*a, *b);
  const uint32_t first = first_different_line(*a, *b);
  REQUIRE(marks->has_divergence_time());
  CHECK(marks->diff.first == first);
  CHECK(marks->divergence_us() == std::min(a->events[first].t_us, b->events[first].t_us));
  CHECK(marks->label.rfind("first divergence: event #" + std::to_string(first), 0) == 0);
  // Both sides have events without a counterpart, none before the divergence.
  REQUIRE_FALSE(marks->unmatched(0).empty());
  REQUIRE_FALSE(marks->unmatched(1).empty());
  CHECK(marks->unmatched(0).front() >= first);
  CHECK(marks->unmatched(1).front() >= first);
  CHECK(std::is_sorted(marks->unmatched(0).begin(), marks->unmatched(0).end()));
  // The fault event at 2 s is A's alone: B pauses the leader later.
  bool fault_unmatched = false;
  for (uint32_t e : marks->unmatched(0))
    fault_unmatched |= a->events[e].kind == EventKind::Fault && a->events[e].t_us == 2'000'000;
  CHECK(fault_unmatched);
}

TEST_CASE("viz diff: the marks of each stack lie on their event's lane, in the window",
          "[viz][diff]") {
  const auto a = leader_pause("2s"), b = leader_pause("2500ms");
  const auto marks = compute_diff_marks(*a, *b);
  const ViewState view = window(1'900'000, 3'000'000);
  const Viewport vp{0, 0, 1200, 800, 13.0f, 40.0f};
  const Layout layout = layout_timeline({a.get(), b.get()}, view, vp);
  REQUIRE(layout.sections.size() == 2);
  for (int s = 0; s < 2; ++s) {
    const TraceModel& m = s == 0 ? *a : *b;
    const std::vector<DiffDot> dots =
        diff_dots(marks->by_lane[s], m, layout.sections[static_cast<size_t>(s)], layout.axis);
    REQUIRE_FALSE(dots.empty());
    for (const DiffDot& d : dots) {
      const Event& e = m.events[d.event];
      CHECK(e.t_us >= view.t0_us);
      CHECK(e.t_us <= view.t1_us);
      CHECK(d.x == Approx(layout.axis.x(e.t_us)));
      const SectionLayout& sec = layout.sections[static_cast<size_t>(s)];
      if (e.node != kNoNodeNumber) CHECK(d.y == Approx(sec.lane_center(e.node)));
    }
    // Folded: at most one mark per pixel column and lane; wider spacing gives fewer.
    const auto sparse = diff_dots(marks->by_lane[s], m, layout.sections[static_cast<size_t>(s)],
                                  layout.axis, 10.0f);
    CHECK(sparse.size() < dots.size());
    for (size_t i = 1; i < sparse.size(); ++i)
      if (sparse[i].y == sparse[i - 1].y)  // the same lane: a later 10 px column
        CHECK(std::floor((sparse[i].x - layout.axis.x0) / 10) >
              std::floor((sparse[i - 1].x - layout.axis.x0) / 10));
    size_t split = 0;
    for (const auto& lane : marks->by_lane[s]) split += lane.size();
    CHECK(split == marks->unmatched(s).size());
    CHECK(dots.size() <= marks->unmatched(s).size());
  }
}

TEST_CASE("viz diff: hidden lanes and a revealed prefix get no marks", "[viz][diff]") {
  const auto a = leader_pause("2s"), b = leader_pause("2500ms");
  const auto marks = compute_diff_marks(*a, *b);
  ViewState view = window(0, a->end_us);
  const Viewport vp{0, 0, 1200, 800, 13.0f, 40.0f};
  // Reveal mode: the prefix up to just after the divergence holds the only marks.
  const Time_us cut = marks->divergence_us() + 100'000;
  const auto prefix = reveal_until(a, cut);
  Layout layout = layout_timeline({prefix.get(), b.get()}, view, vp);
  const auto revealed = diff_dots(marks->by_lane[0], *prefix, layout.sections[0], layout.axis);
  REQUIRE_FALSE(revealed.empty());
  for (const DiffDot& d : revealed) CHECK(a->events[d.event].t_us <= cut);
  // Hide n5: none of its events is marked. (n5 leads, so "always show leaders, fault targets and
  // nodes in violations" is turned off first: it would keep n5's lane.)
  view.filters.keep_important = false;
  view.filters.hidden_nodes = {false, false, false, false, true};
  layout = layout_timeline({a.get(), b.get()}, view, vp);
  for (const DiffDot& d : diff_dots(marks->by_lane[0], *a, layout.sections[0], layout.axis))
    CHECK(a->events[d.event].node != 5);
}
