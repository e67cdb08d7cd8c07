// Scenario files (docs/scenario-format.md) and algorithm parameters (sim/params.h): what a valid
// file becomes, what every default is, and that each kind of bad input gets one error naming the
// exact JSON path and saying what was expected.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/input_error.h"
#include "sim/params.h"
#include "sim/rng.h"
#include "sim/scenario.h"

using namespace ballot;

namespace {

// The brief's example, every section present.
const char* const kFullScenario = R"({
  "name": "bully-partition-3-2", "description": "free text",
  "nodes": 5, "algorithm": "bully", "seed": 1, "duration": "10s",
  "topology": {"kind": "star", "center": "n1"},
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"},
              "loss": 0.01, "duplicate": 0.02, "fifo": true},
  "params": {
    "raft": {"election_timeout_min": "150ms", "bugs": {"commit_old_term_by_count": true},
             "n5": {"election_timeout_min": "10ms"}, "ratio": 0.5, "heartbeats": 3, "mode": "fast"},
    "bully": {}
  },
  "faults": [
    {"at": "2s", "duration": "3s", "kind": "partition", "groups": [["n1","n2"],["n3","n4","n5"]]},
    {"at": "1s", "kind": "crash", "nodes": ["leader"]},
    {"at": "3s", "kind": "drop", "type": "AppendEntries", "from": "n1", "to": "n2",
     "probability": 0.25, "duration": "1s"},
    {"at": 4500, "kind": "link_cut", "from": "n2", "to": "n3", "both": true},
    {"at": "5s", "kind": "flap", "from": "n4", "to": "n5", "period": "200ms", "duration": "2s"},
    {"at": "6s", "kind": "delay_spike", "delay": "50ms", "nodes": ["n1", "n3"], "duration": "1s"},
    {"at": "6s", "kind": "loss_burst", "loss": 0.5},
    {"at": "7s", "kind": "clock_drift", "nodes": ["random_follower"], "drift_ppm": -500},
    {"at": "7s", "kind": "clock_jump", "nodes": ["n2"], "jump": "-2s"},
    {"at": "8s", "kind": "slow_node", "nodes": ["n4"], "delay": "20ms"},
    {"at": "8s", "kind": "heal"},
    {"at": "9s", "kind": "bridge", "duration": "500ms"},
    {"at": "9.5s", "kind": "disk_loss", "nodes": ["random_majority"]}
  ],
  "nemesis": {"kinds": ["partition","crash","pause"], "start": "1s", "stop": "20s",
              "mean_interval": "2s", "duration_min": "500ms", "duration_max": "3s"},
  "workload": {"model": "register", "clients": 3, "start": "1s", "stop": "9s",
               "mean_interval": "100ms", "keys": 1, "read_fraction": 0.5, "cas_fraction": 0.1,
               "timeout": "1s",
               "ops": [{"at": "2s", "client": 0, "node": "n1", "op": "write", "key": "", "value": "1"},
                       {"at": "3s", "op": "cas", "expected": "1", "value": "2"}]},
  "expect": {"split_brain_us": {"min": "100ms"}, "violations": 0, "final_leader": "n5",
             "leaders_at_end": {"max": 1}, "linearizable": true,
             "by_algorithm": {"raft": {"lost_writes": 0, "final_leader": "none"}}},
  "golden": {"bully/1": "0123456789abcdef"},
  "captions": [{"at": "1s", "text": "n5 is the highest id", "pause": true}]
})";

// A small valid scenario that the error cases modify.
std::string base(const std::string& extra = "") {
  return R"({"nodes": 5, "duration": "10s")" + (extra.empty() ? "" : ", " + extra) + "}";
}

// Parses, expecting exactly one error at `path` whose message contains `phrase`.
void require_error(const std::string& text, const std::string& path, const std::string& phrase,
                   const std::vector<std::string>& overrides = {}) {
  INFO("input: " << text.substr(0, 300));
  try {
    parse_scenario(text, "test.json", overrides);
    FAIL("parsed without an error; expected " << path << ": " << phrase);
  } catch (const InputError& e) {
    INFO("got " << e.path() << ": " << e.what());
    CHECK(e.path() == path);
    CHECK(std::string(e.what()).find(phrase) != std::string::npos);
  }
}

void require_same_latency(const LatencyModel& a, const LatencyModel& b) {
  CHECK(a.dist == b.dist);
  CHECK(a.constant_us == b.constant_us);
  CHECK(a.min_us == b.min_us);
  CHECK(a.max_us == b.max_us);
  CHECK(a.mean_us == b.mean_us);
  CHECK(a.stddev_us == b.stddev_us);
  CHECK(a.mu == b.mu);
  CHECK(a.sigma == b.sigma);
  CHECK(a.scale_us == b.scale_us);
  CHECK(a.shape == b.shape);
}

void require_same_expectations(const std::vector<Expectation>& a,
                               const std::vector<Expectation>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].metric == b[i].metric);
    CHECK(a[i].eq == b[i].eq);
    CHECK(a[i].min == b[i].min);
    CHECK(a[i].max == b[i].max);
    CHECK(a[i].path == b[i].path);
  }
}

// Field-by-field equality of everything a run depends on (all but `file`).
void require_same(const Scenario& a, const Scenario& b) {
  CHECK(a.name == b.name);
  CHECK(a.description == b.description);
  CHECK(a.nodes == b.nodes);
  CHECK(a.algorithm == b.algorithm);
  CHECK(a.seed == b.seed);
  CHECK(a.duration_us == b.duration_us);
  CHECK(a.topology.kind == b.topology.kind);
  CHECK(a.topology.center == b.topology.center);
  REQUIRE(a.topology.edges.size() == b.topology.edges.size());
  for (size_t i = 0; i < a.topology.edges.size(); ++i) {
    CHECK(a.topology.edges[i].a == b.topology.edges[i].a);
    CHECK(a.topology.edges[i].b == b.topology.edges[i].b);
    CHECK(a.topology.edges[i].latency_us == b.topology.edges[i].latency_us);
  }
  require_same_latency(a.network.latency, b.network.latency);
  CHECK(a.network.loss == b.network.loss);
  CHECK(a.network.duplicate == b.network.duplicate);
  CHECK(a.network.fifo == b.network.fifo);
  REQUIRE(a.params.size() == b.params.size());
  for (const auto& [algorithm, values] : a.params) {
    REQUIRE(b.params.count(algorithm));
    const auto& other = b.params.at(algorithm);
    REQUIRE(values.size() == other.size());
    for (const auto& [key, v] : values) {
      REQUIRE(other.count(key));
      const ParamValue& w = other.at(key);
      CHECK(v.kind == w.kind);
      CHECK(v.i == w.i);
      CHECK(v.d == w.d);
      CHECK(v.b == w.b);
      CHECK(v.s == w.s);
    }
  }
  REQUIRE(a.faults.size() == b.faults.size());
  for (size_t i = 0; i < a.faults.size(); ++i) {
    const FaultSpec& f = a.faults[i];
    const FaultSpec& g = b.faults[i];
    CHECK(f.at_us == g.at_us);
    CHECK(f.duration_us == g.duration_us);
    CHECK(f.kind == g.kind);
    CHECK(f.groups == g.groups);
    CHECK(f.nodes == g.nodes);
    CHECK(f.selector == g.selector);
    CHECK(f.from == g.from);
    CHECK(f.to == g.to);
    CHECK(f.both == g.both);
    CHECK(f.msg_type == g.msg_type);
    CHECK(f.probability == g.probability);
    CHECK(f.loss == g.loss);
    CHECK(f.delay_us == g.delay_us);
    CHECK(f.period_us == g.period_us);
    CHECK(f.drift_ppm == g.drift_ppm);
    CHECK(f.jump_us == g.jump_us);
    CHECK(f.path == g.path);
  }
  CHECK(a.nemesis.enabled == b.nemesis.enabled);
  CHECK(a.nemesis.kinds == b.nemesis.kinds);
  CHECK(a.nemesis.start_us == b.nemesis.start_us);
  CHECK(a.nemesis.stop_us == b.nemesis.stop_us);
  CHECK(a.nemesis.mean_interval_us == b.nemesis.mean_interval_us);
  CHECK(a.nemesis.duration_min_us == b.nemesis.duration_min_us);
  CHECK(a.nemesis.duration_max_us == b.nemesis.duration_max_us);
  const WorkloadSpec& w = a.workload;
  const WorkloadSpec& x = b.workload;
  CHECK(w.model == x.model);
  CHECK(w.clients == x.clients);
  CHECK(w.start_us == x.start_us);
  CHECK(w.stop_us == x.stop_us);
  CHECK(w.mean_interval_us == x.mean_interval_us);
  CHECK(w.keys == x.keys);
  CHECK(w.read_fraction == x.read_fraction);
  CHECK(w.cas_fraction == x.cas_fraction);
  CHECK(w.timeout_us == x.timeout_us);
  REQUIRE(w.ops.size() == x.ops.size());
  for (size_t i = 0; i < w.ops.size(); ++i) {
    CHECK(w.ops[i].at_us == x.ops[i].at_us);
    CHECK(w.ops[i].client == x.ops[i].client);
    CHECK(w.ops[i].node == x.ops[i].node);
    CHECK(w.ops[i].kind == x.ops[i].kind);
    CHECK(w.ops[i].key == x.ops[i].key);
    CHECK(w.ops[i].value == x.ops[i].value);
    CHECK(w.ops[i].expected == x.ops[i].expected);
  }
  require_same_expectations(a.expect, b.expect);
  REQUIRE(a.expect_by_algorithm.size() == b.expect_by_algorithm.size());
  for (const auto& [algorithm, expectations] : a.expect_by_algorithm) {
    REQUIRE(b.expect_by_algorithm.count(algorithm));
    require_same_expectations(expectations, b.expect_by_algorithm.at(algorithm));
  }
  CHECK(a.golden == b.golden);
  REQUIRE(a.captions.size() == b.captions.size());
  for (size_t i = 0; i < a.captions.size(); ++i) {
    CHECK(a.captions[i].at_us == b.captions[i].at_us);
    CHECK(a.captions[i].text == b.captions[i].text);
    CHECK(a.captions[i].pause == b.captions[i].pause);
  }
  CHECK(a.resolved_json == b.resolved_json);
}

