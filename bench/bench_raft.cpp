// Raft throughput on the kernel: simulated events per wall-clock second and runs per second, for
// steady clusters of 3 to 51 nodes with a client workload, for the random-nemesis runs the tests
// sweep, and with disk-loss faults in play (which make every sync copy the durable log). Prints a
// table; docs/PERFORMANCE.md ("## Raft") records the results.
//
//   bench_raft [--quick]
//
// Wall-clock timing lives here, never in algorithms/ or in tests.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "algorithms/raft/raft.h"
#include "algorithms/registry.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

using Clock = std::chrono::steady_clock;

struct Case {
  std::string name;
  std::string json;
  int runs;  // seeds 1..runs
};

std::string steady(int nodes, const std::string& duration) {
  return R"({"nodes": )" + std::to_string(nodes) + R"(, "algorithm": "raft", "duration": ")" +
         duration + R"(",
    "workload": {"model": "kv", "clients": 4, "keys": 8, "mean_interval": "20ms",
                 "read_fraction": 0.5, "cas_fraction": 0.1}})";
}

const char* const kNemesis = R"({"nodes": 5, "algorithm": "raft", "duration": "13s",
  "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "10ms"}, "loss": 0.01},
  "nemesis": {"kinds": ["partition", "isolate", "crash", "pause", "drop", "clock_drift"],
              "start": "500ms", "stop": "8s", "mean_interval": "400ms",
              "duration_min": "50ms", "duration_max": "2s"},
  "workload": {"model": "register", "clients": 3, "start": "300ms", "stop": "8s",
               "mean_interval": "50ms", "read_fraction": 0.4, "cas_fraction": 0.2,
               "timeout": "500ms"}})";

// A long steady run whose log grows to thousands of entries, with or without a disk-loss fault
// scheduled (its presence makes the kernel keep a synced copy: one durable clone per sync).
std::string long_log(bool disk_loss) {
  std::string faults =
      disk_loss
          ? R"(, "faults": [{"at": "59s", "kind": "disk_loss", "nodes": ["n2"], "duration": "100ms"}])"
          : "";
  return R"({"nodes": 5, "algorithm": "raft", "duration": "60s",
    "workload": {"model": "kv", "clients": 4, "keys": 8, "mean_interval": "20ms",
                 "read_fraction": 0.0})" +
         faults + "}";
}

struct Measure {
  uint64_t events = 0;
  double seconds = 0;
  int64_t violations = 0;
};

Measure run_case(const Case& c) {
  Measure m;
  const AlgorithmInfo info = raft_algorithm();
  const auto start = Clock::now();
  for (int seed = 1; seed <= c.runs; ++seed) {
    Scenario scenario = parse_scenario(c.json, c.name);
    scenario.seed = static_cast<uint64_t>(seed);
    const RunResult result = make_simulator(info, scenario)->run();
    m.events += result.events;
    m.violations += static_cast<int64_t>(result.violations.size());
  }
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int scale = quick ? 1 : 5;
  std::vector<Case> cases = {
      {"steady 3 nodes, 10s", steady(3, "10s"), 4 * scale},
      {"steady 5 nodes, 10s", steady(5, "10s"), 4 * scale},
      {"steady 9 nodes, 10s", steady(9, "10s"), 2 * scale},
      {"steady 51 nodes, 10s", steady(51, "10s"), 1 * scale},
      {"nemesis 5 nodes, 13s", kNemesis, 20 * scale},
      {"long log 5 nodes, 60s", long_log(false), 1},
      {"long log + disk_loss", long_log(true), 1},
  };
  std::printf("%-26s %6s %12s %9s %14s %10s %10s\n", "case", "runs", "events", "wall s", "events/s",
              "runs/s", "violations");
  for (const Case& c : cases) {
    const Measure m = run_case(c);
    std::printf("%-26s %6d %12llu %9.2f %14.0f %10.1f %10lld\n", c.name.c_str(), c.runs,
                static_cast<unsigned long long>(m.events), m.seconds,
                static_cast<double>(m.events) / m.seconds, c.runs / m.seconds,
                static_cast<long long>(m.violations));
  }
  return 0;
}
