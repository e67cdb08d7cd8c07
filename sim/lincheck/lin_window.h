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
