// Messages per chosen value of Multi-Paxos with a stable leader (issue #12): the measurement that
// bench/bench_paxos_messages.cpp prints for docs/PERFORMANCE.md and tests/test_paxos_messages.cpp
// bounds. Header-only; include it only from a benchmark or a test (it pulls in the kernel).
//
// The run: n nodes, constant 1ms latency, no loss, no fault; n1 times out first (100ms, the
// others 250-300ms) and leads throughout; four key-value clients, each with exponential gaps of
// mean `mean_interval`, from 500ms to 11.5s of a 12s run.
//
// The steady window is [1s, 11s) of virtual time. Messages: every message any node sends in the
// window (a Send event), of every type, heartbeats and their replies included; client requests
// and answers are not messages (clients reach every node directly). Chosen values: the slots the
// leader learns as chosen in the window (its `learn` facts), no-ops and duties included (there
// are none in this workload). Messages per chosen value = messages / chosen values.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/kit/dispatch.h"
#include "algorithms/paxos/messages.h"
#include "algorithms/paxos/paxos.h"
#include "algorithms/registry.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

namespace ballot::bench {

struct PaxosSteadyCount {
  int32_t nodes = 0;
  int64_t messages = 0;  // sent in the window, all types
  int64_t chosen = 0;    // values the leader learned in the window
  std::map<std::string, int64_t> by_type;
  int64_t leaders = 0;  // leadership intervals over the whole run (1: stable)
  int64_t violations = 0;
  double per_chosen() const {
    return chosen == 0 ? 0.0 : static_cast<double>(messages) / static_cast<double>(chosen);
  }
  int64_t of(const std::string& type) const {
    auto it = by_type.find(type);
    return it == by_type.end() ? 0 : it->second;
  }
};

inline constexpr Time_us kSteadyFrom_us = 1 * kSecond_us;
inline constexpr Time_us kSteadyTo_us = 11 * kSecond_us;

inline std::string paxos_steady_scenario(int32_t nodes, const std::string& mean_interval) {
  return R"({"nodes": )" + std::to_string(nodes) + R"(, "algorithm": "paxos", "duration": "12s",
    "network": {"latency": {"dist": "constant", "value": "1ms"}},
    "params": {"paxos": {"election_timeout_min": "250ms", "election_timeout_max": "300ms",
                         "n1": {"election_timeout_min": "100ms", "election_timeout_max": "100ms"}}},
    "workload": {"model": "kv", "clients": 4, "keys": 8, "start": "500ms", "stop": "11500ms",
                 "mean_interval": ")" +
         mean_interval + R"(", "read_fraction": 0.5, "cas_fraction": 0.1}})";
}

// Counts the sends of every node and the leader's learn facts within [from, to).
class SteadyWindowCounter final : public Observer {
 public:
  SteadyWindowCounter(NodeId leader, Time_us from_us, Time_us to_us)
      : leader_(leader), from_us_(from_us), to_us_(to_us) {}
  bool wants(EventKind kind) const override {
    return kind == EventKind::Send || kind == EventKind::Record;
  }
  void on_event(const TraceEvent& ev) override {
    if (ev.time_us < from_us_ || ev.time_us >= to_us_ || ev.payload == nullptr) return;
    if (ev.kind == EventKind::Send) {
      ++count.messages;
      ++count.by_type[std::string(ev.payload->type())];
    } else if (ev.node == leader_ && kit::message_as<paxos::LearnFact>(*ev.payload) != nullptr) {
      ++count.chosen;
    }
  }
  PaxosSteadyCount count;

 private:
  NodeId leader_;
  Time_us from_us_;
  Time_us to_us_;
};

// One run of the steady scenario with `nodes` nodes (seed 1) and the --set overrides `sets`.
inline PaxosSteadyCount paxos_steady_messages(int32_t nodes,
                                              const std::vector<std::string>& sets = {},
                                              const std::string& mean_interval = "20ms") {
  Scenario scenario = parse_scenario(paxos_steady_scenario(nodes, mean_interval),
                                     "paxos-steady-" + std::to_string(nodes), sets);
  scenario.seed = 1;
  const std::unique_ptr<Simulator> sim = make_simulator(paxos_algorithm(), scenario);
  SteadyWindowCounter counter(0, kSteadyFrom_us, kSteadyTo_us);
  sim->watch(&counter);
  const RunResult result = sim->run();
  PaxosSteadyCount count = counter.count;
  count.nodes = nodes;
  count.leaders = static_cast<int64_t>(result.leader_intervals.size());
  count.violations = static_cast<int64_t>(result.violations.size());
  return count;
}

}  // namespace ballot::bench
