// The linearizability checker: does a history of a register or key-value store admit a total order
// of its operations that respects real time and the sequential specification? Wing & Gong's search
// with Lowe's just-in-time linearization and memoization of (linearized set, state), checked
// independently per key. See docs/lincheck.md.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/history.h"

namespace ballot::lin {

// The sequential specification. Both models apply every OpKind to a value per key; they differ in
// the initial value: Register starts at nil, KeyValue at "" (a nil Get result reads as "").
enum class Model { Register, KeyValue };

struct CheckOptions {
  // Budget over the whole history (all keys): memoized configurations, and attempts to linearize
  // one operation. Exceeding either ends the check with Verdict::timed_out. A state costs about
  // 200 bytes and a few microseconds on the hardest inputs: the defaults bound a check to about
  // 1 GB and tens of seconds. No shared Jepsen history needs more than ~10 thousand states.
  uint64_t max_states = 5'000'000;
  uint64_t max_steps = 200'000'000;
};

struct Verdict {
  bool linearizable = false;
  bool timed_out = false;  // budget exceeded: no verdict (linearizable is then false)
  // Indices into History::ops, ascending, for a violation: the operations that could be
  // linearized next at the furthest point the search reached (the one whose return blocked it
  // among them), plus the last operation linearized before that point.
  std::vector<size_t> failing_window;
  std::string explanation;  // one paragraph for people; empty when linearizable
};

// Throws std::invalid_argument for a malformed history (an operation returning before its call).
Verdict check(const History& history, Model model, CheckOptions options = {});

// The model a history's operations imply: KeyValue if any Get/Put/Append, else Register.
Model infer_model(const History& history);

// "read -> 3", "cas 1 -> 2 (failed)", "append(k, \"x\") (unknown)", for messages.
std::string describe(const Op& op);

}  // namespace ballot::lin
