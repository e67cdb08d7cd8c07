// The cluster view's geometry and state at a time (viz/cluster_layout.h): node positions on the
// circle, election timer rings from the trace's arm / timer / cancel events, message dots along
// their links, crashed, paused and partitioned nodes, and the links faults cut (from real runs
// of small scenarios, checked against the messages the kernel dropped), and the timeline's
// arrows for them (viz/timeline_cuts.h). Pure functions, no ImGui.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "viz/cluster_layout.h"
#include "viz/inprocess.h"
#include "viz/timeline_cuts.h"
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

// A real run of five Raft nodes for 3 s under `faults` (a JSON list), from a scenario written
// to a scratch file named after `name`.
std::shared_ptr<const TraceModel> run_faults(const std::string& name, const std::string& faults) {
  const auto path =
      std::filesystem::temp_directory_path() / ("ballot-test-viz-cluster-" + name + ".json");
  std::ofstream(path) << R"({"name": ")" << name
                      << R"(", "nodes": 5, "algorithm": "raft", "seed": 3, "duration": "3s",)"
                      << R"( "faults": )" << faults << "}\n";
  const InProcessRun run = run_in_process(path.string(), std::nullopt, std::nullopt, {});
  std::filesystem::remove(path);
  return parse_trace(run.trace, run.label);
}

// The kernel decides a message's cut when it is sent: one sent on a cut link is dropped at once
// with reason "partition", any other is not. The view's cuts must say the same for every message
// (but those sent at the instant of a fault event, whose order within the instant decides).
// Returns how many were sent on a cut link.
int check_drops_agree_with_cuts(const TraceModel& m) {
  const std::vector<CutFault> faults = cut_faults(m);
  std::vector<Time_us> fault_times;
  for (uint32_t e : m.fault_events)
    if (m.events[e].kind == EventKind::Fault) fault_times.push_back(m.events[e].t_us);
  int cut = 0, checked = 0;
  for (const Message& msg : m.messages) {
    if (msg.from < 1 || msg.to < 1 || msg.duplicate) continue;
    if (std::find(fault_times.begin(), fault_times.end(), msg.send_us) != fault_times.end())
      continue;
    const bool dropped_as_cut = msg.fate == Message::Fate::Dropped &&
                                m.drop_reasons[msg.drop_reason] == "partition" &&
                                msg.end_us == msg.send_us;
    const bool drawn_cut = link_cuts_at(faults, msg.send_us, m.end_us).cut(msg.from, msg.to);
    if (drawn_cut != dropped_as_cut) {
      INFO("message " << msg.id << " n" << msg.from << " -> n" << msg.to << " sent at "
                      << msg.send_us);
      CHECK(drawn_cut == dropped_as_cut);
    }
    ++checked;
    cut += dropped_as_cut;
  }
  CHECK(checked > 100);
  return cut;
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

TEST_CASE("cluster cut links of a link_cut written with node sets, one way and both ways",
          "[viz][cluster]") {
  const auto m = run_faults(
      "sets", R"([{"at": "500ms", "duration": "500ms", "kind": "link_cut", "from": ["n1", "n2"],
                   "to": ["n3", "n4"]},
                  {"at": "1500ms", "duration": "500ms", "kind": "link_cut", "from": "n5",
                   "to": ["n1", "n2"], "both": true},
                  {"at": "2200ms", "duration": "300ms", "kind": "link_cut", "from": "n3",
                   "to": "n4"}])");
  CHECK(cut_faults(*m).size() == 3);
  // Their labels on the timeline's fault bars name the sets and the way.
  REQUIRE(m->faults.size() == 3);
  CHECK(m->faults[0].summary == "link_cut {n1,n2}->{n3,n4}");
  CHECK(m->faults[1].summary == "link_cut {n5}<->{n1,n2}");
  CHECK(m->faults[2].summary == "link_cut n3->n4");
  // {n1,n2} -> {n3,n4}, one way, during [0.5 s, 1 s).
  for (int32_t a : {1, 2})
    for (int32_t b : {3, 4}) {
      CHECK(link_cut(*m, a, b, 750000));
      CHECK_FALSE(link_cut(*m, b, a, 750000));  // the way back is not cut
      CHECK_FALSE(link_cut(*m, a, b, 499999));
      CHECK_FALSE(link_cut(*m, a, b, 1000000));
    }
  CHECK_FALSE(link_cut(*m, 1, 2, 750000));
  CHECK_FALSE(link_cut(*m, 3, 4, 750000));
  CHECK_FALSE(link_cut(*m, 1, 5, 750000));
  // n5 <-> {n1,n2}, both ways, during [1.5 s, 2 s).
  for (int32_t a : {1, 2}) {
    CHECK(link_cut(*m, 5, a, 1750000));
    CHECK(link_cut(*m, a, 5, 1750000));
    CHECK_FALSE(link_cut(*m, a, 5, 2000000));
  }
  CHECK_FALSE(link_cut(*m, 5, 3, 1750000));
  CHECK_FALSE(link_cut(*m, 1, 2, 1750000));
  // A single link, one way.
  CHECK(link_cut(*m, 3, 4, 2300000));
  CHECK_FALSE(link_cut(*m, 4, 3, 2300000));
  CHECK(check_drops_agree_with_cuts(*m) > 0);
}

