// Determinism is the product: the same scenario and seed give the same trace, bit for bit, in
// every build type and with every compiler (golden hashes checked in scenarios/ are verified by
// every build of this test; CI builds it with GCC and with Clang);
// different seeds give different runs; the nemesis gives every algorithm the same faults.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/nemesis.h"
#include "support/probe.h"

using namespace ballot;

namespace {
std::string source(const std::string& relative) {
  return std::string(BALLOT_SOURCE_DIR) + "/" + relative;
}

// Fault events (begin, end, flap steps) as trace lines, without their index.
class FaultRecorder final : public Observer {
 public:
  void on_event(const TraceEvent& ev) override {
    if (ev.kind != EventKind::Fault) return;
    TraceEvent copy = ev;
    copy.index = 0;
    lines.push_back(event_to_json(copy));
  }
  std::vector<std::string> lines;
};

const char* kNemesisScenario = R"({
  "nodes": 5, "duration": "20s", "seed": 11,
  "nemesis": {"kinds": ["partition", "crash", "pause", "isolate", "link_cut", "clock_drift",
                        "loss_burst", "majorities_ring", "bridge", "flap", "delay_spike"],
              "mean_interval": "1s", "duration_min": "200ms", "duration_max": "2s"}
})";
}  // namespace

TEST_CASE("same scenario and seed give the same hash and the same trace", "[determinism]") {
  const Scenario s = load_scenario(source("scenarios/bully-partition.json"));
  std::ostringstream a, b;
  const RunReport ra = run_scenario(s, &a);
  const RunReport rb = run_scenario(s, &b);
  CHECK(ra.result.trace_hash == rb.result.trace_hash);
  CHECK(a.str() == b.str());
  // A run without a trace file computes the same hash.
  CHECK(run_scenario(s).result.trace_hash == ra.result.trace_hash);
}

TEST_CASE("different seeds give different runs", "[determinism]") {
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario s =
        load_scenario(source("scenarios/bully-partition.json"), {"seed=" + std::to_string(seed)});
    hashes.insert(run_scenario(s).result.trace_hash);
  }
  CHECK(hashes.size() == 20);
}

TEST_CASE("golden trace hashes hold in this build type and with this compiler",
          "[determinism][golden]") {
  // Every shipped scenario with a "golden" entry for its own algorithm and seed: the hash was
  // recorded once and must never change unless the behaviour is meant to change.
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    const Scenario s = load_scenario(entry.path().string());
    for (const auto& [key, hash] : s.golden) {
      const auto slash = key.find('/');
      REQUIRE(slash != std::string::npos);
      if (find_algorithm(key.substr(0, slash)) == nullptr) continue;  // not built here
      const Scenario variant = load_scenario(
          entry.path().string(),
          {"algorithm=\"" + key.substr(0, slash) + "\"", "seed=" + key.substr(slash + 1)});
      INFO(entry.path().filename().string() << " " << key);
      CHECK(hash_hex(run_scenario(variant).result.trace_hash) == hash);
      ++checked;
    }
  }
  CHECK(checked >= 3);
}

// The golden hash covers what the run did: fixing a typo in a lesson must not break its test.
TEST_CASE("the trace hash ignores name, description, captions and expectations, not the run",
          "[determinism][golden]") {
  const std::string file = source("scenarios/raft-figure8.json");
  const Scenario base = load_scenario(file);
  REQUIRE(base.captions.size() >= 2);
  const RunResult ran = run_scenario(base).result;

  SECTION("presentation edits keep the hash") {
    const std::vector<std::vector<std::string>> edits = {
        {"name=renamed", R"(description="a typo, fixed")"},
        {R"(captions[0].text="Another caption")", "captions[1].pause=true"},
        {"captions=null"},
        {R"(captions=[{"at": "0s", "text": "at the first event"},
                      {"at": "1.152s", "text": "at a leader's election"},
                      {"at": "2999ms", "text": "near the end", "pause": true}])"},
        {"expect=null", "golden=null"},
    };
    for (const auto& sets : edits) {
      INFO(sets.front());
      const RunResult r = run_scenario(load_scenario(file, sets)).result;
      CHECK(r.trace_hash == ran.trace_hash);
    }
    // The captions are still in the trace (replay compares them event by event).
    CHECK(run_scenario(load_scenario(file, {"captions=null"})).result.events ==
          ran.events - base.captions.size());
  }
  SECTION("anything that changes the run changes the hash") {
    // (Not the seed: this lesson is scripted to the microsecond, and draws nothing random.)
    const std::vector<std::string> changes = {
        "params.raft.leader_noop=true",
        "params.raft.heartbeat_interval=60ms",
        "params.raft.n5.election_timeout_max=310ms",
        "network.latency.value=2ms",
        "faults[0].at=1ms",
        "duration=2.5s",
    };
    for (const std::string& change : changes) {
      INFO(change);
      CHECK(run_scenario(load_scenario(file, {change})).result.trace_hash != ran.trace_hash);
    }
  }
}

