// Swarm testing (draw_swarm, sim/kernel/nemesis.h): the nemesis's own settings drawn from the
// seed's "swarm" stream, within the documented ranges, the same for a seed, different across seeds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "algorithms/registry.h"
#include "sim/kernel/nemesis.h"
#include "sim/kernel/simulator.h"

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

// ------------------------------------------------------------------------------------------------
// The algorithms' own swarm parameters (AlgorithmInfo::swarm, swarm_params in
// algorithms/registry.h)
// ------------------------------------------------------------------------------------------------

namespace {

Time_us duration_of(const std::map<std::string, ParamValue>& drawn, const std::string& key) {
  REQUIRE(drawn.count(key) == 1);
  Params p("params", drawn);
  return p.get_duration_us(key, -1, 0, kNever_us);
}

std::string text_of(const std::map<std::string, ParamValue>& m) {
  std::string out;
  for (const auto& [key, v] : m)
    out += key + "=" + std::to_string(static_cast<int>(v.kind)) + ":" + std::to_string(v.i) + ":" +
           std::to_string(v.b) + ":" + v.s + " ";
  return out;
}

}  // namespace

TEST_CASE("the algorithms' swarm parameters are deterministic and stay within their ranges") {
  const AlgorithmInfo* raft = find_algorithm("raft");
  const AlgorithmInfo* paxos = find_algorithm("paxos");
  REQUIRE(raft != nullptr);
  REQUIRE(paxos != nullptr);
  std::set<Time_us> mins;
  std::set<int64_t> batches;
  int noop_on = 0, noop_off = 0, pre_vote_on = 0, check_quorum_on = 0;
  constexpr int kSeeds = 500;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    Scenario s = swarm_scenario(seed);
    s.algorithm = "raft";
    const auto a = swarm_params(*raft, s), b = swarm_params(*raft, s);
    CHECK(text_of(a) == text_of(b));
    // Exactly the documented keys: the timing, three options and the batch size; no bug toggle.
    CHECK(a.size() == 7);
    for (const auto& [key, v] : a) CHECK(key.rfind("bugs.", 0) == std::string::npos);
    const Time_us min_us = duration_of(a, "election_timeout_min");
    const Time_us max_us = duration_of(a, "election_timeout_max");
    const Time_us heartbeat_us = duration_of(a, "heartbeat_interval");
    CHECK(min_us >= 15 * kMillisecond_us);
    CHECK(min_us <= 300 * kMillisecond_us);
    CHECK(min_us % kMillisecond_us == 0);
    CHECK(max_us >= min_us);
    CHECK(max_us <= 2 * min_us + kMillisecond_us);
    CHECK(heartbeat_us >= kMillisecond_us);
    CHECK(heartbeat_us < min_us);
    CHECK(heartbeat_us <= min_us / 2 + kMillisecond_us);
    REQUIRE(a.at("max_entries_per_append").kind == ParamValue::Kind::Int);
    const int64_t batch = a.at("max_entries_per_append").i;
    CHECK(batch >= 1);
    CHECK(batch <= 64);
    REQUIRE(a.at("leader_noop").kind == ParamValue::Kind::Bool);
    (a.at("leader_noop").b ? noop_on : noop_off)++;
    pre_vote_on += a.at("pre_vote").b ? 1 : 0;
    check_quorum_on += a.at("check_quorum").b ? 1 : 0;
    mins.insert(min_us);
    batches.insert(batch);
    // The resolved scenario holds them and Raft accepts them.
    const Scenario r = resolve_swarm(*raft, s);
    CHECK(text_of(r.params.at("raft")) == text_of(a));
    CHECK_NOTHROW(make_node_factory(*raft, r));
    // Multi-Paxos draws the same timings for the seed, and its own batch size.
    s.algorithm = "paxos";
    const auto p = swarm_params(*paxos, s);
    CHECK(p.size() == 4);
    CHECK(duration_of(p, "election_timeout_min") == min_us);
    CHECK(duration_of(p, "election_timeout_max") == max_us);
    CHECK(duration_of(p, "heartbeat_interval") == heartbeat_us);
    REQUIRE(p.at("max_decides_per_message").kind == ParamValue::Kind::Int);
    CHECK(p.at("max_decides_per_message").i >= 1);
    CHECK(p.at("max_decides_per_message").i <= 64);
    CHECK_NOTHROW(make_node_factory(*paxos, resolve_swarm(*paxos, s)));
  }
  // Many settings across seeds, every option both ways, short timeouts among them.
  CHECK(mins.size() > 150);
  CHECK(*mins.begin() < 20 * kMillisecond_us);
  CHECK(batches.size() > 20);
  CHECK(batches.count(64) == 1);
  CHECK(noop_on > kSeeds / 3);
  CHECK(noop_off > kSeeds / 3);
  CHECK(pre_vote_on > kSeeds / 3);
  CHECK(pre_vote_on < 2 * kSeeds / 3);
  CHECK(check_quorum_on > kSeeds / 3);
  CHECK(check_quorum_on < 2 * kSeeds / 3);
}

