// The lease lock's parameters ("params": {"lease": {...}} in a scenario). docs/lease.md has the
// table; every value is checked here so that a bad one is an InputError naming its JSON path.
#pragma once
#include <cstdint>

#include "sim/api/node_api.h"
#include "sim/api/params.h"
#include "sim/api/time.h"

namespace ballot::lease {

// Bug toggles: each breaks one rule on purpose, for teaching and to prove the checkers work.
struct LeaseBugs {
  // The lock service keeps its token counter (and the lease table) only in memory: a restarted
  // service issues token 1 again, so two holders share a token and the storage, which has seen
  // higher tokens, refuses the new holder.
  bool volatile_token_counter = false;
};

struct LeaseOptions {
  // The node that runs the lock service and hosts the fenced storage (a single etcd: one point of
  // failure; real services replicate it with Raft).
  NodeId lock_node = 0;
  // How long a grant or renewal is good for, measured by the lock service on its own clock.
  Time_us ttl_us = 2 * kSecond_us;
  // A holder renews this often (on its own clock). Must leave room for a few renewals per TTL.
  Time_us renew_interval_us = 500 * kMillisecond_us;
  // A candidate that does not hold the lease asks for it again this often.
  Time_us acquire_retry_us = 100 * kMillisecond_us;
  // The holder stops believing this long before its lease deadline, to allow for its clock running
  // slower than the service's. It protects against bounded drift, not against pauses or jumps.
  Time_us clock_drift_margin_us = 100 * kMillisecond_us;
  // The storage rejects operations carrying a fencing token lower than the highest it has seen.
  bool fencing = true;
  LeaseBugs bugs;

  // A holder's belief lasts this long after it asked for the grant or renewal (own clock).
  Time_us belief_us() const { return ttl_us - clock_drift_margin_us; }
};

// Reads "params.lease" for a cluster of `cluster_size` nodes; calls params.finish(). Throws
// InputError on bad or unknown values.
LeaseOptions read_lease_options(Params& params, int32_t cluster_size);

}  // namespace ballot::lease