TEST_CASE("the nemesis gives two different algorithms the same fault schedule",
          "[determinism][nemesis]") {
  const Scenario s = parse_scenario(kNemesisScenario, "nemesis");
  test::ProbeLog log;
  Simulator probe(s, test::probe_factory(log), true);
  FaultRecorder probe_faults;
  probe.watch(&probe_faults);
  probe.run();

  Params params("params.bully", {});
  const AlgorithmInfo* bully = find_algorithm("bully");
  REQUIRE(bully != nullptr);
  Simulator bully_sim(s, bully->make(params, s.nodes), false);
  FaultRecorder bully_faults;
  bully_sim.watch(&bully_faults);
  bully_sim.run();

  REQUIRE(probe_faults.lines.size() > 20);
  CHECK(probe_faults.lines == bully_faults.lines);

  // And another seed draws another schedule.
  Scenario other = parse_scenario(kNemesisScenario, "nemesis", {"seed=12"});
  test::ProbeLog log2;
  Simulator probe2(other, test::probe_factory(log2), true);
  FaultRecorder faults2;
  probe2.watch(&faults2);
  probe2.run();
  CHECK(faults2.lines != probe_faults.lines);
}

TEST_CASE("replaying a trace's header reproduces the trace", "[determinism][replay]") {
  const Scenario s = load_scenario(source("scenarios/bully-partition.json"), {"seed=5"});
  std::ostringstream trace;
  run_scenario(s, &trace);
  std::istringstream in(trace.str());
  std::string header;
  std::getline(in, header);
  const std::string marker = "\"scenario\":";
  const auto at = header.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string resolved =
      header.substr(at + marker.size(), header.size() - at - marker.size() - 1);
  const Scenario again = parse_scenario(resolved, "header");
  std::ostringstream trace2;
  run_scenario(again, &trace2);
  // Identical apart from the scenario text in the header (the same scenario, re-serialised).
  auto body = [](const std::string& t) { return t.substr(t.find('\n')); };
  CHECK(body(trace2.str()) == body(trace.str()));
}

// The nemesis draws its schedule one fault ahead as the run goes. These hashes were recorded with
// the up-front drawing it replaced (commit ba01343), over every fault kind: the lazy schedule must
// give the same runs, event for event. The Raft hashes were re-recorded for trace format 2, which
// writes candidate_id and leader_id 1-based: the same events, two fields' values shifted by one.
// The Paxos hashes were re-recorded when Multi-Paxos's messages changed (issue #12: decisions on
// the watermark, Accepts resent after a timeout, heartbeats only to idle followers); the old ones
// had shown the lazy schedule equal to the up-front one for the old Paxos, as the other three
// algorithms' hashes still show it. All eight were re-recorded when the trace gained `arm` and
// `cancel` events (timers armed and cancelled): the runs are the same, event for event, once those
// lines are left out (checked against the traces of the commit before), so the lazy schedule
// still equals the up-front one as far as it did.
TEST_CASE("the lazily drawn nemesis gives the runs the up-front schedule gave",
          "[determinism][nemesis]") {
  const std::vector<std::tuple<std::string, uint64_t, std::string>> recorded = {
      {"bully", 1, "23fd06d815748c0b"}, {"bully", 2, "bf9784cabf54d41b"},
      {"raft", 1, "1bfa3598e1fa7a15"},  {"raft", 2, "696b4f516f94349a"},
      {"paxos", 1, "2acfb37ea6fb5b53"}, {"paxos", 2, "bf0e9db864c82d48"},
      {"lease", 1, "f8d521856e096427"}, {"lease", 2, "30258fb1663fc238"},
  };
  for (const auto& [algorithm, seed, hash] : recorded) {
    if (find_algorithm(algorithm) == nullptr) continue;  // not built here
    INFO(algorithm << " seed " << seed);
    const Scenario s = parse_scenario(test::nemesis_scenario(algorithm), "nemesis",
                                      {"seed=" + std::to_string(seed)});
    CHECK(hash_hex(run_scenario(s).result.trace_hash) == hash);
  }
}

