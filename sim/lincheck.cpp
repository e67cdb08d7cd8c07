// Linearizability checking by just-in-time linearization (Lowe, "Testing for linearizability",
// 2017, after Wing & Gong 1993), memoizing every configuration (set of linearized operations,
// model state) already explored, as the Porcupine checker does. Each key is checked on its own:
// linearizability is local (Herlihy & Wing 1990, Theorem 1), so a history is linearizable iff every
// per-key sub-history is.
//
// The search walks a doubly-linked list of call and return events in time order. At a call it
// tries to linearize that operation now; on success the operation's two events leave the list and
// the walk restarts from the head. Reaching a return means that operation could not be linearized
// before it returned: undo the last choice and try the next candidate after it.
//
// Beyond Porcupine: pure operations (reads) are linearized without branching, configurations
// where some read can no longer see its value are cut at once, and keys are searched in turns so
// that the first key to show a violation decides.
#include "sim/lincheck.h"

#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "sim/lin_cache.h"
#include "sim/lin_values.h"

namespace ballot::lin {
namespace {

using detail::ConfigCache;
using detail::FailedConfigs;
using detail::kNilId;
using detail::ValueId;
using detail::ValueTable;

// Steps one key's search takes before the next key's turn: small enough that a quickly failing
// key is found early, large enough that switching costs nothing.
constexpr uint64_t kStepsPerTurn = 1 << 14;
// How far the read-reachability lookahead walks the event list at each configuration.
constexpr int kLookaheadNodes = 512;

// ---------------------------------------------------------------------------------------------
// Operations as the search sees them: one sequential-specification step each.

enum class StepKind : uint8_t {
  Read,     // legal iff state == arg; no change
  Write,    // state := arg
  Append,   // state := state ++ arg
  CasOk,    // legal iff state == from; state := arg
  CasFail,  // legal iff state != from; no change
  CasAny,   // unknown outcome: applies iff state == from; always legal
};

struct LinOp {
  StepKind kind = StepKind::Read;
  ValueId arg = kNilId;
  ValueId from = kNilId;
  int64_t call = 0;
  int64_t ret = kPendingReturn;  // kPendingReturn: need never be linearized
  size_t original = 0;           // index into History::ops
};

bool is_pending(const LinOp& op) {
  return op.ret == kPendingReturn;
}

// Pure operations never change the state where they are legal. If one is legal now, some
// completion exists iff one exists with it linearized now (move it to the front: it is callable,
// so no unlinearized operation returned before its call, and it changes no state), so the search
// linearizes it without branching.
bool is_pure(const LinOp& op) {
  switch (op.kind) {
    case StepKind::Read:
    case StepKind::CasFail:
      return true;
    case StepKind::CasOk:
      return op.from == op.arg;
    default:
      return false;
  }
}

// Operations that can set the state to `arg` whatever it was before (a cas only if it matches).
bool sets_value(const LinOp& op) {
  return op.kind == StepKind::Write || op.kind == StepKind::CasOk || op.kind == StepKind::CasAny;
}

// Operations whose legality or effect depends on the state before them: all but blind writes.
bool depends_on_state(const LinOp& op) {
  return op.kind != StepKind::Write;
}

// Operations that are legal only in one state: a read's result, a successful cas's 'from'.
bool observes_value(const LinOp& op) {
  return op.kind == StepKind::Read || op.kind == StepKind::CasOk;
}

ValueId observed_value(const LinOp& op) {
  return op.kind == StepKind::Read ? op.arg : op.from;
}

// One step of the sequential specification: false if illegal in `state`, else `next` is set.
bool apply(const LinOp& op, ValueId state, ValueId& next, ValueTable& values) {
  switch (op.kind) {
    case StepKind::Read:
      next = state;
      return state == op.arg;
    case StepKind::Write:
      next = op.arg;
      return true;
    case StepKind::Append:
      next = values.concat(state, op.arg);
      return true;
    case StepKind::CasOk:
      next = op.arg;
      return state == op.from;
    case StepKind::CasFail:
      next = state;
      return state != op.from;
    case StepKind::CasAny:
      next = state == op.from ? op.arg : state;
      return true;
  }
  return false;
}

struct Partition {
  explicit Partition(bool nil_is_empty) : values(nil_is_empty) {}
  ValueTable values;
  std::vector<LinOp> ops;  // sorted by call time
};

// Translates one history operation; false if it cannot constrain anything and is left out
// (failed or unknown reads; failed writes, which did not happen).
bool translate(const Op& op, ValueTable& values, LinOp& out) {
  const bool unknown = op.outcome == Outcome::Info;
  out.call = op.call;
  out.ret = unknown ? kPendingReturn : op.ret;
  switch (op.kind) {
    case OpKind::Read:
    case OpKind::Get:
      if (op.outcome != Outcome::Ok) return false;
      out.kind = StepKind::Read;
      out.arg = values.intern(op.value);
      return true;
    case OpKind::Write:
    case OpKind::Put:
    case OpKind::Append:
      if (op.outcome == Outcome::Fail) return false;
      out.kind = op.kind == OpKind::Append ? StepKind::Append : StepKind::Write;
      out.arg = values.intern(op.value);
      return true;
    case OpKind::Cas:
      out.kind = unknown ? StepKind::CasAny
                         : (op.outcome == Outcome::Ok ? StepKind::CasOk : StepKind::CasFail);
      out.arg = values.intern(op.value);
      out.from = values.intern(op.expected);
      return true;
  }
  return false;
}

std::map<std::string, Partition> partition_by_key(const History& history, Model model) {
  std::map<std::string, Partition> partitions;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const Op& op = history.ops[i];
    if (op.outcome != Outcome::Info && op.ret < op.call) {
      throw std::invalid_argument("lincheck: operation " + std::to_string(i) +
                                  " returns before its call");
    }
    auto it = partitions.try_emplace(op.key, model == Model::KeyValue).first;
    LinOp lin_op;
    lin_op.original = i;
    if (translate(op, it->second.values, lin_op)) it->second.ops.push_back(lin_op);
  }
  for (auto& [key, partition] : partitions) {
    std::stable_sort(partition.ops.begin(), partition.ops.end(),
                     [](const LinOp& a, const LinOp& b) { return a.call < b.call; });
  }
  return partitions;
}

uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// ---------------------------------------------------------------------------------------------
// The search over one key.

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
};

