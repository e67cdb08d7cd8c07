// The lease lock with fencing tokens (the etcd / ZooKeeper / Consul recipe): the algorithm's entry
// in the registry.
//
// One node runs the lock service and hosts the fenced storage (service_node.h); every other node
// is a candidate (candidate.h). The lock service's rules are lock_service.h, the storage's
// storage.h, the parameters options.h, the fencing checker checker.h. docs/lease.md tells the
// story.
#pragma once
#include "algorithms/registry.h"

namespace ballot::lease {

AlgorithmInfo lease_algorithm();

}  // namespace ballot::lease
