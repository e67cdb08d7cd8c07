// Semantics of the network and of each fault kind, observed through the probe algorithm.
#include <catch2/catch.hpp>

#include <algorithm>

#include "algorithms/registry.h"
#include "sim/kernel/local_clock.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/probe.h"

using namespace ballot;
using namespace ballot::test;

namespace {

struct ProbeRun {
  ProbeLog log;
  Recorder rec;
  RunResult result;
};

// Runs the probe on a scenario given as JSON (defaults: constant 10 ms latency).
std::unique_ptr<ProbeRun> run_probe(const std::string& json, ProbeOptions options = {}) {
  auto run = std::make_unique<ProbeRun>();
  const Scenario scenario = parse_scenario(json, "test");
  Simulator sim(scenario, probe_factory(run->log, options), true);
  LogClock clock(run->log);
  sim.watch(&clock);
  sim.watch(&run->rec);
  run->result = sim.run();
  return run;
}

std::string cluster(int nodes, const std::string& extra, const std::string& latency = "10ms") {
  return R"({"nodes": )" + std::to_string(nodes) + R"(, "duration": "3s",
    "network": {"latency": {"dist": "constant", "value": ")" +
         latency + R"("}})" + (extra.empty() ? "" : ", " + extra) + "}";
}

// Deliveries at `to` from `from` arriving in [begin, end].
size_t count(const ProbeLog& log, NodeId to, NodeId from, Time_us begin_us, Time_us end_us) {
  return static_cast<size_t>(
      std::count_if(log.deliveries.begin(), log.deliveries.end(), [&](const ProbeLog::Delivery& d) {
        return d.to == to && d.from == from && d.at_us >= begin_us && d.at_us <= end_us;
      }));
}

bool dropped_with(const Recorder& rec, const std::string& reason) {
  return std::find(rec.drop_reasons.begin(), rec.drop_reasons.end(), reason) !=
         rec.drop_reasons.end();
}

constexpr Time_us ms = kMillisecond_us;

}  // namespace

TEST_CASE("without faults every ping arrives after exactly the latency", "[faults]") {
  auto run = run_probe(cluster(3, ""));
  // Pings at 100 ms, 200 ms, ... 2.9 s, to two peers each, from three nodes.
  CHECK(run->log.deliveries.size() == 29 * 3 * 2);
  for (const auto& d : run->log.deliveries) CHECK(d.at_us % (100 * ms) == 10 * ms);
  CHECK(run->rec.drop_reasons.empty());
}

TEST_CASE("a one-way link cut delivers in one direction only", "[faults]") {
  auto run = run_probe(cluster(
      2,
      R"("faults": [{"at": "1s", "duration": "1s", "kind": "link_cut", "from": "n1", "to": "n2"}])"));
  // n1 -> n2 sent in [1 s, 2 s) never arrive; n2 -> n1 all arrive.
  CHECK(count(run->log, 1, 0, 1000 * ms, 1999 * ms) == 0);
  CHECK(count(run->log, 0, 1, 1000 * ms, 1999 * ms) == 10);
  // Before and after, both directions work (the ping sent at 2 s runs after the fault's end).
  CHECK(count(run->log, 1, 0, 2000 * ms, 2999 * ms) == 10);
  CHECK(count(run->log, 1, 0, 0, 999 * ms) == 9);
  CHECK(dropped_with(run->rec, "partition"));
}

TEST_CASE("a symmetric partition splits groups; heal ends it early", "[faults]") {
  auto run = run_probe(cluster(3, R"("faults": [
      {"at": "1s", "duration": "1.5s", "kind": "partition", "groups": [["n1"], ["n2", "n3"]]},
      {"at": "1.5s", "kind": "heal"}])"));
  CHECK(count(run->log, 0, 1, 1000 * ms, 1499 * ms) == 0);
  CHECK(count(run->log, 1, 0, 1000 * ms, 1499 * ms) == 0);
  CHECK(count(run->log, 2, 1, 1000 * ms, 1499 * ms) == 5);  // same side
  CHECK(count(run->log, 0, 1, 1500 * ms, 1999 * ms) == 5);  // healed at 1.5 s
}