Search::Search(Partition& partition, Budget& budget)
    : partition_(partition), budget_(budget), state_(partition.values.intern(std::nullopt)) {
  const size_t n = partition_.ops.size();
  zobrist_.resize(n);
  for (size_t i = 0; i < n; ++i) zobrist_[i] = mix64(i + 0x9E3779B97F4A7C15ULL);
  window_stamp_.assign(n, 0);
  size_t pending_total = 0;
  for (const LinOp& op : partition_.ops) {
    slot_.push_back(static_cast<uint32_t>(is_pending(op) ? pending_total++ : finite_total_++));
  }
  finite_bits_.assign(finite_total_ / 64 + 1, 0);
  pending_bits_.assign(pending_total / 64 + 1, 0);
  has_pending_ = pending_total > 0;
  finite_remaining_ = finite_total_;
  classify_pending_ops();
  build_list();
  record_progress();
  entry_ = node(kHead).next;
}

void Search::classify_pending_ops() {
  std::map<std::tuple<StepKind, ValueId, ValueId>, uint32_t> classes;
  for (const LinOp& op : partition_.ops) {
    if (!is_pending(op)) continue;
    const auto [it, added] = classes.try_emplace({op.kind, op.arg, op.from},
                                                 static_cast<uint32_t>(pending_linearized_.size()));
    if (added) pending_linearized_.push_back(0);
    pending_class_.push_back(it->second);
    pending_rank_.push_back(pending_linearized_[it->second]++);
  }
  std::fill(pending_linearized_.begin(), pending_linearized_.end(), 0);
}

// Events in time order; at equal times calls come first, so that operations touching at one
// instant count as concurrent.
void Search::build_list() {
  struct Event {
    int64_t time;
    bool is_return;
    int32_t op;
  };
  std::vector<Event> events;
  const auto n = static_cast<int32_t>(partition_.ops.size());
  for (int32_t i = 0; i < n; ++i) {
    events.push_back({op_at(i).call, false, i});
    if (!is_pending(op_at(i))) events.push_back({op_at(i).ret, true, i});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.is_return < b.is_return;
  });
  nodes_.assign(events.size() + 1, Node{});
  call_node_.assign(static_cast<size_t>(n), -1);
  return_node_.assign(static_cast<size_t>(n), -1);
  int32_t prev = kHead;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto id = static_cast<int32_t>(i + 1);
    node(id) = {prev, kHead, events[i].op, !events[i].is_return};
    node(prev).next = id;
    node(kHead).prev = id;
    (events[i].is_return ? return_node_ : call_node_)[static_cast<size_t>(events[i].op)] = id;
    prev = id;
  }
}

void Search::lift(int32_t op) {
  for (int32_t id : {call_node_[static_cast<size_t>(op)], return_node_[static_cast<size_t>(op)]}) {
    if (id < 0) continue;
    node(node(id).prev).next = node(id).next;
    node(node(id).next).prev = node(id).prev;
  }
}