TEST_CASE("a parameter the scenario gives is kept and moves no other draw") {
  const AlgorithmInfo* raft = find_algorithm("raft");
  REQUIRE(raft != nullptr);
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    Scenario free = swarm_scenario(seed), pinned = swarm_scenario(seed);
    free.algorithm = pinned.algorithm = "raft";
    pinned.params["raft"]["election_timeout_min"] = ParamValue::of_string("100ms");
    pinned.params["raft"]["leader_noop"] = ParamValue::of_bool(true);
    auto a = swarm_params(*raft, free);
    const auto b = swarm_params(*raft, pinned);
    CHECK(b.count("election_timeout_min") == 0);
    CHECK(b.count("leader_noop") == 0);
    CHECK(b.size() == 5);
    // The drawn max and heartbeat fit the given minimum.
    CHECK(duration_of(b, "election_timeout_max") >= 100 * kMillisecond_us);
    CHECK(duration_of(b, "election_timeout_max") <= 200 * kMillisecond_us);
    CHECK(duration_of(b, "heartbeat_interval") < 100 * kMillisecond_us);
    // The other draws are the free run's.
    for (const char* key : {"pre_vote", "check_quorum", "max_entries_per_append"})
      CHECK(text_of({{key, a.at(key)}}) == text_of({{key, b.at(key)}}));
    const Scenario r = resolve_swarm(*raft, pinned);
    CHECK(r.params.at("raft").at("election_timeout_min").s == "100ms");
    CHECK(r.params.at("raft").at("leader_noop").b);
    CHECK_NOTHROW(make_node_factory(*raft, r));
  }
}

TEST_CASE("without swarm no algorithm parameter is drawn") {
  Scenario s = swarm_scenario(3);
  s.nemesis.swarm = false;
  s.algorithm = "raft";
  for (const AlgorithmInfo& algo : algorithms()) {
    CHECK(swarm_params(algo, s).empty());
    CHECK(resolve_swarm(algo, s).params.empty());
  }
  // The lease lock and Bully draw nothing even with swarm.
  s.nemesis.swarm = true;
  CHECK(swarm_params(*find_algorithm("lease"), s).empty());
  CHECK(swarm_params(*find_algorithm("bully"), s).empty());
}

// ------------------------------------------------------------------------------------------------
// Crashes at a new epoch (NemesisSpec::epoch_crash)
// ------------------------------------------------------------------------------------------------

