// Swarm testing (draw_swarm, sim/kernel/nemesis.h): the nemesis's own settings drawn from the
// seed's "swarm" stream, within the documented ranges, the same for a seed, different across seeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "sim/kernel/nemesis.h"

using namespace ballot;

namespace {

Scenario swarm_scenario(uint64_t seed) {
  Scenario s;
  s.nodes = 5;
  s.seed = seed;
  s.network.loss = 0.05;
  s.network.duplicate = 0.05;
  s.nemesis.enabled = true;
  s.nemesis.swarm = true;
  s.nemesis.kinds = {FaultKind::Partition, FaultKind::Crash,      FaultKind::Pause,
                     FaultKind::ClockJump, FaultKind::ClockDrift, FaultKind::LossBurst};
  s.nemesis.mean_interval_us = 400 * kMillisecond_us;
  s.nemesis.duration_min_us = 20 * kMillisecond_us;
  s.nemesis.duration_max_us = 2 * kSecond_us;
  s.workload.clients = 3;
  s.workload.mean_interval_us = 50 * kMillisecond_us;
  return s;
}

size_t base_kinds() {
  return swarm_scenario(1).nemesis.kinds.size();
}

}  // namespace

TEST_CASE("the swarm draw is deterministic per seed and stays within its ranges") {
  std::set<std::vector<FaultKind>> mixes;
  std::set<Time_us> intervals;
  std::set<size_t> sizes;
  int lossless = 0, lossy = 0;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const Scenario base = swarm_scenario(seed);
    const Scenario a = draw_swarm(base), b = draw_swarm(base);
    CHECK(a.nemesis.kinds == b.nemesis.kinds);
    CHECK(a.nemesis.mean_interval_us == b.nemesis.mean_interval_us);
    CHECK(a.nemesis.duration_min_us == b.nemesis.duration_min_us);
    CHECK(a.nemesis.duration_max_us == b.nemesis.duration_max_us);
    CHECK(a.network.loss == b.network.loss);
    CHECK(a.network.duplicate == b.network.duplicate);
    CHECK_FALSE(a.nemesis.swarm);
    // Within the documented ranges.
    REQUIRE_FALSE(a.nemesis.kinds.empty());
    for (FaultKind k : a.nemesis.kinds)
      CHECK(std::find(base.nemesis.kinds.begin(), base.nemesis.kinds.end(), k) !=
            base.nemesis.kinds.end());
    CHECK(a.nemesis.mean_interval_us >= 25 * kMillisecond_us);
    CHECK(a.nemesis.mean_interval_us <= 800 * kMillisecond_us);
    CHECK(a.nemesis.duration_min_us >= base.nemesis.duration_min_us);
    CHECK(a.nemesis.duration_min_us <= a.nemesis.duration_max_us);
    CHECK(a.nemesis.duration_max_us <= base.nemesis.duration_max_us);
    CHECK(std::is_sorted(
        a.nemesis.kinds.begin(), a.nemesis.kinds.end(), [&](FaultKind x, FaultKind y) {
          return std::find(base.nemesis.kinds.begin(), base.nemesis.kinds.end(), x) <
                 std::find(base.nemesis.kinds.begin(), base.nemesis.kinds.end(), y);
        }));
    CHECK(std::set<FaultKind>(a.nemesis.kinds.begin(), a.nemesis.kinds.end()).size() ==
          a.nemesis.kinds.size());
    CHECK(a.workload.mean_interval_us == b.workload.mean_interval_us);
    CHECK(a.workload.mean_interval_us >= base.workload.mean_interval_us);
    CHECK(a.workload.mean_interval_us <= 8 * base.workload.mean_interval_us);
    CHECK(a.network.loss >= 0.0);
    CHECK(a.network.loss <= kSwarmMaxLoss);
    CHECK(a.network.duplicate >= 0.0);
    CHECK(a.network.duplicate <= kSwarmMaxDuplicate);
    // The rest of the scenario is untouched.
    CHECK(a.seed == seed);
    CHECK(a.nemesis.start_us == base.nemesis.start_us);
    CHECK(a.nemesis.stop_us == base.nemesis.stop_us);
    mixes.insert(a.nemesis.kinds);
    sizes.insert(a.nemesis.kinds.size());
    intervals.insert(a.nemesis.mean_interval_us);
    (a.network.loss == 0.0 ? lossless : lossy)++;
  }
  // Different mixes across seeds: many kind subsets, many intervals, with and without loss.
  CHECK(mixes.size() > 30);
  CHECK(sizes.size() == base_kinds());  // every count of kinds, 1 to K, occurs
  CHECK(intervals.size() > 150);
  CHECK(lossless > 20);
  CHECK(lossy > 80);
}

TEST_CASE("without swarm the scenario is left exactly as written") {
  Scenario base = swarm_scenario(7);
  base.nemesis.swarm = false;
  const Scenario a = draw_swarm(base);
  CHECK(a.nemesis.kinds == base.nemesis.kinds);
  CHECK(a.nemesis.mean_interval_us == base.nemesis.mean_interval_us);
  CHECK(a.nemesis.duration_min_us == base.nemesis.duration_min_us);
  CHECK(a.nemesis.duration_max_us == base.nemesis.duration_max_us);
  CHECK(a.network.loss == base.network.loss);
  CHECK(a.network.duplicate == base.network.duplicate);
}

TEST_CASE("the swarm draw depends on the seed alone, not on other streams") {
  // The same seed with another workload or node count gives the same mix: the swarm stream is
  // derived from the seed and its own name only.
  Scenario one = swarm_scenario(42), two = swarm_scenario(42);
  two.nodes = 3;
  two.workload.clients = 4;
  const Scenario a = draw_swarm(one), b = draw_swarm(two);
  CHECK(a.nemesis.kinds == b.nemesis.kinds);
  CHECK(a.nemesis.mean_interval_us == b.nemesis.mean_interval_us);
  CHECK(a.network.loss == b.network.loss);
}
