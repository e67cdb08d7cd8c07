// Internal to the linearizability checker: the search over one key's operations (Lowe's
// just-in-time linearization with memoized configurations; see lincheck.cpp for the overview).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/lincheck/lin_cache.h"
#include "sim/lincheck/lin_ops.h"
#include "sim/lincheck/lin_values.h"
#include "sim/lincheck/lincheck.h"

namespace ballot::lin::detail {

struct Budget {
  CheckOptions limits;
  uint64_t steps = 0;   // linearization attempts, all keys
  uint64_t states = 0;  // memoized configurations, all keys
  bool exceeded() const { return steps > limits.max_steps || states > limits.max_states; }
};

enum class Status { Running, Linearizable, NotLinearizable, TimedOut };

// Where the search got furthest: the basis of the failing window.
struct Snapshot {
  size_t linearized_count = 0;      // completed operations linearized
  ValueId state = kNilId;           // model state there
  int32_t last_op = -1;             // last operation linearized (-1: none)
  int32_t blocking_op = -1;         // earliest-returning unlinearized operation
  std::vector<int32_t> candidates;  // operations that could have come next
  // A read that the lookahead found could no longer see its value there (-1: none).
  int32_t unseeable_op = -1;
  uint64_t config = 0;  // which configuration (Search::config_id_) this describes
};

class Search {
 public:
  Search(Partition& partition, Budget& budget);
  // Runs for about `steps` more linearization attempts; Running if undecided by then.
  Status run(uint64_t steps);
  const Snapshot& furthest() const { return furthest_; }

 private:
  static constexpr int32_t kHead = 0;  // sentinel node; the list is circular through it

  // Bounds of the linearized set that make its memo key short (see push()). Completed ("finite")
  // ops and pending ops are numbered apart: slot_[op] is the index within its class.
  struct Frontier {
    uint32_t first_open_finite = 0;  // every finite op below is linearized
    int32_t max_finite = -1;         // highest finite op linearized
    int32_t max_pending = -1;        // highest pending op linearized
  };

  struct Node {
    int32_t prev = kHead;
    int32_t next = kHead;
    int32_t op = -1;
    bool is_call = false;
  };
  // What push() changes besides the list and the bitsets, restored by backtrack().
  struct Frame {
    int32_t op;
    ValueId state_before;
    Frontier frontier_before;
    bool needs_observer_before;
    bool unobserved_before;
    uint64_t config_before;
    bool forced;         // a pure op linearized without branching
    uint32_t entry = 0;  // the memo entry of the configuration this push reached
  };

  void build_list();
  Node& node(int32_t id) { return nodes_[static_cast<size_t>(id)]; }
  const LinOp& op_at(int32_t op) const { return partition_.ops[static_cast<size_t>(op)]; }
  Status arrive();
  void classify_pending_ops();
  void advance_frontier(int32_t op);
  uint64_t memo_shape();
  bool first_of_class(int32_t op) const {
    const uint32_t slot = slot_[static_cast<size_t>(op)];
    return pending_rank_[slot] == pending_linearized_[pending_class_[slot]];
  }
  bool push(int32_t op, ValueId next_state, bool forced);
  // Hash of the current completed set and `state`, for failed_.
  uint64_t failed_hash(ValueId state) const {
    return mix64(finite_hash_ ^ (uint64_t{state} * 0xD6E8FEB86659FD93ULL));
  }
  int32_t backtrack();
  bool force_pure_ops();
  int32_t unseeable_observer();
  bool run_can_end();
  bool observation_reachable();
  bool can_become(ValueId value, bool appends_possible);
  void lift(int32_t op);
  void unlift(int32_t op);
  void flip(int32_t op);
  void record_progress();
  bool orphaned(ValueId v) const { return observers_left_[v] > 0 && setters_left_[v] == 0; }
  void count_linearized(int32_t op, int delta);

  Partition& partition_;
  Budget& budget_;
  std::vector<Node> nodes_;
  std::vector<int32_t> call_node_;    // per op
  std::vector<int32_t> return_node_;  // per op, -1 if pending
  std::vector<uint64_t> zobrist_;     // per op: random bits for the set hash
  std::vector<uint32_t> slot_;        // per op: index among the finite or the pending ops
  // Pending ops with equal effect (kind, arg, from) form a class; by symmetry only the earliest
  // unlinearized member of a class is ever linearized, so a class's linearized members are
  // always its first pending_linearized_[class], in call order.
  std::vector<uint32_t> pending_class_;       // per pending slot
  std::vector<uint32_t> pending_rank_;        // per pending slot: index within its class
  std::vector<uint32_t> pending_linearized_;  // per class
  std::vector<uint64_t> finite_bits_;         // linearized finite ops, by slot
  std::vector<uint64_t> pending_bits_;        // linearized pending ops, by slot
  uint64_t bits_hash_ = 0;                    // xor of zobrist_ over linearized ops
  uint64_t finite_hash_ = 0;                  // the same over linearized finite ops only
  std::vector<uint64_t> key_;                 // scratch: the memo key's words
  std::vector<Frame> stack_;
  ValueId state_;
  Frontier frontier_;
  // The last op linearized is pending and changed the state: the next must depend on the state.
  // Search only linearizations in this normal form (see push()); part of the memo key.
  bool needs_observer_ = false;
  // A pending op changed the state and no observation (read, successful or failed cas) has
  // been linearized since: a blind write would wipe an effect nobody saw, so none may come next
  // (see push()). Part of the memo key.
  bool unobserved_ = false;
  uint64_t config_id_ = 0;  // numbers configurations in the order they are reached
  uint64_t configs_reached_ = 0;
  size_t finite_total_ = 0;      // ops with a known return: all must be linearized
  size_t finite_remaining_ = 0;  // of those, not yet linearized
  ConfigCache cache_;
  FailedConfigs failed_;
  bool has_pending_ = false;
  int32_t entry_ = kHead;  // next node to try
  bool arrived_ = true;    // at a configuration not yet prepared by arrive()
  // Scratch for observations_reachable().
  std::vector<ValueId> setters_;
  std::vector<ValueId> observed_;
  std::vector<uint32_t> window_stamp_;
  uint32_t epoch_ = 0;
  Snapshot furthest_;
  bool furthest_recorded_ = false;
  // Per value (registers only: without appends no new values arise): unlinearized ops that can
  // set it, and unlinearized completed ops that observe it. A value some op must still observe
  // that nothing left can set is orphaned; a configuration with an orphaned value other than
  // the current one is dead.
  bool track_orphans_ = false;
  std::vector<uint32_t> setters_left_;
  std::vector<uint32_t> observers_left_;
  uint32_t orphaned_ = 0;  // orphaned values
};

}  // namespace ballot::lin::detail
