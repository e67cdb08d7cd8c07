// Compare mode's diff marks (viz/diff_marks.h) on two runs of a shipped scenario that differ by
// one --set: the models handed to the diff library, the alignment, and the marks per stack.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "viz/diff_marks.h"
#include "viz/inprocess.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"

using namespace ballot::viz;

namespace {

std::string leader_pause_text(const std::vector<std::string>& sets) {
  return run_in_process(std::string(BALLOT_SOURCE_DIR) + "/scenarios/leader-pause.json",
                        std::string("bully"), 1, sets)
      .trace;
}

std::shared_ptr<const TraceModel> leader_pause(const std::string& fault_at) {
  return parse_trace(leader_pause_text({"faults[0].at=" + fault_at}), "leader-pause");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(p, nl - p));
    p = nl + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Adds `delta` to every integer field `key` of `line` ("t", "due", ...), returns its old value.
int64_t add_to(std::string& line, const std::string& key, int64_t delta) {
  const std::string pattern = "\"" + key + "\":";
  int64_t first = -1;
  for (size_t p = line.find(pattern); p != std::string::npos; p = line.find(pattern, p + 1)) {
    const size_t from = p + pattern.size();
    size_t to = from;
    while (to < line.size() && (std::isdigit(static_cast<unsigned char>(line[to])) != 0)) ++to;
    if (to == from) continue;
    const int64_t v = std::stoll(line.substr(from, to - from));
    if (first < 0) first = v;
    line.replace(from, to - from, std::to_string(v + delta));
  }
  return first;
}

int64_t time_of(const std::string& line) {
  std::string copy = line;
  return add_to(copy, "t", 0);
}

// The run as if everything from `from_us` on had happened `shift_us` later: the events' times
// and the times they hold (due, sent_us, expires_us, local_us), and the footer's end.
std::string shifted(const std::string& text, int64_t from_us, int64_t shift_us) {
  std::vector<std::string> lines = lines_of(text);
  for (std::string& l : lines) {
    if (l.rfind("{\"i\":", 0) == 0 && time_of(l) >= from_us) {
      for (const char* key : {"t", "due", "sent_us", "expires_us", "local_us"})
        add_to(l, key, shift_us);
    } else if (l.rfind("{\"footer\":", 0) == 0) {
      add_to(l, "end_us", shift_us);
    }
  }
  return join(lines);
}

// The run with one more event: a note on n2 right after event `after`.
std::string with_extra_note(const std::string& text, int64_t after) {
  std::vector<std::string> lines = lines_of(text), out;
  for (std::string& l : lines) {
    if (l.rfind("{\"i\":", 0) == 0) {
      std::string copy = l;
      const int64_t i = add_to(copy, "i", 0);
      if (i > after) add_to(l, "i", 1);
      out.push_back(l);
      if (i == after)
        out.push_back("{\"i\":" + std::to_string(after + 1) +
                      ",\"t\":" + std::to_string(time_of(l)) +
                      ",\"k\":\"note\",\"n\":2,\"text\":\"one more\"}");
    } else {
      if (l.rfind("{\"footer\":", 0) == 0) add_to(l, "events", 1);  // and metrics.events
      out.push_back(l);
    }
  }
  return join(out);
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
  // `ballot diff`'s alignment is kept for the summary.
  CHECK(marks->diff.first == first_different_line(*a, *b));
  // The marks: the earliest event of either run without a counterpart.
  REQUIRE(marks->has_divergence_time());
  REQUIRE_FALSE(marks->unmatched(0).empty());
  REQUIRE_FALSE(marks->unmatched(1).empty());
  const uint32_t ea = marks->unmatched(0).front(), eb = marks->unmatched(1).front();
  CHECK(marks->divergence_us() == std::min(a->events[ea].t_us, b->events[eb].t_us));
  const bool in_a = a->events[ea].t_us <= b->events[eb].t_us;
  CHECK(marks->label.rfind(std::string("first divergence: ") + (in_a ? "A's" : "B's") + " event #" +
                               std::to_string(in_a ? ea : eb),
                           0) == 0);
  CHECK(std::is_sorted(marks->unmatched(0).begin(), marks->unmatched(0).end()));
  // The pause is the same fault at another time: matched, not marked; so are the captions.
  for (int s = 0; s < 2; ++s) {
    const TraceModel& m = s == 0 ? *a : *b;
    for (uint32_t e : marks->unmatched(s)) {
      CHECK(m.events[e].kind != EventKind::Fault);
      CHECK(m.events[e].kind != EventKind::Caption);
    }
  }
  CHECK(marks->loose.shifted > 0);
  // Before the pause the runs are the same: nothing is unmatched there.
  CHECK(a->events[ea].t_us >= 2'000'000);
  CHECK(b->events[eb].t_us >= 2'000'000);
}

TEST_CASE("viz diff: runs that differ only by a time shift get no marks", "[viz][diff]") {
  const std::string text = leader_pause_text({});
  const auto a = parse_trace(text, "a");
  const auto b = parse_trace(shifted(text, 1'500'000, 3'000), "b");
  const auto marks = compute_diff_marks(*a, *b);
  CHECK_FALSE(marks->identical());
  CHECK(marks->diff.unmatched_a.size() > 1000);  // `ballot diff`'s alignment: by time
  CHECK(marks->unmatched(0).empty());
  CHECK(marks->unmatched(1).empty());
  CHECK_FALSE(marks->has_divergence_time());
  size_t later = 0;
  for (const Event& e : a->events) later += e.t_us >= 1'500'000 && e.kind != EventKind::Caption;
  CHECK(marks->loose.shifted == later);
  CHECK(marks->loose.max_shift_us == 3'000);
  CHECK(marks->label.rfind("the same events, " + std::to_string(later) + " of them at other times",
                           0) == 0);
}

TEST_CASE("viz diff: reveal mode rings what the other run has not done yet", "[viz][diff]") {
  // B does everything from 1.5 s on 3 ms later. With the cursor in between, A's events of the
  // last 3 ms have their counterpart after the cursor: ringed, and only those.
  const std::string text = leader_pause_text({});
  const auto a = parse_trace(text, "a");
  const auto b = parse_trace(shifted(text, 1'500'000, 3'000), "b");
  const auto marks = compute_diff_marks(*a, *b);
  REQUIRE(marks->unmatched(0).empty());
  const ViewState view = window(0, a->end_us);
  const Viewport vp{0, 0, 1200, 800, 13.0f, 40.0f};
  for (const Time_us cursor : {Time_us{1'501'500}, Time_us{4'000'000}, Time_us{6'200'000}}) {
    const auto pa = reveal_until(a, cursor), pb = reveal_until(b, cursor);
    const Layout layout = layout_timeline({pa.get(), pb.get()}, view, vp);
    const auto dots = diff_dots(marks->by_lane[0], *pa, layout.sections[0], layout.axis, 1.0f,
                                &marks->late_by_lane[0]);
    // Every event of A in (cursor - 3 ms, cursor], one per column and lane.
    size_t expected_lanes = 0;
    std::vector<bool> lane_seen(static_cast<size_t>(a->node_count) + 1, false);
    for (const Event& e : a->events)
      if (e.t_us > cursor - 3'000 && e.t_us <= cursor && e.t_us >= 1'500'000 &&
          e.kind != EventKind::Caption) {
        const size_t lane = e.node >= 1 ? static_cast<size_t>(e.node) : 0;
        if (!lane_seen[lane]) ++expected_lanes;
        lane_seen[lane] = true;
      }
    INFO("cursor " << cursor);
    REQUIRE(expected_lanes > 0);
    REQUIRE_FALSE(dots.empty());
    for (const DiffDot& d : dots) {
      CHECK(a->events[d.event].t_us > cursor - 3'000);
      CHECK(a->events[d.event].t_us <= cursor);
    }
    std::vector<float> ys;
    for (const DiffDot& d : dots) ys.push_back(d.y);
    std::sort(ys.begin(), ys.end());
    CHECK(static_cast<size_t>(std::unique(ys.begin(), ys.end()) - ys.begin()) == expected_lanes);
    // B is never behind; without the late events, or not revealing, nothing is marked.
    CHECK(diff_dots(marks->by_lane[1], *pb, layout.sections[1], layout.axis, 1.0f,
                    &marks->late_by_lane[1])
              .empty());
    CHECK(diff_dots(marks->by_lane[0], *pa, layout.sections[0], layout.axis).empty());
  }
  const Layout full = layout_timeline({a.get(), b.get()}, view, vp);
  CHECK(diff_dots(marks->by_lane[0], *a, full.sections[0], full.axis, 1.0f, &marks->late_by_lane[0])
            .empty());
}

TEST_CASE("viz diff: one extra event gets the only mark", "[viz][diff]") {
  const std::string text = leader_pause_text({});
  const auto a = parse_trace(text, "a");
  // Shifted as well, so that the exact alignment would mark thousands of events.
  const auto b = parse_trace(with_extra_note(shifted(text, 1'500'000, 3'000), 4000), "b");
  REQUIRE(b->events.size() == a->events.size() + 1);
  const auto marks = compute_diff_marks(*a, *b);
  CHECK(marks->unmatched(0).empty());
  CHECK(marks->unmatched(1) == std::vector<uint32_t>{4001});
  REQUIRE(marks->has_divergence_time());
  CHECK(marks->divergence_us() == b->events[4001].t_us);
  CHECK(marks->label.rfind("first divergence: B's event #4001 (note, n2) at ", 0) == 0);
  // Drawn: one ring, on n2's lane, at the note.
  ViewState view = window(0, b->end_us);
  const Viewport vp{0, 0, 1200, 800, 13.0f, 40.0f};
  const Layout layout = layout_timeline({a.get(), b.get()}, view, vp);
  CHECK(diff_dots(marks->by_lane[0], *a, layout.sections[0], layout.axis).empty());
  const auto dots = diff_dots(marks->by_lane[1], *b, layout.sections[1], layout.axis);
  REQUIRE(dots.size() == 1);
  CHECK(dots[0].event == 4001);
  CHECK(dots[0].y == Approx(layout.sections[1].lane_center(2)));
}

TEST_CASE("viz diff: captions are never marked", "[viz][diff]") {
  // The same run with another caption text: `ballot diff` parts there, the marks see nothing.
  const auto a = parse_trace(leader_pause_text({}), "a");
  const auto b = parse_trace(leader_pause_text({"captions[0].text=Look at n5"}), "b");
  const auto marks = compute_diff_marks(*a, *b);
  REQUIRE(marks->diff.divergence == ballot::tracediff::TraceDiff::Divergence::Event);
  CHECK(b->events[marks->diff.first].kind == EventKind::Caption);
  CHECK(marks->unmatched(0).empty());
  CHECK(marks->unmatched(1).empty());
  CHECK_FALSE(marks->has_divergence_time());
  CHECK(marks->loose.captions_a == 2);
  // A caption moved in time is not marked either.
  const auto c = parse_trace(leader_pause_text({"captions[0].at=2100ms"}), "c");
  const auto moved = compute_diff_marks(*a, *c);
  CHECK_FALSE(moved->identical());
  CHECK(moved->unmatched(0).empty());
  CHECK(moved->unmatched(1).empty());
  CHECK(moved->loose.shifted == 0);
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
  // Reveal mode: the prefix up to just after A's first unmatched event holds the only marks
  // (A has more later).
  REQUIRE_FALSE(marks->unmatched(0).empty());
  const Time_us cut = a->events[marks->unmatched(0).front()].t_us + 100'000;
  REQUIRE(a->events[marks->unmatched(0).back()].t_us > cut);
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
