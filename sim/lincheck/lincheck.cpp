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
#include "sim/lincheck/lincheck.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "sim/lincheck/lin_ops.h"
#include "sim/lincheck/lin_search.h"
#include "sim/lincheck/lin_values.h"
#include "sim/lincheck/lin_window.h"

namespace ballot::lin {
namespace {

using detail::Budget;
using detail::kNilId;
using detail::kStepsPerTurn;
using detail::LinOp;
using detail::Partition;
using detail::partition_by_key;
using detail::Search;
using detail::Snapshot;
using detail::Status;
using detail::WindowShrinker;

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

// Stale-observation windows up to this size are shrunk to minimal ones; larger ones are reported
// as found (failing, not claimed minimal).
constexpr size_t kMaxStaleShrink = 64;

// A violation proved by a stale observation (find_stale_observation), before any search.
Verdict stale_violation(const History& history, const std::string& key,
                        const detail::StaleObservation& stale) {
  Verdict verdict;
  verdict.failing_window = stale.window;
  std::string& text = verdict.explanation;
  text = "not linearizable";
  if (!key.empty()) text += " (key " + quoted(key) + ")";
  text += ": " + describe_with_process(history, stale.observer) + " cannot have seen its value: ";
  if (stale.writers == 0) {
    text += "it is the initial value, and ";
  } else if (stale.writers == 1) {
    text +=
        "the only operation that could have written it before the read returned is followed "
        "by ";
  } else {
    text += "each of the " + count_of(stale.writers, "operation") +
            " that could have written it before the read returned is followed by ";
  }
  text +=
      "an operation that certainly wrote or saw another value after it and before the read was "
      "called";
  if (stale.overwriter >= 0) {
    text += " (such as " + describe_with_process(history, static_cast<size_t>(stale.overwriter));
    if (stale.pinned_by >= 0) {
      text += ", called after " +
              describe_with_process(history, static_cast<size_t>(stale.pinned_by)) +
              " returned, which only that writer can explain";
    }
    text += ")";
  }
  text += ".";
  return verdict;
}

// Time cuts (detail::refute_by_cut) are tried on a key once its search has spent kFirstCut steps,
// then again each time that grows kCutGrowth-fold (the stuck operation may have moved); each
// window's search gets kCutWindowSteps.
constexpr uint64_t kFirstCut = uint64_t{1} << 17;
constexpr uint64_t kCutGrowth = 4;
constexpr uint64_t kCutWindowSteps = uint64_t{1} << 21;

Verdict cut_violation(const History& history, const std::string& key, const Partition& partition,
                      const Snapshot& at, size_t anchor, const detail::CutRefutation& cut) {
  Verdict verdict;
  for (const LinOp& op : partition.ops) {
    if (op.call >= cut.from && op.call <= cut.to) verdict.failing_window.push_back(op.original);
  }
  std::sort(verdict.failing_window.begin(), verdict.failing_window.end());
  verdict.window_cut = cut.from;
  std::string& text = verdict.explanation;
  text = "not linearizable";
  if (!key.empty()) text += " (key " + quoted(key) + ")";
  text += ": the search got furthest after linearizing " +
          count_of(at.linearized_count, "completed operation") + ", stuck at " +
          describe_with_process(history, anchor) + ". Whatever the value at time " +
          std::to_string(cut.from) + " (" + count_of(cut.start_values, "value") + " tried), the " +
          count_of(cut.window_ops, "operation") + " called from then until " +
          std::to_string(cut.to) +
          " cannot all have had the outcomes recorded, even if those still open at " +
          std::to_string(cut.from) + " took effect before it.";
  return verdict;
}

std::string render_value(const Op& op, const std::optional<std::string>& v) {
  if (!v) return "nil";
  const bool kv = op.kind == OpKind::Get || op.kind == OpKind::Put || op.kind == OpKind::Append;
  return kv ? quoted(*v) : *v;
}

}  // namespace

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
  // First the cheap proof: a read that nothing can have written for. The search would find it
  // too, but only after trying every order of the operations before that read.
  for (auto& [key, partition] : partitions) {
    if (auto stale = detail::find_stale_observation(history, partition)) {
      Verdict verdict = stale_violation(history, key, *stale);
      // Each re-check of the shrinking keeps the key's other updates as unknown outcomes: cheap
      // for a window of a few writers, not for one of hundreds (a value written over and over).
      if (options.max_window_steps > 0 && verdict.failing_window.size() <= kMaxStaleShrink) {
        WindowShrinker shrinker(history, model, key, options);
        verdict.failing_window =
            shrinker.shrink_from(verdict.failing_window, stale->observer, verdict.window_minimal);
      }
      return verdict;
    }
  }
  Budget budget{options};
  struct Turn {
    const std::string* key;
    Partition* partition;
    std::unique_ptr<Search> search;
    uint64_t steps = 0;  // spent on this key
    uint64_t next_cut = kFirstCut;
  };
  std::vector<Turn> turns;
  for (auto& [key, partition] : partitions) {
    turns.push_back({&key, &partition, std::make_unique<Search>(partition, budget), 0, kFirstCut});
  }
  bool timed_out = false;
  while (!turns.empty()) {
    for (size_t i = 0; i < turns.size();) {
      const uint64_t steps_before = budget.steps;
      const Status status = turns[i].search->run(kStepsPerTurn);
      turns[i].steps += budget.steps - steps_before;
      if (status == Status::Running && turns[i].steps >= turns[i].next_cut) {
        // A key this hard may hide a violation behind every order of what precedes it: try to
        // prove one within a window before the operation where the search is stuck.
        turns[i].next_cut *= kCutGrowth;
        const Snapshot& at = turns[i].search->furthest();
        const int32_t stuck = at.unseeable_op >= 0 ? at.unseeable_op : at.blocking_op;
        if (stuck >= 0) {
          const size_t anchor = turns[i].partition->ops[static_cast<size_t>(stuck)].original;
          if (auto cut =
                  detail::refute_by_cut(history, model, *turns[i].key, anchor, kCutWindowSteps)) {
            return cut_violation(history, *turns[i].key, *turns[i].partition, at, anchor, *cut);
          }
        }
      }
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
