// The timing keys that the leader-based algorithms share (Raft; Multi-Paxos reads the same ones):
// election_timeout_min / _max and heartbeat_interval, for the whole cluster and per node
// (params.<algorithm>.n3.election_timeout_min, ...). Templates over the options struct, which
// must have election_timeout_min_us, election_timeout_max_us and heartbeat_interval_us.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/api/input_error.h"
#include "sim/api/params.h"
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