const Expectation* find_expectation(const std::vector<Expectation>& list,
                                    const std::string& metric) {
  for (const auto& e : list) {
    if (e.metric == metric) return &e;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a full valid scenario parses into the expected struct", "[scenario]") {
  const Scenario s = parse_scenario(kFullScenario, "full.json");
  CHECK(s.file == "full.json");
  CHECK(s.name == "bully-partition-3-2");
  CHECK(s.description == "free text");
  CHECK(s.nodes == 5);
  CHECK(s.algorithm == "bully");
  CHECK(s.seed == 1);
  CHECK(s.duration_us == 10 * kSecond_us);

  CHECK(s.topology.kind == TopologySpec::Kind::Star);
  CHECK(s.topology.center == 0);

  CHECK(s.network.latency.dist == LatencyModel::Dist::Uniform);
  CHECK(s.network.latency.min_us == 1000);
  CHECK(s.network.latency.max_us == 5000);
  CHECK(s.network.loss == 0.01);
  CHECK(s.network.duplicate == 0.02);
  CHECK(s.network.fifo);

  REQUIRE(s.params.count("raft"));
  REQUIRE(s.params.count("bully"));
  CHECK(s.params.at("bully").empty());
  const auto& raft = s.params.at("raft");
  REQUIRE(raft.size() == 6);
  CHECK(raft.at("election_timeout_min").kind == ParamValue::Kind::String);
  CHECK(raft.at("election_timeout_min").s == "150ms");
  CHECK(raft.at("bugs.commit_old_term_by_count").kind == ParamValue::Kind::Bool);
  CHECK(raft.at("bugs.commit_old_term_by_count").b);
  CHECK(raft.at("n5.election_timeout_min").s == "10ms");
  CHECK(raft.at("ratio").kind == ParamValue::Kind::Double);
  CHECK(raft.at("ratio").d == 0.5);
  CHECK(raft.at("heartbeats").kind == ParamValue::Kind::Int);
  CHECK(raft.at("heartbeats").i == 3);
  CHECK(raft.at("mode").s == "fast");

  REQUIRE(s.faults.size() == 13);
  const auto& partition = s.faults[0];
  CHECK(partition.kind == FaultKind::Partition);
  CHECK(partition.at_us == 2 * kSecond_us);
  CHECK(partition.duration_us == 3 * kSecond_us);
  CHECK(partition.groups == std::vector<std::vector<NodeId>>{{0, 1}, {2, 3, 4}});
  CHECK(partition.path == "faults[0]");
  const auto& crash = s.faults[1];
  CHECK(crash.kind == FaultKind::Crash);
  CHECK(crash.selector == Selector::Leader);
  CHECK(crash.nodes.empty());
  CHECK(crash.duration_us == 0);
  const auto& drop = s.faults[2];
  CHECK(drop.kind == FaultKind::Drop);
  CHECK(drop.msg_type == "AppendEntries");
  CHECK(drop.from == 0);
  CHECK(drop.to == 1);
  CHECK(drop.probability == 0.25);
  CHECK(drop.duration_us == kSecond_us);
  const auto& cut = s.faults[3];
  CHECK(cut.kind == FaultKind::LinkCut);
  CHECK(cut.at_us == 4500 * kMillisecond_us);
  CHECK(cut.from == 1);
  CHECK(cut.to == 2);
  CHECK(cut.both);
  const auto& flap = s.faults[4];
  CHECK(flap.kind == FaultKind::Flap);
  CHECK(flap.period_us == 200 * kMillisecond_us);
  CHECK(flap.from == 3);
  CHECK(flap.to == 4);
  const auto& spike = s.faults[5];
  CHECK(spike.kind == FaultKind::DelaySpike);
  CHECK(spike.delay_us == 50 * kMillisecond_us);
  CHECK(spike.nodes == std::vector<NodeId>{0, 2});
  const auto& burst = s.faults[6];
  CHECK(burst.kind == FaultKind::LossBurst);
  CHECK(burst.loss == 0.5);
  CHECK(burst.nodes.empty());
  CHECK(burst.selector == Selector::None);
  CHECK(s.faults[7].kind == FaultKind::ClockDrift);
  CHECK(s.faults[7].selector == Selector::RandomFollower);
  CHECK(s.faults[7].drift_ppm == -500);
  CHECK(s.faults[8].kind == FaultKind::ClockJump);
  CHECK(s.faults[8].jump_us == -2 * kSecond_us);
  CHECK(s.faults[8].nodes == std::vector<NodeId>{1});
  CHECK(s.faults[9].kind == FaultKind::SlowNode);
  CHECK(s.faults[9].delay_us == 20 * kMillisecond_us);
  CHECK(s.faults[10].kind == FaultKind::Heal);
  CHECK(s.faults[11].kind == FaultKind::Bridge);
  CHECK(s.faults[11].duration_us == 500 * kMillisecond_us);
  CHECK(s.faults[12].kind == FaultKind::DiskLoss);
  CHECK(s.faults[12].at_us == 9500 * kMillisecond_us);
  CHECK(s.faults[12].selector == Selector::RandomMajority);

  CHECK(s.nemesis.enabled);
  CHECK(s.nemesis.kinds ==
        std::vector<FaultKind>{FaultKind::Partition, FaultKind::Crash, FaultKind::Pause});
  CHECK(s.nemesis.start_us == kSecond_us);
  CHECK(s.nemesis.stop_us == 20 * kSecond_us);
  CHECK(s.nemesis.mean_interval_us == 2 * kSecond_us);
  CHECK(s.nemesis.duration_min_us == 500 * kMillisecond_us);
  CHECK(s.nemesis.duration_max_us == 3 * kSecond_us);

  const WorkloadSpec& w = s.workload;
  CHECK(w.model == "register");
  CHECK(w.clients == 3);
  CHECK(w.start_us == kSecond_us);
  CHECK(w.stop_us == 9 * kSecond_us);
  CHECK(w.mean_interval_us == 100 * kMillisecond_us);
  CHECK(w.keys == 1);
  CHECK(w.read_fraction == 0.5);
  CHECK(w.cas_fraction == 0.1);
  CHECK(w.timeout_us == kSecond_us);
  REQUIRE(w.ops.size() == 2);
  CHECK(w.ops[0].at_us == 2 * kSecond_us);
  CHECK(w.ops[0].client == 0);
  CHECK(w.ops[0].node == 0);
  CHECK(w.ops[0].kind == lin::OpKind::Write);
  CHECK(w.ops[0].key.empty());
  CHECK(w.ops[0].value == std::optional<std::string>("1"));
  CHECK_FALSE(w.ops[0].expected);
  CHECK(w.ops[1].kind == lin::OpKind::Cas);
  CHECK(w.ops[1].node == kNoNode);
  CHECK(w.ops[1].expected == std::optional<std::string>("1"));
  CHECK(w.ops[1].value == std::optional<std::string>("2"));

  REQUIRE(s.expect.size() == 5);
  const Expectation* split = find_expectation(s.expect, "split_brain_us");
  REQUIRE(split);
  CHECK(split->min == 100 * kMillisecond_us);
  CHECK_FALSE(split->max);
  CHECK_FALSE(split->eq);
  CHECK(split->path == "expect.split_brain_us");
  CHECK(find_expectation(s.expect, "violations")->eq == 0);
  CHECK(find_expectation(s.expect, "final_leader")->eq == 5);  // 1-based
  CHECK(find_expectation(s.expect, "leaders_at_end")->max == 1);
  CHECK(find_expectation(s.expect, "linearizable")->eq == 1);
  REQUIRE(s.expect_by_algorithm.count("raft"));
  const auto& by_raft = s.expect_by_algorithm.at("raft");
  REQUIRE(by_raft.size() == 2);
  CHECK(find_expectation(by_raft, "lost_writes")->eq == 0);
  CHECK(find_expectation(by_raft, "final_leader")->eq == 0);  // "none"
  CHECK(find_expectation(by_raft, "lost_writes")->path == "expect.by_algorithm.raft.lost_writes");

  CHECK(s.golden == std::map<std::string, std::string>{{"bully/1", "0123456789abcdef"}});
  REQUIRE(s.captions.size() == 1);
  CHECK(s.captions[0].at_us == kSecond_us);
  CHECK(s.captions[0].text == "n5 is the highest id");
  CHECK(s.captions[0].pause);
}

TEST_CASE("missing optional fields take the defaults of scenario.h", "[scenario]") {
  const Scenario s = parse_scenario("{}", "empty-object.json");
  const Scenario d;
  CHECK(s.nodes == 3);
  CHECK(s.algorithm == "bully");
  CHECK(s.seed == 1);
  CHECK(s.duration_us == 10 * kSecond_us);
  CHECK(s.name.empty());
  CHECK(s.topology.kind == TopologySpec::Kind::FullMesh);
  CHECK(s.topology.edges.empty());
  require_same_latency(s.network.latency, d.network.latency);
  CHECK(s.network.latency.dist == LatencyModel::Dist::Uniform);
  CHECK(s.network.loss == 0.0);
  CHECK(s.network.duplicate == 0.0);
  CHECK_FALSE(s.network.fifo);
  CHECK(s.params.empty());
  CHECK(s.faults.empty());
  CHECK_FALSE(s.nemesis.enabled);
  CHECK(s.workload.model == "register");
  CHECK(s.workload.clients == 0);
  CHECK(s.workload.stop_us == kNever_us);
  CHECK(s.workload.mean_interval_us == 100 * kMillisecond_us);
  CHECK(s.workload.timeout_us == kSecond_us);
  CHECK(s.expect.empty());
  CHECK(s.expect_by_algorithm.empty());
  CHECK(s.golden.empty());
  CHECK(s.captions.empty());
  CHECK(s.resolved_json == R"({"algorithm":"bully","seed":1})");

  SECTION("a nemesis section without stop runs to the end; enabled may switch it off") {
    const Scenario n = parse_scenario(base(R"("nemesis": {"kinds": ["crash"]})"), "n.json");
    CHECK(n.nemesis.enabled);
    CHECK(n.nemesis.stop_us == kNever_us);
    CHECK(n.nemesis.mean_interval_us == 2 * kSecond_us);
    const Scenario off =
        parse_scenario(base(R"("nemesis": {"kinds": ["crash"], "enabled": false})"), "n.json");
    CHECK_FALSE(off.nemesis.enabled);
  }
  SECTION("a latency object without dist is uniform, keeping the default bounds it omits") {
    const Scenario l = parse_scenario(base(R"("network": {"latency": {"max": "20ms"}})"), "l.json");
    CHECK(l.network.latency.dist == LatencyModel::Dist::Uniform);
    CHECK(l.network.latency.min_us == d.network.latency.min_us);
    CHECK(l.network.latency.max_us == 20 * kMillisecond_us);
  }
}

TEST_CASE("every latency distribution and topology kind", "[scenario]") {
  using D = LatencyModel::Dist;
  auto latency = [](const std::string& body) {
    return parse_scenario(base(R"("network": {"latency": )" + body + "}"), "t.json")
        .network.latency;
  };
  const LatencyModel constant = latency(R"({"dist": "constant", "value": "3ms"})");
  CHECK(constant.dist == D::Constant);
  CHECK(constant.constant_us == 3000);
  const LatencyModel normal = latency(R"({"dist": "normal", "mean": "4ms", "stddev": "1ms"})");
  CHECK(normal.dist == D::Normal);
  CHECK(normal.mean_us == 4000);
  CHECK(normal.stddev_us == 1000);
  const LatencyModel exponential = latency(R"({"dist": "exponential", "mean": "2ms"})");
  CHECK(exponential.dist == D::Exponential);
  CHECK(exponential.mean_us == 2000);
  const LatencyModel lognormal = latency(R"({"dist": "lognormal", "mu": 7.0, "sigma": 0.25})");
  CHECK(lognormal.dist == D::Lognormal);
  CHECK(lognormal.mu == 7.0);
  CHECK(lognormal.sigma == 0.25);
  const LatencyModel pareto = latency(R"({"dist": "pareto", "scale": "1ms", "shape": 1.5})");
  CHECK(pareto.dist == D::Pareto);
  CHECK(pareto.scale_us == 1000);
  CHECK(pareto.shape == 1.5);

  const Scenario ring = parse_scenario(base(R"("topology": {"kind": "ring"})"), "t.json");
  CHECK(ring.topology.kind == TopologySpec::Kind::Ring);
  const Scenario expl = parse_scenario(
      base(R"("topology": {"kind": "explicit", "edges": [{"between": ["n1","n2"], "latency": "5ms"},
                                                          {"between": ["n5","n2"]}]})"),
      "t.json");
  CHECK(expl.topology.kind == TopologySpec::Kind::Explicit);
  REQUIRE(expl.topology.edges.size() == 2);
  CHECK(expl.topology.edges[0].a == 0);
  CHECK(expl.topology.edges[0].b == 1);
  CHECK(expl.topology.edges[0].latency_us == 5000);
  CHECK(expl.topology.edges[1].a == 4);
  CHECK(expl.topology.edges[1].latency_us == 0);
}

