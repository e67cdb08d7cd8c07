// shrink_failure (cli/shrink.cpp): a failing nemesis run becomes a smaller scenario that fails the
// same way, within the budget; captions read like a lesson; a passing run is refused.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "cli/shrink.h"
#include "sim/api/input_error.h"

using namespace ballot;

namespace {

// Raft's vote_without_log_check under a short nemesis: seed 1 violates leader completeness.
const char* const kScenario = R"({"name": "unit", "nodes": 5, "algorithm": "raft", "seed": 1,
  "duration": "4s", "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}},
  "nemesis": {"kinds": ["partition", "crash", "isolate", "pause"], "start": "300ms", "stop": "3s",
              "mean_interval": "200ms", "duration_min": "50ms", "duration_max": "1s"},
  "workload": {"model": "register", "clients": 3, "start": "200ms", "stop": "3s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2,
               "timeout": "500ms"},
  "params": {"raft": {"bugs": {"vote_without_log_check": true}}}})";

std::string write_scenario(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("shrink: fewer faults, the same checker, and the result passes its own check",
          "[shrink]") {
  ShrinkOptions o;
  o.file = write_scenario("ballot-test-shrink.json", kScenario);
  const ShrinkResult r = shrink_failure(o);
  CHECK(r.safety);
  CHECK(r.what == "leader_completeness");
  CHECK(r.faults_scripted);
  CHECK(r.faults_before > 0);
  CHECK(r.faults_after < r.faults_before);
  CHECK(r.nodes_after <= r.nodes_before);
  CHECK(r.duration_after <= r.duration_before);
  CHECK(r.runs <= o.budget);
  CHECK_FALSE(r.budget_exhausted);
  // Its expectation is the failure: judge_run passes it, and the checker still fires.
  const Scenario s = parse_scenario(r.scenario_text, "shrunk.json");
  CHECK_FALSE(s.nemesis.enabled);
  CHECK(s.golden.empty());
  CHECK(s.faults.size() == r.faults_after);
  const RunReport report = run_scenario(s);
  CHECK(judge_run(report).ok());
  REQUIRE_FALSE(report.result.violations.empty());
  bool found = false;
  for (const Violation& v : report.result.violations) found |= v.checker == r.what;
  CHECK(found);
  // Without the expectation the same violation fails the run.
  const Scenario bare = parse_scenario(r.scenario_text, "shrunk.json", {"expect=null"});
  const Verdict v = judge_run(run_scenario(bare));
  REQUIRE_FALSE(v.ok());
  CHECK(v.failures.front().safety);
  // Deterministic.
  CHECK(shrink_failure(o).scenario_text == r.scenario_text);
}

TEST_CASE("shrink: the budget stops it with the best so far", "[shrink]") {
  ShrinkOptions o;
  o.file = write_scenario("ballot-test-shrink-budget.json", kScenario);
  o.budget = 5;
  const ShrinkResult r = shrink_failure(o);
  CHECK(r.budget_exhausted);
  CHECK(r.runs <= o.budget + 1);  // plus the final re-check
  CHECK(judge_run(run_scenario(parse_scenario(r.scenario_text, "shrunk.json"))).ok());
}

TEST_CASE("shrink: a run that passes is refused, bad overrides are input errors", "[shrink]") {
  ShrinkOptions o;
  o.file = write_scenario("ballot-test-shrink-pass.json", kScenario);
  o.sets = {"params.raft.bugs.vote_without_log_check=false"};
  CHECK_THROWS_AS(shrink_failure(o), NotFailing);
  o.sets = {"durration=1s"};
  CHECK_THROWS_AS(shrink_failure(o), InputError);
}

TEST_CASE("shrink: captions name the fault and its targets", "[shrink]") {
  CHECK(fault_caption(R"({"at": "1s", "kind": "crash", "nodes": ["n3"], "duration": "200ms"})") ==
        "n3 crashes, restarts after 200ms");
  CHECK(fault_caption(R"({"at": "1s", "kind": "partition", "groups": [["n1", "n2"],
                          ["n3", "n4", "n5"]], "duration": "1s"})") ==
        "n1,n2 | n3,n4,n5 split for 1s");
  CHECK(fault_caption(R"({"at": "1s", "kind": "isolate", "nodes": ["n2"]})") == "n2 is isolated");
  CHECK(fault_caption(R"({"at": "1s", "kind": "link_cut", "from": "n1", "to": "n2",
                          "both": true})") == "n1 <-> n2 cut");
  CHECK(fault_caption(R"({"at": "1s", "kind": "heal"})") == "the network heals");
  CHECK(fault_caption(R"({"at": "1s", "kind": "drop", "from": "n5", "type": "AppendEntries",
                          "duration": "100ms"})") ==
        "AppendEntries messages from n5 dropped for 100ms");
  CHECK(
      fault_caption(R"({"at": "1s", "kind": "bridge", "nodes": ["n1", "n4", "n3", "n5", "n2"]})") ==
      "n1,n4 | n5,n2 bridged by n3");
  CHECK(fault_caption(R"({"at": "1s", "kind": "pause", "nodes": ["n1", "n4"],
                          "duration": "300ms"})") == "n1,n4 pause for 300ms");
}

