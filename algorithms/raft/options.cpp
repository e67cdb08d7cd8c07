#include "algorithms/raft/options.h"

#include <string>

#include "sim/input_error.h"
#include "sim/trace.h"

namespace ballot::raft {

namespace {

constexpr Time_us kTimeoutMin_us = 1 * kMillisecond_us;
constexpr Time_us kTimeoutMax_us = 3600 * kSecond_us;
constexpr int64_t kPpm = 1000 * 1000;
constexpr int64_t kDriftBoundMax_ppm = kPpm;
constexpr int64_t kEntriesPerAppendMax = 1 << 20;

// Reads the three timing keys under `prefix` ("" or "n3."), defaulting to `base`.
void read_timing(Params& params, const std::string& prefix, RaftOptions& options) {
  options.election_timeout_min_us =
      params.get_duration_us(prefix + "election_timeout_min", options.election_timeout_min_us,
                             kTimeoutMin_us, kTimeoutMax_us);
  options.election_timeout_max_us =
      params.get_duration_us(prefix + "election_timeout_max", options.election_timeout_max_us,
                             kTimeoutMin_us, kTimeoutMax_us);
  options.heartbeat_interval_us = params.get_duration_us(
      prefix + "heartbeat_interval", options.heartbeat_interval_us, kTimeoutMin_us, kTimeoutMax_us);
}

void validate_timing(const Params& params, const std::string& prefix, const RaftOptions& options) {
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

Time_us RaftOptions::lease_duration_us() const {
  return election_timeout_min_us * kPpm / (kPpm + clock_drift_bound_ppm);
}

std::vector<RaftOptions> read_raft_options(Params& params, int32_t cluster_size) {
  RaftOptions base;
  read_timing(params, "", base);
  base.pre_vote = params.get_bool("pre_vote", false);
  base.check_quorum = params.get_bool("check_quorum", false);
  base.lease_reads = params.get_bool("lease_reads", false);
  // Lease reads are only safe if voters hold their votes for a minimum election timeout after
  // hearing from the leader, so the rule defaults to on with them and may not be turned off.
  base.ignore_disruptive_votes = params.get_bool("ignore_disruptive_votes", base.lease_reads);
  if (base.lease_reads && !base.ignore_disruptive_votes) {
    throw InputError(params.path() + ".ignore_disruptive_votes",
                     "expected true (or absent) with lease_reads: a lease is only safe if "
                     "followers refuse votes while they hear from the leader (thesis §6.4.1)");
  }
  base.clock_drift_bound_ppm =
      params.get_int("clock_drift_bound_ppm", base.clock_drift_bound_ppm, 0, kDriftBoundMax_ppm);
  base.leader_noop = params.get_bool("leader_noop", base.leader_noop);
  base.max_entries_per_append = params.get_int(
      "max_entries_per_append", base.max_entries_per_append, 1, kEntriesPerAppendMax);
  base.bugs.commit_old_term_by_count = params.get_bool("bugs.commit_old_term_by_count", false);
  base.bugs.vote_without_log_check = params.get_bool("bugs.vote_without_log_check", false);
  base.bugs.vote_before_persist = params.get_bool("bugs.vote_before_persist", false);
  validate_timing(params, "", base);

  std::vector<RaftOptions> per_node;
  for (int32_t id = 0; id < cluster_size; ++id) {
    RaftOptions options = base;
    const std::string prefix = node_name(id) + ".";
    read_timing(params, prefix, options);
    validate_timing(params, prefix, options);
    per_node.push_back(options);
  }
  params.finish();
  return per_node;
}

}  // namespace ballot::raft