TEST_CASE("cluster cut links of a bridge, a majorities ring, an isolation and a heal",
          "[viz][cluster]") {
  const auto m = run_faults("shapes",
                            R"([{"at": "300ms", "duration": "400ms", "kind": "bridge",
           "nodes": ["n1", "n2", "n3", "n4", "n5"]},
          {"at": "1s", "duration": "400ms", "kind": "majorities_ring",
           "nodes": ["n1", "n2", "n3", "n4", "n5"]},
          {"at": "1600ms", "kind": "isolate", "nodes": ["n2"]},
          {"at": "1600ms", "kind": "partition", "groups": [["n4"], ["n1", "n2", "n3", "n5"]]},
          {"at": "2s", "kind": "heal"}])");
  // Bridge over n1..n5: {n1,n2} and {n4,n5} cannot talk; n3 sees both.
  CHECK(link_cut(*m, 1, 4, 500000));
  CHECK(link_cut(*m, 4, 1, 500000));
  CHECK(link_cut(*m, 2, 5, 500000));
  CHECK_FALSE(link_cut(*m, 1, 3, 500000));
  CHECK_FALSE(link_cut(*m, 3, 5, 500000));
  CHECK_FALSE(link_cut(*m, 1, 2, 500000));
  CHECK_FALSE(link_cut(*m, 1, 4, 700000));
  // Majorities ring over n1..n5: each sees its two neighbours on the ring.
  CHECK(link_cut(*m, 1, 3, 1200000));
  CHECK(link_cut(*m, 3, 1, 1200000));
  CHECK(link_cut(*m, 2, 4, 1200000));
  CHECK(link_cut(*m, 5, 2, 1200000));
  CHECK_FALSE(link_cut(*m, 1, 2, 1200000));
  CHECK_FALSE(link_cut(*m, 1, 5, 1200000));
  CHECK_FALSE(link_cut(*m, 3, 4, 1200000));
  // n2 isolated and n4 partitioned off from 1.6 s, both without a duration, until the heal at
  // 2 s, which writes no end events for them.
  for (int32_t other : {1, 3, 5}) {
    CHECK(link_cut(*m, 2, other, 1800000));
    CHECK(link_cut(*m, other, 2, 1800000));
    CHECK(link_cut(*m, 4, other, 1800000));
    CHECK_FALSE(link_cut(*m, 2, other, 2100000));
    CHECK_FALSE(link_cut(*m, other, 4, 2100000));
  }
  CHECK_FALSE(link_cut(*m, 1, 3, 1800000));
  CHECK(cluster_node_state(*m, 4, 1800000).group == 0);
  CHECK(cluster_node_state(*m, 4, 2100000).group == -1);  // healed
  // The model ends their spans at the heal (the timeline's fault bars end there too).
  REQUIRE(m->faults.size() == 5);
  for (size_t f : {2, 3}) {
    CHECK(m->faults[f].span.end_us == 2000000);
    CHECK(m->faults[f].span.end_event == m->faults[4].span.begin_event);
  }
  CHECK(check_drops_agree_with_cuts(*m) > 0);
}

