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