TEST_CASE("the swarm draws crashes at a new epoch only with crashes in the mix, within range") {
  int on = 0, off_with_crash = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const Scenario base = swarm_scenario(seed);
    const Scenario a = draw_swarm(base), b = draw_swarm(base);
    CHECK(a.nemesis.epoch_crash == b.nemesis.epoch_crash);
    CHECK(a.nemesis.epoch_crash_delay_max_us == b.nemesis.epoch_crash_delay_max_us);
    CHECK(a.nemesis.epoch_crash_down_min_us == b.nemesis.epoch_crash_down_min_us);
    CHECK(a.nemesis.epoch_crash_down_max_us == b.nemesis.epoch_crash_down_max_us);
    const bool crashes = std::find(a.nemesis.kinds.begin(), a.nemesis.kinds.end(),
                                   FaultKind::Crash) != a.nemesis.kinds.end();
    if (a.nemesis.epoch_crash == 0.0) {
      off_with_crash += crashes ? 1 : 0;
      continue;
    }
    ++on;
    CHECK(crashes);
    CHECK(a.nemesis.epoch_crash >= kSwarmEpochCrashMin);
    CHECK(a.nemesis.epoch_crash <= kSwarmEpochCrashMax);
    CHECK(a.nemesis.epoch_crash_delay_max_us >= kMillisecond_us);
    CHECK(a.nemesis.epoch_crash_delay_max_us <= 100 * kMillisecond_us);
    CHECK(a.nemesis.epoch_crash_down_min_us >= kMillisecond_us);
    CHECK(a.nemesis.epoch_crash_down_min_us <= a.nemesis.epoch_crash_down_max_us);
    CHECK(a.nemesis.epoch_crash_down_max_us <= kSecond_us);
  }
  CHECK(on > 40);
  CHECK(off_with_crash > 40);
  // Without swarm, or with no crash among the kinds, never.
  Scenario plain = swarm_scenario(1);
  plain.nemesis.swarm = false;
  CHECK(draw_swarm(plain).nemesis.epoch_crash == 0.0);
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Scenario s = swarm_scenario(seed);
    s.nemesis.kinds = {FaultKind::Partition, FaultKind::Pause};
    CHECK(draw_swarm(s).nemesis.epoch_crash == 0.0);
  }
}

namespace {

RunResult run_raft_with_epoch_crashes(double p, uint64_t seed) {
  Scenario s;
  s.nodes = 5;
  s.seed = seed;
  s.algorithm = "raft";
  s.duration_us = 4 * kSecond_us;
  s.nemesis.enabled = true;
  s.nemesis.kinds = {FaultKind::Pause};
  s.nemesis.mean_interval_us = 10 * kSecond_us;  // scheduled faults are rare; epoch crashes not
  s.nemesis.start_us = 0;
  s.nemesis.stop_us = 3 * kSecond_us;
  s.nemesis.epoch_crash = p;
  s.nemesis.epoch_crash_delay_max_us = 2 * kMillisecond_us;
  s.nemesis.epoch_crash_down_min_us = 5 * kMillisecond_us;
  s.nemesis.epoch_crash_down_max_us = 10 * kMillisecond_us;
  return make_simulator(*find_algorithm("raft"), s)->run();
}

}  // namespace

TEST_CASE("a node entering a new epoch crashes at once when the nemesis says so") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const RunResult none = run_raft_with_epoch_crashes(0.0, seed);
    for (const FaultSpec& f : none.fault_schedule) CHECK(f.path != "nemesis (new epoch)");
    const RunResult a = run_raft_with_epoch_crashes(0.9, seed);
    const RunResult b = run_raft_with_epoch_crashes(0.9, seed);
    CHECK(a.trace_hash == b.trace_hash);
    CHECK(a.trace_hash != none.trace_hash);
    int epoch_crashes = 0;
    for (const FaultSpec& f : a.fault_schedule) {
      if (f.path != "nemesis (new epoch)") continue;
      ++epoch_crashes;
      CHECK(f.kind == FaultKind::Crash);
      REQUIRE(f.nodes.size() == 1);
      CHECK(f.duration_us >= 5 * kMillisecond_us);
      CHECK(f.duration_us <= 10 * kMillisecond_us);
      CHECK(f.at_us < 3 * kSecond_us + 2 * kMillisecond_us);
    }
    CHECK(epoch_crashes > 0);
    CHECK(a.violations.empty());
  }
}

// ------------------------------------------------------------------------------------------------
// Isolation of a leader at a client request (NemesisSpec::leader_isolate)
// ------------------------------------------------------------------------------------------------

