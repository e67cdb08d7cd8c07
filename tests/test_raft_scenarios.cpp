// The curated Raft scenarios (scenarios/raft-*.json) on the real kernel: each runs with Raft and
// its checkers; every expectation in its file and its golden trace hash must hold (`ballot check`
// checks the same through the registry).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "algorithms/raft/raft.h"
#include "algorithms/registry.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/shipped_scenarios.h"

using namespace ballot;

namespace {

RunResult run_raft(const Scenario& scenario) {
  return make_simulator(raft_algorithm(), scenario)->run();
}

// Every failed expectation, one per line, with the command that reproduces the run.
std::string failed_expectations(const Scenario& scenario, const RunResult& result) {
  std::vector<Expectation> all = scenario.expect;
  auto extra = scenario.expect_by_algorithm.find("raft");
  if (extra != scenario.expect_by_algorithm.end()) {
    all.insert(all.end(), extra->second.begin(), extra->second.end());
  }
  std::string failures;
  for (const Expectation& e : all) {
    if (e.metric == "reached") {  // a situation, counted beside the metrics (sim/api/situation.h)
      const int id = find_situation(*find_algorithm("raft"), e.situation);
      const bool reached = id >= 0 && static_cast<size_t>(id) < result.situations.size() &&
                           result.situations[static_cast<size_t>(id)].count > 0;
      if (!reached) failures += e.path + ": " + e.situation + " not reached\n";
      continue;
    }
    auto it = result.metrics.find(e.metric);
    if (it == result.metrics.end()) {
      failures += e.path + ": not measured\n";
      continue;
    }
    const int64_t v = it->second;
    if ((e.eq && v != *e.eq) || (e.min && v < *e.min) || (e.max && v > *e.max)) {
      failures += e.path + ": got " + std::to_string(v) +
                  (e.eq ? ", expected == " + std::to_string(*e.eq) : "") +
                  (e.min ? ", expected >= " + std::to_string(*e.min) : "") +
                  (e.max ? ", expected <= " + std::to_string(*e.max) : "") + "\n";
    }
  }
  auto golden = scenario.golden.find("raft/" + std::to_string(scenario.seed));
  if (golden != scenario.golden.end()) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(result.trace_hash));
    if (golden->second != hash) {
      failures += "golden." + golden->first + ": trace hash " + hash + ", expected " +
                  golden->second + "\n";
    }
  }
  if (!failures.empty()) {
    for (const Violation& v : result.violations)
      failures += "  " + v.checker + ": " + v.message + "\n";
    failures += "reproduce: ballot run " + scenario.file + " --algo raft --seed " +
                std::to_string(scenario.seed) + "\n";
  }
  return failures;
}

}  // namespace

TEST_CASE("Raft scenarios: every expectation and golden hash of scenarios/raft-*.json holds",
          "[raft][scenario]") {
  const std::vector<std::string> files = test::shipped_scenarios("raft-");
  REQUIRE_FALSE(files.empty());
  for (const std::string& file : files) {
    const Scenario scenario = load_scenario(file);
    const RunResult result = run_raft(scenario);
    INFO(file);
    CHECK(failed_expectations(scenario, result) == "");
  }
}

TEST_CASE("Raft scenarios: Figure 8 with the bug breaks exactly the properties the paper names",
          "[raft][scenario][figure8]") {
  const Scenario scenario =
      load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/raft-figure8-bug.json");
  const RunResult result = run_raft(scenario);
  std::set<std::string> broken;
  for (const Violation& v : result.violations) broken.insert(v.checker);
  INFO(failed_expectations(scenario, result));
  CHECK(broken.count("leader_completeness") == 1);
  CHECK(broken.count("state_machine_safety") == 1);
  CHECK(broken.count("election_safety") == 0);
}
