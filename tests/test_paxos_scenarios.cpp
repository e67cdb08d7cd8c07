// The curated Paxos scenarios (scenarios/paxos-*.json) on the real kernel: each runs with Paxos
// and its checker; every expectation in its file and its golden trace hash must hold (`ballot
// check` checks the same through the registry). Also the 3/2 split-brain lesson's Paxos column.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "cli/runner.h"
#include "sim/kernel/scenario.h"
#include "support/shipped_scenarios.h"

using namespace ballot;

namespace {

std::string scenario_path(const std::string& name) {
  return std::string(BALLOT_SOURCE_DIR) + "/scenarios/" + name;
}

// Every failed expectation (common, by_algorithm.paxos, golden hash), one per line, with the
// violations and the command that reproduces the run; "" when the run is ok.
std::string failures(const RunReport& report) {
  std::string text;
  for (const ExpectationResult& e : report.expectations) {
    if (!e.ok) text += e.path + ": wanted " + e.wanted + ", got " + e.got + "\n";
  }
  if (text.empty() && report.ok()) return "";
  for (const Violation& v : report.result.violations)
    text += "  " + v.checker + ": " + v.message + "\n";
  text +=
      "reproduce: " + repro_command(report.scenario.file, "paxos", report.scenario.seed, {}) + "\n";
  return text;
}

std::set<std::string> broken(const RunReport& report) {
  std::set<std::string> names;
  for (const Violation& v : report.result.violations) names.insert(v.checker);
  return names;
}

}  // namespace

TEST_CASE("Paxos scenarios: every expectation and golden hash of scenarios/paxos-*.json holds",
          "[paxos][scenario]") {
  const std::vector<std::string> files = test::shipped_scenarios("paxos-");
  REQUIRE(files.size() >= 4);
  for (const std::string& file : files) {
    const RunReport report = run_scenario(load_scenario(file));
    INFO(file);
    CHECK(report.scenario.algorithm == "paxos");
    CHECK(failures(report) == "");
  }
}

TEST_CASE(
    "Paxos scenarios: the lagging new leader keeps every chosen value: with "
    "bugs.ignore_accepted_in_promises the same run breaks agreement",
    "[paxos][scenario][bugs]") {
  const RunReport good = run_scenario(load_scenario(scenario_path("paxos-new-leader-lags.json")));
  CHECK(good.result.violations.empty());
  CHECK(good.linearizable);
  const RunReport bad =
      run_scenario(load_scenario(scenario_path("paxos-new-leader-lags.json"),
                                 {"params.paxos.bugs.ignore_accepted_in_promises=true"}));
  CHECK(broken(bad).count("agreement") == 1);
  CHECK(broken(bad).count("validity") == 0);  // the no-ops were proposed: only agreement breaks
  CHECK_FALSE(bad.linearizable);
}

TEST_CASE("Paxos in the 3/2 split-brain lesson: no lost write, no duplicate duty, over 10 seeds",
          "[paxos][scenario]") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const RunReport report =
        run_scenario(load_scenario(scenario_path("split-brain-3-2.json"),
                                   {"algorithm=\"paxos\"", "seed=" + std::to_string(seed)}));
    INFO("seed " << seed);
    CHECK(failures(report) == "");
    CHECK(report.result.metrics.at("split_brain_us") >
          0);  // the deposed leader still believes it leads
  }
}
