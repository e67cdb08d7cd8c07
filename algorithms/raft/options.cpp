#include "algorithms/raft/options.h"

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
  base.bugs.commit_old_term_by_count = params.get_bool("bugs.commit_old_term_by_count", false);
  base.bugs.vote_without_log_check = params.get_bool("bugs.vote_without_log_check", false);
  base.bugs.vote_before_persist = params.get_bool("bugs.vote_before_persist", false);
  validate_election_timing(params, "", base);

  return per_node_options(params, base, cluster_size);
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
