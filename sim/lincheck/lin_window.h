// Internal to the linearizability checker: shrinking a violation's failing window to a minimal
// one (docs/lincheck.md#the-failing-window).
//
// Delta debugging (Zeller & Hildebrandt 2002) over a monotone property. "W fails" means
// relax_outside(key history, W) is not linearizable. Relaxing only adds linearizations, so if W
// fails every superset of W fails: a W from which no single operation can be removed is minimal
// under inclusion, not just one-minimal.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/history.h"
#include "sim/lincheck/lincheck.h"

namespace ballot::lin::detail {

// Gives `op` the benefit of the doubt: a read or get fails (constrains nothing), anything else
// gets an unknown outcome.
void relax(Op& op);

enum class Shrunk { Fails, Passes, Unknown };

class WindowShrinker {
 public:
  WindowShrinker(const History& history, Model model, const std::string& key,
                 const CheckOptions& options);

  // A minimal failing window, found by progression (as in deletion-free searches for minimal
  // unsatisfiable cores): with the operations ordered by their distance in time from `anchor`
  // (where the search got stuck), the smallest failing prefix's last operation is necessary; keep
  // it, drop everything after it, and repeat until the kept operations fail on their own. The
  // prefix is found by galloping, so the re-checked histories stay small when the violation is
  // local, which is what keeps them cheap: relaxed histories are full of unknown outcomes.
  std::vector<size_t> shrink(size_t anchor, bool& minimal);
  // The same, from a known failing window (ascending) instead of all the key's operations.
  std::vector<size_t> shrink_from(const std::vector<size_t>& start, size_t anchor, bool& minimal);

 private:
  std::vector<size_t> useful(const std::vector<size_t>& ops) const;

  // Decides relax_outside(key history, window), `window` ascending.
  Shrunk test(const std::vector<size_t>& window);

  const History& history_;
  Model model_;
  CheckOptions options_;
  uint64_t steps_left_;
  std::vector<size_t> key_ops_;  // indices of the violating key's operations, ascending
};

}  // namespace ballot::lin::detail

namespace ballot::lin::detail {

struct Partition;

// A read (or successful cas) that no operation can have written the value for: every operation
// that could have written it before the read returned (and the initial value, if it is the one)
// is followed by a completed operation that certainly wrote or saw another value (a write or
// successful cas of another value, a read of another value, a successful cas from another value,
// a failed cas from this one), called after it returned (or after an observer of the value
// returned that only it can have written for) and returning before the read was called. A cheap,
// sound proof of a violation that the search can only reach by exhausting every order of the
// operations before the read.
struct StaleObservation {
  size_t observer = 0;  // index into History::ops
  // A failing window (relax_outside of it is not linearizable): the observer, every operation
  // that could write its value before it returned (failed ones too: relaxed, they could), and
  // for each the operation that certainly wrote or saw another value after it.
  std::vector<size_t> window;
  size_t writers = 0;       // operations that could have written the value
  int64_t overwriter = -1;  // one such operation (index into History::ops), for messages
  // If that operation follows its writer only because the writer must precede an observer of
  // its value that returned before the operation was called: that observer (else -1).
  int64_t pinned_by = -1;
};

// The first such observation in call order, if any. Partitions with appends are not examined.
std::optional<StaleObservation> find_stale_observation(const History& history,
                                                       Partition& partition);

}  // namespace ballot::lin::detail

namespace ballot::lin::detail {

// Refutation by a time cut. Whatever happened before a time T0, it left the register some value
// s that an operation called before T0 wrote (or the initial one). So the history is linearizable
// only if, for some such s, the operations called from T0 on are, starting from s, with those
// still open at T0 given the benefit of the doubt (they may have taken effect before T0), and
// those called after T1 too. A failure from every s proves a violation while searching only the
// window [T0, T1]; the search over the whole history must instead exhaust every order of
// everything before the violation. Registers only (no appends).
struct CutRefutation {
  int64_t from = 0;         // T0
  int64_t to = 0;           // T1
  size_t window_ops = 0;    // operations called in [T0, T1]
  size_t start_values = 0;  // values tried at T0
};

// Tries windows ending at `anchor`'s return and starting ever earlier (doubling), each search
// bounded by `steps`, until one fails (returned) or the next would reach the key's first call.
std::optional<CutRefutation> refute_by_cut(const History& history, Model model,
                                           const std::string& key, size_t anchor, uint64_t steps);

}  // namespace ballot::lin::detail
