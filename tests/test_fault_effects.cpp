// The fault-effect audit: every fault instance counts what it did (messages dropped or delayed,
// nodes stopped, handler calls held back, clock offset, faults ended), exactly, on the probe
// algorithm; a fault that did nothing is inert, and `expect.no_inert_faults` fails the run.
#include <catch2/catch.hpp>

#include "cli/runner.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/probe.h"

using namespace ballot;
using namespace ballot::test;

namespace {

// The probe on a scenario: every node pings every other every 100 ms (0: never), 10 ms latency.
RunResult run_probe(const std::string& faults, int nodes = 3, Time_us ping_period_us = 100'000) {
  const std::string json = R"({"nodes": )" + std::to_string(nodes) + R"(, "duration": "3s",
    "network": {"latency": {"dist": "constant", "value": "10ms"}}, "faults": )" +
                           faults + "}";
  const Scenario scenario = parse_scenario(json, "test");
  ProbeLog log;
  ProbeOptions options;
  options.ping_period_us = ping_period_us;
  Simulator sim(scenario, probe_factory(log, options), true);
  LogClock clock(log);
  sim.watch(&clock);
  return sim.run();
}

}  // namespace

TEST_CASE("a link cut counts exactly the messages it dropped", "[fault_effects]") {
  // n1 pings n2 at 1.0 s ... 1.9 s while the link is cut: 10 drops (the ping at 2 s runs after
  // the end). The reverse direction is untouched.
  const RunResult r = run_probe(
      R"([{"at": "1s", "duration": "1s", "kind": "link_cut", "from": "n1", "to": "n2"}])", 2);
  REQUIRE(r.fault_effects.size() == 1);
  CHECK(r.fault_effects[0].fault == 1);
  CHECK(r.fault_effects[0].dropped == 10);
  CHECK(r.fault_effects[0].delayed == 0);
  CHECK_FALSE(r.fault_effects[0].inert());
  CHECK(r.metrics.at("messages_dropped") == 10);
}

TEST_CASE("overlapping partitions each count the drops on the links they cut", "[fault_effects]") {
  // #1 cuts n1 from {n2, n3} in [1 s, 2 s); #2 cuts n3 from {n1, n2} in [1.5 s, 2.5 s). A message
  // n1 -> n3 at 1.5 s .. 1.9 s is on a link both cut: both count it.
  const RunResult r = run_probe(R"([
      {"at": "1s", "duration": "1s", "kind": "isolate", "nodes": ["n1"]},
      {"at": "1.5s", "duration": "1s", "kind": "isolate", "nodes": ["n3"]}])");
  REQUIRE(r.fault_effects.size() == 2);
  // #1: 10 pings x (n1 -> n2, n1 -> n3, n2 -> n1, n3 -> n1).
  CHECK(r.fault_effects[0].dropped == 40);
  // #2: 10 pings x (n3 -> n1, n3 -> n2, n1 -> n3, n2 -> n3).
  CHECK(r.fault_effects[1].dropped == 40);
  // Overlap: n1 <-> n3 for 5 pings each way was dropped once but counted by both.
  CHECK(r.metrics.at("messages_dropped") == 40 + 40 - 10);
}

TEST_CASE("a drop rule counts its own drops, a delay spike the messages it slowed",
          "[fault_effects]") {
  const RunResult r = run_probe(R"([
      {"at": "1s", "duration": "1s", "kind": "drop", "type": "Ping", "from": "n1", "to": "n2"},
      {"at": "1s", "duration": "1s", "kind": "delay_spike", "delay": "5ms", "nodes": []}])");
  REQUIRE(r.fault_effects.size() == 2);
  CHECK(r.fault_effects[0].dropped == 10);
  CHECK(r.fault_effects[0].delayed == 0);
  // Every ping sent in [1 s, 2 s) by 3 nodes to 2 peers, less the 10 the drop rule took.
  CHECK(r.fault_effects[1].delayed == 10 * 3 * 2 - 10);
  CHECK(r.fault_effects[1].dropped == 0);
}

TEST_CASE("a link cut between nodes that never talk is inert", "[fault_effects]") {
  const RunResult r = run_probe(
      R"([{"at": "1s", "duration": "1s", "kind": "link_cut", "from": "n1", "to": "n2"}])", 3, 0);
  REQUIRE(r.fault_effects.size() == 1);
  CHECK(r.fault_effects[0].inert());
}