TEST_CASE("cluster flapping link is cut exactly while it is down", "[viz][cluster]") {
  // Down at 1 s, then up and down every 200 ms until its end at 2 s; n4 leads (from 0.2 s on),
  // so its heartbeats to n2 are lost while the link is down.
  const auto m = run_faults(
      "flap", R"([{"at": "1s", "duration": "1s", "kind": "flap", "from": "n4", "to": "n2",
                   "period": "200ms"}])");
  const std::vector<CutFault> faults = cut_faults(*m);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].flapping);
  auto cut_at = [&](Time_us t) {
    const LinkCutsAt at = link_cuts_at(faults, t, m->end_us);
    CHECK(at.cut(4, 2) == at.cut(2, 4));  // a flap cuts both ways
    return at.cut(4, 2);
  };
  CHECK_FALSE(cut_at(999999));
  for (Time_us t : {1000000, 1100000, 1199999, 1400000, 1500000, 1800000, 1999999})
    CHECK(cut_at(t));
  for (Time_us t : {1200000, 1300000, 1399999, 1600000, 1700000, 2000000, 2500000})
    CHECK_FALSE(cut_at(t));
  // Flapping while the fault lasts, down or up; only that link.
  CHECK(link_cuts_at(faults, 1300000, m->end_us).flaps(4, 2));
  CHECK(link_cuts_at(faults, 1100000, m->end_us).flaps(2, 4));
  CHECK_FALSE(link_cuts_at(faults, 1300000, m->end_us).flaps(4, 3));
  CHECK_FALSE(link_cuts_at(faults, 2000000, m->end_us).flaps(4, 2));
  CHECK_FALSE(link_cut(*m, 4, 3, 1100000));
  REQUIRE(state_at(*m, 4, 1000000).band != nullptr);
  CHECK(state_at(*m, 4, 1000000).band->role == Role::Leader);
  CHECK(check_drops_agree_with_cuts(*m) > 0);
}

TEST_CASE("cluster cut links in reveal mode know nothing after the cursor", "[viz][cluster]") {
  const auto full = run_faults(
      "reveal", R"([{"at": "1s", "duration": "1s", "kind": "flap", "from": "n1", "to": "n2",
                     "period": "200ms"},
                    {"at": "1s", "duration": "500ms", "kind": "link_cut", "from": ["n3"],
                     "to": ["n4", "n5"]}])");
  // At 1.3 s the link is up: the down at 1.4 s is not revealed, and neither is the end at 2 s.
  const auto up = reveal_until(full, 1300000);
  const std::vector<CutFault> faults = cut_faults(*up);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].down.size() == 1);  // [1 s, 1.2 s): the only down time known
  CHECK(faults[0].open);
  CHECK(faults[1].open);  // its end at 1.5 s is not known yet
  const LinkCutsAt at = link_cuts_at(faults, 1300000, up->end_us);
  CHECK_FALSE(at.cut(1, 2));
  CHECK(at.flaps(1, 2));
  CHECK(at.cut(3, 5));
  CHECK_FALSE(at.cut(5, 3));
  // At 1.45 s it is down again, as the whole trace says.
  const auto down = reveal_until(full, 1450000);
  CHECK(link_cut(*down, 2, 1, 1450000));
  CHECK(link_cut(*full, 2, 1, 1450000));
}

