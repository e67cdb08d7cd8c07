// The cluster view's geometry and state at a time (viz/cluster_layout.h): node positions on the
// circle, election timer rings from the trace's arm / timer / cancel events, message dots along
// their links, and crashed, paused and partitioned nodes. Pure functions, no ImGui.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "viz/cluster_layout.h"
#include "viz/inprocess.h"
#include "viz/trace_model.h"
#include "viz/trace_query.h"

using namespace ballot::viz;

namespace {

const std::string kHeader =
    R"({"format":"ballot-trace","format_version":2,"ballot_version":"0.1.0","file":"t.json","algorithm":"raft","seed":7,)"
    R"("scenario":{"name":"hand","nodes":3}})"
    "\n";

// Three Raft nodes. n1 arms its election timer (tag 1) at 0, due at 1000; it is reset (cancel,
// arm) at 400, due at 1600, then fires at 1600. n2 arms at 0 due 2000 and crashes at 500, restarts
// at 700. n3 arms its heartbeat timer (tag 2, not an election timer). A message n1 -> n2 sent at
// 100 and delivered at 300; one n3 -> n2 sent at 200, lost at 260; n2 paused from 800 to 900; a
// partition {n1,n2} | {n3} from 1000 on (never healed).
std::string hand_trace() {
  std::string t = kHeader;
  const char* lines[] = {
      R"({"i":0,"t":0,"k":"start","n":1})",
      R"({"i":1,"t":0,"k":"arm","n":1,"tag":1,"due":1000})",
      R"({"i":2,"t":0,"k":"start","n":2})",
      R"({"i":3,"t":0,"k":"arm","n":2,"tag":1,"due":2000})",
      R"({"i":4,"t":0,"k":"start","n":3})",
      R"({"i":5,"t":0,"k":"arm","n":3,"tag":2,"due":50})",
      R"({"i":6,"t":100,"k":"send","n":1,"to":2,"id":1,"type":"RequestVote","msg":{"term":1}})",
      R"({"i":7,"t":200,"k":"send","n":3,"to":2,"id":2,"type":"AppendEntries","msg":{"term":1}})",
      R"({"i":8,"t":260,"k":"drop","n":2,"from":3,"id":2,"type":"AppendEntries","reason":"loss"})",
      R"({"i":9,"t":300,"k":"deliver","n":2,"from":1,"id":1,"type":"RequestVote"})",
      R"({"i":10,"t":400,"k":"cancel","n":1,"tag":1})",
      R"({"i":11,"t":400,"k":"arm","n":1,"tag":1,"due":1600})",
      R"({"i":12,"t":500,"k":"crash","n":2})",
      R"({"i":13,"t":700,"k":"restart","n":2})",
      R"({"i":14,"t":800,"k":"pause","n":2})",
      R"({"i":15,"t":900,"k":"resume","n":2})",
      R"({"i":16,"t":1000,"k":"fault","fault":1,"kind":"partition","phase":"begin","detail":{"groups":[[1,2],[3]],"majority":[1,2]}})",
      R"({"i":17,"t":1600,"k":"timer","n":1,"tag":1})",
  };
  for (const char* l : lines) t += std::string(l) + "\n";
  t += R"({"footer":true,"events":18,"end_us":2000})"
       "\n";
  return t;
}

std::shared_ptr<const TraceModel> hand_model() {
  return parse_trace(hand_trace(), "hand");
}

}  // namespace

TEST_CASE("cluster geometry puts n1 at the top and the rest clockwise on one circle",
          "[viz][cluster]") {
  for (int32_t n : {3, 5, 7}) {
    const float x0 = 10, y0 = 20, x1 = 410, y1 = 320;  // 400 x 300: the circle fits the height
    const ClusterGeometry g = cluster_geometry(n, x0, y0, x1, y1);
    REQUIRE(g.nodes.size() == static_cast<size_t>(n));
    CHECK(g.center.x == Approx(210));
    CHECK(g.center.y == Approx(170));
    REQUIRE(g.radius > 0);
    // n1 straight above the centre.
    CHECK(g.nodes[0].x == Approx(210).margin(1e-3));
    CHECK(g.nodes[0].y == Approx(170 - g.radius));
    const double step = 2 * 3.14159265358979 / n;
    for (int32_t i = 0; i < n; ++i) {
      const ClusterPoint p = g.nodes[static_cast<size_t>(i)];
      // Clockwise on a screen (y down): node i is i steps from the top, turning right first.
      CHECK(p.x == Approx(210 + g.radius * std::sin(step * i)).margin(1e-3));
      CHECK(p.y == Approx(170 - g.radius * std::cos(step * i)).margin(1e-3));
      // Disc and ring inside the rectangle.
      CHECK(p.x - 1.4f * g.node_radius >= x0);
      CHECK(p.x + 1.4f * g.node_radius <= x1);
      CHECK(p.y - 1.4f * g.node_radius >= y0);
      CHECK(p.y + 1.4f * g.node_radius <= y1);
    }
    // Neighbours' discs (with their rings) do not touch.
    const float dx = g.nodes[1].x - g.nodes[0].x, dy = g.nodes[1].y - g.nodes[0].y;
    CHECK(std::sqrt(dx * dx + dy * dy) > 2.3f * g.node_radius);
  }
  // n2 of three: a third of a turn clockwise from the top, right of and below the centre.
  const ClusterGeometry g3 = cluster_geometry(3, 0, 0, 300, 300);
  CHECK(g3.nodes[1].x > g3.center.x);
  CHECK(g3.nodes[1].y > g3.center.y);
  CHECK(g3.nodes[2].x < g3.center.x);
  // A font too big for the space still gets discs that hold the text.
  CHECK(cluster_geometry(7, 0, 0, 100, 100, 30).node_radius == Approx(30));
}

