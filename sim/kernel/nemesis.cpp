#include "sim/kernel/nemesis.h"

#include <algorithm>

#include "sim/kernel/fault_shapes.h"
#include "sim/kernel/local_clock.h"

namespace ballot {

NemesisSchedule::NemesisSchedule(const NemesisSpec& spec, Time_us run_duration_us, int32_t nodes,
                                 Rng rng)
    : spec_(spec),
      stop_us_(std::min(spec.stop_us, run_duration_us)),
      n_(nodes),
      rng_(rng),
      t_us_(spec.start_us) {}

std::optional<FaultSpec> NemesisSchedule::next() {
  if (!spec_.enabled || spec_.kinds.empty()) return std::nullopt;
  if (t_us_ >= stop_us_) return std::nullopt;
  const double mean_us = static_cast<double>(spec_.mean_interval_us);
  t_us_ =
      add_saturating(t_us_, std::max<Time_us>(1, static_cast<Time_us>(rng_.exponential(mean_us))));
  if (t_us_ >= stop_us_) return std::nullopt;
  FaultSpec f;
  f.at_us = t_us_;
  f.kind = spec_.kinds[static_cast<size_t>(
      rng_.uniform_int(0, static_cast<int64_t>(spec_.kinds.size()) - 1))];
  f.duration_us = rng_.uniform_int(spec_.duration_min_us, spec_.duration_max_us);
  f.path = "nemesis";
  draw_targets(n_, rng_, f);
  return f;
}

void draw_targets(int32_t n, Rng& rng, FaultSpec& f) {
  switch (f.kind) {
    case FaultKind::Partition: {
      std::vector<NodeId> order = shuffled_nodes(n, rng);
      const int64_t minority = rng.uniform_int(1, std::max(1, (n - 1) / 2));
      f.groups = {std::vector<NodeId>(order.begin(), order.begin() + minority),
                  std::vector<NodeId>(order.begin() + minority, order.end())};
      for (auto& g : f.groups) std::sort(g.begin(), g.end());
      break;
    }
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
      f.nodes = shuffled_nodes(n, rng);
      break;
    case FaultKind::LinkCut:
    case FaultKind::Flap:
    case FaultKind::Drop:
      f.from = random_node(n, rng);
      f.to = static_cast<NodeId>((f.from + rng.uniform_int(1, std::max(1, n - 1))) % n);
      f.period_us = f.kind == FaultKind::Flap ? rng.uniform_int(50, 500) * kMillisecond_us : 0;
      break;
    case FaultKind::DelaySpike:
      f.delay_us = rng.uniform_int(10, 300) * kMillisecond_us;
      break;
    case FaultKind::LossBurst:
      f.loss = rng.uniform_real(0.2, 0.6);
      break;
    case FaultKind::ClockDrift:
      f.nodes = {random_node(n, rng)};
      f.drift_ppm = rng.uniform_int(-50000, 50000);
      break;
    case FaultKind::ClockJump:
      f.nodes = {random_node(n, rng)};
      f.jump_us = rng.uniform_int(-500, 500) * kMillisecond_us;
      break;
    case FaultKind::SlowNode:
      f.nodes = {random_node(n, rng)};
      f.delay_us = rng.uniform_int(20, 200) * kMillisecond_us;
      break;
    case FaultKind::Heal:
      break;
    case FaultKind::Isolate:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::DiskLoss:
      f.nodes = {random_node(n, rng)};
      break;
  }
}

}  // namespace ballot