TEST_CASE("a crashed node receives nothing, loses volatile state, keeps durable state",
          "[faults]") {
  auto run = run_probe(cluster(
      3, R"("faults": [{"at": "1005ms", "duration": "500ms", "kind": "crash", "nodes": ["n2"]}])"));
  // Nothing delivered to n2 while it is down; the pings in flight at the crash are lost.
  CHECK(count(run->log, 1, 0, 1005 * ms, 1505 * ms) == 0);
  CHECK(dropped_with(run->rec, "receiver_crashed"));
  // No timer of n2 fires while it is down.
  for (const auto& f : run->log.timers)
    if (f.node == 1) CHECK((f.at_us < 1005 * ms || f.at_us > 1505 * ms));
  // Two boots of n2; the durable boot counter survived (2), the volatile ping counter did not.
  std::vector<int64_t> n2_boots;
  for (const auto& b : run->log.boots)
    if (b.node == 1) n2_boots.push_back(b.boots);
  CHECK(n2_boots == std::vector<int64_t>{1, 2});
  int64_t first_seq_after = -1;
  for (const auto& d : run->log.deliveries)
    if (d.from == 1 && d.at_us > 1505 * ms) {
      first_seq_after = d.seq;
      break;
    }
  CHECK(first_seq_after == 1);
}

TEST_CASE("disk loss reverts durable state to the last sync; a plain crash keeps it", "[faults]") {
  const std::string faults =
      R"("faults": [{"at": "1005ms", "duration": "100ms", "kind": "KIND", "nodes": ["n2"]}])";
  auto with_kind = [&](const std::string& kind) {
    std::string f = faults;
    f.replace(f.find("KIND"), 4, kind);
    return run_probe(cluster(2, f));
  };
  auto writes_at_second_boot = [](const ProbeRun& run) {
    for (const auto& b : run.log.boots)
      if (b.node == 1 && b.boots == 2) return b.writes;
    return int64_t{-1};
  };
  // n2 received 9 pings (sent 100..900 ms) before the crash at 1005 ms; it syncs only at boot,
  // when its write count is 0.
  CHECK(writes_at_second_boot(*with_kind("crash")) == 9);
  CHECK(writes_at_second_boot(*with_kind("disk_loss")) == 0);
}

TEST_CASE("a paused node fires overdue timers and gets queued messages on resume", "[faults]") {
  auto run = run_probe(cluster(
      2, R"("faults": [{"at": "1050ms", "duration": "500ms", "kind": "pause", "nodes": ["n2"]}])"));
  // No timer of n2 fires during the pause; the one due at 1.1 s fires at the resume, 1.55 s.
  std::vector<Time_us> n2_fired;
  for (const auto& f : run->log.timers)
    if (f.node == 1) n2_fired.push_back(f.at_us);
  CHECK(std::none_of(n2_fired.begin(), n2_fired.end(),
                     [](Time_us t) { return t > 1050 * ms && t < 1550 * ms; }));
  CHECK(std::find(n2_fired.begin(), n2_fired.end(), 1550 * ms) != n2_fired.end());
  // Pings from n1 sent at 1.1 .. 1.5 s arrive all at 1.55 s, in send order.
  std::vector<int64_t> seqs;
  for (const auto& d : run->log.deliveries)
    if (d.to == 1 && d.at_us == 1550 * ms) seqs.push_back(d.seq);
  CHECK(seqs == std::vector<int64_t>{11, 12, 13, 14, 15});
  // The local clock kept going: the resumed timer's local reading is 1.55 s.
  for (const auto& f : run->log.timers)
    if (f.node == 1 && f.at_us == 1550 * ms) CHECK(f.local_us == 1550 * ms);
}