TEST_CASE("cluster election timer tags are the algorithms' own", "[viz][cluster]") {
  CHECK(election_timer_tags("raft") == std::vector<uint64_t>{1});
  CHECK(election_timer_tags("paxos") == std::vector<uint64_t>{1});
  CHECK(election_timer_tags("bully") == std::vector<uint64_t>{2});
  CHECK(election_timer_tags("lease") == std::vector<uint64_t>{1, 3});
  CHECK(election_timer_tags("unknown").empty());
}

TEST_CASE("cluster timer rings count down from the arm event to its due time", "[viz][cluster]") {
  const auto m = hand_model();
  const auto spans = election_timer_spans(*m, election_timer_tags(m->algorithm));
  REQUIRE(spans.size() == 3);
  // n1: armed at 0 (due 1000), reset at 400 (due 1600), fired at 1600.
  REQUIRE(spans[0].size() == 2);
  CHECK(spans[0][0].end == TimerSpan::End::Cancelled);
  CHECK(spans[0][0].end_us == 400);
  CHECK(spans[0][1].end == TimerSpan::End::Fired);
  CHECK(spans[0][1].end_us == 1600);
  const TimerSpan* s = armed_at(spans[0], 0);
  REQUIRE(s != nullptr);
  CHECK(ring_fraction(*s, 0) == Approx(1.0));
  CHECK(ring_fraction(*s, 250) == Approx(0.75));  // (1000 - 250) / 1000
  s = armed_at(spans[0], 1000);
  REQUIRE(s != nullptr);
  CHECK(s->due_us == 1600);
  CHECK(ring_fraction(*s, 1000) == Approx(0.5));  // (1600 - 1000) / 1200
  CHECK(armed_at(spans[0], 1600) == nullptr);     // fired
  // n2: armed at 0, gone with the crash at 500.
  REQUIRE(spans[1].size() == 1);
  CHECK(spans[1][0].end == TimerSpan::End::Crashed);
  CHECK(ring_fraction(spans[1][0], 499) == Approx(1501.0 / 2000));
  CHECK(armed_at(spans[1], 600) == nullptr);
  // n3's heartbeat timer (tag 2) is no election timer.
  CHECK(spans[2].empty());
}

TEST_CASE("cluster timer rings from a real Raft run match its arm events", "[viz][cluster]") {
  const std::string file =
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/raft-partition-leader-minority.json";
  const InProcessRun run = run_in_process(file, std::nullopt, std::nullopt, {});
  const auto m = parse_trace(run.trace, run.label);
  const auto spans = election_timer_spans(*m, {1});
  REQUIRE(spans.size() == 5);
  // n2's first election timer: find its arm event by hand in the trace and compare.
  const NodeTrack& n2 = m->nodes[1];
  int64_t armed = -1, due = -1;
  for (uint32_t e : n2.events) {
    if (m->events[e].kind != EventKind::Arm) continue;
    const std::string line(m->line(e));
    if (line.find("\"tag\":1,") == std::string::npos) continue;
    armed = m->events[e].t_us;
    const size_t at = line.find("\"due\":");
    due = std::stoll(line.substr(at + 6));
    break;
  }
  REQUIRE(armed >= 0);
  REQUIRE(due > armed);
  REQUIRE(!spans[1].empty());
  CHECK(spans[1][0].armed_us == armed);
  CHECK(spans[1][0].due_us == due);
  const Time_us quarter = armed + (due - armed) / 4;
  if (spans[1][0].end_us > quarter) {
    const TimerSpan* s = armed_at(spans[1], quarter);
    REQUIRE(s != nullptr);
    CHECK(ring_fraction(*s, quarter) ==
          Approx(static_cast<double>(due - quarter) / static_cast<double>(due - armed)));
  }
  // A span that fired ended at its due time (no clock faults in this scenario), and the leader
  // of term 2 (n3 at 2 s) has no election timer running.
  int fired = 0;
  for (const auto& node : spans)
    for (const TimerSpan& sp : node)
      if (sp.end == TimerSpan::End::Fired) {
        ++fired;
        CHECK(sp.end_us >= sp.due_us);
      }
  CHECK(fired >= 1);
  REQUIRE(state_at(*m, 3, 2000000).band != nullptr);
  CHECK(state_at(*m, 3, 2000000).band->role == Role::Leader);
  CHECK(armed_at(spans[2], 2000000) == nullptr);
}