// Exact inverse of lift: relink in reverse order of removal.
void Search::unlift(int32_t op) {
  for (int32_t id : {return_node_[static_cast<size_t>(op)], call_node_[static_cast<size_t>(op)]}) {
    if (id < 0) continue;
    node(node(id).prev).next = id;
    node(node(id).next).prev = id;
  }
}

void Search::flip(int32_t op) {
  const uint32_t slot = slot_[static_cast<size_t>(op)];
  auto& bits = is_pending(op_at(op)) ? pending_bits_ : finite_bits_;
  bits[slot / 64] ^= uint64_t{1} << (slot % 64);
  bits_hash_ ^= zobrist_[static_cast<size_t>(op)];
  if (!is_pending(op_at(op))) finite_hash_ ^= zobrist_[static_cast<size_t>(op)];
}

// Updates the frontier for `op`, just linearized.
void Search::advance_frontier(int32_t op) {
  const auto slot = static_cast<int32_t>(slot_[static_cast<size_t>(op)]);
  if (is_pending(op_at(op))) {
    frontier_.max_pending = std::max(frontier_.max_pending, slot);
    return;
  }
  frontier_.max_finite = std::max(frontier_.max_finite, slot);
  // Find the next unlinearized finite op, a word at a time.
  auto first = frontier_.first_open_finite;
  while (first < finite_total_) {
    const uint64_t open = ~finite_bits_[first / 64] & (~uint64_t{0} << (first % 64));
    if (open != 0) {
      first = first / 64 * 64 + static_cast<uint32_t>(std::countr_zero(open));
      break;
    }
    first = (first / 64 + 1) * 64;
  }
  frontier_.first_open_finite = std::min(first, static_cast<uint32_t>(finite_total_));
}

// Fills key_ with the memo key of the current set and returns its shape (bit 63 is left free).
//
// Finite ops are linearized roughly in call order: all below the first open one are, none above
// the highest one is, and both bounds depend only on the set. So the key holds just the words
// between them (a span as wide as the concurrency), then the pending bits up to the highest
// linearized one: pending ops never linearized cost nothing, however old.
uint64_t Search::memo_shape() {
  const uint32_t lo = frontier_.first_open_finite / 64;
  const uint32_t hi =
      frontier_.max_finite < 0 ? 0 : static_cast<uint32_t>(frontier_.max_finite) / 64;
  const uint32_t finite_words = std::max(hi, lo) + 1 - lo;
  const uint32_t pending_words =
      frontier_.max_pending < 0 ? 0 : static_cast<uint32_t>(frontier_.max_pending) / 64 + 1;
  key_.assign(finite_bits_.begin() + lo, finite_bits_.begin() + lo + finite_words);
  key_.insert(key_.end(), pending_bits_.begin(), pending_bits_.begin() + pending_words);
  return (uint64_t{lo} << 32) | finite_words;
}

// Linearizes `op` next, moving to state `next_state`, unless that configuration was explored
// before (then it leads nowhere, or is being explored on the current path), or the
// linearization would leave the normal form below.
//
// Normal form for pending ops (unknown outcome, no return): if any linearization exists, one
// exists where each pending op that is linearized changes the state and is followed at once by
// an op that depends on the state. A pending op that changes nothing, or whose result is
// overwritten blind or never looked at, can be dropped ("never took effect") leaving a valid
// linearization: its return time constrains nothing. Reads are never moved by this, so the
// forcing of pure ops stays valid. And of equal pending ops only the earliest open one is tried:
// both are callable, neither has a return to respect, so swapping them maps every completion
// of one choice onto one of the other.
bool Search::push(int32_t op, ValueId next_state, bool forced) {
  const LinOp& lin_op = op_at(op);
  if ((needs_observer_ || unobserved_) && !depends_on_state(lin_op)) return false;
  const bool pending = is_pending(lin_op);
  if (pending && (next_state == state_ || !first_of_class(op))) return false;
  const bool observes = lin_op.kind == StepKind::Read || lin_op.kind == StepKind::CasOk ||
                        lin_op.kind == StepKind::CasFail;
  const bool unobserved = pending || (unobserved_ && !observes);
  Frame frame{op, state_, frontier_, needs_observer_, unobserved_, config_id_, forced};
  flip(op);
  advance_frontier(op);
  const uint64_t flags = static_cast<uint64_t>(pending) | static_cast<uint64_t>(unobserved) << 1;
  const uint64_t hash = mix64(bits_hash_ ^ (uint64_t{next_state} * 0xD6E8FEB86659FD93ULL) ^ flags);
  const uint64_t shape = memo_shape() | flags << FailedConfigs::kFlagShift;
  const auto word_count = static_cast<uint32_t>(key_.size());
  // Only a configuration with pending ops linearized can be dominated by a different one.
  const bool dominated = word_count > static_cast<uint32_t>(shape) &&
                         failed_.dominated(cache_, failed_hash(next_state), next_state, shape,
                                           flags, key_.data(), word_count);
  if (dominated ||
      !cache_.insert(hash, next_state, shape, key_.data(), static_cast<uint32_t>(key_.size()))) {
    flip(op);
    frontier_ = frame.frontier_before;
    return false;
  }
  ++budget_.states;
  frame.entry = static_cast<uint32_t>(cache_.size() - 1);
  stack_.push_back(frame);
  state_ = next_state;
  needs_observer_ = pending;
  unobserved_ = unobserved;
  config_id_ = ++configs_reached_;
  if (pending) ++pending_linearized_[pending_class_[slot_[static_cast<size_t>(op)]]];
  lift(op);
  if (!pending) --finite_remaining_;
  record_progress();
  return true;
}