TEST_CASE("every duration form", "[scenario][duration]") {
  CHECK(parse_duration_us("150ms", "p") == 150 * kMillisecond_us);
  CHECK(parse_duration_us("2s", "p") == 2 * kSecond_us);
  CHECK(parse_duration_us("1.5s", "p") == 1500 * kMillisecond_us);
  CHECK(parse_duration_us("0.001s", "p") == 1000);
  CHECK(parse_duration_us("500us", "p") == 500);
  CHECK(parse_duration_us("500\xC2\xB5s", "p") == 500);
  CHECK(parse_duration_us("3m", "p") == 180 * kSecond_us);
  CHECK(parse_duration_us("1h", "p") == 3600 * kSecond_us);
  CHECK(parse_duration_us("0", "p") == 0);
  CHECK(parse_duration_us("0ms", "p") == 0);
  CHECK(parse_duration_us("-5ms", "p") == -5000);
  CHECK(parse_duration_us("2.25ms", "p") == 2250);

  auto bad = [](const std::string& text, const std::string& phrase) {
    INFO(text);
    try {
      parse_duration_us(text, "faults[1].at");
      FAIL("accepted " << text);
    } catch (const InputError& e) {
      CHECK(e.path() == "faults[1].at");
      CHECK(std::string(e.what()).find(phrase) != std::string::npos);
    }
  };
  bad("", "expected a duration like \"150ms\"");
  bad("5", "expected a duration like");
  bad("ms", "expected a duration like");
  bad("5 ms", "expected a duration like");
  bad("5sec", "expected a duration like");
  bad("1e3ms", "expected a duration like");
  bad(".5s", "expected a duration like");
  bad("1.s", "expected a duration like");
  bad("1.5us", "not a whole number of microseconds");
  bad("99999999999999999999s", "out of range");
  bad("9999999999999999h", "out of range");

  SECTION("in a scenario: strings, and numbers of milliseconds") {
    CHECK(parse_scenario(R"({"duration": 1500})", "d").duration_us == 1500 * kMillisecond_us);
    CHECK(parse_scenario(R"({"duration": 2.5})", "d").duration_us == 2500);
    CHECK(parse_scenario(R"({"duration": 0.001})", "d").duration_us == 1);
    CHECK(parse_scenario(R"({"duration": "3m"})", "d").duration_us == 180 * kSecond_us);
    CHECK(parse_scenario(R"({"duration": "1.5s"})", "d").duration_us == 1500 * kMillisecond_us);
    CHECK(parse_scenario(R"({"duration": "500us"})", "d").duration_us == 500);
    require_error(R"({"duration": -9223372036854775808})", "duration", "out of range");
    require_error(R"({"duration": 18446744073709551615})", "duration", "out of range");
    require_error(R"({"duration": 1e300})", "duration", "out of range");
    require_error(R"({"duration": 0.0001})", "duration", "not a whole number of microseconds");
    require_error(R"({"duration": 0})", "duration", "expected a positive duration, got 0");
  }

  SECTION("format_duration picks the largest unit that divides exactly") {
    CHECK(format_duration(0) == "0ms");
    CHECK(format_duration(1) == "1us");
    CHECK(format_duration(150 * kMillisecond_us) == "150ms");
    CHECK(format_duration(1500 * kMillisecond_us) == "1500ms");
    CHECK(format_duration(2 * kSecond_us) == "2s");
    CHECK(format_duration(180 * kSecond_us) == "3m");
    CHECK(format_duration(-5000) == "-5ms");
  }

  SECTION("format_duration and parse_duration_us are inverses") {
    Rng rng(42);
    for (int i = 0; i < 2000; ++i) {
      const Time_us unit = std::vector<Time_us>{
          1, 1000, kSecond_us, 60 * kSecond_us}[static_cast<size_t>(rng.uniform_int(0, 3))];
      const Time_us d = rng.uniform_int(-1000000, 1000000) * unit;
      INFO(d);
      REQUIRE(parse_duration_us(format_duration(d), "p") == d);
    }
  }
}

