#include "algorithms/raft/raft.h"

#include "algorithms/raft/checker.h"
#include "algorithms/raft/messages.h"
#include "algorithms/raft/node.h"
#include "algorithms/raft/options.h"
#include "algorithms/raft/situations.h"

namespace ballot {

AlgorithmInfo raft_algorithm() {
  AlgorithmInfo info;
  info.name = "raft";
  info.description =
      "Raft (Figure 2) with log replication and a key-value store; options pre_vote, check_quorum, "
      "lease_reads";
  info.has_epochs = true;
  for (std::string_view t :
       {raft::RequestVote::kType, raft::RequestVoteReply::kType, raft::PreVote::kType,
        raft::PreVoteReply::kType, raft::AppendEntries::kType, raft::AppendEntriesReply::kType})
    info.message_types.emplace_back(t);
  info.make = [](Params& params, int32_t cluster_size) -> NodeFactory {
    std::vector<raft::RaftOptions> options = raft::read_raft_options(params, cluster_size);
    return [options = std::move(options)](Context& ctx) -> std::unique_ptr<Node> {
      return std::make_unique<raft::RaftNode>(ctx, options.at(static_cast<size_t>(ctx.self())));
    };
  };
  info.checkers = [](int32_t cluster_size) { return raft::raft_checkers(cluster_size); };
  info.swarm = raft::draw_raft_swarm;
  info.situations.assign(raft::kSituations.begin(), raft::kSituations.end());
  return info;
}

}  // namespace ballot