// Undoes choices until one that has an alternative; returns the node to try next, or -1 when
// the search space is exhausted.
int32_t Search::backtrack() {
  while (!stack_.empty()) {
    const Frame frame = stack_.back();
    stack_.pop_back();
    // The configuration being left failed: remember it for subsumption (see FailedConfigs).
    // Only histories with pending ops can have configurations that differ in pending ops alone.
    if (has_pending_) failed_.add(failed_hash(state_), frame.entry);
    unlift(frame.op);
    flip(frame.op);
    state_ = frame.state_before;
    frontier_ = frame.frontier_before;
    needs_observer_ = frame.needs_observer_before;
    unobserved_ = frame.unobserved_before;
    config_id_ = frame.config_before;
    const bool pending = is_pending(op_at(frame.op));
    if (pending) {
      --pending_linearized_[pending_class_[slot_[static_cast<size_t>(frame.op)]]];
    } else {
      ++finite_remaining_;
    }
    // A forced frame had no alternative: its configuration fails iff its parent's does.
    if (!frame.forced) return node(call_node_[static_cast<size_t>(frame.op)]).next;
  }
  return -1;
}

// Linearizes every pure op that is legal now (see is_pure). False if this configuration is
// known to fail: a forced successor was explored before.
bool Search::force_pure_ops() {
  for (int32_t id = node(kHead).next; id != kHead && node(id).is_call;) {
    const int32_t op = node(id).op;
    ValueId next = kNilId;
    // Pending pure ops never need linearizing (and push() would refuse them as no-ops); for the
    // rest push() fails only on a memo hit, which means this configuration is dead.
    if (is_pure(op_at(op)) && !is_pending(op_at(op))) {
      ++budget_.steps;
      if (apply(op_at(op), state_, next, partition_.values)) {
        if (!push(op, next, true)) return false;
        id = node(kHead).next;
        continue;
      }
    }
    id = node(id).next;
  }
  return true;
}

// Whether the state can still become `value` using only the ops in setters_ (unlinearized ops
// that can set a value) and, if appends_possible, appends.
bool Search::can_become(ValueId value, bool appends_possible) {
  ValueTable& values = partition_.values;
  if (state_ == value || (appends_possible && values.may_be_proper_prefix(state_, value))) {
    return true;
  }
  return std::any_of(setters_.begin(), setters_.end(), [&](ValueId v) {
    return v == value || (appends_possible && values.may_be_proper_prefix(v, value));
  });
}

// Every unlinearized read must still see its result (and every successful cas its 'from').
// Only ops called before a read returns can be linearized before it; if none of them can set its
// value, nor appends extend the current state to it, this configuration is dead. Checks the
// reads that could be linearized now, and any others returning before them, and at least the
// first read to return (it catches a pending write or append linearized where no read sees it).
// Returns a read that cannot see its value, or -1. The walk is bounded in completed ops only:
// old pending calls, never linearized, gather at the list's head.
int32_t Search::unseeable_observer() {
  ++epoch_;
  setters_.clear();
  bool appends_possible = false;
  bool in_window = true;  // before the first return: ops that could be linearized now
  bool checked_any = false;
  int window_observers = 0;
  int walked = 0;
  for (int32_t id = node(kHead).next; id != kHead && walked < kLookaheadNodes; id = node(id).next) {
    const int32_t op = node(id).op;
    const LinOp& lin_op = op_at(op);
    walked += is_pending(lin_op) ? 0 : 1;
    if (node(id).is_call) {
      if (sets_value(lin_op)) setters_.push_back(lin_op.arg);
      appends_possible |= lin_op.kind == StepKind::Append;
      if (in_window && observes_value(lin_op)) {
        window_stamp_[static_cast<size_t>(op)] = epoch_;
        ++window_observers;
      }
      continue;
    }
    in_window = false;
    if (observes_value(lin_op)) {
      if (!can_become(observed_value(lin_op), appends_possible)) return op;
      if (window_stamp_[static_cast<size_t>(op)] == epoch_) --window_observers;
      checked_any = true;
    }
    if (window_observers == 0 && checked_any) break;
  }
  return -1;
}

