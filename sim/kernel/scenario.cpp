#include "sim/kernel/scenario.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ballot {

namespace {
// Delays are whole microseconds, never negative, and bounded so that time arithmetic cannot
// overflow however heavy the distribution's tail.
constexpr double kMaxDelay_us = 3600.0 * 1e6;
// Continuous distributions are rounded *up* to whole microseconds: a continuous delay is above
// its lower bound with probability 1, so it never becomes that bound (0 µs by default) by
// rounding down.
Time_us to_delay_us(double x) {
  if (!(x > 0.0)) return 0;  // also catches NaN
  return static_cast<Time_us>(std::ceil(std::min(x, kMaxDelay_us)));
}
}  // namespace

namespace {
const LatencyModel* per_node(const std::optional<LatencyModel>& all,
                             const std::map<NodeId, std::optional<LatencyModel>>& nodes,
                             NodeId id) {
  const auto it = nodes.find(id);
  const std::optional<LatencyModel>& m = it == nodes.end() ? all : it->second;
  return m ? &*m : nullptr;
}
}  // namespace

const LatencyModel* Scenario::timer_jitter_of(NodeId id) const {
  return per_node(timer_jitter, timer_jitter_nodes, id);
}

const LatencyModel* Scenario::storage_sync_of(NodeId id) const {
  return per_node(storage_sync, storage_sync_nodes, id);
}

Time_us LatencyModel::sample_us(Rng& rng) const {
  const double lo = static_cast<double>(floor_us);
  switch (dist) {
    case Dist::Constant:
      return std::max(constant_us, floor_us);  // reading rejects value < min
    case Dist::Uniform:
      return rng.uniform_int(min_us, max_us);
    case Dist::Normal:
      return to_delay_us(rng.truncated_normal(mean_us, stddev_us, lo));
    case Dist::Exponential:
      // Shifting and truncating at the floor are the same for the memoryless exponential.
      return to_delay_us(lo + rng.exponential(mean_us));
    case Dist::Lognormal:
      return to_delay_us(lo + rng.lognormal(mu, sigma));
    case Dist::Pareto:
      // A Pareto conditioned on X >= m (m >= scale) is the Pareto with scale m.
      return to_delay_us(rng.pareto(std::max(scale_us, lo), shape));
  }
  return constant_us;
}

}  // namespace ballot
