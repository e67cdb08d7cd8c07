#include "algorithms/raft/options.h"

#include <algorithm>
#include <string>

#include "algorithms/raft/election_timing.h"
#include "sim/api/input_error.h"

namespace ballot::raft {

namespace {

constexpr int64_t kPpm = 1000 * 1000;
constexpr int64_t kDriftBoundMax_ppm = kPpm;
constexpr int64_t kEntriesPerAppendMax = 1 << 20;

}  // namespace

Time_us RaftOptions::lease_duration_us() const {
  return election_timeout_min_us * kPpm / (kPpm + clock_drift_bound_ppm);
}

std::pair<Time_us, Time_us> RaftOptions::candidate_timeout_range_us(
    int32_t failed_elections) const {
  Time_us low = candidate_timeout_min_us > 0 ? candidate_timeout_min_us : election_timeout_min_us;
  Time_us high = candidate_timeout_max_us > 0 ? candidate_timeout_max_us : election_timeout_max_us;
  if (candidate_backoff) {
    const int32_t doublings = std::min(failed_elections, kCandidateBackoffDoublingsMax);
    for (int32_t i = 0; i < doublings; ++i) {
      low = std::min(low * 2, kTimingMax_us);
      high = std::min(high * 2, kTimingMax_us);
    }
  }
  return {low, high};
}

std::vector<RaftOptions> read_raft_options(Params& params, int32_t cluster_size) {
  RaftOptions base;
  read_election_timing(params, "", base);
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
  // Raft Refloated (OSR 49(1), 2015), leader election: the candidate's own timeout range ("fixed
  // reduction") and binary exponential backoff. Absent keys keep Figure 2's single range.
  base.candidate_timeout_min_us =
      params.get_duration_us("candidate_timeout_min", 0, kTimingMin_us, kTimingMax_us);
  base.candidate_timeout_max_us =
      params.get_duration_us("candidate_timeout_max", 0, kTimingMin_us, kTimingMax_us);
  base.candidate_backoff = params.get_bool("candidate_backoff", false);
  base.bugs.commit_old_term_by_count = params.get_bool("bugs.commit_old_term_by_count", false);
  base.bugs.vote_without_log_check = params.get_bool("bugs.vote_without_log_check", false);
  base.bugs.vote_before_persist = params.get_bool("bugs.vote_before_persist", false);
  validate_election_timing(params, "", base);

  std::vector<RaftOptions> per_node = per_node_options(params, base, cluster_size);
  for (const RaftOptions& options : per_node) {
    const auto [low, high] = options.candidate_timeout_range_us(0);
    if (high < low) {
      throw InputError(params.path() + ".candidate_timeout_max",
                       "expected at least the candidate timeout's minimum (" +
                           format_duration(low) + "), got " + format_duration(high));
    }
  }
  return per_node;
}

std::map<std::string, ParamValue> draw_raft_swarm(const std::map<std::string, ParamValue>& given,
                                                  Rng& rng) {
  std::map<std::string, ParamValue> drawn;
  draw_election_timing(given, "params.raft", rng, drawn);
  auto flag = [&](const std::string& key) {
    const bool v = rng.bernoulli(0.5);
    if (given.count(key) == 0) drawn[key] = ParamValue::of_bool(v);
  };
  flag("leader_noop");
  flag("pre_vote");
  flag("check_quorum");
  const int64_t batch = draw_swarm_batch(rng, RaftOptions{}.max_entries_per_append);
  if (given.count("max_entries_per_append") == 0)
    drawn["max_entries_per_append"] = ParamValue::of_int(batch);
  return drawn;
}

}  // namespace ballot::raft