// Within a run of pending ops (needs_observer_), the normal form lets only pending ops that
// depend on the state follow (appends, unknown cas), and the run must end at a completed op that
// depends on the state. That op must be callable now: pending ops have no returns, so
// linearizing them makes nothing newly callable. If every such op is an observation (a read, a
// successful cas) whose value the state can no longer reach through the run, the run is a dead
// end. Without this, runs of unknown appends are explored in every order before the read at
// their end rejects them all.
bool Search::run_can_end() {
  setters_.clear();
  bool appends_possible = false;
  int walked = 0;
  for (int32_t id = node(kHead).next; id != kHead && node(id).is_call; id = node(id).next) {
    if (++walked > kLookaheadNodes) return true;  // too far to be sure
    const LinOp& lin_op = op_at(node(id).op);
    if (is_pending(lin_op)) {
      appends_possible |= lin_op.kind == StepKind::Append;
      if (lin_op.kind == StepKind::CasAny) setters_.push_back(lin_op.arg);
    }
  }
  for (int32_t id = node(kHead).next; id != kHead && node(id).is_call; id = node(id).next) {
    const LinOp& lin_op = op_at(node(id).op);
    if (is_pending(lin_op) || !depends_on_state(lin_op)) continue;
    if (!observes_value(lin_op)) return true;  // an append or a failed cas can end it
    if (can_become(observed_value(lin_op), appends_possible)) return true;
  }
  return false;
}

// While an effect is unobserved (unobserved_), no blind write may come before the next
// observation, so that observation must see a value the state can reach through appends and
// unknown cas alone. If no unlinearized observation can (and no failed cas, which accepts
// nearly any state, is left), this configuration is dead. Without this, unknown appends and
// writes are tried in every order before a put that wipes them all.
bool Search::observation_reachable() {
  setters_.clear();
  observed_.clear();
  bool appends_possible = false;
  int walked = 0;
  for (int32_t id = node(kHead).next; id != kHead; id = node(id).next) {
    if (++walked > 4 * kLookaheadNodes) return true;  // too far to be sure
    if (!node(id).is_call) continue;
    const LinOp& lin_op = op_at(node(id).op);
    switch (lin_op.kind) {
      case StepKind::Append:
        appends_possible = true;
        break;
      case StepKind::CasAny:
        setters_.push_back(lin_op.arg);
        break;
      case StepKind::CasFail:
        return true;
      case StepKind::Read:
      case StepKind::CasOk:
        observed_.push_back(observed_value(lin_op));
        break;
      case StepKind::Write:
        break;
    }
  }
  return std::any_of(observed_.begin(), observed_.end(),
                     [&](ValueId value) { return can_become(value, appends_possible); });
}

// Prepares a configuration just reached: forced ops, the lookahead, the success test.
Status Search::arrive() {
  if (finite_remaining_ == 0) return Status::Linearizable;
  bool dead = !force_pure_ops() || (needs_observer_ && !run_can_end()) ||
              (unobserved_ && !observation_reachable());
  if (!dead) {
    const int32_t unseeable = unseeable_observer();
    if (unseeable >= 0 && furthest_.config == config_id_) furthest_.unseeable_op = unseeable;
    dead = unseeable >= 0;
  }
  if (dead) {
    entry_ = backtrack();
    return entry_ < 0 ? Status::NotLinearizable : Status::Running;
  }
  if (finite_remaining_ == 0) return Status::Linearizable;
  entry_ = node(kHead).next;
  return Status::Running;
}

void Search::record_progress() {
  const size_t linearized = finite_total_ - finite_remaining_;
  if (furthest_recorded_ && linearized <= furthest_.linearized_count) return;
  furthest_recorded_ = true;
  furthest_.linearized_count = linearized;
  furthest_.state = state_;
  furthest_.last_op = stack_.empty() ? -1 : stack_.back().op;
  furthest_.blocking_op = -1;
  furthest_.candidates.clear();
  furthest_.unseeable_op = -1;
  furthest_.config = config_id_;
  for (int32_t id = node(kHead).next; id != kHead; id = node(id).next) {
    if (!node(id).is_call) {
      furthest_.blocking_op = node(id).op;
      break;
    }
    furthest_.candidates.push_back(node(id).op);
  }
}