TEST_CASE("overrides are applied before validation", "[scenario][overrides]") {
  const Scenario s =
      parse_scenario(kFullScenario, "full.json",
                     {"seed=7", "algorithm=raft", "params.raft.pre_vote=true", "faults[0].at=3s",
                      "network.latency.max=20ms", "name=hello world", "expect.violations.max=2",
                      R"(faults[13]={"at": "1s", "kind": "isolate", "nodes": ["n3"]})",
                      "params.paxos.bugs.skip_phase1=true", "golden.raft/7=fedcba9876543210",
                      "workload.ops[1].value=\"3\"", "description=\"quoted\""});
  CHECK(s.seed == 7);
  CHECK(s.algorithm == "raft");
  CHECK(s.params.at("raft").at("pre_vote").kind == ParamValue::Kind::Bool);
  CHECK(s.params.at("raft").at("pre_vote").b);
  CHECK(s.params.at("paxos").at("bugs.skip_phase1").b);
  CHECK(s.faults[0].at_us == 3 * kSecond_us);
  CHECK(s.faults[0].kind == FaultKind::Partition);
  CHECK(s.network.latency.max_us == 20 * kMillisecond_us);
  CHECK(s.network.latency.min_us == kMillisecond_us);
  CHECK(s.name == "hello world");
  CHECK(s.description == "quoted");
  CHECK(find_expectation(s.expect, "violations")->max == 2);
  REQUIRE(s.faults.size() == 14);
  CHECK(s.faults[13].kind == FaultKind::Isolate);
  CHECK(s.faults[13].nodes == std::vector<NodeId>{2});
  CHECK(s.golden.at("raft/7") == "fedcba9876543210");
  CHECK(s.workload.ops[1].value == std::optional<std::string>("3"));

  SECTION("null removes a key, restoring its default") {
    const Scenario t = parse_scenario(kFullScenario, "full.json", {"nemesis=null", "seed=null"});
    CHECK_FALSE(t.nemesis.enabled);
    CHECK(t.seed == 1);
    const Scenario u = parse_scenario(kFullScenario, "full.json", {"faults[0]=null"});
    CHECK(u.faults.size() == 12);
    CHECK(u.faults[0].kind == FaultKind::Crash);
    CHECK(u.faults[0].path == "faults[0]");
    // Removing something absent is harmless and creates nothing.
    const Scenario v = parse_scenario("{}", "e.json", {"nemesis.kinds=null"});
    CHECK_FALSE(v.nemesis.enabled);
  }
  SECTION("later overrides win") {
    CHECK(parse_scenario("{}", "e.json", {"seed=3", "seed=4"}).seed == 4);
  }
}

TEST_CASE("bad overrides name the flag", "[scenario][overrides]") {
  const std::string doc = base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n1"]}])");
  require_error(doc, "foo.bar", "--set foo.bar=1: unknown key 'foo'", {"foo.bar=1"});
  require_error(doc, "durration",
                "--set durration=5s: unknown key 'durration' (did you mean "
                "'duration'?)",
                {"durration=5s"});
  require_error(doc, "network.latency.mx",
                "unknown key 'mx' (did you mean 'max'?) in "
                "'network.latency'",
                {"network.latency.mx=5ms"});
  require_error(doc, "", "--set seed: expected path=value", {"seed"});
  require_error(doc, "", "expected path=value", {"=7"});
  require_error(doc, "faults[5].at", "'faults' has 1 entry: the index must be at most 1",
                {"faults[5].at=1s"});
  require_error(doc, "seed.x", "'seed' has no fields", {"seed.x=1"});
  require_error(doc, "faults.at", "'faults' is a list: use faults[N]", {"faults.at=1s"});
  require_error(doc, "nodes[0]", "'nodes' is not a list", {"nodes[0]=1"});
  require_error(doc, "faults[x].at", "expected an index like [0]", {"faults[x].at=1s"});
  require_error(doc, "faults..at", "expected a key", {"faults..at=1s"});
  require_error(doc, "expect.violatons", "unknown metric 'violatons' (did you mean 'violations'?)",
                {"expect.violatons=0"});
  require_error(doc, "duration.max", "'duration' has no fields", {"duration.max=1"});
  require_error(doc, "faults[1]", "in the value: duplicate key 'at'",
                {R"(faults[1]={"at": "1s", "at": "2s", "kind": "heal"})"});
  // A path the schema knows but the document holds as a scalar.
  require_error(base(R"("topology": "ring")"), "topology.kind",
                "'topology' is \"ring\", not an object", {"topology.kind=ring"});
  // A valid path with a bad value fails validation, naming the flag.
  require_error(doc, "seed",
                "expected a seed: an integer in [0, 2^64 - 1], got -1 (from --set "
                "seed=-1)",
                {"seed=-1"});
  require_error(doc, "faults[0].at", "(from --set faults[0].at=30s)", {"faults[0].at=30s"});
  require_error(doc, "faults[1]", "missing required field 'kind' (from --set faults[1].at=1s)",
                {"faults[1].at=1s"});
  // The value is JSON when it parses: a bare 3 is a number, so a string field needs quotes.
  require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "write", "value": "1"}]})"),
                "workload.ops[0].value",
                "expected a string like \"1\", got 3 (from --set "
                "workload.ops[0].value=3)",
                {"workload.ops[0].value=3"});
  require_error(doc, "nodes",
                "expected an integer in [1, 1000], got \"many\" (from --set "
                "nodes=many)",
                {"nodes=many"});
}

