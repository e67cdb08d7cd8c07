// What the kernel property tests of the consensus algorithms share: the random-nemesis scenario
// (every fault kind the kernel knows from 500ms to 8s, a register workload with the leader duties
// until 8s, then a quiet tail to 13s) and the safety judgement of a run.
#pragma once
#include <set>
#include <string>

#include "sim/kernel/simulator.h"
#include "sim/lincheck/lincheck.h"

namespace ballot::test {

// The scenario text for `algorithm`, named "<algorithm>-nemesis".
inline std::string nemesis_scenario(const std::string& algorithm) {
  return R"({
  "name": ")" +
         algorithm + R"(-nemesis", "nodes": 5, "algorithm": ")" + algorithm +
         R"(", "duration": "13s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"},
              "loss": 0.01, "duplicate": 0.01},
  "nemesis": {"kinds": ["partition", "isolate", "crash", "pause", "disk_loss", "drop",
                        "loss_burst", "delay_spike", "link_cut", "bridge", "majorities_ring",
                        "flap", "slow_node", "clock_drift", "clock_jump"],
              "start": "500ms", "stop": "8s", "mean_interval": "400ms",
              "duration_min": "50ms", "duration_max": "2s"},
  "workload": {"model": "register", "clients": 3, "start": "300ms", "stop": "8s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2,
               "timeout": "500ms", "job_period": "100ms", "id_interval": "100ms"}
})";
}

// What a safe run must not show, one line each (empty: none): a checker's violation (its name is
// added to `broken`), a lost write, a job period run twice, an id handed out twice, a register
// history that is not linearizable or could not be decided.
inline std::string safety_problems(const RunResult& result,
                                   std::set<std::string>* broken = nullptr) {
  std::string problems;
  for (const Violation& v : result.violations) {
    problems += v.checker + ": " + v.message + "\n";
    if (broken != nullptr) broken->insert(v.checker);
  }
  for (const char* damage : {"lost_writes", "job_duplicates", "id_duplicates"}) {
    auto it = result.metrics.find(damage);
    if (it != result.metrics.end() && it->second != 0) {
      problems += std::string(damage) + " = " + std::to_string(it->second) + "\n";
    }
  }
  const lin::Verdict verdict = lin::check(result.history, lin::Model::Register);
  if (!verdict.linearizable) {
    problems += verdict.timed_out ? "linearizability check timed out\n"
                                  : "not linearizable: " + verdict.explanation + "\n";
  }
  return problems;
}

}  // namespace ballot::test
