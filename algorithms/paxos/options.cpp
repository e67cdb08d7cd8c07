#include "algorithms/paxos/options.h"

#include <string>

#include "sim/input_error.h"
#include "sim/trace.h"

namespace ballot::paxos {

namespace {

constexpr Time_us kTimeoutMin_us = 1 * kMillisecond_us;
constexpr Time_us kTimeoutMax_us = 3600 * kSecond_us;
constexpr int64_t kDecidesPerMessageMax = 1 << 20;

// Reads the three timing keys under `prefix` ("" or "n3."), defaulting to what `options` holds.
void read_timing(Params& params, const std::string& prefix, PaxosOptions& options) {
  options.election_timeout_min_us =
      params.get_duration_us(prefix + "election_timeout_min", options.election_timeout_min_us,
                             kTimeoutMin_us, kTimeoutMax_us);
  options.election_timeout_max_us =
      params.get_duration_us(prefix + "election_timeout_max", options.election_timeout_max_us,
                             kTimeoutMin_us, kTimeoutMax_us);
  options.heartbeat_interval_us = params.get_duration_us(
      prefix + "heartbeat_interval", options.heartbeat_interval_us, kTimeoutMin_us, kTimeoutMax_us);
}

void validate_timing(const Params& params, const std::string& prefix, const PaxosOptions& options) {
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

}  // namespace

std::vector<PaxosOptions> read_paxos_options(Params& params, int32_t cluster_size) {
  PaxosOptions base;
  read_timing(params, "", base);
  base.max_decides_per_message = params.get_int(
      "max_decides_per_message", base.max_decides_per_message, 1, kDecidesPerMessageMax);
  base.bugs.ignore_accepted_in_promises =
      params.get_bool("bugs.ignore_accepted_in_promises", false);
  base.bugs.accept_despite_promise = params.get_bool("bugs.accept_despite_promise", false);
  validate_timing(params, "", base);

  std::vector<PaxosOptions> per_node;
  for (int32_t id = 0; id < cluster_size; ++id) {
    PaxosOptions options = base;
    const std::string prefix = node_name(id) + ".";
    read_timing(params, prefix, options);
    validate_timing(params, prefix, options);
    per_node.push_back(options);
  }
  params.finish();
  return per_node;
}

}  // namespace ballot::paxos