Status Search::run(uint64_t steps) {
  const uint64_t stop = budget_.steps + steps;
  while (budget_.steps < stop) {
    if (arrived_) {
      arrived_ = false;
      const Status status = arrive();
      if (status != Status::Running) return status;
      continue;
    }
    if (budget_.exceeded()) return Status::TimedOut;
    const Node& at = node(entry_);
    if (!at.is_call) {
      // A return (or the list's end, which only pending calls precede): the op returning here
      // cannot be linearized in this configuration, so this configuration fails.
      entry_ = backtrack();
      if (entry_ < 0) return Status::NotLinearizable;
      continue;
    }
    ++budget_.steps;
    ValueId next = kNilId;
    if (apply(op_at(at.op), state_, next, partition_.values) && push(at.op, next, false)) {
      arrived_ = true;
    } else {
      entry_ = at.next;
    }
  }
  return Status::Running;
}

// ---------------------------------------------------------------------------------------------
// Verdict assembly.

std::string render_times(const Op& op) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string s = "[";
  s += std::to_string(op.call);
  s += ", ";
  s += op.ret == kPendingReturn || op.outcome == Outcome::Info ? "open" : std::to_string(op.ret);
  s += "]";
  return s;
}

std::string describe_with_process(const History& history, size_t original) {
  const Op& op = history.ops[original];
  return "process " + std::to_string(op.process) + " " + describe(op) + " " + render_times(op);
}

std::string quoted(const std::string& s) {
  return "\"" + s + "\"";
}

