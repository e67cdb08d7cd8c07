#include "algorithms/lease/lease.h"

#include "algorithms/lease/candidate.h"
#include "algorithms/lease/checker.h"
#include "algorithms/lease/messages.h"
#include "algorithms/lease/options.h"
#include "algorithms/lease/service_node.h"
#include "algorithms/lease/situations.h"

namespace ballot::lease {

AlgorithmInfo lease_algorithm() {
  AlgorithmInfo info;
  info.name = "lease";
  info.description =
      "lease lock with fencing tokens (etcd/ZooKeeper recipe): a lock service on one node, TTL "
      "leases, fenced storage; options ttl, fencing";
  // The fencing token is the epoch: each token has exactly one holder.
  info.has_epochs = true;
  for (std::string_view t :
       {Acquire::kType, Renew::kType, Granted::kType, Denied::kType, StorageOp::kType,
        StorageResult::kType, StorageLoad::kType, StorageSnapshot::kType})
    info.message_types.emplace_back(t);
  info.make = [](Params& params, int32_t cluster_size) -> NodeFactory {
    const LeaseOptions options = read_lease_options(params, cluster_size);
    return [options](Context& ctx) -> std::unique_ptr<Node> {
      if (ctx.self() == options.lock_node) return std::make_unique<LockServiceNode>(ctx, options);
      return std::make_unique<CandidateNode>(ctx, options);
    };
  };
  info.checkers = [](int32_t cluster_size) { return lease_checkers(cluster_size); };
  info.situations.assign(kSituations.begin(), kSituations.end());
  return info;
}

}  // namespace ballot::lease