TEST_CASE("resolved_json reproduces the same scenario", "[scenario][overrides]") {
  const std::vector<std::vector<std::string>> override_sets = {
      {},
      {"seed=99", "algorithm=raft", "faults[0].duration=1500ms", "network.loss=0.125"},
      {"nemesis=null", "params.lease.ttl=2s", "workload.read_fraction=0.75"},
  };
  for (const auto& overrides : override_sets) {
    INFO("overrides: " << overrides.size());
    const Scenario first = parse_scenario(kFullScenario, "full.json", overrides);
    const Scenario again = parse_scenario(first.resolved_json, "resolved.json");
    require_same(first, again);
    // Parsing the resolved text with the same overrides is a fixed point too.
    require_same(first, parse_scenario(first.resolved_json, "resolved.json", overrides));
  }
  const Scenario defaults = parse_scenario("{}", "e.json", {"seed=12345678901234567890"});
  CHECK(defaults.seed == 12345678901234567890ULL);
  require_same(defaults, parse_scenario(defaults.resolved_json, "r.json"));
}

TEST_CASE("bad input: one error with the exact JSON path and what was expected", "[scenario]") {
  SECTION("syntax error with line and column") {
    require_error("{\n  \"nodes\": 5,\n  \"seed\": ,\n}", "", "syntax error at line 3, column 11");
    require_error("{\"nodes\": 5", "",
                  "syntax error at line 1, column 12: syntax error while parsing object - "
                  "unexpected end of input; expected '}'");
  }
  SECTION("unknown top-level key with suggestion") {
    require_error(base(R"("durration": "5s")"), "durration",
                  "unknown key 'durration' (did you mean 'duration'?)");
    require_error(base(R"("zzzzzz": 1)"), "zzzzzz", "unknown key 'zzzzzz' (expected one of: name,");
  }
  SECTION("unknown nested key") {
    require_error(base(R"("network": {"latency": {"dist": "uniform", "mx": "5ms"}})"),
                  "network.latency.mx", "unknown key 'mx' (did you mean 'max'?)");
    require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "read", "clinet": 1}]})"),
                  "workload.ops[0].clinet", "unknown key 'clinet' (did you mean 'client'?)");
  }
  SECTION("wrong types") {
    require_error(base(R"("faults": [{"at": true, "kind": "heal"}])"), "faults[0].at",
                  "expected a duration like \"150ms\", got true");
    require_error(R"({"duration": true})", "duration",
                  "expected a duration like \"150ms\", got true");
    require_error(R"({"nodes": "5"})", "nodes", "expected an integer in [1, 1000], got \"5\"");
    require_error(R"({"seed": 1.5})", "seed", "expected a seed");
    require_error(R"({"name": 3})", "name", "expected a string like \"bully-partition\", got 3");
    require_error(base(R"("network": {"fifo": 1})"), "network.fifo",
                  "expected true or false, got 1");
    require_error(base(R"("faults": {"at": "1s"})"), "faults",
                  "expected a list of faults, got an object");
  }
  SECTION("negative duration") {
    require_error(
        base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n1"], "duration": "-1s"}])"),
        "faults[0].duration", "expected a non-negative duration, got \"-1s\"");
  }
  SECTION("probability outside [0, 1]") {
    require_error(base(R"("faults": [{"at": "1s", "kind": "drop", "probability": 1.5}])"),
                  "faults[0].probability", "expected a probability in [0, 1], got 1.5");
    require_error(base(R"("network": {"loss": -0.1})"), "network.loss",
                  "expected a probability in [0, 1], got -0.1");
  }
  SECTION("unknown node") {
    require_error(
        base(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1"], ["n2", "n9"]]}])"),
        "faults[0].groups[1][1]", "unknown node 'n9': the scenario has 5 nodes (n1..n5)");
    require_error(base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["node1"]}])"),
                  "faults[0].nodes[0]", "expected a node name (n1..n5), got \"node1\"");
    require_error(base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n0"]}])"),
                  "faults[0].nodes[0]", "expected a node name (n1..n5), got \"n0\"");
    require_error(base(R"("expect": {"final_leader": "n6"})"), "expect.final_leader",
                  "unknown node 'n6'");
  }
  SECTION("overlapping partition groups") {
    require_error(
        base(
            R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1", "n2"], ["n2", "n3"]]}])"),
        "faults[0].groups[1][0]",
        "node 'n2' is already in faults[0].groups[0]: groups must be disjoint");
    require_error(base(R"("faults": [{"at": "1s", "kind": "partition", "groups": [["n1"], []]}])"),
                  "faults[0].groups[1]", "expected a non-empty list of node names");
  }
  SECTION("unknown fault kind with suggestion") {
    require_error(base(R"("faults": [{"at": "1s", "kind": "partiton"}])"), "faults[0].kind",
                  "unknown fault kind 'partiton' (did you mean 'partition'?)");
    require_error(base(R"("nemesis": {"kinds": ["crash", "pase"]})"), "nemesis.kinds[1]",
                  "unknown fault kind 'pase' (did you mean 'pause'?)");
  }
  SECTION("fault at or after the end of the run") {
    require_error(base(R"("faults": [{"at": "10s", "kind": "heal"}])"), "faults[0].at",
                  "fault at 10s is outside the run: expected a time in [0, 10s)");
    require_error(base(R"("captions": [{"at": "11s", "text": "late"}])"), "captions[0].at",
                  "caption at 11s is outside the run");
    require_error(base(R"("workload": {"ops": [{"at": "1m", "op": "read"}]})"),
                  "workload.ops[0].at", "op at 1m is outside the run");
  }
  SECTION("missing required field") {
    require_error(base(R"("faults": [{"at": "1s", "kind": "partition"}])"), "faults[0]",
                  "missing required field 'groups' for a partition fault");
    require_error(base(R"("faults": [{"kind": "heal"}])"), "faults[0]",
                  "missing required field 'at' for a heal fault");
    require_error(base(R"("faults": [{"at": "1s", "kind": "flap", "from": "n1", "to": "n2"}])"),
                  "faults[0]", "missing required field 'period' for a flap fault");
    require_error(base(R"("topology": {"kind": "star"})"), "topology",
                  "missing required field 'center' for a star");
    require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "cas", "value": "2"}]})"),
                  "workload.ops[0]", "missing required field 'expected' for a cas op");
  }
  SECTION("fields that do not belong to the kind") {
    require_error(
        base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n1"], "loss": 0.5}])"),
        "faults[0].loss",
        "field 'loss' does not belong to a crash fault (crash takes: at, "
        "kind, duration, nodes)");
    require_error(base(R"("faults": [{"at": "1s", "kind": "heal", "duration": "1s"}])"),
                  "faults[0].duration", "field 'duration' does not belong to a heal fault");
    require_error(base(R"("network": {"latency": {"dist": "constant", "min": "1ms"}})"),
                  "network.latency.min",
                  "field 'min' does not belong to a constant distribution (constant takes: value)");
    require_error(base(R"("topology": {"kind": "ring", "center": "n1"})"), "topology.center",
                  "field 'center' does not belong to a ring topology");
    require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "read", "value": "1"}]})"),
                  "workload.ops[0].value", "field 'value' does not belong to a read op");
  }
  SECTION("selectors") {
    require_error(base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["leader", "n2"]}])"),
                  "faults[0].nodes[0]", "the selector 'leader' must stand alone");
    require_error(
        base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n2", "random_node"]}])"),
        "faults[0].nodes[1]", "the selector 'random_node' must stand alone");
    require_error(
        base(
            R"("faults": [{"at": "1s", "kind": "flap", "from": "leader", "to": "n2", "period": "1s"}])"),
        "faults[0].from", "the selector 'leader' is not allowed here");
    require_error(base(R"("faults": [{"at": "1s", "kind": "pause", "nodes": []}])"),
                  "faults[0].nodes", "expected at least one node, or a selector");
    require_error(base(R"("faults": [{"at": "1s", "kind": "pause", "nodes": ["n1", "n1"]}])"),
                  "faults[0].nodes[1]", "node 'n1' is listed twice");
  }
  SECTION("bad latency distribution") {
    require_error(base(R"("network": {"latency": {"dist": "gaussian"}})"), "network.latency.dist",
                  "unknown latency distribution 'gaussian' (expected one of: constant, uniform,");
    require_error(base(R"("network": {"latency": {"dist": "unifrom"}})"), "network.latency.dist",
                  "(did you mean 'uniform'?)");
    require_error(base(R"("network": {"latency": {"dist": "pareto", "shape": 0}})"),
                  "network.latency.shape", "expected a number > 0, got 0");
  }
  SECTION("min greater than max") {
    require_error(base(R"("network": {"latency": {"min": "5ms", "max": "1ms"}})"),
                  "network.latency.min", "expected min <= max, got min 5ms > max 1ms");
    require_error(
        base(R"("nemesis": {"kinds": ["crash"], "duration_min": "5s", "duration_max": "1s"})"),
        "nemesis.duration_min", "expected duration_min <= duration_max, got 5s > 1s");
    require_error(base(R"("expect": {"violations": {"min": 5, "max": 2}})"),
                  "expect.violations.max", "expected max >= min (5), got 2");
    require_error(base(R"("workload": {"start": "5s", "stop": "2s"})"), "workload.stop",
                  "expected stop after start (5s), got \"2s\"");
  }
  SECTION("node count out of range") {
    require_error(R"({"nodes": 0})", "nodes", "expected an integer in [1, 1000], got 0");
    require_error(R"({"nodes": 1001})", "nodes", "expected an integer in [1, 1000], got 1001");
  }
  SECTION("bad expectations") {
    require_error(base(R"("expect": {"split_brain": 0})"), "expect.split_brain",
                  "unknown metric 'split_brain' (did you mean 'split_brain_us'?)");
    require_error(base(R"("expect": {"by_algorithm": {"raft": {"lost_write": 0}}})"),
                  "expect.by_algorithm.raft.lost_write",
                  "unknown metric 'lost_write' (did you mean 'lost_writes'?)");
    require_error(base(R"("expect": {"by_algorithm": {"raft": {"by_algorithm": {}}}})"),
                  "expect.by_algorithm.raft.by_algorithm", "unknown metric 'by_algorithm'");
    require_error(base(R"("expect": {"violations": "none"})"), "expect.violations",
                  "expected an integer or true/false for violations, got \"none\"");
    require_error(base(R"("expect": {"violations": {}})"), "expect.violations",
                  "expected at least one of eq, min, max");
    require_error(base(R"("expect": {"violations": {"eq": 0, "max": 1}})"), "expect.violations",
                  "expected either eq or min/max");
    require_error(base(R"("expect": {"violations": {"equal": 0}})"), "expect.violations.equal",
                  "unknown key 'equal' (did you mean 'eq'?)");
    require_error(base(R"("expect": {"split_brain_us": 1.5})"), "expect.split_brain_us",
                  "expected a duration like \"150ms\" or an integer of microseconds");
  }
  SECTION("empty file") {
    require_error("", "", "the file is empty");
    require_error(" \n\t\r\n", "", "the file is empty");
  }
  SECTION("binary garbage") {
    require_error(std::string("\x00\xff\xfe\x01garbage", 11), "",
                  "syntax error at line 1, column 1");
    require_error("{\"name\": \"\xff\xfe\"}", "", "syntax error at line 1, column 11");
  }
  SECTION("deeply nested garbage") {
    require_error(std::string(100000, '['), "", "line 1, column 65: nesting deeper than 64 levels");
    std::string nested = base(R"("params": {"raft": )");
    nested.pop_back();
    for (int i = 0; i < 70; ++i) nested += "{\"a\": ";
    nested += "1" + std::string(70, '}') + "}}";
    require_error(nested, "", "nesting deeper than 64 levels");
  }
  SECTION("not a scenario object") {
    require_error("[1, 2]", "", "expected a JSON object describing the scenario, got a list");
    require_error("42", "", "got 42");
  }
  SECTION("duplicate keys") {
    require_error(R"({"seed": 1, "seed": 2})", "seed", "duplicate key 'seed'");
    require_error(base(R"("faults": [{"at": "1s", "kind": "heal"}, {"at": "1s", "at": "2s"}])"),
                  "faults[1].at", "duplicate key 'at'");
    require_error(base(R"("params": {"raft": {"bugs": {"x": true}, "bugs.x": false}})"),
                  "params.raft.bugs.x", "parameter 'bugs.x' is given twice");
  }
  SECTION("other out-of-range and malformed values") {
    require_error(
        base(
            R"("faults": [{"at": "1s", "kind": "clock_drift", "nodes": ["n1"], "drift_ppm": -1000000}])"),
        "faults[0].drift_ppm", "expected an integer in [-999999, 1000000]");
    require_error(base(R"("faults": [{"at": "1s", "kind": "link_cut", "from": "n2", "to": "n2"}])"),
                  "faults[0].to", "from and to are the same node");
    require_error(base(R"("golden": {"bully/1": "0123"})"), "golden.bully/1",
                  "expected 16 lowercase hex digits");
    require_error(base(R"("golden": {"bully": "0123456789abcdef"})"), "golden.bully",
                  "expected a key like \"raft/1\"");
    require_error(base(R"("params": {"raft": {"peers": [1, 2]}})"), "params.raft.peers",
                  "expected a number, true/false, a string or an object of parameters, got a list");
    require_error(base(R"("params": {"raft": 3})"), "params.raft",
                  "expected an object of parameters for 'raft', got 3");
    require_error(base(R"("workload": {"read_fraction": 0.7, "cas_fraction": 0.5})"),
                  "workload.cas_fraction", "expected read_fraction + cas_fraction <= 1");
    require_error(
        base(R"("workload": {"model": "kv", "ops": [{"at": "1s", "op": "write", "value": "1"}]})"),
        "workload.ops[0].op", "op 'write' belongs to the register model");
    require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "wirte", "value": "1"}]})"),
                  "workload.ops[0].op", "unknown op 'wirte' (did you mean 'write'?)");
    require_error(base(R"("workload": {"ops": [{"at": "1s", "op": "write", "value": 1}]})"),
                  "workload.ops[0].value", "expected a string like \"1\", got 1");
    require_error(
        base(
            R"("topology": {"kind": "explicit", "edges": [{"between": ["n1", "n2"]}, {"between": ["n2", "n1"]}]})"),
        "topology.edges[1]", "duplicate edge between n2 and n1 (also topology.edges[0])");
    require_error(base(R"("topology": {"kind": "rign"})"), "topology.kind",
                  "unknown topology kind 'rign' (did you mean 'ring'?)");
    require_error(R"({"algorithm": ""})", "algorithm", "expected an algorithm name");
    require_error(base(R"("nemesis": {"kinds": []})"), "nemesis.kinds",
                  "expected a non-empty list of fault kinds");
    require_error(base(R"("nemesis": {"start": "1s"})"), "nemesis",
                  "missing required field 'kinds'");
  }
}

