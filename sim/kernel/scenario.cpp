#include "sim/kernel/scenario.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ballot {

namespace {
// Delays are whole microseconds, never negative, and bounded so that time arithmetic cannot
// overflow however heavy the distribution's tail.
constexpr double kMaxDelay_us = 3600.0 * 1e6;
Time_us to_delay_us(double x) {
  if (!(x > 0.0)) return 0;  // also catches NaN
  return static_cast<Time_us>(std::llround(std::min(x, kMaxDelay_us)));
}
}  // namespace

Time_us LatencyModel::sample_us(Rng& rng) const {
  switch (dist) {
    case Dist::Constant:
      return constant_us;
    case Dist::Uniform:
      return rng.uniform_int(min_us, max_us);
    case Dist::Normal:
      return to_delay_us(rng.normal(mean_us, stddev_us));
    case Dist::Exponential:
      return to_delay_us(rng.exponential(mean_us));
    case Dist::Lognormal:
      return to_delay_us(rng.lognormal(mu, sigma));
    case Dist::Pareto:
      return to_delay_us(rng.pareto(scale_us, shape));
  }
  return constant_us;
}

}  // namespace ballot
