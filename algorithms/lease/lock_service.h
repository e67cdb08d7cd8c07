// The lock service's rules, as a pure state machine over the service's own clock: one lease at a
// time, each grant with a fencing token greater than every token issued before.
#pragma once
#include <cstdint>

#include "sim/api/node_api.h"
#include "sim/api/time.h"

namespace ballot::lease {

// What the service keeps on disk. `last_token` never goes down, which is what makes tokens unique
// and increasing across crashes; the holder is kept so that a restarted service honours the lease.
struct LockState {
  int64_t last_token = 0;    // the highest fencing token ever issued
  NodeId holder = kNoNode;   // who holds the lease (kNoNode: nobody)
  int64_t holder_token = 0;  // the holder's token (0 when nobody holds it)
};

class LockService {
 public:
  // A fresh service, or one restarted from `state` at `now_us`. A restarted service cannot know
  // when the holder last renewed, so it gives the recorded lease a full TTL from the restart (what
  // etcd does with leases when its leader changes): it never grants early.
  LockService(Time_us ttl_us, LockState state, Time_us now_us);

  struct Decision {
    bool granted = false;
    int64_t token = 0;        // granted: the (new or renewed) token
    NodeId holder = kNoNode;  // refused: who holds it now
    int64_t holder_token = 0;
  };

  // Acquire: granted when nobody holds a live lease (or the asker itself holds it: it has lost
  // track, say after a restart, and gets a fresh token). Each grant issues last_token + 1.
  Decision acquire(NodeId from, Time_us now_us);
  // Renew: extends the lease by a TTL from now, only for the current holder with its current token.
  Decision renew(NodeId from, int64_t token, Time_us now_us);
  // Ends the lease once a TTL has passed since the last grant or renewal; true if it ended now.
  bool expire(Time_us now_us);

  const LockState& state() const { return state_; }
  // When the current lease ends on the service's clock (meaningless when nobody holds it).
  Time_us expires_us() const { return expires_us_; }
  Time_us ttl_us() const { return ttl_us_; }

 private:
  Time_us ttl_us_;
  LockState state_;         // durable: the caller persists it after every change
  Time_us expires_us_ = 0;  // volatile
};

}  // namespace ballot::lease
