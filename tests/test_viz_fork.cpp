// Fork at the cursor (viz/fork.h, docs/viz.md#fork-at-the-cursor): the branch scenario built from
// a run's scenario, a fork time and edits; its validation; its run sharing the original's past;
// the saved file run by `ballot run`.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/api/input_error.h"
#include "viz/fork.h"
#include "viz/inprocess.h"
#include "viz/trace_model.h"

using namespace ballot::viz;
using ballot::InputError;
using json = nlohmann::json;

namespace {

const std::string kSource = BALLOT_SOURCE_DIR;

// The scenario as the viewer has it: the resolved scenario in the header of its in-process run.
std::string resolved(const std::string& scenario) {
  const InProcessRun run = run_in_process(kSource + "/scenarios/" + scenario, {}, {}, {});
  return parse_trace(run.trace, "t")->scenario_json;
}

// Two faults: a crash of n1 at 1s for 1s (before a fork at 2s) and a pause of n2 at 3s.
const std::string kTwoFaults = R"({"name": "two", "nodes": 3, "algorithm": "raft", "seed": 4,
  "duration": "6s", "golden": {"raft/4": "0123456789abcdef"},
  "faults": [{"at": "1s", "duration": "1s", "kind": "crash", "nodes": ["n1"]},
             {"at": "3s", "duration": "500ms", "kind": "pause", "nodes": ["n2"]}]})";

std::string error_of(const std::string& scenario, ballot::Time_us at, const ForkEdits& edits) {
  try {
    (void)make_branch(scenario, at, edits);
  } catch (const InputError& e) {
    return e.path() + ": " + e.what();
  }
  return "";
}

std::string footer_hash(const std::string& trace) {
  const size_t p = trace.rfind("\"trace_hash\":\"");
  REQUIRE(p != std::string::npos);
  return trace.substr(p + 14, 16);
}