namespace {
struct StopRun {};

// Records fault starts, and ends the run (by throwing) after `limit` of them.
class FaultStarts final : public Observer {
 public:
  explicit FaultStarts(size_t limit) : limit_(limit) {}
  void on_event(const TraceEvent& ev) override {
    if (ev.kind != EventKind::Fault || ev.phase != "begin") return;
    TraceEvent copy = ev;
    copy.index = 0;
    lines.push_back(event_to_json(copy));
    if (lines.size() == limit_) throw StopRun{};
  }
  std::vector<std::string> lines;

 private:
  size_t limit_;
};
}  // namespace

// Regression: a nemesis with a mean interval of 1us drew its whole schedule before the first
// event (3.4 GB for a 30 s run). Over the longest run a scenario may ask for, at the shortest
// interval the reader allows, the up-front schedule would be about 600 million faults; drawn as
// the run goes, the first faults start at once, and they are the ones a short run draws.
TEST_CASE("the nemesis schedule is drawn as the run goes, not up front", "[determinism][nemesis]") {
  const std::string text = R"({"nodes": 5, "duration": "168h",
      "nemesis": {"kinds": ["partition", "crash", "pause", "clock_jump"], "mean_interval": "1ms",
                  "duration_min": "1ms", "duration_max": "5ms"}})";
  const Scenario long_run = parse_scenario(text, "long");
  test::ProbeLog log;
  Simulator sim(long_run, test::probe_factory(log), true);
  FaultStarts starts(2000);
  sim.watch(&starts);
  CHECK_THROWS_AS(sim.run(), StopRun);
  REQUIRE(starts.lines.size() == 2000);

  // The same seed over a short run: the same faults, as far as the short run goes.
  const Scenario short_run = parse_scenario(text, "short", {"duration=\"1s\""});
  test::ProbeLog log2;
  Simulator sim2(short_run, test::probe_factory(log2), true);
  FaultStarts all(SIZE_MAX);
  sim2.watch(&all);
  const RunResult result = sim2.run();
  REQUIRE(all.lines.size() > 500);
  REQUIRE(all.lines.size() < 2000);
  CHECK(std::equal(all.lines.begin(), all.lines.end(), starts.lines.begin()));
  // The result's schedule lists exactly the faults that started.
  CHECK(result.fault_schedule.size() == all.lines.size());
}

// bench/sweep_bench.sh sweeps bench/raft-nemesis-sweep.json as "the property tests' shape": it
// must be the Raft kernel property tests' nemesis scenario (the same runs, event for event), with
// their safety judgement as its expectations (docs/PERFORMANCE.md, "10,000-seed sweep").
TEST_CASE("the sweep benchmark's scenario is the Raft property tests' nemesis scenario",
          "[determinism][nemesis]") {
  const Scenario bench =
      load_scenario(std::string(BALLOT_SOURCE_DIR) + "/bench/raft-nemesis-sweep.json");
  const Scenario tests = parse_scenario(test::nemesis_scenario("raft"), "nemesis");
  CHECK(bench.name == tests.name);
  CHECK(bench.nodes == 5);
  CHECK(bench.algorithm == "raft");
  std::set<std::string> expected;
  for (const Expectation& e : bench.expect) expected.insert(e.metric);
  CHECK(expected == std::set<std::string>{"violations", "linearizable", "lost_writes",
                                          "job_duplicates", "id_duplicates"});
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    INFO("seed " << seed);
    const RunReport a = run_scenario(with_seed(bench, seed));
    const RunReport b = run_scenario(with_seed(tests, seed));
    CHECK(a.result.trace_hash == b.result.trace_hash);
    CHECK(a.result.events == b.result.events);
    CHECK(judge_run(a).ok());
    CHECK(a.checked_linearizability);
  }
}