TEST_CASE("clock drift changes when timers fire; a jump moves them", "[faults][clock]") {
  ProbeOptions options;
  options.ping_period_us = 0;
  options.one_shot_timers = {{1000 * ms, 7}};
  auto drift = run_probe(
      cluster(
          2,
          R"("faults": [{"at": 0, "kind": "clock_drift", "nodes": ["n2"], "drift_ppm": 100000}])"),
      options);
  REQUIRE(drift->log.timers.size() == 2);
  for (const auto& f : drift->log.timers) {
    if (f.node == 0) CHECK(f.at_us == 1000 * ms);
    if (f.node == 1) CHECK(f.at_us == 909091);  // 1 s local at 10% fast: ceil(1e6 / 1.1) µs
    CHECK(f.local_us >= 1000 * ms);
  }
  auto jump = run_probe(
      cluster(
          2,
          R"("faults": [{"at": "100ms", "kind": "clock_jump", "nodes": ["n2"], "jump": "500ms"}])"),
      options);
  for (const auto& f : jump->log.timers)
    if (f.node == 1) CHECK(f.at_us == 500 * ms);
}

TEST_CASE("loss drops, duplication delivers twice", "[faults][network]") {
  auto lossy = run_probe(R"({"nodes": 2, "duration": "1s", "network": {"loss": 1.0}})");
  CHECK(lossy->log.deliveries.empty());
  CHECK(dropped_with(lossy->rec, "loss"));
  auto dup = run_probe(R"({"nodes": 2, "duration": "1050ms", "network": {"duplicate": 1.0,
      "latency": {"dist": "constant", "value": "10ms"}}})");
  CHECK(dup->log.deliveries.size() == 2 * 2 * 10);
}

TEST_CASE("random delays reorder; FIFO links never do", "[faults][network]") {
  ProbeOptions options;
  options.ping_period_us = 1 * ms;
  auto in_order = [](const ProbeRun& run) {
    int64_t last = 0;
    bool ordered = true;
    for (const auto& d : run.log.deliveries)
      if (d.to == 1) {
        ordered &= d.seq > last;
        last = d.seq;
      }
    return ordered;
  };
  const std::string net =
      R"({"nodes": 2, "duration": "1s", "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "50ms"}, "fifo": FIFO}})";
  std::string fifo = net, plain = net;
  fifo.replace(fifo.find("FIFO"), 4, "true");
  plain.replace(plain.find("FIFO"), 4, "false");
  CHECK(in_order(*run_probe(fifo, options)));
  CHECK_FALSE(in_order(*run_probe(plain, options)));
}

TEST_CASE("message-type-selective drops hit only what they name", "[faults]") {
  auto run = run_probe(cluster(
      3,
      R"("faults": [{"at": "1s", "duration": "1s", "kind": "drop", "type": "Ping", "from": "n1", "to": "n2"}])"));
  CHECK(count(run->log, 1, 0, 1000 * ms, 1999 * ms) == 0);
  CHECK(count(run->log, 2, 0, 1000 * ms, 1999 * ms) == 10);
  CHECK(dropped_with(run->rec, "selective_drop"));
  auto other = run_probe(cluster(
      3, R"("faults": [{"at": "1s", "duration": "1s", "kind": "drop", "type": "AppendEntries"}])"));
  CHECK(other->rec.drop_reasons.empty());
}

TEST_CASE("isolate, and the leader selector resolved when the fault fires", "[faults]") {
  // The probe's n1 reports itself leader, so "leader" means n1.
  auto run = run_probe(cluster(
      3, R"("faults": [{"at": "1s", "duration": "1s", "kind": "isolate", "nodes": ["leader"]}])"));
  CHECK(count(run->log, 1, 0, 1000 * ms, 1999 * ms) == 0);
  CHECK(count(run->log, 0, 2, 1000 * ms, 1999 * ms) == 0);
  CHECK(count(run->log, 1, 2, 1000 * ms, 1999 * ms) == 10);
}