TEST_CASE("a crash of a crashed node is inert, a pause holds handler calls back",
          "[fault_effects]") {
  const RunResult r = run_probe(R"([
      {"at": "1s", "duration": "1s", "kind": "crash", "nodes": ["n2"]},
      {"at": "1.5s", "duration": "100ms", "kind": "crash", "nodes": ["n2"]},
      {"at": "1005ms", "duration": "500ms", "kind": "pause", "nodes": ["n3"]},
      {"at": "2.5s", "kind": "heal"}])");
  REQUIRE(r.fault_effects.size() == 4);
  CHECK(r.fault_effects[0].nodes_stopped == 1);
  CHECK_FALSE(r.fault_effects[0].inert());
  // #2 is the pause (faults fire in time order): n3 paused in [1.005 s, 1.505 s) held n1's pings
  // arriving at 1.01 ... 1.41 s (5; n2 is down) and its ping timer due at 1.1 s (1; the probe
  // re-arms it only when it runs).
  CHECK(r.fault_effects[1].nodes_stopped == 1);
  CHECK(r.fault_effects[1].handlers_not_run == 5 + 1);
  CHECK(r.fault_effects[2].nodes_stopped == 0);
  CHECK(r.fault_effects[2].inert());
  // A heal with no network fault in force ends nothing.
  CHECK(r.fault_effects[3].faults_ended == 0);
  CHECK(r.fault_effects[3].inert());
}

TEST_CASE("a heal counts the faults it ended, clock faults the offset they applied",
          "[fault_effects]") {
  const RunResult r = run_probe(R"([
      {"at": "1s", "kind": "partition", "groups": [["n1"], ["n2", "n3"]]},
      {"at": "1.5s", "kind": "heal"},
      {"at": "2s", "kind": "clock_jump", "nodes": ["n1", "n2"], "jump": "-250ms"},
      {"at": "2s", "duration": "500ms", "kind": "clock_drift", "nodes": ["n3"], "drift_ppm": 1000},
      {"at": "2.6s", "duration": "1s", "kind": "clock_drift", "nodes": ["n3"], "drift_ppm": 0}])");
  REQUIRE(r.fault_effects.size() == 5);
  CHECK(r.fault_effects[0].dropped == 5 * 4);  // 1.0 .. 1.4 s, n1 <-> n2 and n1 <-> n3
  CHECK(r.fault_effects[1].faults_ended == 1);
  CHECK(r.fault_effects[2].clock_offset_us == 2 * 250'000);
  CHECK(r.fault_effects[3].clock_offset_us == 500);  // 1000 ppm over 500 ms
  // A drift to the drift the clock already has moves nothing: inert.
  CHECK(r.fault_effects[4].inert());
}

TEST_CASE("expect.no_inert_faults fails a run with an inert fault, judged by judge_run",
          "[fault_effects]") {
  const std::string base = R"({"algorithm": "raft", "nodes": 3, "duration": "3s", "seed": 1,
    "faults": [{"at": "1s", "duration": "1s", "kind": "crash", "nodes": ["n2"]},
               {"at": "1.5s", "duration": "100ms", "kind": "crash", "nodes": ["n2"]}])";
  const RunReport plain = run_scenario(parse_scenario(base + "}", "test"));
  REQUIRE(plain.faults.size() == 2);
  CHECK_FALSE(plain.faults[0].effect.inert());
  CHECK(plain.faults[1].effect.inert());
  CHECK(judge_run(plain).ok());  // without the expectation: a warning only
  CHECK(inert_fault_warnings(plain.faults).size() == 1);

  const RunReport strict =
      run_scenario(parse_scenario(base + R"(, "expect": {"no_inert_faults": true}})", "test"));
  const Verdict verdict = judge_run(strict);
  REQUIRE(verdict.failures.size() == 1);
  CHECK(verdict.failures[0].what == "expect.no_inert_faults");
  CHECK(verdict.failures[0].text.find("#2") != std::string::npos);

  const RunReport lax =
      run_scenario(parse_scenario(base + R"(, "expect": {"no_inert_faults": false}})", "test"));
  CHECK(judge_run(lax).ok());
}
