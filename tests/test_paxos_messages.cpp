// Multi-Paxos traffic and leader liveness on the real kernel (issue #12).
//
// Messages per chosen value with a stable leader (bench/paxos_steady.h defines the run, the steady
// window and what is counted; bench_paxos_messages prints the same numbers). The bound, at
// n = 3, 5, 7:
//
//   phase 2:    Accept + Accepted <= 2(n-1) * (chosen + 4)
//   the rest:   no Decide, no Prepare, Promise or Nack; Heartbeat + HeartbeatReply
//               <= 2(n-1) * (window / heartbeat_interval)   (the heartbeat allowance)
//
// One Accept to each of the n-1 other acceptors and one Accepted back per chosen value; decisions
// ride on the next Accept or Heartbeat; nothing is resent without a loss. "+ 4": values proposed
// in the window but chosen after it (or before it and chosen in it), at most one per client at
// each edge. A follower gets a Heartbeat only after a heartbeat interval in which it was sent no
// Accept, hence the allowance: at most one heartbeat and its reply per follower and interval, and
// none at all while clients keep Accepts flowing (4 clients every 20ms on average: then the whole
// count is <= 2(n-1) per chosen value but for the window's edges).
//
// Leader liveness: an isolated leader steps down within about one election timeout with
// leader_liveness = check_quorum, and keeps believing it leads until the partition heals without.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "algorithms/paxos/options.h"
#include "algorithms/paxos/paxos.h"
#include "algorithms/registry.h"
#include "bench/paxos_steady.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

constexpr int64_t kEdgeValues = 4;  // one per client at each edge of the window

void check_bound(const bench::PaxosSteadyCount& c, bool expect_idle) {
  const int64_t n = c.nodes;
  const int64_t window_intervals =
      (bench::kSteadyTo_us - bench::kSteadyFrom_us) / paxos::PaxosOptions().heartbeat_interval_us;
  const int64_t heartbeats = c.of("Heartbeat") + c.of("HeartbeatReply");
  const int64_t phase2 = c.of("Accept") + c.of("Accepted");
  INFO("n " << n << ": " << c.messages << " messages, " << c.chosen << " chosen, " << c.per_chosen()
            << " per value; Accept " << c.of("Accept") << ", Accepted " << c.of("Accepted")
            << ", Decide " << c.of("Decide") << ", Heartbeat " << c.of("Heartbeat")
            << ", HeartbeatReply " << c.of("HeartbeatReply"));
  CHECK(c.leaders == 1);  // stable: n1 leads the whole run
  CHECK(c.violations == 0);
  CHECK(c.chosen > 300);
  CHECK(c.of("Accept") == c.of("Accepted"));  // no loss: every Accept answered, none resent
  CHECK(phase2 <= 2 * (n - 1) * (c.chosen + kEdgeValues));
  CHECK(c.of("Decide") == 0);
  CHECK(c.messages == phase2 + heartbeats);  // nothing else: no Decide, no phase 1, no Nack
  CHECK(heartbeats <= 2 * (n - 1) * window_intervals);
  if (expect_idle) {
    CHECK(heartbeats > 0);  // the allowance is used: there were idle intervals
  } else {
    CHECK(heartbeats == 0);
    CHECK(c.messages <= 2 * (n - 1) * (c.chosen + kEdgeValues));
  }
}

}  // namespace

TEST_CASE(
    "Paxos messages per chosen value with a stable leader: 2(n-1) while Accepts flow, plus at "
    "most a heartbeat and its reply per follower and idle interval, at n = 3, 5, 7",
    "[paxos][messages]") {
  for (int32_t n : {3, 5, 7}) {
    check_bound(bench::paxos_steady_messages(n, {}, "20ms"), false);
    check_bound(bench::paxos_steady_messages(n, {}, "100ms"), true);
  }
}

namespace {

// n1 leads (it times out first) until it is isolated at 1s for 2s; the others elect n2..n5.
RunResult isolated_leader_run(const std::string& liveness) {
  const std::string text = R"({"nodes": 5, "algorithm": "paxos", "duration": "4s",
    "network": {"latency": {"dist": "constant", "value": "2ms"}},
    "params": {"paxos": {"leader_liveness": ")" +
                           liveness + R"(",
      "n1": {"election_timeout_min": "100ms", "election_timeout_max": "100ms"}}},
    "faults": [{"at": "1s", "kind": "isolate", "nodes": ["n1"], "duration": "2s"}],
    "workload": {"model": "register", "clients": 2, "mean_interval": "50ms", "timeout": "500ms"}})";
  Scenario scenario = parse_scenario(text, "paxos-isolated-leader");
  return make_simulator(paxos_algorithm(), scenario)->run();
}

}  // namespace

TEST_CASE(
    "Paxos leader_liveness: with check_quorum an isolated leader steps down within about one "
    "election timeout: without it, it believes it leads until the partition heals",
    "[paxos][liveness]") {
  const Time_us timeout_us = 100 * kMillisecond_us;  // n1's election_timeout_min
  const Time_us isolated_us = 1 * kSecond_us;
  const Time_us healed_us = 3 * kSecond_us;

  const RunResult quorum = isolated_leader_run("check_quorum");
  CHECK(quorum.violations.empty());
  REQUIRE_FALSE(quorum.leader_intervals.empty());
  const LeaderInterval& first = quorum.leader_intervals.front();
  CHECK(first.node == 0);
  CHECK(first.begin_us < isolated_us);
  // The check runs every election_timeout_min (n1's own) and asks for contact within the last
  // one: the step-down comes between one and two of them after the isolation.
  CHECK(first.end_us > isolated_us + timeout_us);
  CHECK(first.end_us <= isolated_us + 2 * timeout_us);

  const RunResult none = isolated_leader_run("none");
  CHECK(none.violations.empty());
  REQUIRE_FALSE(none.leader_intervals.empty());
  CHECK(none.leader_intervals.front().node == 0);
  CHECK(none.leader_intervals.front().end_us >= healed_us);  // until a higher ballot reaches it
}