TEST_CASE("numbers out of range name the JSON path, line and column, not nlohmann", "[scenario]") {
  // A double beyond +-1.8e308: nlohmann throws its own out_of_range text.
  require_error("{\"nodes\": 3,\n  \"duration\": 1e400}", "duration",
                "at line 2, column 15: the number 1e400 is out of range");
  require_error(base(R"("faults": [{"at": "1s", "kind": "drop", "probability": -1e999}])"),
                "faults[0].probability", "the number -1e999 is out of range");
  // An integer beyond 64 bits: nlohmann reads it as an inexact double without a word.
  require_error(R"({"nodes": 3, "seed": 99999999999999999999999})", "seed",
                "at line 1, column 22: the integer 99999999999999999999999 is out of range");
  require_error(R"({"name": "1 2 -3", "nodes": [1e3, -9223372036854775809]})", "nodes[1]",
                "at line 1, column 35: the integer -9223372036854775809 is out of range");
  require_error(R"({"seed": 1}, "golden": {})", "", "syntax error");
  require_error(R"({"nodes": 3, "golden": {"bully/99999999999999999999": "0123456789abcdef"}})",
                "golden.bully/99999999999999999999",
                "the seed 99999999999999999999 is out of range");
  // The extremes themselves are fine.
  CHECK(parse_scenario(R"({"nodes": 3, "seed": 18446744073709551615})", "t.json").seed ==
        18446744073709551615u);
  require_error("{}", "seed", "the integer 18446744073709551616 is out of range",
                {"seed=18446744073709551616"});
  for (const char* text : {R"({"nodes": 1e400})", R"({"seed": 99999999999999999999999})"}) {
    try {
      parse_scenario(text, "t.json");
      FAIL("accepted " << text);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("json.exception") == std::string::npos);
    }
  }
}

