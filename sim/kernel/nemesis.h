// The nemesis as a pure schedule generator: given its spec, the run's length, the cluster size
// and the "faults" random stream, it yields the random faults one after another, with concrete
// targets, in start order. It knows nothing of the run (so every algorithm meets exactly the
// same faults for a seed); the kernel asks for the next fault when the previous one starts.
#pragma once
#include <cstdint>
#include <optional>

#include "sim/api/rng.h"
#include "sim/kernel/scenario.h"

namespace ballot {

class NemesisSchedule {
 public:
  NemesisSchedule(const NemesisSpec& spec, Time_us run_duration_us, int32_t nodes, Rng rng);

  // The next fault (path "nemesis"), or nullopt once no fault starts before the nemesis stops
  // or the run ends; after the first nullopt every call returns nullopt and draws nothing.
  std::optional<FaultSpec> next();

 private:
  const NemesisSpec& spec_;
  Time_us stop_us_;
  int32_t n_;
  Rng rng_;
  Time_us t_us_;  // the start of the last fault drawn (the next gap adds to it)
};

// Draws a fault's targets for its kind (and the kind's own random parameters: a flap's period, a
// spike's delay, ...) from `rng`; leaves the fields of kinds with no targets alone.
void draw_targets(int32_t nodes, Rng& rng, FaultSpec& f);

}  // namespace ballot
