// Shrinking a violation's failing window to a minimal one (lin_window.h).
#include "sim/lincheck/lin_window.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "sim/lincheck/lin_ops.h"
#include "sim/lincheck/lin_search.h"

namespace ballot::lin {
namespace detail {

void relax(Op& op) {
  const bool observes_only = op.kind == OpKind::Read || op.kind == OpKind::Get;
  op.outcome = observes_only ? Outcome::Fail : Outcome::Info;
  op.ret = kPendingReturn;
}

namespace {

// An operation whose relaxed form is itself: it never belongs to a minimal window.
bool relaxes_to_itself(const Op& op) {
  const bool observes_only = op.kind == OpKind::Read || op.kind == OpKind::Get;
  return observes_only ? op.outcome != Outcome::Ok : op.outcome == Outcome::Info;
}

}  // namespace

WindowShrinker::WindowShrinker(const History& history, Model model, const std::string& key,
                               const CheckOptions& options)
    : history_(history), model_(model), options_(options), steps_left_(options.max_window_steps) {
  for (size_t i = 0; i < history.ops.size(); ++i) {
    if (history.ops[i].key == key) key_ops_.push_back(i);
  }
}

std::vector<size_t> WindowShrinker::shrink(size_t anchor, bool& minimal) {
  return shrink_from(key_ops_, anchor, minimal);
}

std::vector<size_t> WindowShrinker::shrink_from(const std::vector<size_t>& start, size_t anchor,
                                                bool& minimal) {
  std::vector<size_t> remaining = useful(start);
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

std::vector<size_t> WindowShrinker::useful(const std::vector<size_t>& ops) const {
  std::vector<size_t> out;
  for (size_t i : ops) {
    if (!relaxes_to_itself(history_.ops[i])) out.push_back(i);
  }
  return out;
}

Shrunk WindowShrinker::test(const std::vector<size_t>& window) {
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

// ---------------------------------------------------------------------------------------------
// Stale observations.

namespace {

constexpr int64_t kNever = INT64_MAX;

// Completed operations that rule values out, by call time. If a writer s of v is the last operation
// to set the value before an observer r of v, the value is v from s to r; so a completed
// operation w that lies between them in every linearization (called after s returned, returning
// before r was called) must be legal in state v and leave it v. Writes and successful cas of
// another value are not (they set one), nor are reads of another value or successful cas from
// one (they see one), nor a failed cas from v itself (it sees a value other than v).
//
// The first three rule out every value but one: a write or read of a, and a cas from a to b
// twice (all but a, all but b). They are kept by call with, among those called at or after each
// position, the two earliest-returning ones of different values, so "the first one against v
// after time t" is a binary search. A failed cas from a rules out a alone: kept per value.
class Witnesses {
 public:
  explicit Witnesses(const Partition& p) {
    for (size_t i = 0; i < p.ops.size(); ++i) {
      const LinOp& op = p.ops[i];
      if (is_pending(op)) continue;
      switch (op.kind) {
        case StepKind::Write:
        case StepKind::Read:
          add_all_but(op, op.arg, i);
          break;
        case StepKind::CasOk:
          add_all_but(op, op.arg, i);
          if (op.from != op.arg) add_all_but(op, op.from, i);
          break;
        case StepKind::CasFail: {
          Only& only = only_[op.from];
          only.calls.push_back(op.call);
          only.first.push_back({op.ret, op.from, i});
          break;
        }
        case StepKind::Append:
        case StepKind::CasAny:
          break;
      }
    }
    // p.ops is sorted by call, so calls_ is too. Suffix minima, keeping two values apart.
    for (size_t j = best_.size(); j-- > 1;) {
      Best& at = best_[j - 1];
      const Best& next = best_[j];
      for (const Entry& e : {next.first, next.second}) {
        if (e.ret == kNever) continue;
        if (e.ret < at.first.ret) {
          if (e.value != at.first.value) at.second = at.first;
          at.first = e;
        } else if (e.value != at.first.value && e.ret < at.second.ret) {
          at.second = e;
        }
      }
    }
    for (auto& [value, only] : only_) {
      for (size_t j = only.first.size(); j-- > 1;) {
        if (only.first[j].ret < only.first[j - 1].ret) only.first[j - 1] = only.first[j];
      }
    }
  }

  // The operation ruling out `value`, called after `after`, that returns first: its return time
  // (kNever if none) and op.
  std::pair<int64_t, size_t> first_after(int64_t after, ValueId value) const {
    std::pair<int64_t, size_t> found{kNever, 0};
    const auto j =
        static_cast<size_t>(std::upper_bound(calls_.begin(), calls_.end(), after) - calls_.begin());
    if (j < best_.size()) {
      const Entry& e = best_[j].first.value != value ? best_[j].first : best_[j].second;
      found = {e.ret, e.op};
    }
    const auto it = only_.find(value);
    if (it != only_.end()) {
      const Only& only = it->second;
      const auto k = static_cast<size_t>(
          std::upper_bound(only.calls.begin(), only.calls.end(), after) - only.calls.begin());
      if (k < only.first.size() && only.first[k].ret < found.first) {
        found = {only.first[k].ret, only.first[k].op};
      }
    }
    return found;
  }

 private:
  struct Entry {
    int64_t ret;
    ValueId value;  // rules out every value but this one
    size_t op;
  };
  struct Best {
    Entry first;   // earliest return
    Entry second;  // earliest return with a value other than first's
  };
  struct Only {
    std::vector<int64_t> calls;  // failed cas from the value, by call
    std::vector<Entry> first;    // earliest return among those called at or after each
  };

  void add_all_but(const LinOp& op, ValueId value, size_t i) {
    calls_.push_back(op.call);
    best_.push_back({{op.ret, value, i}, {kNever, kNilId, 0}});
  }

  std::vector<int64_t> calls_;
  std::vector<Best> best_;
  std::map<ValueId, Only> only_;
};

bool writes_value(const Op& op) {
  return op.kind == OpKind::Write || op.kind == OpKind::Put || op.kind == OpKind::Cas;
}

}  // namespace

std::optional<StaleObservation> find_stale_observation(const History& history,
                                                       Partition& partition) {
  for (const LinOp& op : partition.ops) {
    if (op.kind == StepKind::Append) return std::nullopt;
  }
  const Witnesses witnesses(partition);
  // Per value: its possible writers by call time, and the running maximum of the time until
  // which each stays readable (the return of the first operation ruling its value out after it
  // returned, or after it was pinned).
  struct Writer {
    int64_t call;
    int64_t readable_until;  // running maximum over this and earlier writers
  };
  const ValueId initial = partition.values.intern(std::nullopt);
  const int64_t initial_until = witnesses.first_after(INT64_MIN, initial).first;
  ValueId top = initial;
  for (const LinOp& op : partition.ops) top = std::max({top, op.arg, op.from});
  // A writer precedes, in every linearization, each observer of its value (other than the
  // initial one) before whose return no other writer of the value was called: that observer
  // needs a writer before it, and it is the only candidate. So it is pinned before the earliest
  // such return (pinned[op], kNever if none, from the observer pinned_by[op]), which may come
  // before its own: a value written once and read soon after.
  const size_t n = partition.ops.size();
  std::vector<int64_t> pinned(n, kNever);
  std::vector<size_t> pinned_by(n, 0);
  {
    // The first two writers of each value, in call order (ops are sorted by call).
    constexpr size_t kNone = SIZE_MAX;
    std::vector<size_t> first(top + 1, kNone);
    std::vector<int64_t> second_call(top + 1, kNever);
    for (size_t i = 0; i < n; ++i) {
      const LinOp& op = partition.ops[i];
      if (!sets_value(op)) continue;
      if (first[op.arg] == kNone) {
        first[op.arg] = i;
      } else if (second_call[op.arg] == kNever) {
        second_call[op.arg] = op.call;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const LinOp& o = partition.ops[i];
      if (is_pending(o) || !observes_value(o) || observed_value(o) == initial) continue;
      const ValueId v = observed_value(o);
      const size_t w = first[v];
      if (w == kNone || partition.ops[w].call > o.ret) continue;  // no writer: stale anyway
      if (second_call[v] <= o.ret) continue;                      // two candidates
      if (o.ret < pinned[w]) {
        pinned[w] = o.ret;
        pinned_by[w] = i;
      }
    }
  }
  // When a writer is ruled out from: its return, or where it is pinned if that is earlier.
  auto ruled_out_after = [&](size_t i) {
    return std::min(is_pending(partition.ops[i]) ? kNever : partition.ops[i].ret, pinned[i]);
  };
  // Writers of value v are writers[begin[v] .. begin[v + 1]), by call.
  std::vector<size_t> begin(static_cast<size_t>(top) + 2, 0);
  for (const LinOp& op : partition.ops) {
    if (sets_value(op)) ++begin[op.arg + 1];
  }
  for (size_t v = 1; v < begin.size(); ++v) begin[v] += begin[v - 1];
  std::vector<Writer> writers(begin.back());
  std::vector<size_t> filled(begin.begin(), begin.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    const LinOp& op = partition.ops[i];
    if (!sets_value(op)) continue;
    const int64_t after = ruled_out_after(i);
    const int64_t until = after == kNever ? kNever : witnesses.first_after(after, op.arg).first;
    const size_t at = filled[op.arg]++;
    writers[at] = {op.call,
                   at == begin[op.arg] ? until : std::max(until, writers[at - 1].readable_until)};
  }
  for (const LinOp& op : partition.ops) {
    if (is_pending(op) || !observes_value(op)) continue;
    if (op.kind == StepKind::CasOk && op.from == op.arg) continue;  // may be its own writer
    const ValueId v = observed_value(op);
    int64_t until = v == initial ? initial_until : INT64_MIN;
    const auto first = writers.begin() + static_cast<ptrdiff_t>(begin[v]);
    const auto last = writers.begin() + static_cast<ptrdiff_t>(begin[v + 1]);
    const auto k = std::upper_bound(first, last, op.ret,
                                    [](int64_t t, const Writer& w) { return t < w.call; });
    if (k != first) until = std::max(until, (k - 1)->readable_until);
    if (until >= op.call) continue;
    // Refuted. The window: the observer, every operation of the key that could write v before
    // it returned, and for each the first operation that rules v out after it (Witnesses).
    StaleObservation stale;
    stale.observer = op.original;
    stale.window.push_back(op.original);
    if (v == initial) {
      const size_t w = witnesses.first_after(INT64_MIN, initial).second;
      stale.window.push_back(partition.ops[w].original);
      stale.overwriter = static_cast<int64_t>(partition.ops[w].original);
    }
    for (size_t i = 0; i < n; ++i) {
      const LinOp& s = partition.ops[i];
      if (s.call > op.ret) break;
      if (!sets_value(s) || s.arg != v) continue;
      const size_t w = witnesses.first_after(ruled_out_after(i), v).second;
      stale.window.push_back(s.original);
      stale.window.push_back(partition.ops[w].original);
      // The observer that pins the writer, if the witness needs it.
      const bool pin = is_pending(s) || partition.ops[w].call <= s.ret;
      if (pin) stale.window.push_back(partition.ops[pinned_by[i]].original);
      if (stale.overwriter < 0) {
        stale.overwriter = static_cast<int64_t>(partition.ops[w].original);
        if (pin) stale.pinned_by = static_cast<int64_t>(partition.ops[pinned_by[i]].original);
      }
      ++stale.writers;
    }
    // Failed writes and failed cas of v: relaxed (outside the window) they could write it.
    const std::string& key = history.ops[op.original].key;
    for (size_t i = 0; i < history.ops.size(); ++i) {
      const Op& h = history.ops[i];
      if (h.key != key || h.outcome != Outcome::Fail || !writes_value(h) || h.call > op.ret) {
        continue;
      }
      if (partition.values.intern(h.value) == v) stale.window.push_back(i);
    }
    std::sort(stale.window.begin(), stale.window.end());
    stale.window.erase(std::unique(stale.window.begin(), stale.window.end()), stale.window.end());
    return stale;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Time cuts.

namespace {

// Decides the window [from, to] of the key's operations (ascending indices) from every possible
// value at `from`: Fails only if every start value fails.
Shrunk cut_fails(const History& history, Model model, const std::vector<size_t>& key_ops,
                 int64_t from, int64_t to, uint64_t steps, size_t& window_ops,
                 size_t& start_values) {
  History sub;
  std::vector<std::optional<std::string>> before;  // values written before the cut
  before.push_back(std::nullopt);
  int64_t horizon = INT64_MIN;
  window_ops = 0;
  for (size_t i : key_ops) {
    const Op& op = history.ops[i];
    const bool writes = op.kind != OpKind::Read && op.kind != OpKind::Get;
    if (op.kind == OpKind::Append) return Shrunk::Unknown;
    if (op.call < from && writes && op.value) before.push_back(op.value);
    const bool open = op.outcome == Outcome::Info;
    if (op.call >= from && op.call <= to) {
      sub.ops.push_back(op);
      ++window_ops;
      if (!open) horizon = std::max(horizon, op.ret);
    } else if (op.call < from && (open || op.ret >= from) && writes) {
      sub.ops.push_back(op);  // open at the cut: may have taken effect before it, or after
      relax(sub.ops.back());
    }
  }
  for (size_t i : key_ops) {  // relaxed updates called after `to` but before the horizon
    const Op& op = history.ops[i];
    if (op.call > to && op.call <= horizon && op.kind != OpKind::Read && op.kind != OpKind::Get) {
      sub.ops.push_back(op);
      relax(sub.ops.back());
    }
  }
  std::sort(before.begin(), before.end());
  before.erase(std::unique(before.begin(), before.end()), before.end());
  // Start values no operation of the window observes behave alike: try one of them.
  std::vector<std::optional<std::string>> observed;
  for (const Op& op : sub.ops) {
    if (op.kind == OpKind::Read || op.kind == OpKind::Get) observed.push_back(op.value);
    if (op.kind == OpKind::Cas) observed.push_back(op.expected);
  }
  std::sort(observed.begin(), observed.end());
  bool other_tried = false;
  start_values = 0;
  uint64_t left = steps;
  for (const auto& value : before) {
    const bool seen = std::binary_search(observed.begin(), observed.end(), value);
    if (!seen && other_tried) continue;
    other_tried |= !seen;
    ++start_values;
    std::map<std::string, Partition> partitions = partition_by_key(sub, model);
    if (partitions.empty()) return Shrunk::Passes;
    Partition& partition = partitions.begin()->second;
    partition.initial = partition.values.intern(value);
    CheckOptions limits;
    limits.max_steps = left;
    Budget budget{limits};
    Search search(partition, budget);
    Status status = Status::Running;
    while (status == Status::Running) status = search.run(kStepsPerTurn);
    left -= std::min(left, budget.steps);
    if (status == Status::TimedOut) return Shrunk::Unknown;
    if (status == Status::Linearizable) return Shrunk::Passes;
  }
  return Shrunk::Fails;
}

}  // namespace

std::optional<CutRefutation> refute_by_cut(const History& history, Model model,
                                           const std::string& key, size_t anchor, uint64_t steps) {
  const Op& at = history.ops[anchor];
  if (at.outcome == Outcome::Info) return std::nullopt;
  std::vector<size_t> key_ops;
  int64_t first_call = INT64_MAX;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    if (history.ops[i].key != key) continue;
    key_ops.push_back(i);
    first_call = std::min(first_call, history.ops[i].call);
  }
  for (int64_t span = std::max<int64_t>(1, at.ret - at.call);; span *= 2) {
    const int64_t from = at.call - span;
    if (from <= first_call) return std::nullopt;  // the whole prefix: the search's own job
    CutRefutation cut{from, at.ret, 0, 0};
    const Shrunk result =
        cut_fails(history, model, key_ops, from, at.ret, steps, cut.window_ops, cut.start_values);
    if (result == Shrunk::Fails) return cut;
    if (result == Shrunk::Unknown) return std::nullopt;  // wider windows would be harder still
    if (span > INT64_MAX / 4) return std::nullopt;
  }
}

}  // namespace detail

History relax_outside(const History& history, const std::vector<size_t>& window) {
  History relaxed = history;
  std::vector<bool> kept(history.ops.size(), false);
  for (size_t i : window) {
    if (i < kept.size()) kept[i] = true;
  }
  for (size_t i = 0; i < relaxed.ops.size(); ++i) {
    if (!kept[i]) detail::relax(relaxed.ops[i]);
  }
  return relaxed;
}

}  // namespace ballot::lin
