// Role and leader-duty helpers that the leader-based algorithms share (Raft, Multi-Paxos; the
// lease candidate uses RoleReport too).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "sim/api/node_api.h"
#include "sim/api/require.h"

namespace ballot::kit {

// The smallest majority of a cluster of `cluster_size` nodes.
constexpr int32_t majority(int32_t cluster_size) {
  return cluster_size / 2 + 1;
}

// For on_start: the node's durable state as a T (what survived a crash, or a fresh T at the first
// start), once the node id is known to lie within the cluster. Aborts if what survived is not a T.
template <class T>
T* durable_at_start(Context& ctx) {
  BALLOT_REQUIRE(ctx.cluster_size() >= 1 && ctx.self() >= 0 && ctx.self() < ctx.cluster_size(),
                 "node id within the cluster");
  T* state = durable_state<T>(ctx);
  BALLOT_REQUIRE(state != nullptr, "the durable state is of the algorithm's own type");
  return state;
}

// Context::report, called on every change of (role, epoch, leader) but passed on only when one of
// them differs from what was last reported (a fresh node has reported nothing).
class RoleReport {
 public:
  void report(Context& ctx, Role role, int64_t epoch, NodeId leader) {
    if (role_ == role && epoch_ == epoch && leader_ == leader) return;
    role_ = role;
    epoch_ = epoch;
    leader_ = leader;
    ctx.report(role, epoch, leader);
  }

 private:
  std::optional<Role> role_;
  int64_t epoch_ = -1;
  NodeId leader_ = kNoNode;
};

// Durable writes not yet synced: an algorithm marks each write, and syncs before anything leaves
// the node (a message, a client reply) and at the end of every event.
class UnsyncedWrites {
 public:
  void mark() { unsynced_ = true; }
  bool any() const { return unsynced_; }
  // Context::sync, if anything was written since the last one.
  void sync(Context& ctx) {
    if (!unsynced_) return;
    ctx.sync();
    unsynced_ = false;
  }

 private:
  bool unsynced_ = false;
};

// What waits for a position of the replicated sequence (a log index, a slot) to be applied: a
// client's operation id, or a duty the leader proposed. Taken once, when the position is applied.
template <class T>
class Waiting {
 public:
  void add(int64_t position, T value) { waiting_[position] = std::move(value); }
  std::optional<T> take(int64_t position) {
    auto it = waiting_.find(position);
    if (it == waiting_.end()) return std::nullopt;
    std::optional<T> value = std::move(it->second);
    waiting_.erase(it);
    return value;
  }
  bool empty() const { return waiting_.empty(); }

 private:
  std::map<int64_t, T> waiting_;
};

}  // namespace ballot::kit
