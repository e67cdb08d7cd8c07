#include "algorithms/paxos/options.h"

#include <string>

#include "algorithms/raft/election_timing.h"

namespace ballot::paxos {

using raft::per_node_options;
using raft::read_election_timing;
using raft::validate_election_timing;

namespace {

constexpr int64_t kDecidesPerMessageMax = 1 << 20;

}  // namespace

const char* leader_liveness_name(LeaderLiveness liveness) {
  return liveness == LeaderLiveness::CheckQuorum ? "check_quorum" : "none";
}

std::vector<PaxosOptions> read_paxos_options(Params& params, int32_t cluster_size) {
  PaxosOptions base;
  read_election_timing(params, "", base);
  base.retransmit_timeout_us = params.get_duration_us(
      "retransmit_timeout", base.retransmit_timeout_us, raft::kTimingMin_us, raft::kTimingMax_us);
  base.leader_liveness =
      params.get_enum("leader_liveness", "none", {"none", "check_quorum"}) == "check_quorum"
          ? LeaderLiveness::CheckQuorum
          : LeaderLiveness::None;
  base.max_decides_per_message = params.get_int(
      "max_decides_per_message", base.max_decides_per_message, 1, kDecidesPerMessageMax);
  base.bugs.ignore_accepted_in_promises =
      params.get_bool("bugs.ignore_accepted_in_promises", false);
  base.bugs.accept_despite_promise = params.get_bool("bugs.accept_despite_promise", false);
  validate_election_timing(params, "", base);

  return per_node_options(params, base, cluster_size);
}

std::map<std::string, ParamValue> draw_paxos_swarm(const std::map<std::string, ParamValue>& given,
                                                   Rng& rng) {
  std::map<std::string, ParamValue> drawn;
  raft::draw_election_timing(given, "params.paxos", rng, drawn);
  const int64_t batch = raft::draw_swarm_batch(rng, PaxosOptions{}.max_decides_per_message);
  if (given.count("max_decides_per_message") == 0)
    drawn["max_decides_per_message"] = ParamValue::of_int(batch);
  return drawn;
}

}  // namespace ballot::paxos