TEST_CASE("cluster message dots travel along their link", "[viz][cluster]") {
  const auto m = hand_model();
  REQUIRE(m->messages.size() == 2);
  const Message& vote = m->messages[0];  // n1 -> n2, 100 -> 300
  CHECK(flight_fraction(vote, 99, 50) < 0);
  CHECK(flight_fraction(vote, 100, 50) == Approx(0.0));
  CHECK(flight_fraction(vote, 200, 50) == Approx(0.5));  // half way at mid-flight
  CHECK(flight_fraction(vote, 300, 50) < 0);             // arrived
  // Half way in fraction is half way between the discs' edges: the midpoint of the centres.
  const ClusterPoint a{0, 0}, b{100, 0};
  const ClusterPoint mid = along_link(a, b, 10, 0.5f);
  CHECK(mid.x == Approx(50));
  CHECK(mid.y == Approx(0));
  CHECK(along_link(a, b, 10, 0.0f).x == Approx(10));  // leaves at the sender's edge
  CHECK(along_link(a, b, 10, 1.0f).x == Approx(90));  // arrives at the receiver's edge

  // The lost one travels as a typical message would (100 us here) and ends in a cross that
  // lingers; before the loss it is a dot.
  const Message& lost = m->messages[1];  // n3 -> n2, sent 200, lost 260
  REQUIRE(lost.fate == Message::Fate::Dropped);
  CHECK(flight_fraction(lost, 250, 100) == Approx(0.5));
  auto marks = message_marks(*m, 250, 100, 200, false);
  REQUIRE(marks.size() == 2);
  CHECK_FALSE(marks[1].lost);
  marks = message_marks(*m, 400, 100, 200, false);
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].message == 1);
  CHECK(marks[0].lost);
  CHECK(marks[0].fraction == Approx(0.59).margin(0.02));   // as far as it came by 260
  CHECK(message_marks(*m, 470, 100, 200, false).empty());  // the cross is gone
}

TEST_CASE("cluster node states show crashed, paused and partitioned nodes", "[viz][cluster]") {
  const auto m = hand_model();
  CHECK(cluster_node_state(*m, 2, 400).role == Role::Follower);
  const ClusterNodeState crashed = cluster_node_state(*m, 2, 600);
  CHECK(crashed.started);
  CHECK(crashed.role == Role::Crashed);
  CHECK(cluster_node_state(*m, 2, 750).role == Role::Follower);  // restarted
  CHECK(cluster_node_state(*m, 2, 850).paused);
  CHECK_FALSE(cluster_node_state(*m, 2, 950).paused);
  // The partition {n1,n2} | {n3} from 1000 to the end (never healed, so at the end too).
  CHECK(cluster_node_state(*m, 3, 999).group == -1);
  CHECK(cluster_node_state(*m, 3, 1500).group == 1);
  CHECK(cluster_node_state(*m, 1, 2000).group == 0);
  CHECK_FALSE(link_cut(*m, 1, 3, 999));
  CHECK(link_cut(*m, 1, 3, 1000));
  CHECK(link_cut(*m, 3, 2, 2000));
  CHECK_FALSE(link_cut(*m, 1, 2, 1500));
}

TEST_CASE("cluster view in reveal mode knows nothing after the cursor", "[viz][cluster]") {
  const auto full = hand_model();
  // At 200 the vote n1 -> n2 is in flight; its delivery at 300 is not revealed, so its dot is
  // placed by the typical latency (not at 0.5 from the real delivery time) and never reaches.
  const auto prefix = reveal_until(full, 200);
  REQUIRE(prefix->messages.size() >= 1);
  const Message& vote = prefix->messages[0];
  CHECK(vote.fate == Message::Fate::InFlight);
  CHECK(flight_fraction(vote, 200, 400) == Approx(0.25));
  CHECK(flight_fraction(vote, 200, 50) == Approx(0.9));
  // n1's timer armed at 0 is still armed at the cut, counting down to its due time.
  const auto spans = election_timer_spans(*prefix, {1});
  const TimerSpan* s = armed_at(spans[0], 200);
  REQUIRE(s != nullptr);
  CHECK(s->end == TimerSpan::End::Open);
  CHECK(ring_fraction(*s, 200) == Approx(0.8));
}