TEST_CASE("sparse topologies route over links; no path means no delivery", "[faults][network]") {
  // A line n1 - n2 - n3 with 5 ms per hop on top of the sampled 10 ms.
  const std::string line = R"("topology": {"kind": "explicit", "edges": [
      {"between": ["n1", "n2"], "latency": "5ms"}, {"between": ["n2", "n3"], "latency": "5ms"}]})";
  auto run = run_probe(cluster(3, line));
  for (const auto& d : run->log.deliveries) {
    const bool two_hops = (d.to == 0 && d.from == 2) || (d.to == 2 && d.from == 0);
    CHECK(d.at_us % (100 * ms) == (two_hops ? 20 * ms : 15 * ms));
  }
  auto cut = run_probe(cluster(
      3,
      line +
          R"(, "faults": [{"at": "1s", "duration": "1s", "kind": "isolate", "nodes": ["n2"]}])"));
  CHECK(count(cut->log, 2, 0, 1000 * ms, 1999 * ms) == 0);
  CHECK(dropped_with(cut->rec, "no_route"));
}

TEST_CASE("Jepsen shapes: majorities ring and bridge", "[faults]") {
  auto ring = run_probe(cluster(
      5,
      R"("faults": [{"at": "1s", "duration": "1s", "kind": "majorities_ring", "nodes": ["n1", "n2", "n3", "n4", "n5"]}])"));
  // In the ring n1..n5 each node hears only its two neighbours: itself plus two is a majority.
  for (NodeId to = 0; to < 5; ++to)
    for (NodeId from = 0; from < 5; ++from) {
      if (to == from) continue;
      const int d = std::abs(to - from);
      const bool neighbour = std::min(d, 5 - d) == 1;
      CHECK(count(ring->log, to, from, 1100 * ms, 1999 * ms) == (neighbour ? 9u : 0u));
    }
  auto bridge = run_probe(cluster(
      5,
      R"("faults": [{"at": "1s", "duration": "1s", "kind": "bridge", "nodes": ["n1", "n2", "n3", "n4", "n5"]}])"));
  // Halves {n1, n2} and {n4, n5}; n3 is the bridge and hears everyone.
  CHECK(count(bridge->log, 0, 3, 1100 * ms, 1999 * ms) == 0);
  CHECK(count(bridge->log, 4, 1, 1100 * ms, 1999 * ms) == 0);
  for (NodeId from : {0, 1, 3, 4}) CHECK(count(bridge->log, 2, from, 1100 * ms, 1999 * ms) == 9);
}

TEST_CASE("a flapping link goes down and up every period", "[faults]") {
  auto run = run_probe(cluster(
      2,
      R"("faults": [{"at": "950ms", "duration": "1s", "kind": "flap", "from": "n1", "to": "n2", "period": "200ms"}])"));
  // Down 0.95-1.15, up 1.15-1.35, down 1.35-1.55, up 1.55-1.75, down 1.75-1.95.
  CHECK(count(run->log, 1, 0, 1000 * ms, 1150 * ms) == 0);
  CHECK(count(run->log, 1, 0, 1200 * ms, 1350 * ms) == 2);
  CHECK(count(run->log, 1, 0, 1400 * ms, 1550 * ms) == 0);
  CHECK(count(run->log, 1, 0, 1600 * ms, 1750 * ms) == 2);
  CHECK(count(run->log, 1, 0, 2000 * ms, 2999 * ms) == 10);
}

