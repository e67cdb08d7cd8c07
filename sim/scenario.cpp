#include "sim/scenario.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ballot {

namespace {
constexpr std::pair<FaultKind, const char*> kFaultNames[] = {
    {FaultKind::Partition, "partition"},
    {FaultKind::Isolate, "isolate"},
    {FaultKind::LinkCut, "link_cut"},
    {FaultKind::Bridge, "bridge"},
    {FaultKind::MajoritiesRing, "majorities_ring"},
    {FaultKind::Heal, "heal"},
    {FaultKind::Drop, "drop"},
    {FaultKind::DelaySpike, "delay_spike"},
    {FaultKind::LossBurst, "loss_burst"},
    {FaultKind::Flap, "flap"},
    {FaultKind::Crash, "crash"},
    {FaultKind::Pause, "pause"},
    {FaultKind::ClockDrift, "clock_drift"},
    {FaultKind::ClockJump, "clock_jump"},
    {FaultKind::SlowNode, "slow_node"},
    {FaultKind::DiskLoss, "disk_loss"},
};

// Delays are whole microseconds, never negative, and bounded so that time arithmetic cannot
// overflow however heavy the distribution's tail.
constexpr double kMaxDelay_us = 3600.0 * 1e6;
Time_us to_delay_us(double x) {
  if (!(x > 0.0)) return 0;  // also catches NaN
  return static_cast<Time_us>(std::llround(std::min(x, kMaxDelay_us)));
}
}  // namespace

const char* fault_kind_name(FaultKind kind) {
  for (const auto& [k, name] : kFaultNames)
    if (k == kind) return name;
  return "?";
}

std::optional<FaultKind> fault_kind_from_name(const std::string& name) {
  for (const auto& [k, n] : kFaultNames)
    if (name == n) return k;
  return std::nullopt;
}

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> names;
  for (const auto& entry : kFaultNames) names.emplace_back(entry.second);
  return names;
}

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
