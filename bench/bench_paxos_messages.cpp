// Multi-Paxos messages per chosen value with a stable leader (issue #12), at n = 3, 5, 7: the
// steady run and the counting rules are in bench/paxos_steady.h. Prints one row per cluster size
// with the messages of each type; docs/PERFORMANCE.md ("## Multi-Paxos messages") records it.
//
//   bench_paxos_messages [--set key=value]...
//
// Counts, not timings: the run is deterministic, so the numbers are the same on every machine.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/paxos_steady.h"

using namespace ballot;

int main(int argc, char** argv) {
  std::vector<std::string> sets;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--set") != 0) {
      std::fprintf(stderr, "usage: bench_paxos_messages [--set key=value]...\n");
      return 2;
    }
    sets.emplace_back(argv[i + 1]);
  }
  for (const std::string& interval : {std::string("20ms"), std::string("100ms")}) {
    std::printf("4 kv clients, mean interval %s, window [1s, 11s), constant 1ms latency\n",
                interval.c_str());
    std::printf("%5s %8s %8s %10s %8s %8s %8s %8s %8s %8s %8s %6s %6s\n", "nodes", "chosen",
                "messages", "per value", "2(n-1)", "Accept", "Accepted", "Decide", "Heartbt",
                "HbReply", "other", "lead", "viol");
    for (int32_t n : {3, 5, 7}) {
      const bench::PaxosSteadyCount c = bench::paxos_steady_messages(n, sets, interval);
      const int64_t known = c.of("Accept") + c.of("Accepted") + c.of("Decide") + c.of("Heartbeat") +
                            c.of("HeartbeatReply");
      std::printf("%5d %8lld %8lld %10.2f %8d %8lld %8lld %8lld %8lld %8lld %8lld %6lld %6lld\n", n,
                  static_cast<long long>(c.chosen), static_cast<long long>(c.messages),
                  c.per_chosen(), 2 * (n - 1), static_cast<long long>(c.of("Accept")),
                  static_cast<long long>(c.of("Accepted")), static_cast<long long>(c.of("Decide")),
                  static_cast<long long>(c.of("Heartbeat")),
                  static_cast<long long>(c.of("HeartbeatReply")),
                  static_cast<long long>(c.messages - known), static_cast<long long>(c.leaders),
                  static_cast<long long>(c.violations));
    }
  }
  return 0;
}
