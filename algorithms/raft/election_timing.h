// The timing keys that the leader-based algorithms share (Raft; Multi-Paxos reads the same ones):
// election_timeout_min / _max and heartbeat_interval, for the whole cluster and per node
// (params.<algorithm>.n3.election_timeout_min, ...). Templates over the options struct, which
// must have election_timeout_min_us, election_timeout_max_us and heartbeat_interval_us.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/api/input_error.h"
#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/api/time.h"
#include "sim/api/trace.h"

namespace ballot::raft {

inline constexpr Time_us kTimingMin_us = 1 * kMillisecond_us;
inline constexpr Time_us kTimingMax_us = 3600 * kSecond_us;

// Reads the three keys under `prefix` ("" or "n3."), defaulting to what `options` holds.
template <class Options>
void read_election_timing(Params& params, const std::string& prefix, Options& options) {
  options.election_timeout_min_us =
      params.get_duration_us(prefix + "election_timeout_min", options.election_timeout_min_us,
                             kTimingMin_us, kTimingMax_us);
  options.election_timeout_max_us =
      params.get_duration_us(prefix + "election_timeout_max", options.election_timeout_max_us,
                             kTimingMin_us, kTimingMax_us);
  options.heartbeat_interval_us = params.get_duration_us(
      prefix + "heartbeat_interval", options.heartbeat_interval_us, kTimingMin_us, kTimingMax_us);
}

template <class Options>
void validate_election_timing(const Params& params, const std::string& prefix,
                              const Options& options) {
  if (options.election_timeout_max_us < options.election_timeout_min_us) {
    throw InputError(params.path() + "." + prefix + "election_timeout_max",
                     "expected at least election_timeout_min (" +
                         format_duration(options.election_timeout_min_us) + "), got " +
                         format_duration(options.election_timeout_max_us));
  }
  if (options.heartbeat_interval_us >= options.election_timeout_min_us) {
    throw InputError(params.path() + "." + prefix + "heartbeat_interval",
                     "expected less than election_timeout_min (" +
                         format_duration(options.election_timeout_min_us) +
                         ") so that followers hear from a live leader, got " +
                         format_duration(options.heartbeat_interval_us));
  }
}

// One Options per node: `base` with that node's own timing keys read and checked, then
// Params::finish() (unknown keys are errors).
template <class Options>
std::vector<Options> per_node_options(Params& params, const Options& base, int32_t cluster_size) {
  std::vector<Options> per_node;
  for (int32_t id = 0; id < cluster_size; ++id) {
    Options options = base;
    const std::string prefix = node_name(id) + ".";
    read_election_timing(params, prefix, options);
    validate_election_timing(params, prefix, options);
    per_node.push_back(options);
  }
  params.finish();
  return per_node;
}

}  // namespace ballot::raft

namespace ballot::raft {

// Swarm testing (docs/raft.md#swarm): the ranges the shared timing keys are drawn from.
//   election_timeout_min: log-uniform in [kSwarmElectionMin_us, kSwarmElectionMax_us], whole ms;
//   election_timeout_max: election_timeout_min x uniform [1, 2], whole ms (a narrow range makes
//     split votes, and so elections in one term with rival candidates, common);
//   heartbeat_interval: election_timeout_min x uniform [1/10, 1/2], whole ms, at least 1ms.
inline constexpr Time_us kSwarmElectionMin_us = 15 * kMillisecond_us;
inline constexpr Time_us kSwarmElectionMax_us = 300 * kMillisecond_us;

// A log-uniform draw in [lo, hi] (lo >= 1), one draw from `rng` whatever the bounds.
inline double swarm_log_uniform(Rng& rng, double lo, double hi) {
  const double v = std::exp(rng.uniform_real(std::log(lo), std::log(hi)));
  return std::clamp(v, lo, hi);
}

inline Time_us swarm_whole_ms(double us) {
  return std::max<Time_us>(
      kMillisecond_us, static_cast<Time_us>(std::llround(us / kMillisecond_us)) * kMillisecond_us);
}

// Draws election_timeout_min, election_timeout_max and heartbeat_interval into `drawn` (as
// duration strings), keeping those in `given` (params.<algorithm>, read under `path`) and
// fitting the drawn ones to them: always three draws from `rng`, in that order.
inline void draw_election_timing(const std::map<std::string, ParamValue>& given,
                                 const std::string& path, Rng& rng,
                                 std::map<std::string, ParamValue>& drawn) {
  const double min_draw = swarm_log_uniform(rng, static_cast<double>(kSwarmElectionMin_us),
                                            static_cast<double>(kSwarmElectionMax_us));
  const double max_ratio = rng.uniform_real(1.0, 2.0);
  const double heartbeat_ratio = rng.uniform_real(0.1, 0.5);
  Params p(path, given);
  const bool has_min = p.has("election_timeout_min"), has_max = p.has("election_timeout_max"),
             has_heartbeat = p.has("heartbeat_interval");
  Time_us min_us = swarm_whole_ms(min_draw);
  if (has_min) {
    min_us = p.get_duration_us("election_timeout_min", min_us, kTimingMin_us, kTimingMax_us);
  } else {
    if (has_max)
      min_us = std::min(
          min_us, p.get_duration_us("election_timeout_max", min_us, kTimingMin_us, kTimingMax_us));
    if (has_heartbeat)
      min_us = std::max(
          min_us, p.get_duration_us("heartbeat_interval", min_us, kTimingMin_us, kTimingMax_us) +
                      kMillisecond_us);
    drawn["election_timeout_min"] = ParamValue::of_string(format_duration(min_us));
  }
  if (!has_max) {
    const Time_us max_us =
        std::max(min_us, swarm_whole_ms(static_cast<double>(min_us) * max_ratio));
    drawn["election_timeout_max"] = ParamValue::of_string(format_duration(max_us));
  }
  if (!has_heartbeat) {
    Time_us heartbeat_us = swarm_whole_ms(static_cast<double>(min_us) * heartbeat_ratio);
    if (heartbeat_us >= min_us) heartbeat_us = std::max<Time_us>(kTimingMin_us, min_us / 2);
    drawn["heartbeat_interval"] = ParamValue::of_string(format_duration(heartbeat_us));
  }
}

// A swarm draw of a batch size (max_entries_per_append, max_decides_per_message): the default
// with probability 1/2, otherwise log-uniform in [1, default]; always two draws from `rng`.
inline int64_t draw_swarm_batch(Rng& rng, int64_t fallback) {
  const bool keep = rng.bernoulli(0.5);
  const double v = swarm_log_uniform(rng, 1.0, static_cast<double>(fallback));
  return keep ? fallback : std::clamp<int64_t>(std::llround(v), 1, fallback);
}

}  // namespace ballot::raft
