// Scenario files (docs/scenario-format.md) and algorithm parameters (sim/api/params.h): what a
// valid file becomes, what every default is, and that each kind of bad input gets one error naming
// the exact JSON path and saying what was expected.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/api/input_error.h"
#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/kernel/scenario.h"
#include "support/datadriven.h"
#include "support/shipped_scenarios.h"

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

// Reads `text` as a duration at `path`, expecting an error there whose message contains `phrase`.
void require_duration_error(const std::string& text, const std::string& path,
                            const std::string& phrase) {
  INFO(text);
  try {
    parse_duration_us(text, path);
    FAIL("accepted " << text);
  } catch (const InputError& e) {
    CHECK(e.path() == path);
    CHECK(std::string(e.what()).find(phrase) != std::string::npos);
  }
}

// Runs every record of tests/data/scenario/<file> (its format is at the top of the file).
void run_bad_scenario_table(const std::string& file) {
  const auto cases =
      testkit::read_data_cases(std::string(BALLOT_SOURCE_DIR) + "/tests/data/scenario/" + file);
  REQUIRE_FALSE(cases.empty());
  for (const testkit::DataCase& c : cases) {
    INFO(c.where());
    if (c.command == "duration") {
      require_duration_error(c.input, c.expect("path"), c.expect("error"));
      continue;
    }
    REQUIRE(c.command == "parse");
    require_error(c.has_arg("base") ? base(c.input) : c.input, c.expect("path"), c.expect("error"),
                  c.arg_list("set"));
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

TEST_CASE("golden entries: the hash alone, or the hash with its summary", "[scenario][golden]") {
  const Scenario s = parse_scenario(base(R"("golden": {"bully/1": "0123456789abcdef",
                         "raft/2": {"hash": "fedcba9876543210",
                                    "summary": {"events": 12, "leaders": ["n1 e1 0-end"]}},
                         "paxos/3": {"hash": "00000000000000ff"}})"),
                                    "g.json");
  CHECK(s.golden == std::map<std::string, std::string>{{"bully/1", "0123456789abcdef"},
                                                       {"paxos/3", "00000000000000ff"},
                                                       {"raft/2", "fedcba9876543210"}});
  // Compact JSON text (nlohmann orders the keys).
  CHECK(s.golden_summary == std::map<std::string, std::string>{
                                {"raft/2", R"({"events":12,"leaders":["n1 e1 0-end"]})"}});
  // --set reaches the hash of either form.
  const Scenario t = parse_scenario(base(R"("golden": {"raft/2": {"hash": "fedcba9876543210"}})"),
                                    "g.json", {"golden.raft/2.hash=0123456789abcdef"});
  CHECK(t.golden.at("raft/2") == "0123456789abcdef");

  require_error(base(R"("golden": {"raft/2": {"summary": {}}})"), "golden.raft/2",
                "missing required field 'hash'");
  require_error(base(R"("golden": {"raft/2": {"hash": "0123"}})"), "golden.raft/2.hash",
                "expected 16 lowercase hex digits");
  require_error(base(R"("golden": {"raft/2": {"hash": "0123456789abcdef", "sumary": {}}})"),
                "golden.raft/2.sumary", "did you mean 'summary'");
  require_error(base(R"("golden": {"raft/2": {"hash": "0123456789abcdef", "summary": [1]}})"),
                "golden.raft/2.summary", "expected an object");
  require_error(base(R"("golden": {"raft/2": 7})"), "golden.raft/2",
                "expected a string like \"0123456789abcdef\"");
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

  SECTION("bad durations, alone and in a scenario (tests/data/scenario/durations.txt)") {
    run_bad_scenario_table("durations.txt");
  }

  SECTION("in a scenario: strings, and numbers of milliseconds") {
    CHECK(parse_scenario(R"({"duration": 1500})", "d").duration_us == 1500 * kMillisecond_us);
    CHECK(parse_scenario(R"({"duration": 2.5})", "d").duration_us == 2500);
    CHECK(parse_scenario(R"({"duration": 0.001})", "d").duration_us == 1);
    CHECK(parse_scenario(R"({"duration": "3m"})", "d").duration_us == 180 * kSecond_us);
    CHECK(parse_scenario(R"({"duration": "1.5s"})", "d").duration_us == 1500 * kMillisecond_us);
    CHECK(parse_scenario(R"({"duration": "500us"})", "d").duration_us == 500);
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
  run_bad_scenario_table("bad_overrides.txt");
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

TEST_CASE("with_seed gives what reading the file with a last seed override gives",
          "[scenario][overrides]") {
  // `ballot sweep` reads its scenario once and runs with_seed copies of it.
  std::vector<std::string> files = test::shipped_scenarios("");
  files.push_back(std::string(BALLOT_SOURCE_DIR) + "/bench/raft-nemesis-sweep.json");
  REQUIRE(files.size() > 20);
  const std::vector<std::vector<std::string>> override_sets = {
      {}, {"network.loss=0.125", "seed=5"}, {"duration=\"20s\"", "algorithm=\"raft\""}};
  for (const std::string& file : files) {
    const Scenario plain = load_scenario(file);
    for (const auto& sets : override_sets) {
      const Scenario base = load_scenario(file, sets);
      for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{9876},
                            uint64_t{18446744073709551615ULL}}) {
        INFO(file << " with " << sets.size() << " overrides, seed " << seed);
        std::vector<std::string> with = sets;
        with.push_back("seed=" + std::to_string(seed));
        const Scenario want = load_scenario(file, with);
        const Scenario got = with_seed(base, seed);
        require_same(got, want);
        CHECK(got.file == want.file);
        CHECK(got.resolved_json == want.resolved_json);
        CHECK(got.warnings == want.warnings);
        CHECK(with_seed(plain, seed).resolved_json ==
              load_scenario(file, {with.back()}).resolved_json);
      }
    }
  }
}

TEST_CASE("bad input: one error with the exact JSON path and what was expected", "[scenario]") {
  run_bad_scenario_table("bad_input.txt");
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
  SECTION("every bound, in the file and through --set (tests/data/scenario/bounds.txt)") {
    run_bad_scenario_table("bounds.txt");
  }
  SECTION("the bounds themselves are allowed") {
    CHECK(parse_scenario(R"({"duration": "168h"})", "d").duration_us == 168 * 3600 * kSecond_us);
    const Scenario jump = parse_scenario(
        base(R"("faults": [{"at": "1s", "kind": "clock_jump", "nodes": ["n1"], "jump": "-168h"}])"),
        "j");
    CHECK(jump.faults[0].jump_us == -168 * 3600 * kSecond_us);
    const Scenario s =
        parse_scenario(base(R"("workload": {"job_period": "1ms", "id_interval": "1ms"},
                "nemesis": {"kinds": ["crash"], "mean_interval": "1ms"})"),
                       "min");
    CHECK(s.workload.job_period_us == kMillisecond_us);
    CHECK(s.workload.id_interval_us == kMillisecond_us);
    CHECK(s.nemesis.mean_interval_us == kMillisecond_us);
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