TEST_CASE("delay spikes and slow nodes add delay", "[faults]") {
  auto spike = run_probe(cluster(
      2, R"("faults": [{"at": "1s", "duration": "1s", "kind": "delay_spike", "delay": "100ms"}])"));
  for (const auto& d : spike->log.deliveries) {
    const Time_us sent_us = d.at_us - d.at_us % (100 * ms);
    const bool in_spike = d.at_us > 1100 * ms && d.at_us < 2100 * ms;
    if (in_spike) CHECK(d.at_us % (100 * ms) == 10 * ms);  // 110 ms later: still on the grid
    (void)sent_us;
  }
  CHECK(count(spike->log, 1, 0, 1010 * ms, 1010 * ms) == 0);  // the 1 s ping arrives at 1.11 s
  CHECK(count(spike->log, 1, 0, 1110 * ms, 1110 * ms) == 1);
  auto slow = run_probe(cluster(
      3,
      R"("faults": [{"at": "1s", "duration": "1s", "kind": "slow_node", "nodes": ["n3"], "delay": "30ms"}])"));
  CHECK(count(slow->log, 2, 0, 1040 * ms, 1040 * ms) == 1);
  CHECK(count(slow->log, 1, 0, 1010 * ms, 1010 * ms) == 1);
}

// Regression: a clock_jump of 2562047788h (about INT64_MAX µs; the scenario reader now refuses
// it, so the faults are added to the struct directly) wrapped the node's clock: a timer landed on
// the same instant forever, and Bully, Raft and Paxos hung while memory grew by gigabytes. Two
// jumps adding past the limit wrapped the clock negative. Now a jump stops at kClockLimit_us and
// the clock keeps running, so timers land later and the run ends.
TEST_CASE("huge clock jumps neither hang a run nor wrap a clock", "[faults][clock]") {
  constexpr Time_us kHuge_us = 2562047788LL * 3600 * kSecond_us;
  for (const char* name : {"bully", "raft", "paxos", "lease"}) {
    INFO(name);
    Scenario s = parse_scenario(R"({"nodes": 3, "duration": "3s",
        "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"}},
        "workload": {"clients": 2, "mean_interval": "50ms", "timeout": "300ms",
                     "job_period": "100ms", "id_interval": "100ms"}})",
                                "huge-jumps");
    s.algorithm = name;
    auto jump = [&s](Time_us at_us, NodeId node, Time_us jump_us) {
      FaultSpec f;
      f.kind = FaultKind::ClockJump;
      f.at_us = at_us;
      f.nodes = {node};
      f.jump_us = jump_us;
      s.faults.push_back(f);
    };
    jump(1 * kSecond_us, 0, kHuge_us);
    jump(1 * kSecond_us, 1, kHuge_us);
    jump(1500 * ms, 1, kHuge_us);  // adds up past the limit
    jump(1 * kSecond_us, 2, -kHuge_us);
    const AlgorithmInfo* algo = find_algorithm(name);
    REQUIRE(algo != nullptr);
    std::unique_ptr<Simulator> sim = make_simulator(*algo, s);
    const RunResult result = sim->run();
    CHECK(result.end_us == 3 * kSecond_us);
    CHECK(result.events < 100000);  // a few thousand; the hang queued events without end
    CHECK(sim->local_time(0) >= kClockLimit_us);
    CHECK(sim->local_time(1) >= kClockLimit_us);  // not wrapped negative
    CHECK(sim->local_time(2) <= -kClockLimit_us + 3 * kSecond_us);
  }
}

