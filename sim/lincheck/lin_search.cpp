// The search over one key: a walk of the call and return events in time order that linearizes
// an operation at its call, and backtracks when an operation returns unlinearized (lincheck.cpp
// has the overview).
#include "sim/lincheck/lin_search.h"

#include <algorithm>
#include <bit>
#include <map>
#include <tuple>

namespace ballot::lin::detail {
namespace {

// How far the read-reachability lookahead walks the event list at each configuration.
constexpr int kLookaheadNodes = 512;

}  // namespace

Search::Search(Partition& partition, Budget& budget)
    : partition_(partition),
      budget_(budget),
      state_(partition.initial ? *partition.initial : partition.values.intern(std::nullopt)) {
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
  track_orphans_ = std::none_of(partition_.ops.begin(), partition_.ops.end(),
                                [](const LinOp& op) { return op.kind == StepKind::Append; });
  if (track_orphans_) {
    ValueId top = state_;
    for (const LinOp& op : partition_.ops) top = std::max({top, op.arg, op.from});
    setters_left_.assign(top + 1, 0);
    observers_left_.assign(top + 1, 0);
    for (int32_t op = 0; op < static_cast<int32_t>(n); ++op) count_linearized(op, -1);
  }
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

// Counts `op` as linearized (delta +1) or unlinearized (-1) in the orphan counts. Construction
// counts every op as unlinearized.
void Search::count_linearized(int32_t op, int delta) {
  if (!track_orphans_) return;
  const LinOp& lin_op = op_at(op);
  auto update = [&](std::vector<uint32_t>& counts, ValueId v) {
    const bool was = orphaned(v);
    counts[v] = static_cast<uint32_t>(static_cast<int64_t>(counts[v]) - delta);
    orphaned_ = orphaned_ - (was ? 1 : 0) + (orphaned(v) ? 1 : 0);
  };
  if (sets_value(lin_op)) update(setters_left_, lin_op.arg);
  if (!is_pending(lin_op) && observes_value(lin_op)) {
    update(observers_left_, observed_value(lin_op));
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
  count_linearized(op, +1);
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
    count_linearized(frame.op, -1);
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
  bool dead = !force_pure_ops() || orphaned_ > (track_orphans_ && orphaned(state_) ? 1u : 0u) ||
              (needs_observer_ && !run_can_end()) || (unobserved_ && !observation_reachable());
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

}  // namespace ballot::lin::detail