std::string count_of(size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

Verdict violation(const History& history, Model model, const std::string& key,
                  const Partition& partition, const Snapshot& at) {
  Verdict verdict;
  auto original = [&](int32_t op) { return partition.ops[static_cast<size_t>(op)].original; };
  for (int32_t op : at.candidates) verdict.failing_window.push_back(original(op));
  if (at.blocking_op >= 0) verdict.failing_window.push_back(original(at.blocking_op));
  if (at.last_op >= 0) verdict.failing_window.push_back(original(at.last_op));
  if (at.unseeable_op >= 0) verdict.failing_window.push_back(original(at.unseeable_op));
  std::sort(verdict.failing_window.begin(), verdict.failing_window.end());
  verdict.failing_window.erase(
      std::unique(verdict.failing_window.begin(), verdict.failing_window.end()),
      verdict.failing_window.end());

  const std::string value = at.state == kNilId || model == Model::Register
                                ? partition.values.render(at.state)
                                : quoted(partition.values.render(at.state));
  std::string& text = verdict.explanation;
  text = "not linearizable";
  if (!key.empty()) text += " (key " + quoted(key) + ")";
  text += ": the search got furthest after linearizing " +
          count_of(at.linearized_count, "completed operation") + ", with the value " + value;
  if (at.last_op >= 0) {
    text += " (last: " + describe_with_process(history, original(at.last_op)) + ")";
  }
  if (at.unseeable_op >= 0) {
    text += ". From there, " + describe_with_process(history, original(at.unseeable_op)) +
            " cannot happen: no operation that may still precede it can produce the value it" +
            " needs";
  } else if (at.blocking_op >= 0) {
    text += ". From there, no order of the " + count_of(at.candidates.size(), "operation") +
            " then open lets " + describe_with_process(history, original(at.blocking_op)) +
            " take effect before it returns";
  }
  text += ".";
  return verdict;
}

std::string render_value(const Op& op, const std::optional<std::string>& v) {
  if (!v) return "nil";
  const bool kv = op.kind == OpKind::Get || op.kind == OpKind::Put || op.kind == OpKind::Append;
  return kv ? quoted(*v) : *v;
}

// ---------------------------------------------------------------------------------------------
// Shrinking the failing window (delta debugging, Zeller & Hildebrandt 2002, over a monotone
// property). "W fails" means relax_outside(key history, W) is not linearizable. Relaxing only adds
// linearizations, so if W fails every superset of W fails: a W from which no single operation
// can be removed is minimal under inclusion, not just one-minimal.

void relax(Op& op) {
  const bool observes_only = op.kind == OpKind::Read || op.kind == OpKind::Get;
  op.outcome = observes_only ? Outcome::Fail : Outcome::Info;
  op.ret = kPendingReturn;
}

// An operation whose relaxed form is itself: it never belongs to a minimal window.
bool relaxes_to_itself(const Op& op) {
  const bool observes_only = op.kind == OpKind::Read || op.kind == OpKind::Get;
  return observes_only ? op.outcome != Outcome::Ok : op.outcome == Outcome::Info;
}

enum class Shrunk { Fails, Passes, Unknown };

class WindowShrinker {
 public:
  WindowShrinker(const History& history, Model model, const std::string& key,
                 const CheckOptions& options)
      : history_(history), model_(model), options_(options), steps_left_(options.max_window_steps) {
    for (size_t i = 0; i < history.ops.size(); ++i) {
      if (history.ops[i].key == key) key_ops_.push_back(i);
    }
  }

  // A minimal failing window, found by progression (as in deletion-free searches for minimal
  // unsatisfiable cores): with the operations ordered by their distance in time from `anchor`
  // (where the search got stuck), the smallest failing prefix's last operation is necessary; keep
  // it, drop everything after it, and repeat until the kept operations fail on their own. The
  // prefix is found by galloping, so the re-checked histories stay small when the violation is
  // local, which is what keeps them cheap: relaxed histories are full of unknown outcomes.
  std::vector<size_t> shrink(size_t anchor, bool& minimal) {
    std::vector<size_t> remaining = useful(key_ops_);
    const Op& at = history_.ops[anchor];
    auto distance = [&](size_t i) {
      const Op& op = history_.ops[i];
      const int64_t ret = op.outcome == Outcome::Info ? op.call : op.ret;
      const int64_t at_ret = at.outcome == Outcome::Info ? at.call : at.ret;
      if (ret < at.call) return at.call - ret;
      if (op.call > at_ret) return op.call - at_ret;
      return int64_t{0};
    };
    // Operations that write or read the value the anchor saw come first.
    auto related = [&](size_t i) {
      const Op& op = history_.ops[i];
      return op.value == at.value || (op.kind == OpKind::Cas && op.expected == at.value);
    };
    std::stable_sort(remaining.begin(), remaining.end(), [&](size_t a, size_t b) {
      if ((a == anchor) != (b == anchor)) return a == anchor;
      if (related(a) != related(b)) return related(a);
      return distance(a) < distance(b);
    });
    // Invariant: core + remaining fails.
    std::vector<size_t> core;
    bool undecided = false;
    auto fails_with = [&](size_t prefix) {
      std::vector<size_t> window = core;
      window.insert(window.end(), remaining.begin(),
                    remaining.begin() + static_cast<ptrdiff_t>(prefix));
      std::sort(window.begin(), window.end());
      const Shrunk result = test(window);
      undecided |= result == Shrunk::Unknown;
      return result == Shrunk::Fails;
    };
    while (!remaining.empty() && (core.empty() || !fails_with(0))) {
      size_t passing = 0;  // the longest prefix known (or taken) not to fail
      size_t failing = 1;
      while (failing < remaining.size() && !fails_with(failing)) {
        passing = failing;
        failing *= 2;
      }
      failing = std::min(failing, remaining.size());
      while (failing - passing > 1) {
        const size_t mid = passing + (failing - passing) / 2;
        (fails_with(mid) ? failing : passing) = mid;
      }
      core.push_back(remaining[failing - 1]);
      remaining.resize(failing - 1);
    }
    std::sort(core.begin(), core.end());
    // An undecided re-check was taken as "passes": the core still fails, but an operation kept
    // on that ground may not be needed.
    minimal = !undecided;
    return core;
  }

 private:
  std::vector<size_t> useful(const std::vector<size_t>& ops) const {
    std::vector<size_t> out;
    for (size_t i : ops) {
      if (!relaxes_to_itself(history_.ops[i])) out.push_back(i);
    }
    return out;
  }

  // Decides relax_outside(key history, window), `window` ascending.
  Shrunk test(const std::vector<size_t>& window) {
    if (steps_left_ == 0) return Shrunk::Unknown;
    // Relaxed operations called after every completed one has returned can take effect last or
    // never, so they cannot matter: leave them out.
    int64_t horizon = INT64_MIN;
    for (size_t i : window) {
      if (history_.ops[i].outcome != Outcome::Info) {
        horizon = std::max(horizon, history_.ops[i].ret);
      }
    }
    History sub;
    size_t w = 0;
    for (size_t i : key_ops_) {
      const bool kept = w < window.size() && window[w] == i;
      if (kept) ++w;
      const Op& op = history_.ops[i];
      if (kept) {
        sub.ops.push_back(op);
      } else if (op.kind != OpKind::Read && op.kind != OpKind::Get && op.call <= horizon) {
        sub.ops.push_back(op);
        relax(sub.ops.back());
      }
    }
    std::map<std::string, Partition> partitions = partition_by_key(sub, model_);
    if (partitions.empty()) return Shrunk::Passes;
    CheckOptions limits = options_;
    limits.max_steps = steps_left_;
    Budget budget{limits};
    Search search(partitions.begin()->second, budget);
    Status status = Status::Running;
    while (status == Status::Running) status = search.run(kStepsPerTurn);
    steps_left_ -= std::min(steps_left_, budget.steps);
    if (status == Status::TimedOut) {
      steps_left_ = 0;  // a re-check this hard means the rest would be too
      return Shrunk::Unknown;
    }
    return status == Status::NotLinearizable ? Shrunk::Fails : Shrunk::Passes;
  }

  const History& history_;
  Model model_;
  CheckOptions options_;
  uint64_t steps_left_;
  std::vector<size_t> key_ops_;  // indices of the violating key's operations, ascending
};

}  // namespace

