// The linearizability checker: does a history of a register or key-value store admit a total order
// of its operations that respects real time and the sequential specification? Wing & Gong's search
// with Lowe's just-in-time linearization and memoization of (linearized set, state), checked
// independently per key. See docs/lincheck.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/history.h"

namespace ballot::lin {

// The sequential specification. Both models apply every OpKind to a value per key; they differ in
// the initial value: Register starts at nil, KeyValue at "" (a nil Get result reads as "").
enum class Model { Register, KeyValue };

struct CheckOptions {
  // Budget over the whole history (all keys): memoized configurations, and attempts to linearize
  // one operation. Exceeding either ends the check with Verdict::timed_out. A state costs about
  // 200 bytes and a few microseconds on the hardest inputs: the defaults bound a check to about
  // 1 GB and tens of seconds. No Jepsen history in tests/data needs more than ~10 thousand states.
  uint64_t max_states = 5'000'000;
  uint64_t max_steps = 200'000'000;
  // Budget for shrinking a violation's failing window to a minimal one: linearization attempts
  // over all the re-checks together (each also bounded by max_states). 0: do not shrink; the
  // window is then where the search got furthest.
  uint64_t max_window_steps = 20'000'000;
};

struct Verdict {
  bool linearizable = false;
  bool timed_out = false;  // budget exceeded: no verdict (linearizable is then false)
  // Indices into History::ops, ascending, for a violation, all of one key. Normally a failing
  // window W: relax_outside(history, W) is still not linearizable. When window_minimal, W is
  // minimal: relaxing any one more operation of W makes the history linearizable (and so does
  // relaxing any nonempty subset, since relaxing only ever adds linearizations). If the
  // shrinking ran out of budget, W fails but may not be minimal; with max_window_steps == 0 it
  // is where the search got stuck (the operations open there, the last one linearized, the read
  // that could not be placed), which need not fail on its own.
  std::vector<size_t> failing_window;
  bool window_minimal = false;
  // Set when the violation was proved by a time cut (docs/lincheck.md, "Before and beside the
  // search"): then failing_window holds the operations called from *window_cut to the stuck
  // operation's return, which cannot all have had their recorded outcomes whatever value the
  // register held at *window_cut. relax_outside(history, failing_window) need not fail then,
  // and window_minimal is false.
  std::optional<int64_t> window_cut;
  std::string explanation;  // one paragraph for people; empty when linearizable
};

// Throws std::invalid_argument for a malformed history (an operation returning before its call).
Verdict check(const History& history, Model model, CheckOptions options = {});

// The history with every operation outside `window` given the benefit of the doubt: reads and
// gets become failed (they constrain nothing), every other operation gets an unknown outcome (it
// may have taken effect at any time after its call, or never). Indices are kept. A linearization
// of the history is one of the relaxed history too, so relaxing never turns "linearizable" into
// "not linearizable".
History relax_outside(const History& history, const std::vector<size_t>& window);

// The model a history's operations imply: KeyValue if any Get/Put/Append, else Register.
Model infer_model(const History& history);

// "read -> 3", "cas 1 -> 2 (failed)", "append(k, \"x\") (unknown)", for messages.
std::string describe(const Op& op);

}  // namespace ballot::lin