TEST_CASE("check_json_text counts lines from the given first line", "[scenario]") {
  CHECK_NOTHROW(check_json_text(R"({"t": 18446744073709551615, "u": -9223372036854775808})"));
  try {
    check_json_text(R"({"i": 3, "t": 1e400})", 189);
    FAIL("accepted 1e400");
  } catch (const InputError& e) {
    CHECK(e.path() == "t");
    CHECK(std::string(e.what()) ==
          "at line 189, column 15: the number 1e400 is out of range: a number must fit a double "
          "(about +-1.8e308)");
  }
  try {
    check_json_text(R"({"a": [0, {"b": 36893488147419103232}]})", 7);
    FAIL("accepted 2^65");
  } catch (const InputError& e) {
    CHECK(e.path() == "a[1].b");
    CHECK(std::string(e.what()).find("at line 7, column 17: the integer 36893488147419103232") ==
          0);
  }
}

TEST_CASE("the curated scenarios and the documented example are valid", "[scenario]") {
  namespace fs = std::filesystem;
  const fs::path root = BALLOT_SOURCE_DIR;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(root / "scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  CHECK_FALSE(files.empty());
  for (const auto& file : files) {
    INFO(file.string());
    try {
      const Scenario s = load_scenario(file.string());
      CHECK(s.file == file.string());
      require_same(s, parse_scenario(s.resolved_json, "resolved"));
    } catch (const InputError& e) {
      FAIL(file.string() << ": " << e.path() << ": " << e.what());
    }
  }

  // The first ```json block of docs/scenario-format.md is the complete example.
  std::ifstream in(root / "docs" / "scenario-format.md");
  REQUIRE(in);
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string text = doc.str();
  const size_t begin = text.find("```json\n", text.find("## A complete example"));
  REQUIRE(begin != std::string::npos);
  const size_t end = text.find("```", begin + 8);
  REQUIRE(end != std::string::npos);
  const Scenario example = parse_scenario(text.substr(begin + 8, end - begin - 8), "doc");
  CHECK(example.nodes == 5);
  CHECK(example.faults.size() == 3);
  CHECK(example.nemesis.enabled);
}

TEST_CASE("load_scenario reads files and reports unreadable ones", "[scenario]") {
  try {
    load_scenario("/nonexistent/ballot/scenario.json");
    FAIL("loaded a missing file");
  } catch (const InputError& e) {
    CHECK(e.path().empty());
    CHECK(std::string(e.what()).find("cannot read the scenario: No such file") !=
          std::string::npos);
  }
  const std::filesystem::path tmp = std::filesystem::temp_directory_path();
  try {
    load_scenario(tmp.string());
    FAIL("loaded a directory");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("it is a directory") != std::string::npos);
  }
  const std::string path =
      (tmp / ("ballot-test-scenario-" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path);
    out << kFullScenario;
  }
  const Scenario s = load_scenario(path, {"seed=5"});
  std::remove(path.c_str());
  CHECK(s.file == path);
  CHECK(s.seed == 5);
  CHECK(s.faults.size() == 13);
}

TEST_CASE("mutated scenario text never crashes the reader", "[scenario][property]") {
  // Random byte edits of a valid file: each either parses or raises one InputError with a
  // message; nothing else escapes.
  const std::string original = kFullScenario;
  Rng rng(2024);
  int errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = original;
    const int edits = static_cast<int>(rng.uniform_int(1, 3));
    for (int e = 0; e < edits; ++e) {
      const size_t pos =
          static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(text.size()) - 1));
      switch (rng.uniform_int(0, 2)) {
        case 0:
          text.erase(pos, 1);
          break;
        case 1:
          text.insert(pos, 1, static_cast<char>(rng.uniform_int(0, 255)));
          break;
        default:
          text[pos] = static_cast<char>(rng.uniform_int(0, 255));
      }
    }
    try {
      parse_scenario(text, "mutant.json");
    } catch (const InputError& e) {
      ++errors;
      REQUIRE(std::string(e.what()).size() > 0);
    }
  }
  CHECK(errors > 1000);  // most edits break something, so the test can fail
}

TEST_CASE("Params getters validate, record and reject unknown keys", "[params]") {
  auto make = [] {
    std::map<std::string, ParamValue> v;
    v["heartbeats"] = ParamValue::of_int(7);
    v["ratio"] = ParamValue::of_double(0.25);
    v["bugs.figure8"] = ParamValue::of_bool(true);
    v["election_timeout_min"] = ParamValue::of_string("150ms");
    v["mode"] = ParamValue::of_string("fast");
    v["heartbeat_interval"] = ParamValue::of_int(40);
    return Params("params.raft", v);
  };
  auto require_param_error = [](auto&& call, const std::string& path, const std::string& phrase) {
    try {
      call();
      FAIL("no error; expected " << path << ": " << phrase);
    } catch (const InputError& err) {
      INFO(err.path() << ": " << err.what());
      CHECK(err.path() == path);
      CHECK(std::string(err.what()).find(phrase) != std::string::npos);
    }
  };

  SECTION("getters return values and fall back when absent") {
    Params p = make();
    CHECK(p.path() == "params.raft");
    CHECK(p.get_int("heartbeats", 1, 0, 100) == 7);
    CHECK(p.get_int("absent", 11, 0, 100) == 11);
    CHECK(p.get_double("ratio", 0.5, 0.0, 1.0) == 0.25);
    CHECK(p.get_double("heartbeats", 0.0, 0.0, 10.0) == 7.0);  // integers are numbers too
    CHECK(p.get_bool("bugs.figure8", false));
    CHECK_FALSE(p.get_bool("bugs.other", false));
    CHECK(p.get_duration_us("election_timeout_min", 0, 0, kNever_us) == 150 * kMillisecond_us);
    CHECK(p.get_duration_us("heartbeat_interval", 0, 0, kNever_us) == 40 * kMillisecond_us);
    CHECK(p.get_duration_us("absent_timeout", 9, 0, kNever_us) == 9);
    CHECK(p.get_enum("mode", "slow", {"slow", "fast"}) == "fast");
    CHECK(p.has("mode"));
    CHECK_FALSE(p.has("absent"));
    CHECK_NOTHROW(p.finish());
  }
  SECTION("range and type errors name the dotted path") {
    Params p = make();
    require_param_error([&] { p.get_int("heartbeats", 1, 10, 100); }, "params.raft.heartbeats",
                        "expected an integer in [10, 100], got 7");
    require_param_error([&] { p.get_int("ratio", 1, 0, 100); }, "params.raft.ratio",
                        "expected an integer in [0, 100], got 0.25");
    require_param_error([&] { p.get_double("ratio", 0.5, 0.5, 1.0); }, "params.raft.ratio",
                        "expected a number in [0.5, 1], got 0.25");
    require_param_error([&] { p.get_bool("heartbeats", false); }, "params.raft.heartbeats",
                        "expected true or false, got 7");
    require_param_error(
        [&] { p.get_duration_us("election_timeout_min", 0, kSecond_us, kNever_us); },
        "params.raft.election_timeout_min", "expected a duration >= 1s, got \"150ms\"");
    require_param_error(
        [&] { p.get_duration_us("heartbeat_interval", 0, 0, 10 * kMillisecond_us); },
        "params.raft.heartbeat_interval", "expected a duration in [0ms, 10ms], got 40");
    require_param_error([&] { p.get_duration_us("mode", 0, 0, kNever_us); }, "params.raft.mode",
                        "expected a duration like \"150ms\"");
    require_param_error([&] { p.get_duration_us("bugs.figure8", 0, 0, kNever_us); },
                        "params.raft.bugs.figure8", "expected a duration like \"150ms\", got true");
    require_param_error(
        [&] {
          p.get_enum("mode", "slow", {"slow", "fst"});
        },
        "params.raft.mode",
        "unknown value \"fast\" (did you mean 'fst'?): expected one of slow, fst");
    require_param_error([&] { p.get_enum("heartbeats", "slow", {"slow"}); },
                        "params.raft.heartbeats", "expected one of slow, got 7");
  }
  SECTION("finish() rejects keys no getter asked for, suggesting the closest") {
    Params p = make();
    p.get_int("heartbeats", 1, 0, 100);
    p.get_double("ratio", 0.5, 0.0, 1.0);
    p.get_bool("bugs.figure8", false);
    p.get_duration_us("election_timeout_min", 0, 0, kNever_us);
    p.get_duration_us("heartbeat_interval", 0, 0, kNever_us);
    p.get_enum("mod", "slow",
               {"slow", "fast"});  // the algorithm asks for "mod"; the file says "mode"
    require_param_error([&] { p.finish(); }, "params.raft.mode",
                        "unknown parameter 'mode' (did you mean 'mod'?)");
    Params nothing_asked = make();
    require_param_error([&] { nothing_asked.finish(); }, "params.raft.bugs.figure8",
                        "unknown parameter 'bugs.figure8' (this algorithm takes no parameters)");
    Params far = make();
    far.get_int("zzzzzzzz", 0, 0, 1);
    require_param_error([&] { far.finish(); }, "params.raft.bugs.figure8",
                        "(known parameters: zzzzzzzz)");
  }
  SECTION("parameters flattened from a scenario carry their JSON path") {
    const Scenario s = parse_scenario(
        R"({"params": {"raft": {"bugs": {"figure8": "yes"}, "n5": {"election_timeout_min": "10ms"}}}})",
        "p.json");
    Params p("params.raft", s.params.at("raft"));
    CHECK(p.get_duration_us("n5.election_timeout_min", 0, 0, kNever_us) == 10 * kMillisecond_us);
    require_param_error([&] { p.get_bool("bugs.figure8", false); }, "params.raft.bugs.figure8",
                        "expected true or false, got \"yes\"");
  }
}