TEST_CASE("drop_message drops exactly the nth message of its type on its link", "[faults]") {
  // The probe pings every peer every 100ms from 100ms: the 5th Ping n1 -> n2 is sent at 500ms.
  auto run = run_probe(cluster(
      3,
      R"("faults": [{"at": "200ms", "kind": "drop_message", "from": "n1", "to": "n2", "type": "Ping", "nth": 5}])"));
  CHECK(count(run->log, 1, 0, 510 * ms, 510 * ms) == 0);
  CHECK(count(run->log, 1, 0, 0, 509 * ms) == 4);
  CHECK(count(run->log, 1, 0, 511 * ms, 3000 * ms) == 24);
  CHECK(count(run->log, 0, 1, 0, 3000 * ms) == 29);  // the reverse link is untouched
  CHECK(count(run->log, 2, 0, 0, 3000 * ms) == 29);  // and so are n1's other links
  CHECK(run->rec.drop_reasons == std::vector<std::string>{"drop_message"});
  REQUIRE(run->result.fault_effects.size() == 1);
  CHECK(run->result.fault_effects[0].dropped == 1);
  CHECK_FALSE(run->result.fault_effects[0].inert());

  SECTION("counted from the start of the run: armed after its message, it is inert") {
    auto late = run_probe(cluster(
        3,
        R"("faults": [{"at": "600ms", "kind": "drop_message", "from": "n1", "to": "n2", "type": "Ping", "nth": 5}])"));
    CHECK(late->rec.drop_reasons.empty());
    REQUIRE(late->result.fault_effects.size() == 1);
    CHECK(late->result.fault_effects[0].inert());
  }
  SECTION("a message that never comes, or another type, drops nothing") {
    auto never = run_probe(cluster(
        3,
        R"("faults": [{"at": "0s", "kind": "drop_message", "from": "n1", "to": "n2", "type": "Ping", "nth": 1000},
                      {"at": "0s", "kind": "drop_message", "from": "n1", "to": "n2", "type": "Pong", "nth": 1}])"));
    CHECK(never->rec.drop_reasons.empty());
    REQUIRE(never->result.fault_effects.size() == 2);
    CHECK(never->result.fault_effects[0].inert());
    CHECK(never->result.fault_effects[1].inert());
  }
}

TEST_CASE("the drops a partition effected, as drop_message faults, replay the same deliveries",
          "[faults]") {
  const std::string partition =
      R"("faults": [{"at": "1s", "duration": "300ms", "kind": "partition", "groups": [["n1"], ["n2", "n3"]]}])";
  const Scenario scenario = parse_scenario(cluster(3, partition, "7ms"), "test");
  ProbeLog log;
  Simulator sim(scenario, probe_factory(log, {}), true);
  LogClock clock(log);
  sim.watch(&clock);
  sim.record_dropped_messages();
  const RunResult recorded = sim.run();
  REQUIRE(recorded.fault_effects.size() == 1);
  const FaultEffect& effect = recorded.fault_effects[0];
  // n1 <-> n2 and n1 <-> n3, both ways, three pings each (1.1s, 1.2s, 1.3s: 1s begins before the
  // pings of that instant, 1.3s ends before them).
  CHECK(effect.dropped == 12);
  REQUIRE(effect.messages.size() == 12);
  std::string drops;
  for (const DroppedMessage& m : effect.messages) {
    CHECK(m.type == "Ping");
    CHECK(m.sent_us >= 1000 * ms);
    CHECK(m.sent_us < 1300 * ms);
    if (!drops.empty()) drops += ",";
    drops += R"({"at": ")" + std::to_string(m.sent_us) +
             R"(us", "kind": "drop_message", "from": "n)" + std::to_string(m.from + 1) +
             R"(", "to": "n)" + std::to_string(m.to + 1) + R"(", "type": "Ping", "nth": )" +
             std::to_string(m.nth) + "}";
  }
  auto replayed = run_probe(cluster(3, R"("faults": [)" + drops + "]", "7ms"));
  CHECK(replayed->rec.drop_reasons == std::vector<std::string>(12, "drop_message"));
  REQUIRE(replayed->log.deliveries.size() == log.deliveries.size());
  for (size_t i = 0; i < log.deliveries.size(); ++i) {
    CHECK(replayed->log.deliveries[i].at_us == log.deliveries[i].at_us);
    CHECK(replayed->log.deliveries[i].from == log.deliveries[i].from);
    CHECK(replayed->log.deliveries[i].to == log.deliveries[i].to);
  }
}