TEST_CASE("cluster cut links ignore a fault whose detail names no nodes of the cluster",
          "[viz][cluster]") {
  // A hand-edited trace: a link cut to n9 of three nodes, one whose sets are not lists of nodes,
  // a flap with one end, and a bridge that lists a node twice: nothing is drawn for them, and
  // the good link cut n1 -> n2 among them still is.
  std::string t = kHeader;
  const char* lines[] = {
      R"({"i":0,"t":0,"k":"start","n":1})",
      R"({"i":1,"t":0,"k":"start","n":2})",
      R"({"i":2,"t":0,"k":"start","n":3})",
      R"({"i":3,"t":100,"k":"fault","fault":1,"kind":"link_cut","phase":"begin","detail":{"from":1,"to":9}})",
      R"({"i":4,"t":100,"k":"fault","fault":2,"kind":"link_cut","phase":"begin","detail":{"from_nodes":"n1","to_nodes":[2]}})",
      R"({"i":5,"t":100,"k":"fault","fault":3,"kind":"flap","phase":"begin","detail":{"from":1,"period_us":10}})",
      R"({"i":6,"t":100,"k":"fault","fault":4,"kind":"bridge","phase":"begin","detail":{"nodes":[1,1,2]}})",
      R"({"i":7,"t":100,"k":"fault","fault":5,"kind":"link_cut","phase":"begin","detail":{"from":1,"to":2,"both":"yes"}})",
  };
  for (const char* l : lines) t += std::string(l) + "\n";
  t += R"({"footer":true,"events":8,"end_us":1000})"
       "\n";
  const auto m = parse_trace(t, "bad-detail");
  REQUIRE(m->faults.size() == 5);
  const std::vector<CutFault> faults = cut_faults(*m);
  REQUIRE(faults.size() == 1);
  CHECK(faults[0].fault == 4);
  const LinkCutsAt at = link_cuts_at(faults, 500, m->end_us);
  CHECK(at.cut(1, 2));
  CHECK_FALSE(at.cut(2, 1));  // "both" that is not a boolean is not true
  CHECK_FALSE(at.cut(1, 3));
  CHECK_FALSE(at.cut(3, 1));
  CHECK(at.flapping.empty());
}

// The timeline's arrows for cut links (viz/timeline_cuts.h), from the same resolution.
TEST_CASE("timeline cut arrows of node-set link cuts, a bridge and a majorities ring",
          "[viz][cluster][timeline]") {
  const auto m = run_faults(
      "arrows", R"([{"at": "300ms", "duration": "300ms", "kind": "link_cut", "from": ["n1", "n2"],
                     "to": ["n3", "n4"]},
                    {"at": "700ms", "duration": "300ms", "kind": "link_cut", "from": "n5",
                     "to": ["n1", "n2"], "both": true},
                    {"at": "1100ms", "duration": "300ms", "kind": "bridge",
                     "nodes": ["n1", "n2", "n3", "n4", "n5"]},
                    {"at": "1500ms", "duration": "300ms", "kind": "majorities_ring",
                     "nodes": ["n1", "n2", "n3", "n4", "n5"]},
                    {"at": "1900ms", "duration": "200ms", "kind": "isolate", "nodes": ["n2"]},
                    {"at": "2200ms", "duration": "200ms", "kind": "partition",
                     "groups": [["n1", "n2"], ["n3", "n4", "n5"]]}])");
  const std::vector<CutFault> cuts = cut_faults(*m);
  REQUIRE(cuts.size() == 6);
  const std::vector<int32_t> all = {1, 2, 3, 4, 5};
  // {n1,n2} -> {n3,n4}: four one-way arrows, left to right by their upper lane.
  CutArrows a = cut_arrows(cuts[0], all);
  CHECK(a.arrows ==
        std::vector<CutArrow>{{1, 3, false}, {1, 4, false}, {2, 3, false}, {2, 4, false}});
  CHECK(a.more == 0);
  CHECK(a.hidden == 0);
  // n5 <-> {n1,n2}: two two-way arrows, each from its upper lane.
  a = cut_arrows(cuts[1], all);
  CHECK(a.arrows == std::vector<CutArrow>{{1, 5, true}, {2, 5, true}});
  // With the lanes in another order, the upper lane is n5's.
  a = cut_arrows(cuts[1], {5, 1, 2});
  CHECK(a.arrows == std::vector<CutArrow>{{5, 1, true}, {5, 2, true}});
  // Bridge over n1..n5: {n1,n2} and {n4,n5} cut both ways, n3 sees both.
  a = cut_arrows(cuts[2], all);
  CHECK(a.arrows == std::vector<CutArrow>{{1, 4, true}, {1, 5, true}, {2, 4, true}, {2, 5, true}});
  // Majorities ring over n1..n5: each node loses its two far nodes, both ways.
  a = cut_arrows(cuts[3], all);
  CHECK(a.arrows == std::vector<CutArrow>{
                        {1, 3, true}, {1, 4, true}, {2, 4, true}, {2, 5, true}, {3, 5, true}});
  // Partitions and isolations have their own shading: no arrows; the others have.
  CHECK(draws_cut_arrows(m->faults[cuts[0].fault]));
  CHECK(draws_cut_arrows(m->faults[cuts[2].fault]));
  CHECK(draws_cut_arrows(m->faults[cuts[3].fault]));
  CHECK_FALSE(draws_cut_arrows(m->faults[cuts[4].fault]));
  CHECK_FALSE(draws_cut_arrows(m->faults[cuts[5].fault]));
  // Hidden lanes (filtered, scrolled away, folded into "+N more"): their links are counted, not
  // drawn.
  a = cut_arrows(cuts[3], {1, 2, 4});
  CHECK(a.arrows == std::vector<CutArrow>{{1, 4, true}, {2, 4, true}});
  CHECK(a.hidden == 3);
  a = cut_arrows(cuts[0], {3, 4});
  CHECK(a.arrows.empty());
  CHECK(a.hidden == 4);
  // The cap: the first arrows drawn, the rest counted.
  a = cut_arrows(cuts[3], all, 2);
  CHECK(a.arrows == std::vector<CutArrow>{{1, 3, true}, {1, 4, true}});
  CHECK(a.more == 3);
  CHECK(a.hidden == 0);
}

