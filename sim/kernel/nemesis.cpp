#include "sim/kernel/nemesis.h"

#include <algorithm>
#include <cmath>

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
    case FaultKind::DropMessage:  // never drawn (the reader refuses it in nemesis.kinds)
      break;
    case FaultKind::Isolate:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::DiskLoss:
      f.nodes = {random_node(n, rng)};
      break;
  }
}

namespace {

Time_us log_uniform_us(Rng& rng, Time_us lo, Time_us hi) {
  if (hi <= lo) return lo;
  const double a = std::log(static_cast<double>(lo)), b = std::log(static_cast<double>(hi));
  const auto v = static_cast<Time_us>(std::exp(rng.uniform_real(a, b)));
  return std::clamp(v, lo, hi);
}

}  // namespace

Scenario draw_swarm(const Scenario& s) {
  Scenario r = s;
  if (!s.nemesis.swarm) return r;
  r.nemesis.swarm = false;
  Rng rng = Rng(s.seed).substream("swarm");
  NemesisSpec& n = r.nemesis;
  // The same number of draws for every seed, whatever is kept: how many kinds are on (uniform
  // in [1, K]), then which (a shuffle of the listed kinds, the first that many).
  const auto k_all = static_cast<int64_t>(s.nemesis.kinds.size());
  std::vector<FaultKind> order = s.nemesis.kinds;
  const int64_t keep = k_all == 0 ? 0 : rng.uniform_int(1, k_all);
  for (int64_t i = k_all - 1; i > 0; --i)
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(rng.uniform_int(0, i))]);
  // The kept kinds in the order the scenario lists them (the nemesis draws among them uniformly).
  std::vector<FaultKind> kept;
  for (FaultKind k : s.nemesis.kinds)
    if (std::find(order.begin(), order.begin() + keep, k) != order.begin() + keep)
      kept.push_back(k);
  n.kinds = kept;
  const Time_us mi = s.nemesis.mean_interval_us;
  n.mean_interval_us = log_uniform_us(rng, std::max<Time_us>(kMillisecond_us, mi / 16),
                                      std::max<Time_us>(kMillisecond_us, mi * 2));
  const Time_us dmin = std::max<Time_us>(1, s.nemesis.duration_min_us);
  n.duration_max_us = log_uniform_us(rng, dmin, std::max(dmin, s.nemesis.duration_max_us));
  n.duration_min_us = log_uniform_us(rng, dmin, n.duration_max_us);
  if (s.workload.clients > 0) {
    const Time_us wi = s.workload.mean_interval_us;
    r.workload.mean_interval_us = log_uniform_us(rng, wi, wi * 8);
  }
  const double loss_draw = rng.uniform01(), loss = rng.uniform_real(0.0, kSwarmMaxLoss);
  r.network.loss = loss_draw < 1.0 / 3.0 ? 0.0 : loss;
  const double dup_draw = rng.uniform01(), dup = rng.uniform_real(0.0, kSwarmMaxDuplicate);
  r.network.duplicate = dup_draw < 0.5 ? 0.0 : dup;
  // Crashes at a new epoch, when crashes are in the mix: on with probability 1/2, each new epoch
  // then crashing its node with a probability uniform in [kSwarmEpochCrashMin, kSwarmEpochCrashMax]
  // after a delay up to a log-uniform [1ms, 100ms], down for a log-uniform range in [1ms, 1s].
  const double epoch_draw = rng.uniform01();
  const double epoch_p = rng.uniform_real(kSwarmEpochCrashMin, kSwarmEpochCrashMax);
  const Time_us delay_max = log_uniform_us(rng, kMillisecond_us, 100 * kMillisecond_us);
  const Time_us down_max = log_uniform_us(rng, kMillisecond_us, kSecond_us);
  const Time_us down_min = log_uniform_us(rng, kMillisecond_us, down_max);
  const bool crashes = std::find(kept.begin(), kept.end(), FaultKind::Crash) != kept.end();
  if (crashes && epoch_draw < 0.5) {
    n.epoch_crash = epoch_p;
    n.epoch_crash_delay_max_us = delay_max;
    n.epoch_crash_down_min_us = down_min;
    n.epoch_crash_down_max_us = down_max;
  }
  // Isolation of a leader at a client request, when isolation is in the mix (drawn last, so the
  // draws above stay what they were for every seed): on with probability 3/4, each request
  // reaching a leader then isolating it with a probability uniform in [kSwarmLeaderIsolateMin,
  // kSwarmLeaderIsolateMax], for a log-uniform range in [1ms, 2s].
  const double isolate_draw = rng.uniform01();
  const double isolate_p = rng.uniform_real(kSwarmLeaderIsolateMin, kSwarmLeaderIsolateMax);
  const Time_us isolate_max = log_uniform_us(rng, kMillisecond_us, 2 * kSecond_us);
  const Time_us isolate_min = log_uniform_us(rng, kMillisecond_us, isolate_max);
  const bool isolates = std::find(kept.begin(), kept.end(), FaultKind::Isolate) != kept.end();
  if (isolates && isolate_draw < 0.75) {
    n.leader_isolate = isolate_p;
    n.leader_isolate_min_us = isolate_min;
    n.leader_isolate_max_us = isolate_max;
  }
  return r;
}

Scenario draw_fault_times(const Scenario& s) {
  Scenario r = s;
  Rng rng = Rng(s.seed).substream("fault-times");
  for (FaultSpec& f : r.faults) {
    if (f.at_max_us != kNever_us) {
      f.at_us = rng.uniform_int(f.at_us, f.at_max_us);
      f.at_max_us = kNever_us;
    }
    if (f.duration_max_us != kNever_us) {
      f.duration_us = rng.uniform_int(f.duration_us, f.duration_max_us);
      f.duration_max_us = kNever_us;
    }
  }
  return r;
}

}  // namespace ballot