// The event lines (after the header, before the footer) whose time is below `t`.
std::vector<std::string> events_before(const std::string& trace, ballot::Time_us t) {
  std::istringstream in(trace);
  std::string line;
  std::vector<std::string> out;
  std::getline(in, line);
  while (std::getline(in, line) && line.rfind("{\"footer\"", 0) != 0) {
    const json e = json::parse(line);
    if (e["t"].get<ballot::Time_us>() < t) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("fork: faults at or after the cursor are editable, earlier ones are not", "[viz][fork]") {
  const std::vector<ForkFault> f = fork_faults(kTwoFaults, 2 * ballot::kSecond_us);
  REQUIRE(f.size() == 2);
  CHECK(f[0].kind == "crash");
  CHECK(f[0].at_us == ballot::kSecond_us);
  CHECK_FALSE(f[0].editable);
  CHECK(f[1].kind == "pause");
  CHECK(f[1].duration_us == 500 * ballot::kMillisecond_us);
  CHECK(f[1].editable);
  CHECK(f[1].details == "nodes [\"n2\"]");
  // At the fault's own start it is still editable.
  CHECK(fork_faults(kTwoFaults, ballot::kSecond_us)[0].editable);
}

TEST_CASE("fork: a moved and a removed fault leave the faults before the cursor as they were",
          "[viz][fork]") {
  const json original = json::parse(kTwoFaults);
  ForkEdits moved;
  moved.faults.push_back({1, false, 4 * ballot::kSecond_us, 200 * ballot::kMillisecond_us});
  const Branch b = make_branch(kTwoFaults, 2 * ballot::kSecond_us, moved);
  const json doc = json::parse(b.scenario_json);
  REQUIRE(doc["faults"].size() == 2);
  CHECK(doc["faults"][0] == original["faults"][0]);
  CHECK(doc["faults"][1]["at"] == "4s");
  CHECK(doc["faults"][1]["duration"] == "200ms");
  CHECK_FALSE(doc.contains("golden"));
  CHECK(doc["seed"] == 4);
  CHECK(b.label == "branch at 2s");
  CHECK(b.changes == "faults[1] pause at 3s -> 4s, duration 500ms -> 200ms");

  ForkEdits removed;
  removed.faults.push_back({1, true, {}, {}});
  const json gone =
      json::parse(make_branch(kTwoFaults, 2 * ballot::kSecond_us, removed).scenario_json);
  REQUIRE(gone["faults"].size() == 1);
  CHECK(gone["faults"][0] == original["faults"][0]);
  CHECK(describe_edits(kTwoFaults, removed) == "faults[1] pause removed");
}

TEST_CASE("fork: the past cannot change", "[viz][fork]") {
  ForkEdits early;
  early.faults.push_back({0, false, 3 * ballot::kSecond_us, {}});
  CHECK(error_of(kTwoFaults, 2 * ballot::kSecond_us, early) ==
        "faults[0]: begins at 1s, before the fork time 2s: the branch shares the past, so it "
        "cannot change");
  ForkEdits back;
  back.faults.push_back({1, false, 1500 * ballot::kMillisecond_us, {}});
  CHECK(error_of(kTwoFaults, 2 * ballot::kSecond_us, back) ==
        "faults[1].at: expected a time at or after the fork time 2s, got 1500ms");
  ForkEdits added;
  added.added.push_back({"crash", ballot::kSecond_us, 0, {{"nodes", "n3"}}});
  CHECK(error_of(kTwoFaults, 2 * ballot::kSecond_us, added) ==
        "faults[2].at: expected a time at or after the fork time 2s, got 1s");
}

TEST_CASE("fork: added faults of several kinds are written from the panel's shorthand",
          "[viz][fork]") {
  ForkEdits e;
  e.added.push_back(
      {"partition", 4 * ballot::kSecond_us, ballot::kSecond_us, {{"groups", "n1, n2 | n3"}}});
  e.added.push_back({"drop",
                     4 * ballot::kSecond_us,
                     0,
                     {{"type", "AppendEntries"}, {"from", "n1"}, {"probability", "0.5"}}});
  e.added.push_back({"crash", 5 * ballot::kSecond_us, 0, {{"nodes", "leader"}}});
  e.added.push_back({"heal", 5500 * ballot::kMillisecond_us, 0, {}});
  const json doc = json::parse(make_branch(kTwoFaults, 2 * ballot::kSecond_us, e).scenario_json);
  REQUIRE(doc["faults"].size() == 6);
  CHECK(doc["faults"][2]["groups"] == json::parse(R"([["n1","n2"],["n3"]])"));
  CHECK(doc["faults"][2]["duration"] == "1s");
  CHECK(doc["faults"][3]["probability"] == 0.5);
  CHECK(doc["faults"][3]["type"] == "AppendEntries");
  CHECK(doc["faults"][4]["nodes"] == json::parse(R"(["leader"])"));
  CHECK(doc["faults"][5] == json::parse(R"({"at":"5500ms","kind":"heal"})"));
}

TEST_CASE("fork: invalid edits give the scenario reader's message", "[viz][fork]") {
  ForkEdits missing;
  missing.added.push_back({"crash", 4 * ballot::kSecond_us, 0, {}});
  const std::string m = error_of(kTwoFaults, 2 * ballot::kSecond_us, missing);
  CHECK(m.rfind("faults[2]", 0) == 0);
  CHECK(m.find("nodes") != std::string::npos);
  ForkEdits typo;
  typo.sets.push_back("durration=5s");
  CHECK(error_of(kTwoFaults, 0, typo).find("did you mean 'duration'?") != std::string::npos);
  ForkEdits param;
  param.params["pre_vot"] = "true";
  CHECK(error_of(kTwoFaults, 0, param) ==
        "params.raft.pre_vot: unknown parameter 'pre_vot' (did you mean 'pre_vote'?)");
  ForkEdits instant;
  instant.added.push_back({"heal", 4 * ballot::kSecond_us, ballot::kSecond_us, {}});
  CHECK(error_of(kTwoFaults, 0, instant).rfind("faults[2].duration", 0) == 0);
}

TEST_CASE("fork: a parameter's value is shown as the scenario writes it", "[viz][fork]") {
  const std::string scenario = R"({"nodes": 3, "algorithm": "raft", "duration": "1s",
    "params": {"raft": {"heartbeat_interval": 40, "election_timeout_min": "200ms"}}})";
  std::map<std::string, ForkParam> by_key;
  for (const ForkParam& p : fork_params(scenario)) by_key[p.key] = p;
  CHECK(by_key["heartbeat_interval"].type == ForkParam::Type::Duration);
  CHECK(by_key["heartbeat_interval"].value == "40");  // a bare number: milliseconds
  CHECK(by_key["election_timeout_min"].value == "200ms");
  CHECK(by_key["pre_vote"].value.empty());
}