namespace {
// Everything a run shows but its hash.
void require_same_run(const RunReport& a, const RunReport& b) {
  CHECK(a.result.events == b.result.events);
  CHECK(a.result.end_us == b.result.end_us);
  CHECK(a.result.metrics == b.result.metrics);
  REQUIRE(a.result.violations.size() == b.result.violations.size());
  for (size_t i = 0; i < a.result.violations.size(); ++i) {
    CHECK(a.result.violations[i].checker == b.result.violations[i].checker);
    CHECK(a.result.violations[i].event_index == b.result.violations[i].event_index);
    CHECK(a.result.violations[i].message == b.result.violations[i].message);
  }
  CHECK(a.result.history.ops.size() == b.result.history.ops.size());
  CHECK(a.result.fault_effects.size() == b.result.fault_effects.size());
  CHECK(a.result.leader_losses_us == b.result.leader_losses_us);
  CHECK(a.linearizable == b.linearizable);
  CHECK(a.lost_write_ops == b.lost_write_ops);
  CHECK(judge_run(a).summary() == judge_run(b).summary());
  CHECK(judge_run(a).ok() == judge_run(b).ok());
}
}  // namespace

// `ballot sweep` runs without the trace hash (RunLimits::trace_hash = false) unless a golden hash
// is checked: the run must be the same without it, and a golden hash must still be checked.
TEST_CASE("a run without its trace hash is the same run, and golden hashes are still checked",
          "[determinism][golden]") {
  RunLimits no_hash;
  no_hash.trace_hash = false;
  const Scenario bench =
      load_scenario(std::string(BALLOT_SOURCE_DIR) + "/bench/raft-nemesis-sweep.json");
  std::vector<std::pair<Scenario, uint64_t>> runs;  // scenario, seeds from 1
  runs.emplace_back(bench, 6);
  runs.emplace_back(load_scenario(source("scenarios/nemesis-swarm.json")), 3);
  runs.emplace_back(load_scenario(source("scenarios/nemesis-swarm.json"), {"algorithm=\"paxos\""}),
                    2);
  runs.emplace_back(load_scenario(source("scenarios/raft-figure8-bug.json")), 2);
  runs.emplace_back(load_scenario(source("scenarios/bully-partition.json")), 2);
  for (const auto& [scenario, seeds] : runs) {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      // Seeds past any golden entry, so that nothing forces the hash.
      const Scenario s = with_seed(scenario, 1000 + seed);
      INFO(s.name << " " << s.algorithm << " seed " << s.seed);
      const RunReport hashed = run_scenario(s);
      const RunReport unhashed = run_scenario(s, nullptr, no_hash);
      CHECK(hashed.result.trace_hashed);
      CHECK(!unhashed.result.trace_hashed);
      CHECK(unhashed.result.trace_hash == 0);
      require_same_run(hashed, unhashed);
    }
  }
  // A golden entry for the run's algorithm and seed turns the hash back on, and is judged.
  int golden = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    const Scenario s = load_scenario(entry.path().string());
    if (s.golden.count(s.algorithm + "/" + std::to_string(s.seed)) == 0) continue;
    INFO(entry.path().filename().string());
    const RunReport r = run_scenario(s, nullptr, no_hash);
    CHECK(r.result.trace_hashed);
    bool judged = false;
    for (const ExpectationResult& e : r.expectations)
      if (e.metric == "trace_hash") judged = e.ok;
    CHECK(judged);
    ++golden;
  }
  CHECK(golden >= 3);
}