History relax_outside(const History& history, const std::vector<size_t>& window) {
  History relaxed = history;
  std::vector<bool> kept(history.ops.size(), false);
  for (size_t i : window) {
    if (i < kept.size()) kept[i] = true;
  }
  for (size_t i = 0; i < relaxed.ops.size(); ++i) {
    if (!kept[i]) relax(relaxed.ops[i]);
  }
  return relaxed;
}

Model infer_model(const History& history) {
  for (const Op& op : history.ops) {
    if (op.kind == OpKind::Get || op.kind == OpKind::Put || op.kind == OpKind::Append) {
      return Model::KeyValue;
    }
  }
  return Model::Register;
}

std::string describe(const Op& op) {
  static constexpr const char* kNames[] = {"read", "write", "cas", "get", "put", "append"};
  std::string s = kNames[static_cast<int>(op.kind)];
  if (!op.key.empty()) s += " " + quoted(op.key);
  switch (op.kind) {
    case OpKind::Read:
    case OpKind::Get:
      if (op.outcome == Outcome::Ok) s += " -> " + render_value(op, op.value);
      break;
    case OpKind::Cas:
      s += " " + render_value(op, op.expected) + " -> " + render_value(op, op.value);
      break;
    default:
      s += " " + render_value(op, op.value);
  }
  if (op.outcome == Outcome::Fail) s += " (failed)";
  if (op.outcome == Outcome::Info) s += " (unknown outcome)";
  return s;
}

// Keys take turns of kStepsPerTurn steps, in key order: deterministic, and a violation in any
// key ends the check as soon as that key's search finds it.
Verdict check(const History& history, Model model, CheckOptions options) {
  std::map<std::string, Partition> partitions = partition_by_key(history, model);
  Budget budget{options};
  struct Turn {
    const std::string* key;
    Partition* partition;
    std::unique_ptr<Search> search;
  };
  std::vector<Turn> turns;
  for (auto& [key, partition] : partitions) {
    turns.push_back({&key, &partition, std::make_unique<Search>(partition, budget)});
  }
  bool timed_out = false;
  while (!turns.empty()) {
    for (size_t i = 0; i < turns.size();) {
      const Status status = turns[i].search->run(kStepsPerTurn);
      if (status == Status::NotLinearizable) {
        const Snapshot& at = turns[i].search->furthest();
        Verdict verdict = violation(history, model, *turns[i].key, *turns[i].partition, at);
        const int32_t stuck = at.unseeable_op >= 0  ? at.unseeable_op
                              : at.blocking_op >= 0 ? at.blocking_op
                                                    : at.last_op;
        const size_t anchor = stuck >= 0
                                  ? turns[i].partition->ops[static_cast<size_t>(stuck)].original
                                  : verdict.failing_window.front();
        if (options.max_window_steps > 0) {
          const std::string& key = *turns[i].key;  // lives in `partitions`
          turns.clear();                           // frees the memos before the re-checks
          WindowShrinker shrinker(history, model, key, options);
          verdict.failing_window = shrinker.shrink(anchor, verdict.window_minimal);
        }
        return verdict;
      }
      timed_out |= status == Status::TimedOut;
      if (status == Status::Running) {
        ++i;
      } else {
        turns.erase(turns.begin() + static_cast<ptrdiff_t>(i));  // frees its memo
      }
    }
  }
  Verdict verdict;
  verdict.linearizable = !timed_out;
  verdict.timed_out = timed_out;
  if (timed_out) {
    verdict.explanation = "no verdict: the search exceeded its budget (" +
                          std::to_string(options.max_states) + " states, " +
                          std::to_string(options.max_steps) +
                          " steps) before deciding; raise the budget";
  }
  return verdict;
}

}  // namespace ballot::lin
