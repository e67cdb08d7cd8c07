// The nemesis as a pure schedule generator: given its spec, the run's length, the cluster size
// and the "faults" random stream, it yields the random faults one after another, with concrete
// targets, in start order. It knows nothing of the run (so every algorithm meets exactly the
// same faults for a seed); the kernel asks for the next fault when the previous one starts.
#pragma once
#include <cstdint>
#include <optional>

#include "sim/api/rng.h"
#include "sim/kernel/scenario.h"

namespace ballot {

class NemesisSchedule {
 public:
  NemesisSchedule(const NemesisSpec& spec, Time_us run_duration_us, int32_t nodes, Rng rng);

  // The next fault (path "nemesis"), or nullopt once no fault starts before the nemesis stops
  // or the run ends; after the first nullopt every call returns nullopt and draws nothing.
  std::optional<FaultSpec> next();

 private:
  const NemesisSpec& spec_;
  Time_us stop_us_;
  int32_t n_;
  Rng rng_;
  Time_us t_us_;  // the start of the last fault drawn (the next gap adds to it)
};

// Draws a fault's targets for its kind (and the kind's own random parameters: a flap's period, a
// spike's delay, ...) from `rng`; leaves the fields of kinds with no targets alone.
void draw_targets(int32_t nodes, Rng& rng, FaultSpec& f);

// Swarm testing (docs/scenario-format.md#swarm): when s.nemesis.swarm is set, returns a copy of
// `s` whose nemesis and network settings are drawn from Rng(s.seed).substream("swarm") (a stream
// of its own, so no other consumer's draws move), with swarm cleared; otherwise a plain copy.
//   kinds: how many uniform in [1, K] of the K listed, then which uniformly;
//   mean_interval: log-uniform in [mean_interval / 16, mean_interval * 2] (at least 1ms);
//   duration_max: log-uniform in [duration_min, duration_max]; then duration_min log-uniform in
//     [duration_min, the drawn duration_max];
//   workload.mean_interval (with random clients): log-uniform in [mean_interval, mean_interval *
//   8]; network.loss: 0 with probability 1/3, else uniform in [0, kSwarmMaxLoss];
//   network.duplicate: 0 with probability 1/2, else uniform in [0, kSwarmMaxDuplicate].
//   epoch_crash (when crash is among the kinds kept): 0 with probability 1/2, else uniform in
//     [kSwarmEpochCrashMin, kSwarmEpochCrashMax]; epoch_crash_delay_max log-uniform in [1ms,
//     100ms]; epoch_crash_down_max log-uniform in [1ms, 1s], then epoch_crash_down_min log-uniform
//     in [1ms, the drawn max]. These draws come last, so the ones above are as before.
//   leader_isolate (when isolate is among the kinds kept): 0 with probability 1/4, else uniform in
//     [kSwarmLeaderIsolateMin, kSwarmLeaderIsolateMax]; leader_isolate_max log-uniform in [1ms,
//     2s], then leader_isolate_min log-uniform in [1ms, the drawn max]. Drawn after epoch_crash,
//     so every draw above is as before.
inline constexpr double kSwarmMaxLoss = 0.2;
inline constexpr double kSwarmEpochCrashMin = 0.05;
inline constexpr double kSwarmEpochCrashMax = 0.5;
inline constexpr double kSwarmLeaderIsolateMin = 0.2;
inline constexpr double kSwarmLeaderIsolateMax = 1.0;
inline constexpr double kSwarmMaxDuplicate = 0.05;
Scenario draw_swarm(const Scenario& s);

// Fault times written as ranges (docs/scenario-format.md#faults): returns a copy of `s` whose
// scripted faults with an `at` or `duration` range hold a value drawn uniformly (whole µs, both
// ends included) from Rng(s.seed).substream("fault-times"), a stream of its own, so no other
// consumer's draws move and a scenario without ranges draws nothing. The faults are visited in
// file order, `at` before `duration`; the ranges are cleared.
Scenario draw_fault_times(const Scenario& s);

}  // namespace ballot
