// Writes a large, realistic trace for measuring ballot-viz: a shipped scenario run for a long
// simulated time under a random nemesis (partitions, crashes, pauses, clock jumps, link cuts)
// with a client workload. Deterministic: the same arguments give the same file.
//
//   make_big_trace SCENARIO OUT.jsonl [DURATION]     (DURATION defaults to 2500s: ~1M events
//                                                     for scenarios/bully-partition.json)
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: make_big_trace SCENARIO OUT.jsonl [DURATION]\n");
    return 2;
  }
  const std::string duration = argc == 4 ? argv[3] : "2500s";
  const std::vector<std::string> sets = {
      "duration=\"" + duration + "\"",
      "nemesis.enabled=true",
      R"(nemesis.kinds=["partition","crash","pause","clock_jump","link_cut"])",
      "nemesis.mean_interval=\"5s\"",
      "workload.clients=3",
      "workload.mean_interval=\"100ms\"",
  };
  try {
    const ballot::Scenario scenario = ballot::load_scenario(argv[1], sets);
    std::ofstream out(argv[2], std::ios::binary);
    if (!out) {
      std::fprintf(stderr, "make_big_trace: %s: cannot write\n", argv[2]);
      return 2;
    }
    const ballot::RunReport report = ballot::run_scenario(scenario, &out);
    std::printf("%s: %lld events\n", argv[2], static_cast<long long>(report.result.events));
  } catch (const ballot::InputError& e) {
    std::fprintf(stderr, "make_big_trace: %s: %s\n", e.path().c_str(), e.what());
    return 2;
  }
  return 0;
}