TEST_CASE("fork: options and bug toggles come from the algorithm, and can be toggled",
          "[viz][fork]") {
  const std::string figure8 = resolved("raft-figure8-bug.json");
  const std::vector<ForkParam> params = fork_params(figure8);
  const ForkParam* bug = nullptr;
  const ForkParam* pre_vote = nullptr;
  for (const ForkParam& p : params) {
    CHECK(p.key.rfind("n1.", 0) != 0);  // per-node keys are left to --set
    if (p.key == "bugs.commit_old_term_by_count") bug = &p;
    if (p.key == "pre_vote") pre_vote = &p;
  }
  REQUIRE(bug != nullptr);
  CHECK(bug->bug());
  CHECK(bug->type == ForkParam::Type::Bool);
  CHECK(bug->value == "true");  // written nested in the file
  REQUIRE(pre_vote != nullptr);
  CHECK_FALSE(pre_vote->bug());
  CHECK(pre_vote->fallback == "false");
  CHECK(pre_vote->value.empty());

  ForkEdits e;
  e.params["bugs.commit_old_term_by_count"] = "false";
  e.params["heartbeat_interval"] = "40ms";
  e.sets.push_back("duration=4s");
  const Branch b = make_branch(figure8, 0, e);
  const json doc = json::parse(b.scenario_json);
  CHECK(doc["params"]["raft"]["bugs.commit_old_term_by_count"] == false);
  CHECK_FALSE(doc["params"]["raft"].contains("bugs"));
  CHECK(doc["params"]["raft"]["heartbeat_interval"] == "40ms");
  CHECK(doc["duration"] == "4s");
  CHECK(b.changes ==
        "bugs.commit_old_term_by_count=false; heartbeat_interval=40ms; --set duration=4s");
  // The toggle changes the run: the bug's violations are gone.
  const auto model = parse_trace(run_branch(b), "branch");
  CHECK(model->violations.empty());
  CHECK_FALSE(parse_trace(run_branch(make_branch(figure8, 0, {})), "same")->violations.empty());
}

TEST_CASE("fork: a fault moved later leaves the trace before the fork time as it was",
          "[viz][fork]") {
  // raft-partition-leader-minority: the 3/2 partition at 1s; fork at 800ms, move it to 1.5s.
  const InProcessRun original =
      run_in_process(kSource + "/scenarios/raft-partition-leader-minority.json", {}, {}, {});
  const std::string scenario = parse_trace(original.trace, "a")->scenario_json;
  const ballot::Time_us fork = 800 * ballot::kMillisecond_us;

  // Nothing changed: the same run, event for event.
  const std::string same = run_branch(make_branch(scenario, fork, {}));
  CHECK(footer_hash(same) == footer_hash(original.trace));
  CHECK_FALSE(first_difference_us(same, original.trace).has_value());

  ForkEdits e;
  e.faults.push_back({0, false, 1500 * ballot::kMillisecond_us, {}});
  const std::string branch = run_branch(make_branch(scenario, fork, e));
  const std::vector<std::string> before = events_before(original.trace, fork);
  CHECK(before.size() > 100);
  CHECK(events_before(branch, fork) == before);
  // ... and differs after: where the partition began.
  const std::optional<ballot::Time_us> diff = first_difference_us(branch, original.trace);
  REQUIRE(diff.has_value());
  CHECK(*diff == ballot::kSecond_us);
  CHECK(footer_hash(branch) != footer_hash(original.trace));
}

TEST_CASE("fork: the saved branch runs with ballot run and gives the branch's trace",
          "[viz][fork]") {
  const std::string scenario = resolved("raft-partition-leader-minority.json");
  ForkEdits e;
  e.faults.push_back({0, false, 1500 * ballot::kMillisecond_us, {}});
  const Branch b = make_branch(scenario, 800 * ballot::kMillisecond_us, e);
  const std::string branch_hash = footer_hash(run_branch(b));

  const auto dir = std::filesystem::temp_directory_path() / "ballot-test-viz-fork";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "branch.json").string();
  std::string error;
  REQUIRE(save_branch(b, "scenarios/raft-partition-leader-minority.json", file, false, &error));
  // No overwrite without confirmation.
  CHECK_FALSE(save_branch(b, "x", file, false, &error));
  CHECK(error == file + " exists: tick \"Overwrite\" to replace it");
  CHECK(save_branch(b, "scenarios/raft-partition-leader-minority.json", file, true, &error));

  std::ifstream in(file);
  const json saved = json::parse(in);
  CHECK_FALSE(saved.contains("golden"));
  CHECK(saved["description"].get<std::string>().rfind(
            "Forked from scenarios/raft-partition-leader-minority.json at 800ms in ballot-viz: "
            "faults[0] partition at 1s -> 1500ms.",
            0) == 0);

  const std::string trace = (dir / "branch.jsonl").string();
  const std::string command = std::string(BALLOT_CLI) + " run " + file + " --trace " + trace +
                              " > " + (dir / "out.txt").string() + " 2>&1";
  const int rc = std::system(command.c_str());
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) != 2);  // expectations may fail (the run changed); the input is good
  std::ifstream t(trace);
  std::stringstream text;
  text << t.rdbuf();
  CHECK(footer_hash(text.str()) == branch_hash);
  std::filesystem::remove_all(dir);
}
