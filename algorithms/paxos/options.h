// Multi-Paxos parameters ("params": {"paxos": {...}} in a scenario), resolved per node.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/api/time.h"

namespace ballot::paxos {

// Bug toggles: each breaks one rule of the paper on purpose, for teaching and to prove that the
// checker works.
struct PaxosBugs {
  // Phase 2(a) broken: a new leader proposes a no-op in every slot its phase 1 covered, instead of
  // "the value of the highest-numbered proposal among the responses". A value already chosen can
  // then be replaced: two values chosen for one slot.
  bool ignore_accepted_in_promises = false;
  // Phase 2(b) broken: an acceptor accepts an accept request even though it has promised a higher
  // ballot, so a deposed leader can still get values chosen behind the new leader's back.
  bool accept_despite_promise = false;
};

// What a leader does to notice that it no longer leads anyone.
enum class LeaderLiveness : uint8_t {
  // Paxos Made Simple's leader: it leads until a higher ballot reaches it (a Nack, a Prepare, an
  // Accept or a Heartbeat). A leader cut off in a minority believes it leads until the partition
  // heals.
  None,
  // As Raft's check_quorum (Ongaro's thesis §6.2): every election_timeout_min the leader checks
  // that a majority (itself included) has sent it something within the last election_timeout_min,
  // and steps down otherwise.
  CheckQuorum,
};
const char* leader_liveness_name(LeaderLiveness liveness);

struct PaxosOptions {
  // A node that hears no heartbeat from a leader for a time drawn uniformly from [min, max] (on
  // every reset) starts phase 1 with a new ballot. Narrow, short ranges make dueling proposers.
  Time_us election_timeout_min_us = 150 * kMillisecond_us;
  Time_us election_timeout_max_us = 300 * kMillisecond_us;
  // The leader sends a follower a Heartbeat when it has sent it nothing else (no Accept) for this
  // long; a candidate resends unanswered Prepares this often.
  Time_us heartbeat_interval_us = 50 * kMillisecond_us;
  // The leader resends an Accept to an acceptor that has not accepted it this long after it was
  // last sent (and that has been heard from since: not into a partition), and repeats a catch-up
  // Decide that may have been lost after this long.
  Time_us retransmit_timeout_us = 100 * kMillisecond_us;
  // Most chosen values in one Decide message (catching up a follower that lags).
  int64_t max_decides_per_message = 64;
  LeaderLiveness leader_liveness = LeaderLiveness::None;
  PaxosBugs bugs;
};

// Reads "params.paxos" for a cluster of `cluster_size` nodes, with the per-node overrides
// "nK.election_timeout_min", "nK.election_timeout_max" and "nK.heartbeat_interval" (K = 1..n).
// Calls params.finish(). Throws InputError on bad or unknown values.
std::vector<PaxosOptions> read_paxos_options(Params& params, int32_t cluster_size);

// Swarm testing (docs/paxos.md#swarm): draws the swarmable parameters from `rng`, keeping those
// `given` (params.paxos): the timing keys as Raft draws them (raft::draw_election_timing, first,
// so that one seed gives both algorithms the same timings), then max_decides_per_message
// (raft::draw_swarm_batch). Bug toggles and per-node keys are never drawn.
std::map<std::string, ParamValue> draw_paxos_swarm(const std::map<std::string, ParamValue>& given,
                                                   Rng& rng);

}  // namespace ballot::paxos
