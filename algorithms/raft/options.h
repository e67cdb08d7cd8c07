// Raft's parameters ("params": {"raft": {...}} in a scenario), resolved per node.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/api/time.h"

namespace ballot::raft {

// Bug toggles: each breaks one rule on purpose, for teaching and to prove the checkers work.
struct RaftBugs {
  // Figure 8: commit an entry of an earlier term once a majority stores it (violates §5.4.2).
  bool commit_old_term_by_count = false;
  // Grant votes without the up-to-date check of §5.4.1.
  bool vote_without_log_check = false;
  // Answer RequestVote before votedFor is on disk: the vote is written by a later 'flush' timer, so
  // a crash in between forgets it and the node can vote twice in one term.
  bool vote_before_persist = false;
};

// Binary exponential backoff stops doubling after this many failed elections in a row.
inline constexpr int32_t kCandidateBackoffDoublingsMax = 10;

struct RaftOptions {
  // Election timeouts are drawn uniformly from [min, max] on every reset (§5.2).
  Time_us election_timeout_min_us = 150 * kMillisecond_us;
  Time_us election_timeout_max_us = 300 * kMillisecond_us;
  // A leader sends AppendEntries (possibly empty) to every follower this often (§5.2).
  Time_us heartbeat_interval_us = 50 * kMillisecond_us;
  // Thesis §9.6: ask for pre-votes before incrementing the term.
  bool pre_vote = false;
  // Thesis §6.2: a leader steps down after an election timeout without a majority round.
  bool check_quorum = false;
  // Thesis §4.2.3: ignore RequestVote (do not update the term, do not grant) within the minimum
  // election timeout of hearing from a current leader.
  bool ignore_disruptive_votes = false;
  // Thesis §6.4.1: the leader answers reads from its state machine while its lease holds.
  bool lease_reads = false;
  // The clock drift bound the lease assumes, in parts per million.
  int64_t clock_drift_bound_ppm = 10000;
  // Thesis §6.4: a new leader appends an empty entry so that it commits an entry of its term at
  // once.
  bool leader_noop = true;
  // Most entries in one AppendEntries.
  int64_t max_entries_per_append = 64;
  // Raft Refloated (Howard, Schwarzkopf, Madhavapeddy, Crowcroft, "Raft Refloated: Do We Have
  // Consensus?", ACM SIGOPS OSR 49(1):12-21, 2015), its evaluation of leader election, the
  // candidate timeout "fixed reduction": a candidate (or pre-candidate) draws its election timeout
  // from [candidate_timeout_min, candidate_timeout_max] instead of the follower's range, so that a
  // candidate whose election failed retries before followers time out and stand against it.
  // 0 means "the election timeout of this node" (the default: Figure 2, one range for both).
  Time_us candidate_timeout_min_us = 0;
  Time_us candidate_timeout_max_us = 0;
  // Raft Refloated, the candidate timeout "binary exponential backoff": each failed election (the
  // election timer of a candidate or pre-candidate fires) doubles the range of this node's next
  // candidate timeout; winning an election or hearing from a current leader resets it. At most
  // kCandidateBackoffDoublingsMax doublings (truncated, as Ethernet's backoff).
  bool candidate_backoff = false;
  RaftBugs bugs;

  // The range a candidate draws its election timeout from after `failed_elections` failed
  // elections in a row: the candidate range (fixed reduction), doubled that many times with
  // candidate_backoff (at most kCandidateBackoffDoublingsMax times, at most kTimingMax_us).
  std::pair<Time_us, Time_us> candidate_timeout_range_us(int32_t failed_elections) const;

  // The lease a majority round buys: election_timeout_min / (1 + drift bound).
  Time_us lease_duration_us() const;
};

// Reads "params.raft" for a cluster of `cluster_size` nodes, with the per-node overrides
// "nK.election_timeout_min", "nK.election_timeout_max" and "nK.heartbeat_interval" (K = 1..n).
// Calls params.finish(). Throws InputError on bad or unknown values.
std::vector<RaftOptions> read_raft_options(Params& params, int32_t cluster_size);

// Swarm testing (docs/raft.md#swarm): draws the swarmable parameters from `rng`, keeping those
// `given` (params.raft): the timing keys (draw_election_timing), then leader_noop, pre_vote and
// check_quorum (each true with probability 1/2) and max_entries_per_append (draw_swarm_batch).
// The same draws for every seed whatever is given. Bug toggles, lease reads (which clock jumps
// break by design) and per-node keys are never drawn.
std::map<std::string, ParamValue> draw_raft_swarm(const std::map<std::string, ParamValue>& given,
                                                  Rng& rng);

}  // namespace ballot::raft