TEST_CASE("script_failure: the run as a self-contained scenario that outlives the generators",
          "[shrink][save-failures]") {
  ShrinkOptions o;
  o.file = write_scenario("ballot-test-script.json", kScenario);
  const SavedFailure f = script_failure(o, "unit test");
  CHECK(f.faults_scripted);
  CHECK(f.ops_scripted);
  CHECK(f.text.rfind("[leader_completeness]", 0) == 0);
  // The scenario reader accepts generated_by; nothing random is left.
  const Scenario s = parse_scenario(f.scenario_text, "saved.json");
  CHECK_FALSE(s.nemesis.enabled);
  CHECK(s.workload.clients == 0);
  CHECK_FALSE(s.faults.empty());
  CHECK_FALSE(s.workload.ops.empty());
  CHECK(f.scenario_text.find("\"generated_by\": {\"ballot\":\"" + std::string(kBallotVersion) +
                             "\",\"nemesis\":" + std::to_string(kNemesisGeneratorVersion) +
                             ",\"workload\":" + std::to_string(kWorkloadGeneratorVersion)) !=
        std::string::npos);
  // It fails first the way the run did.
  const Verdict v = judge_run(run_scenario(s));
  REQUIRE_FALSE(v.ok());
  CHECK(v.failures.front().what == "leader_completeness");
  // Generator settings no longer matter: with the nemesis's and the clients' settings changed it
  // runs exactly as before (the same trace), and fails the same way.
  const Scenario changed =
      parse_scenario(f.scenario_text, "saved.json",
                     {"nemesis.mean_interval=\"3s\"", "nemesis.duration_max=\"2s\"",
                      "workload.mean_interval=\"200ms\""});
  const RunReport a = run_scenario(s), b = run_scenario(changed);
  CHECK(a.result.trace_hash == b.result.trace_hash);
  // A passing run has nothing to save.
  ShrinkOptions passing = o;
  passing.sets = {"params.raft.bugs.vote_without_log_check=false"};
  CHECK_THROWS_AS(script_failure(passing, "unit test"), NotFailing);
}

TEST_CASE("shrink: a network fault becomes the single message drop the failure needs", "[shrink]") {
  // Any dropped message fails this run: the partition dropped many, one drop_message suffices.
  ShrinkOptions o;
  o.file = write_scenario("ballot-test-shrink-drops.json",
                          R"({"name": "drops", "nodes": 3, "algorithm": "bully", "seed": 1,
    "duration": "2s",
    "faults": [{"at": "500ms", "kind": "partition", "groups": [["n1"], ["n2", "n3"]],
                "duration": "500ms"}],
    "expect": {"messages_dropped": 0}})");
  const ShrinkResult r = shrink_failure(o);
  CHECK_FALSE(r.safety);
  CHECK(r.what == "expect.messages_dropped");
  CHECK(r.faults_before == 1);
  CHECK(r.faults_after == 1);
  const Scenario s = parse_scenario(r.scenario_text, "shrunk.json");
  REQUIRE(s.faults.size() == 1);
  CHECK(s.faults[0].kind == FaultKind::DropMessage);
  CHECK(s.faults[0].nth >= 1);
  CHECK_FALSE(s.faults[0].msg_type.empty());
  // It drops exactly one message, and its caption says which.
  const RunReport report = run_scenario(s);
  CHECK(judge_run(report).ok());
  CHECK(report.result.metrics.at("messages_dropped") == 1);
  CHECK(r.scenario_text.find(" dropped\"") != std::string::npos);
}

TEST_CASE("shrink: a drop_message caption names the message", "[shrink]") {
  CHECK(fault_caption(R"({"at": "1s", "kind": "drop_message", "from": "n1", "to": "n3",
                          "type": "RequestVote", "nth": 2})") ==
        "the 2nd RequestVote n1 -> n3 dropped");
  CHECK(fault_caption(R"({"at": "1s", "kind": "drop_message", "from": "n1", "to": "n3",
                          "type": "AppendEntries", "nth": 11})") ==
        "the 11th AppendEntries n1 -> n3 dropped");
}

TEST_CASE("shrink: a failure whose faults hit the fencing device shrinks, naming it stonith",
          "[shrink][stonith]") {
  // Under "proceed" with the device isolated, n2 takes over unfenced beside the paused n3:
  // the failure needs the isolate of the device, so the shrunk scenario must keep it.
  ShrinkOptions o;
  o.file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-pause-stonith-unreachable.json";
  o.sets = {"stonith.on_unreachable=proceed", R"(expect={"lost_writes": 0})"};
  const ShrinkResult r = shrink_failure(o);
  INFO(r.what << ": " << r.text << "\n" << r.scenario_text);
  CHECK(r.faults_scripted);
  CHECK(r.faults_after >= 1);
  const Scenario s = parse_scenario(r.scenario_text, "shrunk.json");
  CHECK(s.stonith.enabled);
  bool device_isolated = false;
  for (const FaultSpec& f : s.faults)
    device_isolated |= f.kind == FaultKind::Isolate && f.nodes.size() == 1 &&
                       f.nodes[0] == stonith_device_id(s.nodes);
  CHECK(device_isolated);
  CHECK(r.scenario_text.find(R"("stonith")") != std::string::npos);
  CHECK(r.scenario_text.find(R"("n4")") == std::string::npos);
  CHECK(judge_run(run_scenario(s)).ok());
}

TEST_CASE("fault lists name the fencing device stonith, not n<nodes+1>", "[stonith]") {
  const RunReport r = run_scenario(load_scenario(
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-pause-stonith-unreachable.json", {}));
  REQUIRE_FALSE(r.faults.empty());
  CHECK(r.faults.front().kind == "isolate");
  CHECK(r.faults.front().device == 4);
  CHECK(fault_targets_text(r.faults.front()) == "stonith");
  // A cluster node keeps its name; without a device, n4 is n4.
  CHECK(fault_targets_text(r.faults.back()) == "n3");
  FiredFault plain = r.faults.front();
  plain.device = 0;
  CHECK(fault_targets_text(plain) == "n4");
  CHECK(fault_node_name(4, 4) == "stonith");
  CHECK(fault_node_name(3, 4) == "n3");
}