TEST_CASE("closest_name suggests typos, not unrelated words", "[params]") {
  const std::vector<std::string> keys = {"name", "nodes", "duration", "faults", "nemesis"};
  CHECK(closest_name("durration", keys) == "duration");
  CHECK(closest_name("Duration", keys) == "duration");
  CHECK(closest_name("nodez", keys) == "nodes");
  CHECK(closest_name("falts", keys) == "faults");
  CHECK(closest_name("foo", keys).empty());
  CHECK(closest_name("x", keys).empty());
  CHECK(closest_name("anything", {}).empty());
  CHECK(closest_name("nodes", keys) == "nodes");
}

// Regressions from a hardening pass: a clock jump or run of 2562047788h (about INT64_MAX µs)
// overflowed the kernel's clocks, and periods of 1us used unbounded memory before any run
// limit applied. Every time a scenario names is now bounded (docs/scenario-format.md#limits).
TEST_CASE("times in a scenario are bounded far from overflow", "[scenario][limits]") {
  SECTION("the run and every `at`") {
    CHECK(parse_scenario(R"({"duration": "168h"})", "d").duration_us == 168 * 3600 * kSecond_us);
    require_error(R"({"duration": "2562047788h"})", "duration",
                  "expected a duration in [1us, 168h], got \"2562047788h\"");
    require_error(R"({"duration": "169h"})", "duration", "expected a duration in [1us, 168h]");
    require_error(R"({"duration": 604800001})", "duration", "expected a duration in [1us, 168h]");
  }
  SECTION("clock jumps, either way") {
    const auto jump = [](const std::string& value) {
      return base(R"("faults": [{"at": "1s", "kind": "clock_jump", "nodes": ["n1"], "jump": )" +
                  value + "}]");
    };
    CHECK(parse_scenario(jump(R"("-168h")"), "j").faults[0].jump_us == -168 * 3600 * kSecond_us);
    require_error(jump(R"("2562047788h")"), "faults[0].jump",
                  "expected a duration in [-168h, 168h], got \"2562047788h\"");
    require_error(jump(R"("-169h")"), "faults[0].jump", "expected a duration in [-168h, 168h]");
  }
  SECTION("durations, delays, periods, timeouts and latencies") {
    require_error(
        base(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["n1"], "duration": "200h"}])"),
        "faults[0].duration", "expected a duration in [0ms, 168h], got \"200h\"");
    require_error(base(R"("faults": [{"at": "1s", "kind": "delay_spike", "delay": "200h"}])"),
                  "faults[0].delay", "expected a duration in [1us, 168h]");
    require_error(base(R"("faults": [{"at": "1s", "kind": "flap", "from": "n1", "to": "n2",
                                      "period": "200h"}])"),
                  "faults[0].period", "expected a duration in [1us, 168h]");
    require_error(base(R"("workload": {"timeout": "200h"})"), "workload.timeout",
                  "expected a duration in [1us, 168h]");
    require_error(base(R"("network": {"latency": {"dist": "constant", "value": "200h"}})"),
                  "network.latency.value", "expected a duration in [0ms, 168h]");
    require_error(base(R"("nemesis": {"kinds": ["crash"], "duration_max": "200h"})"),
                  "nemesis.duration_max", "expected a duration in [1us, 168h]");
  }
  SECTION("leader-duty periods and the nemesis interval have a minimum") {
    require_error(base(R"("workload": {"job_period": "1us"})"), "workload.job_period",
                  "expected a duration in [1ms, 168h], got \"1us\"");
    require_error(base(R"("workload": {"id_interval": "999us"})"), "workload.id_interval",
                  "expected a duration in [1ms, 168h], got \"999us\"");
    require_error(base(R"("nemesis": {"kinds": ["crash"], "mean_interval": "1us"})"),
                  "nemesis.mean_interval", "expected a duration in [1ms, 168h], got \"1us\"");
    const Scenario s =
        parse_scenario(base(R"("workload": {"job_period": "1ms", "id_interval": "1ms"},
                "nemesis": {"kinds": ["crash"], "mean_interval": "1ms"})"),
                       "min");
    CHECK(s.workload.job_period_us == kMillisecond_us);
    CHECK(s.workload.id_interval_us == kMillisecond_us);
    CHECK(s.nemesis.mean_interval_us == kMillisecond_us);
  }
  SECTION("--set overrides meet the same bounds") {
    require_error(base(), "duration",
                  "expected a duration in [1us, 168h], got \"2562047788h\" (from --set "
                  "duration=2562047788h)",
                  {"duration=2562047788h"});
    require_error(base(R"("workload": {"job_period": "100ms"})"), "workload.job_period",
                  "expected a duration in [1ms, 168h], got \"1us\" (from --set "
                  "workload.job_period=1us)",
                  {"workload.job_period=1us"});
    require_error(base(R"("nemesis": {"kinds": ["crash"]})"), "nemesis.mean_interval",
                  "(from --set nemesis.mean_interval=1us)", {"nemesis.mean_interval=1us"});
    require_error(base(R"("faults": [{"at": "1s", "kind": "clock_jump", "nodes": ["n1"]}])"),
                  "faults[0].jump", "expected a duration in [-168h, 168h]",
                  {"faults[0].jump=2562047788h"});
  }
  SECTION("expectations on *_us metrics are not times in the run, and stay unbounded") {
    const Scenario s =
        parse_scenario(base(R"("expect": {"split_brain_us": {"max": "200h"}})"), "e");
    REQUIRE(s.expect.size() == 1);
    CHECK(s.expect[0].max == 200 * 3600 * kSecond_us);
  }
}

TEST_CASE("overrides that leave nodes out of a partition or a topology are warned about",
          "[scenario][overrides]") {
  const std::string split =
      R"({"nodes": 5, "faults": [{"at": "1s", "kind": "partition",
          "groups": [["n1", "n2", "n3"], ["n4", "n5"]]}]})";
  CHECK(parse_scenario(split, "s.json").warnings.empty());
  CHECK(parse_scenario(split, "s.json", {"nodes=5", "seed=3"}).warnings.empty());
  const Scenario seven = parse_scenario(split, "s.json", {"nodes=7", "seed=3"});
  REQUIRE(seven.warnings.size() == 1);
  CHECK(seven.warnings[0].rfind("faults[0]: n6, n7 are in no partition group after --set nodes=7,",
                                0) == 0);
  // Leaving nodes out on purpose (they form the last group) keeps its meaning with more nodes.
  const std::string rest =
      R"({"nodes": 5, "faults": [{"at": "1s", "kind": "partition", "groups": [["n1", "n2"]]}]})";
  CHECK(parse_scenario(rest, "r.json", {"nodes=7"}).warnings.empty());
  const std::string line =
      R"({"nodes": 3, "topology": {"kind": "explicit",
          "edges": [{"between": ["n1", "n2"]}, {"between": ["n2", "n3"]}]}})";
  CHECK(parse_scenario(line, "l.json").warnings.empty());
  const Scenario four = parse_scenario(line, "l.json", {"nodes=4"});
  REQUIRE(four.warnings.size() == 1);
  CHECK(four.warnings[0].rfind("topology.edges: n4 has no edge", 0) == 0);
}
