// The node model of issue 12 beyond the network: timer jitter (scenario "timers") and the disk's
// sync latency (scenario "storage"); docs/scenario-format.md.
#include <catch2/catch.hpp>

#include <string>

#include "cli/runner.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

// Three Raft nodes with one fixed election timeout (no randomness in it) and a constant network:
// every node times out at the same instant, votes for itself, and refuses the others.
std::string lockstep_raft(const std::string& extra) {
  return R"({"nodes": 3, "algorithm": "raft", "duration": "5s", "seed": 3,
    "network": {"latency": {"dist": "constant", "value": "1ms"}},
    "params": {"raft": {"election_timeout_min": "150ms", "election_timeout_max": "150ms",
                        "pre_vote": false}})" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace

TEST_CASE("fixed timeouts split the vote forever without timer jitter", "[model][jitter]") {
  const RunReport plain = run_scenario(parse_scenario(lockstep_raft(""), "t.json"));
  CHECK(plain.result.leader_intervals.empty());
  // With jitter the lockstep breaks and a leader is elected.
  const std::string jitter =
      R"("timers": {"jitter": {"dist": "uniform", "min": 0, "max": "20ms"}})";
  const Scenario s = parse_scenario(lockstep_raft(jitter), "t.json");
  REQUIRE(s.timer_jitter.has_value());
  const RunReport jittered = run_scenario(s);
  CHECK_FALSE(jittered.result.leader_intervals.empty());
  // Deterministic: the jitter comes from the seed.
  CHECK(run_scenario(s).result.trace_hash == jittered.result.trace_hash);
  // A zero jitter is the run without jitter (the jitter streams perturb nothing else).
  const RunReport zero = run_scenario(parse_scenario(
      lockstep_raft(R"("timers": {"jitter": {"dist": "constant", "value": 0}})"), "t.json"));
  CHECK(zero.result.trace_hash == plain.result.trace_hash);
}