TEST_CASE("timeline cut arrows of a ring on 7 nodes fit, a 4x3 node-set cut is capped",
          "[viz][cluster][timeline]") {
  std::string t =
      R"({"format":"ballot-trace","format_version":2,"ballot_version":"0.1.0","file":"t.json","algorithm":"raft","seed":7,)"
      R"("scenario":{"name":"hand","nodes":7}})"
      "\n";
  for (int n = 1; n <= 7; ++n)
    t += R"({"i":)" + std::to_string(n - 1) + R"(,"t":0,"k":"start","n":)" + std::to_string(n) +
         "}\n";
  t +=
      R"({"i":7,"t":100,"k":"fault","fault":1,"kind":"majorities_ring","phase":"begin","detail":{"nodes":[1,2,3,4,5,6,7]}})"
      "\n";
  t +=
      R"({"i":8,"t":200,"k":"fault","fault":2,"kind":"link_cut","phase":"begin","detail":{"from_nodes":[1,2,3,4],"to_nodes":[5,6,7]}})"
      "\n";
  t += R"({"footer":true,"events":9,"end_us":1000})"
       "\n";
  const auto m = parse_trace(t, "ring7");
  const std::vector<CutFault> cuts = cut_faults(*m);
  REQUIRE(cuts.size() == 2);
  const std::vector<int32_t> all = {1, 2, 3, 4, 5, 6, 7};
  // The ring: each node sees its two neighbours on either side; the other two pairs are cut
  // both ways: 7 two-way arrows, within the cap.
  CutArrows a = cut_arrows(cuts[0], all);
  CHECK(a.arrows.size() == 7);
  CHECK(a.more == 0);
  for (const CutArrow& arrow : a.arrows) CHECK(arrow.both);
  // 4 x 3 one-way links: kMaxCutArrows drawn, the rest counted.
  a = cut_arrows(cuts[1], all);
  CHECK(a.arrows.size() == kMaxCutArrows);
  CHECK(a.more == 12 - kMaxCutArrows);
  CHECK(a.hidden == 0);
  CHECK(a.arrows.front() == CutArrow{1, 5, false});
  for (const CutArrow& arrow : a.arrows) CHECK_FALSE(arrow.both);
}