TEST_CASE("the swarm draws leader isolation at a request only with isolation in the mix") {
  int on = 0, off_with_isolate = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Scenario base = swarm_scenario(seed);
    base.nemesis.kinds.push_back(FaultKind::Isolate);
    const Scenario a = draw_swarm(base), b = draw_swarm(base);
    CHECK(a.nemesis.leader_isolate == b.nemesis.leader_isolate);
    CHECK(a.nemesis.leader_isolate_min_us == b.nemesis.leader_isolate_min_us);
    CHECK(a.nemesis.leader_isolate_max_us == b.nemesis.leader_isolate_max_us);
    const bool isolates = std::find(a.nemesis.kinds.begin(), a.nemesis.kinds.end(),
                                    FaultKind::Isolate) != a.nemesis.kinds.end();
    if (a.nemesis.leader_isolate == 0.0) {
      off_with_isolate += isolates ? 1 : 0;
      continue;
    }
    ++on;
    CHECK(isolates);
    CHECK(a.nemesis.leader_isolate >= kSwarmLeaderIsolateMin);
    CHECK(a.nemesis.leader_isolate <= kSwarmLeaderIsolateMax);
    CHECK(a.nemesis.leader_isolate_min_us >= kMillisecond_us);
    CHECK(a.nemesis.leader_isolate_min_us <= a.nemesis.leader_isolate_max_us);
    CHECK(a.nemesis.leader_isolate_max_us <= 2 * kSecond_us);
  }
  CHECK(on > 40);
  CHECK(off_with_isolate > 15);  // off with probability 1/4 when isolation is kept
  Scenario plain = swarm_scenario(1);
  plain.nemesis.swarm = false;
  CHECK(draw_swarm(plain).nemesis.leader_isolate == 0.0);
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Scenario s = swarm_scenario(seed);
    s.nemesis.kinds = {FaultKind::Crash, FaultKind::Pause};
    CHECK(draw_swarm(s).nemesis.leader_isolate == 0.0);
  }
}

namespace {

RunResult run_raft_with_leader_isolation(double p, uint64_t seed) {
  Scenario s;
  s.nodes = 5;
  s.seed = seed;
  s.algorithm = "raft";
  s.duration_us = 4 * kSecond_us;
  s.nemesis.enabled = true;
  s.nemesis.kinds = {FaultKind::Pause};
  s.nemesis.mean_interval_us = 10 * kSecond_us;  // scheduled faults are rare
  s.nemesis.start_us = 0;
  s.nemesis.stop_us = 3 * kSecond_us;
  s.nemesis.leader_isolate = p;
  s.nemesis.leader_isolate_min_us = 20 * kMillisecond_us;
  s.nemesis.leader_isolate_max_us = 30 * kMillisecond_us;
  s.workload.clients = 2;
  s.workload.start_us = 300 * kMillisecond_us;
  s.workload.stop_us = 3 * kSecond_us;
  s.workload.mean_interval_us = 50 * kMillisecond_us;
  return make_simulator(*find_algorithm("raft"), s)->run();
}

}  // namespace

TEST_CASE("a leader a client request reaches is isolated at once when the nemesis says so") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const RunResult none = run_raft_with_leader_isolation(0.0, seed);
    for (const FaultSpec& f : none.fault_schedule) CHECK(f.path != "nemesis (leader at a request)");
    const RunResult a = run_raft_with_leader_isolation(0.9, seed);
    const RunResult b = run_raft_with_leader_isolation(0.9, seed);
    CHECK(a.trace_hash == b.trace_hash);
    CHECK(a.trace_hash != none.trace_hash);
    int isolations = 0;
    for (const FaultSpec& f : a.fault_schedule) {
      if (f.path != "nemesis (leader at a request)") continue;
      ++isolations;
      CHECK(f.kind == FaultKind::Isolate);
      REQUIRE(f.nodes.size() == 1);
      CHECK(f.duration_us >= 20 * kMillisecond_us);
      CHECK(f.duration_us <= 30 * kMillisecond_us);
      CHECK(f.at_us >= 300 * kMillisecond_us);
      CHECK(f.at_us < 3 * kSecond_us);
    }
    CHECK(isolations > 0);
    CHECK(a.violations.empty());
  }
}
