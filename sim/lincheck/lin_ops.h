// Internal to the linearizability checker: operations as the search sees them (one step of the
// sequential specification each), and the history split into one partition per key.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/history.h"
#include "sim/lincheck/lin_values.h"
#include "sim/lincheck/lincheck.h"

namespace ballot::lin::detail {

// Steps one key's search takes before the next key's turn: small enough that a quickly failing
// key is found early, large enough that switching costs nothing.
inline constexpr uint64_t kStepsPerTurn = 1 << 14;

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

inline bool is_pending(const LinOp& op) {
  return op.ret == kPendingReturn;
}

// Pure operations never change the state where they are legal. If one is legal now, some
// completion exists iff one exists with it linearized now (move it to the front: it is callable,
// so no unlinearized operation returned before its call, and it changes no state), so the search
// linearizes it without branching.
inline bool is_pure(const LinOp& op) {
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
inline bool sets_value(const LinOp& op) {
  return op.kind == StepKind::Write || op.kind == StepKind::CasOk || op.kind == StepKind::CasAny;
}

// Operations whose legality or effect depends on the state before them: all but blind writes.
inline bool depends_on_state(const LinOp& op) {
  return op.kind != StepKind::Write;
}

// Operations that are legal only in one state: a read's result, a successful cas's 'from'.
inline bool observes_value(const LinOp& op) {
  return op.kind == StepKind::Read || op.kind == StepKind::CasOk;
}

inline ValueId observed_value(const LinOp& op) {
  return op.kind == StepKind::Read ? op.arg : op.from;
}

// One step of the sequential specification: false if illegal in `state`, else `next` is set.
inline bool apply(const LinOp& op, ValueId state, ValueId& next, ValueTable& values) {
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
  // The value before the first operation: nil unless set (a window after a cut starts from a
  // value the operations before the cut may have left).
  std::optional<ValueId> initial;
};

// The history's operations by key, each key's sorted by call time. Throws std::invalid_argument
// for an operation that returns before its call.
std::map<std::string, Partition> partition_by_key(const History& history, Model model);

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

}  // namespace ballot::lin::detail
