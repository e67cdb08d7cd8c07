#include "algorithms/paxos/paxos.h"

#include "algorithms/paxos/checker.h"
#include "algorithms/paxos/messages.h"
#include "algorithms/paxos/node.h"
#include "algorithms/paxos/options.h"
#include "algorithms/paxos/situations.h"

namespace ballot {

AlgorithmInfo paxos_algorithm() {
  AlgorithmInfo info;
  info.name = "paxos";
  info.description =
      "Multi-Paxos (Paxos Made Simple): ballots, one phase 1 per leader, phase 2 per slot, leader "
      "heartbeats; a key-value store";
  info.has_epochs = true;  // the epoch is the ballot
  for (std::string_view t : {paxos::Prepare::kType, paxos::Promise::kType, paxos::Accept::kType,
                             paxos::Accepted::kType, paxos::Nack::kType, paxos::Heartbeat::kType,
                             paxos::HeartbeatReply::kType, paxos::Decide::kType})
    info.message_types.emplace_back(t);
  info.make = [](Params& params, int32_t cluster_size) -> NodeFactory {
    std::vector<paxos::PaxosOptions> options = paxos::read_paxos_options(params, cluster_size);
    return [options = std::move(options)](Context& ctx) -> std::unique_ptr<Node> {
      return std::make_unique<paxos::PaxosNode>(ctx, options.at(static_cast<size_t>(ctx.self())));
    };
  };
  info.checkers = [](int32_t cluster_size) { return paxos::paxos_checkers(cluster_size); };
  info.swarm = paxos::draw_paxos_swarm;
  info.situations.assign(paxos::kSituations.begin(), paxos::kSituations.end());
  return info;
}

}  // namespace ballot
