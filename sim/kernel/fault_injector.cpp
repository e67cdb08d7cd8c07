// The fault injector: fault instances from begin to end. A fault's targets are resolved when it
// fires (selectors), its shape (sim/kernel/fault_shapes.h) says which links it cuts, and its end
// takes back exactly what its begin applied. The nemesis's faults come from sim/kernel/nemesis.h,
// one ahead.
#include <algorithm>
#include <optional>

#include "sim/api/int128.h"
#include "sim/kernel/fault_shapes.h"
#include "sim/kernel/kernel.h"

namespace ballot {

using namespace kernel;

namespace {

// ---- trace payloads the kernel itself describes ----

struct FaultDetail final : MessageBase<FaultDetail> {
  static constexpr std::string_view kType = "fault";
  FaultSpec spec;
  std::vector<NodeId> majority;  // the nodes that still form a majority component, if any
  void fields(FieldSink& sink) const override {
    auto node_list = [&sink](std::string_view key, const std::vector<NodeId>& nodes) {
      sink.begin_list(key);
      for (NodeId n : nodes) sink.put_int("", int64_t{n} + 1);
      sink.end_list();
    };
    if (!spec.groups.empty()) {
      sink.begin_list("groups");
      for (const auto& g : spec.groups) node_list("", g);
      sink.end_list();
    }
    if (!spec.nodes.empty() || spec.selector != Selector::None) node_list("nodes", spec.nodes);
    if (spec.link_set_form) {
      node_list("from_nodes", spec.from_nodes);
      node_list("to_nodes", spec.to_nodes);
    }
    if (spec.from != kNoNode) sink.put_int("from", int64_t{spec.from} + 1);
    if (spec.to != kNoNode) sink.put_int("to", int64_t{spec.to} + 1);
    if (spec.both) sink.put_bool("both", true);
    if (!spec.msg_type.empty()) sink.put_str("type", spec.msg_type);
    if (spec.kind == FaultKind::Drop)
      sink.put_int("probability_ppm", static_cast<int64_t>(spec.probability * 1e6 + 0.5));
    if (spec.kind == FaultKind::LossBurst)
      sink.put_int("loss_ppm", static_cast<int64_t>(spec.loss * 1e6 + 0.5));
    if (spec.delay_us != 0) sink.put_int("delay_us", spec.delay_us);
    if (spec.period_us != 0) sink.put_int("period_us", spec.period_us);
    if (spec.kind == FaultKind::ClockDrift) sink.put_int("drift_ppm", spec.drift_ppm);
    if (spec.kind == FaultKind::ClockJump) sink.put_int("jump_us", spec.jump_us);
    if (spec.kind == FaultKind::DropMessage) sink.put_int("nth", spec.nth);
    if (spec.duration_us != 0) sink.put_int("duration_us", spec.duration_us);
    if (!majority.empty()) node_list("majority", majority);
  }
};

struct ClockDetail final : MessageBase<ClockDetail> {
  static constexpr std::string_view kType = "clock";
  int64_t drift_ppm = 0;
  Time_us jump_us = 0;
  Time_us local_us = 0;
  void fields(FieldSink& sink) const override {
    sink.put_int("drift_ppm", drift_ppm);
    sink.put_int("jump_us", jump_us);
    sink.put_int("local_us", local_us);
  }
};

}  // namespace

// ---- nemesis: its schedule is drawn from the "faults" stream alone (sim/kernel/nemesis.h), with
// concrete targets, so every algorithm meets exactly the same faults for a given seed. It is drawn
// one fault ahead as the run goes (the next when the previous starts), not up front: a short mean
// interval over a long run would otherwise allocate the whole schedule before the first event.
// The draws are the same sequence either way, and fault starts keep the sequence numbers they had
// when all were queued first, so the run is the same event for event. ----

// Draws the nemesis's next fault and queues its start; false when no fault starts before the
// nemesis stops (or the run ends).
bool Simulator::Impl::draw_next_nemesis() {
  std::optional<FaultSpec> drawn = nemesis.next();
  if (!drawn) return false;
  queue_nemesis_fault(std::move(*drawn), 1);
  return true;
}

// Queues the start of a nemesis fault, numbered after every fault queued before it. `origin` is
// the FaultBegin event's b: 1 for the drawn schedule (its start draws the next), 2 for a fault the
// run provoked (a crash at a new epoch), which draws nothing when it starts.
void Simulator::Impl::queue_nemesis_fault(FaultSpec f, uint64_t origin) {
  QEvent ev;
  ev.at_us = f.at_us;
  ev.type = Ev::FaultBegin;
  ev.a = nemesis_faults.size();
  ev.b = origin;
  ev.seq = scripted.size() + nemesis_faults.size();
  BALLOT_REQUIRE(ev.seq < kFirstEventSeq, "too many faults for the reserved sequence numbers");
  nemesis_faults.push_back(std::move(f));
  queue.push(ev);
}

void Simulator::Impl::nemesis_fault_begins(size_t index) {
  draw_next_nemesis();
  const FaultSpec spec = nemesis_faults[index];  // a copy: drawing may grow the vector
  fault_begin(spec);
}

// The nemesis's crashes at a new epoch (NemesisSpec::epoch_crash): `id` has just reported an epoch
// above every one before. Three draws from the "faults/epoch" stream per new epoch, hit or not.
void Simulator::Impl::maybe_crash_at_new_epoch(NodeId id) {
  const NemesisSpec& spec = scenario.nemesis;
  if (!spec.enabled || spec.epoch_crash <= 0.0) return;
  if (now_us < spec.start_us || now_us >= std::min(spec.stop_us, scenario.duration_us)) return;
  const bool hit = epoch_crash_rng.bernoulli(spec.epoch_crash);
  const Time_us delay_us = epoch_crash_rng.uniform_int(0, spec.epoch_crash_delay_max_us);
  const Time_us down_us =
      epoch_crash_rng.uniform_int(spec.epoch_crash_down_min_us, spec.epoch_crash_down_max_us);
  if (!hit) return;
  FaultSpec f;
  f.at_us = add_saturating(now_us, delay_us);
  f.kind = FaultKind::Crash;
  f.duration_us = down_us;
  f.nodes = {id};
  f.path = "nemesis (new epoch)";
  queue_nemesis_fault(std::move(f), 2);
}

// The nemesis's isolation of a leader at a client request (NemesisSpec::leader_isolate): a client
// request has just reached `id`, which reports the Leader role, and is about to be handled. Two
// draws from the "faults/leader" stream per such request, hit or not; a hit isolates the node now,
// before it handles the request, through the same path as the nemesis's own faults.
void Simulator::Impl::maybe_isolate_leader_at_request(NodeId id) {
  const NemesisSpec& spec = scenario.nemesis;
  if (!spec.enabled || spec.leader_isolate <= 0.0) return;
  if (now_us < spec.start_us || now_us >= std::min(spec.stop_us, scenario.duration_us)) return;
  const bool hit = leader_isolate_rng.bernoulli(spec.leader_isolate);
  const Time_us for_us =
      leader_isolate_rng.uniform_int(spec.leader_isolate_min_us, spec.leader_isolate_max_us);
  if (!hit) return;
  FaultSpec f;
  f.at_us = now_us;
  f.kind = FaultKind::Isolate;
  f.duration_us = for_us;
  f.nodes = {id};
  f.path = "nemesis (leader at a request)";
  nemesis_faults.push_back(f);
  fault_begin(f);
}

// Scripted faults and the nemesis's, in time order (scripted first at equal times).
std::vector<FaultSpec> Simulator::Impl::fault_schedule() const {
  std::vector<FaultSpec> all = scripted;
  all.insert(all.end(), nemesis_faults.begin(), nemesis_faults.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const FaultSpec& x, const FaultSpec& y) { return x.at_us < y.at_us; });
  // The fencing device's power-offs are fault instances too (sim/kernel/stonith.cpp): each goes
  // where its instance id says, so that the k-th entry stays the k-th fault that fired.
  for (uint64_t id : stonith_power_offs) {
    const size_t at = std::min(static_cast<size_t>(id - 1), all.size());
    all.insert(all.begin() + static_cast<std::ptrdiff_t>(at), instances[id - 1].spec);
  }
  return all;
}

// ---- faults ----

namespace {
// How far a drift of `drift_ppm` instead of `previous_ppm` moved a clock over `elapsed_us`.
Time_us drift_offset_us(int64_t drift_ppm, int64_t previous_ppm, Time_us elapsed_us) {
  const int64_t diff =
      drift_ppm > previous_ppm ? drift_ppm - previous_ppm : previous_ppm - drift_ppm;
  return static_cast<Time_us>(static_cast<i128>(diff) * elapsed_us / 1'000'000);
}
}  // namespace

NodeId Simulator::Impl::current_leader() const {
  NodeId best = kNoNode;
  for (NodeId i = 0; i < n; ++i) {
    const NodeRt& r = rt(i);
    if (r.crashed || r.role != Role::Leader) continue;
    if (best == kNoNode || r.epoch > rt(best).epoch) best = i;
  }
  return best;
}

std::vector<NodeId> Simulator::Impl::resolve(const FaultSpec& f) {
  switch (f.selector) {
    case Selector::None:
      return f.nodes;
    case Selector::Leader: {
      const NodeId leader = current_leader();
      return leader == kNoNode ? std::vector<NodeId>{} : std::vector<NodeId>{leader};
    }
    case Selector::RandomFollower: {
      std::vector<NodeId> followers;
      for (NodeId i = 0; i < n; ++i)
        if (!rt(i).crashed && rt(i).role != Role::Leader) followers.push_back(i);
      // One draw whatever the outcome, so later draws do not depend on who leads.
      const uint64_t pick = fault_target_rng.next_u64();
      if (followers.empty()) return {};
      return {followers[pick % followers.size()]};
    }
    case Selector::RandomMinority:
    case Selector::RandomMajority: {
      std::vector<NodeId> order = shuffled_nodes(n, fault_target_rng);
      const size_t count = f.selector == Selector::RandomMajority
                               ? static_cast<size_t>(n / 2 + 1)
                               : static_cast<size_t>(std::max(1, (n - 1) / 2));
      order.resize(std::min(order.size(), count));
      std::sort(order.begin(), order.end());
      return order;
    }
    case Selector::RandomNode:
      return {random_node(n, fault_target_rng)};
  }
  return {};
}

// Partition groups and link-cut ends that name selectors become nodes now
// (sim/kernel/node_set.h), from the fault-target stream, so that the run stays reproducible.
void Simulator::Impl::resolve_sets(FaultSpec& f) {
  if (f.group_sets.empty() && f.link_sets.empty()) return;
  ClusterView view;
  view.n = n;
  view.leader = current_leader();
  view.follower.resize(static_cast<size_t>(n));
  for (NodeId i = 0; i < n; ++i)
    view.follower[static_cast<size_t>(i)] = !rt(i).crashed && rt(i).role != Role::Leader;
  if (!f.group_sets.empty()) {
    for (auto& g : resolve_node_sets(f.group_sets, view, fault_target_rng))
      if (!g.empty()) f.groups.push_back(std::move(g));
    f.group_sets.clear();
  }
  if (!f.link_sets.empty()) {
    auto ends = resolve_node_sets(f.link_sets, view, fault_target_rng);
    f.from_nodes = std::move(ends[0]);
    f.to_nodes = std::move(ends[1]);
    f.link_sets.clear();
  }
}

void Simulator::Impl::cut(FaultInstance& inst, NodeId from, NodeId to) {
  if (from == to) return;
  network.add_cut(from, to, +1);
  inst.cuts.emplace_back(from, to);
}

// Delay spikes, slow nodes and loss bursts add to the network's extra delay or loss while
// active (sign +1 at the start, -1 at the end), so overlapping ones compose and each end takes
// back exactly what its start added. A delay spike or loss burst with no nodes hits every
// message; a slow node always names its nodes.
void Simulator::Impl::adjust_extras(const FaultSpec& f, int sign) {
  for (NodeId id : extra_targets(f)) {
    if (f.kind == FaultKind::LossBurst) {
      network.add_extra_loss(id, sign * f.loss);
    } else {
      network.add_extra_delay(id, sign * f.delay_us);
    }
  }
}

// A fault begins: its targets are resolved, its network effect applied, the instance stored and
// traced, then its node effect applied and its end (or first flap step) queued.
void Simulator::Impl::fault_begin(const FaultSpec& spec) {
  FaultInstance inst;
  inst.id = instances.size() + 1;
  inst.effect.fault = inst.id;
  inst.spec = spec;
  if (spec.selector != Selector::None) {
    inst.spec.nodes = resolve(spec);
    inst.spec.selector = Selector::None;
  }
  resolve_sets(inst.spec);
  apply_network_fault(inst);
  instances.push_back(std::move(inst));
  FaultInstance& stored = instances.back();
  emit_fault(stored, "begin");
  apply_node_fault(stored);
  const bool instantaneous = fault_kind_info(stored.spec.kind).instantaneous();
  if (!instantaneous && fault_kind_info(stored.spec.kind).on_network())
    active_network.push_back(stored.id);
  if (!instantaneous && stored.spec.duration_us > 0) {
    QEvent end;
    end.at_us = add_saturating(now_us, stored.spec.duration_us);
    end.type = Ev::FaultEnd;
    end.a = stored.id;
    push(end);
  }
  if (stored.spec.kind == FaultKind::Flap) schedule_flap(stored);
  if (instantaneous) stored.active = false;
}

// The network side of a fault that begins: the links its shape cuts (sim/kernel/fault_shapes.h), a
// drop rule, extra delay or loss, or (heal) the end of every network fault in force.
void Simulator::Impl::apply_network_fault(FaultInstance& inst) {
  FaultSpec& f = inst.spec;
  switch (f.kind) {
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
      // Without a given order, one drawn when the fault fires.
      if (f.nodes.empty()) f.nodes = shuffled_nodes(n, fault_target_rng);
      [[fallthrough]];
    case FaultKind::Partition:
    case FaultKind::Isolate:
    case FaultKind::LinkCut:
      // An isolated node reaches nobody, the fencing device included (network.size() is n, or
      // n + 1 with a device); partitions and link cuts name the nodes they cut.
      for (const auto& [from, to] : links_cut(f.kind == FaultKind::Isolate ? network.size() : n, f))
        cut(inst, from, to);
      // A partition that puts the device in one of its groups cuts it from the other groups.
      if (f.device_in_groups && device != kNoNode) {
        for (NodeId other = 0; other < n; ++other) {
          if (std::find(f.device_side.begin(), f.device_side.end(), other) != f.device_side.end())
            continue;
          cut(inst, device, other);
          cut(inst, other, device);
        }
      }
      break;
    case FaultKind::Flap:
      inst.flap_down = true;
      for (const auto& [from, to] : links_cut(n, f)) cut(inst, from, to);
      break;
    case FaultKind::Heal:
      network.clear_all_faults();
      for (FaultInstance& other : instances)
        if (other.active && fault_kind_info(other.spec.kind).on_network()) {
          other.active = false;
          ++inst.effect.faults_ended;
        }
      active_network.clear();
      break;
    case FaultKind::Drop: {
      DropRule rule;
      rule.owner = inst.id;
      rule.msg_type = f.msg_type;
      rule.from = f.from;
      rule.to = f.to;
      rule.probability = f.probability;
      network.add_drop_rule(rule);
      break;
    }
    case FaultKind::DelaySpike:
    case FaultKind::SlowNode:
    case FaultKind::LossBurst:
      adjust_extras(f, +1);
      break;
    case FaultKind::DropMessage:
      // Armed until its message is sent; inert when that message was sent before now.
      if (count_send_so_far(f.from, f.to, f.msg_type) < f.nth) armed_drops.push_back(inst.id);
      break;
    case FaultKind::Crash:
    case FaultKind::DiskLoss:
    case FaultKind::Pause:
    case FaultKind::ClockDrift:
    case FaultKind::ClockJump:
      break;  // node faults: applied after the fault event (apply_node_fault)
  }
}

void Simulator::Impl::apply_node_fault(FaultInstance& inst) {
  const FaultSpec& f = inst.spec;
  const std::string_view why = fault_kind_name(f.kind);
  for (NodeId id : f.nodes) {
    if (id == device) {
      // The fencing device (docs/stonith.md): a crash or a pause stops it answering. It has no
      // node of the cluster's to run, so no crash or pause event: the fault event says it.
      if (f.kind == FaultKind::Crash && !device_down) {
        device_down = true;
        inst.affected.push_back(id);
        ++inst.effect.nodes_stopped;
      } else if (f.kind == FaultKind::Pause && !device_paused) {
        device_paused = true;
        inst.affected.push_back(id);
        ++inst.effect.nodes_stopped;
      }
      continue;
    }
    NodeRt& r = rt(id);
    switch (f.kind) {
      case FaultKind::Crash:
      case FaultKind::DiskLoss:
        if (!r.crashed) {
          crash(id, f.kind == FaultKind::DiskLoss, why);
          inst.affected.push_back(id);
          ++inst.effect.nodes_stopped;
        }
        break;
      case FaultKind::Pause:
        if (!r.crashed && !r.paused) {
          pause(id);
          r.paused_by = inst.id;
          inst.affected.push_back(id);
          ++inst.effect.nodes_stopped;
        }
        break;
      case FaultKind::ClockDrift:
        inst.previous_drift_ppm.push_back(r.clock.drift_ppm());
        change_clock(id, f.drift_ppm, 0);
        inst.affected.push_back(id);
        inst.drift_since_us = now_us;
        break;
      case FaultKind::ClockJump:
        change_clock(id, r.clock.drift_ppm(), f.jump_us);
        inst.effect.clock_offset_us += f.jump_us < 0 ? -f.jump_us : f.jump_us;
        break;
      case FaultKind::Partition:
      case FaultKind::Isolate:
      case FaultKind::LinkCut:
      case FaultKind::Bridge:
      case FaultKind::MajoritiesRing:
      case FaultKind::Heal:
      case FaultKind::Drop:
      case FaultKind::DelaySpike:
      case FaultKind::LossBurst:
      case FaultKind::Flap:
      case FaultKind::SlowNode:
      case FaultKind::DropMessage:
        break;  // network faults: applied in apply_network_fault
    }
  }
}

void Simulator::Impl::change_clock(NodeId id, int64_t drift_ppm, Time_us jump_us) {
  NodeRt& r = rt(id);
  r.clock.change(now_us, drift_ppm, jump_us);
  ClockDetail detail;
  detail.drift_ppm = drift_ppm;
  detail.jump_us = jump_us;
  detail.local_us = r.clock.local_us(now_us);
  TraceEvent ev = event(EventKind::Clock, id);
  ev.payload = &detail;
  emit(ev);
  if (!r.crashed) reschedule_timers(id);
}

void Simulator::Impl::emit_fault(const FaultInstance& inst, std::string_view phase) {
  FaultDetail detail;
  detail.spec = inst.spec;
  if (fault_kind_info(inst.spec.kind).on_network()) detail.majority = majority_component();
  TraceEvent ev = event(EventKind::Fault, kNoNode);
  ev.tag = inst.id;
  ev.text = fault_kind_name(inst.spec.kind);
  ev.phase = phase;
  ev.payload = &detail;
  emit(ev);
}

// The nodes that can still talk both ways with a majority of the cluster (graph search).
std::vector<NodeId> Simulator::Impl::majority_component() {
  for (NodeId i = 0; i < n; ++i) {
    std::vector<NodeId> component = cluster_component(i);
    if (static_cast<int32_t>(component.size()) * 2 > n) return component;
  }
  return {};
}

void Simulator::Impl::schedule_flap(const FaultInstance& inst) {
  const Time_us end_us = inst.spec.duration_us > 0 ? add_saturating(now_us, inst.spec.duration_us)
                                                   : scenario.duration_us;
  const Time_us next_us = add_saturating(now_us, inst.spec.period_us);
  if (inst.spec.period_us <= 0 || next_us >= end_us) return;
  QEvent step;
  step.at_us = next_us;
  step.type = Ev::FaultStep;
  step.a = inst.id;
  push(step);
}

void Simulator::Impl::fault_step(uint64_t id) {
  FaultInstance& inst = instances[id - 1];
  if (!inst.active) return;
  const int delta = inst.flap_down ? -1 : +1;
  network.add_cut(inst.spec.from, inst.spec.to, delta);
  network.add_cut(inst.spec.to, inst.spec.from, delta);
  inst.flap_down = !inst.flap_down;
  emit_fault(inst, inst.flap_down ? "down" : "up");
  schedule_flap(inst);
}

void Simulator::Impl::fault_end(uint64_t id) {
  FaultInstance& inst = instances[id - 1];
  if (!inst.active) return;  // already healed
  inst.active = false;
  std::erase(active_network, id);
  const FaultSpec& f = inst.spec;
  if (f.kind == FaultKind::Flap) {
    if (inst.flap_down) {
      network.add_cut(f.from, f.to, -1);
      network.add_cut(f.to, f.from, -1);
    }
  } else {
    for (const auto& [a, b] : inst.cuts) network.add_cut(a, b, -1);
  }
  switch (f.kind) {
    case FaultKind::Drop:
      network.remove_drop_rules(inst.id);
      break;
    case FaultKind::DelaySpike:
    case FaultKind::SlowNode:
    case FaultKind::LossBurst:
      adjust_extras(f, -1);
      break;
    case FaultKind::Partition:
    case FaultKind::Isolate:
    case FaultKind::LinkCut:
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
    case FaultKind::Heal:
    case FaultKind::Flap:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::ClockDrift:
    case FaultKind::ClockJump:
    case FaultKind::DiskLoss:
    case FaultKind::DropMessage:
      break;  // cuts: taken back above; node faults: below
  }
  emit_fault(inst, "end");
  for (size_t i = 0; i < inst.affected.size(); ++i) {
    const NodeId node_id = inst.affected[i];
    if (node_id == device) {
      if (f.kind == FaultKind::Crash) device_down = false;
      if (f.kind == FaultKind::Pause) device_paused = false;
      continue;
    }
    switch (f.kind) {
      case FaultKind::Crash:
      case FaultKind::DiskLoss:
        if (rt(node_id).crashed) boot(node_id, EventKind::Restart, fault_kind_name(f.kind));
        break;
      case FaultKind::Pause:
        rt(node_id).paused_by = 0;
        resume(node_id);
        break;
      case FaultKind::ClockDrift:
        inst.effect.clock_offset_us +=
            drift_offset_us(f.drift_ppm, inst.previous_drift_ppm[i], now_us - inst.drift_since_us);
        change_clock(node_id, inst.previous_drift_ppm[i], 0);
        break;
      case FaultKind::Partition:
      case FaultKind::Isolate:
      case FaultKind::LinkCut:
      case FaultKind::Bridge:
      case FaultKind::MajoritiesRing:
      case FaultKind::Heal:
      case FaultKind::Drop:
      case FaultKind::DelaySpike:
      case FaultKind::LossBurst:
      case FaultKind::Flap:
      case FaultKind::ClockJump:
      case FaultKind::SlowNode:
      case FaultKind::DropMessage:
        break;  // nothing affected to restore
    }
  }
}

// ---- the fault-effect audit: counters only, nothing traced and no random draw ----

namespace {
void count_drop(FaultEffect& effect, const DroppedMessage* message) {
  ++effect.dropped;
  if (message != nullptr) effect.messages.push_back(*message);
}
}  // namespace

int64_t Simulator::Impl::count_send(NodeId from, NodeId to, std::string_view type) {
  auto& counts =
      send_counts[static_cast<size_t>(from) * static_cast<size_t>(n) + static_cast<size_t>(to)];
  for (auto& [t, c] : counts)
    if (t == type) return ++c;
  counts.emplace_back(type, 1);
  return 1;
}

int64_t Simulator::Impl::count_send_so_far(NodeId from, NodeId to, std::string_view type) const {
  if (from < 0 || to < 0 || from >= n || to >= n) return 0;
  const auto& counts =
      send_counts[static_cast<size_t>(from) * static_cast<size_t>(n) + static_cast<size_t>(to)];
  for (const auto& [t, c] : counts)
    if (t == type) return c;
  return 0;
}

uint64_t Simulator::Impl::take_armed_drop(NodeId from, NodeId to, std::string_view type,
                                          int64_t nth) {
  for (auto it = armed_drops.begin(); it != armed_drops.end(); ++it) {
    const FaultSpec& f = instances[*it - 1].spec;
    if (f.from == from && f.to == to && f.nth == nth && f.msg_type == type) {
      const uint64_t id = *it;
      armed_drops.erase(it);
      return id;
    }
  }
  return 0;
}

void Simulator::Impl::audit_fate(NodeId from, NodeId to, const Fate& fate,
                                 const DroppedMessage* message) {
  if (fate.rule_owner != 0) {
    count_drop(instances[fate.rule_owner - 1].effect, message);
    return;
  }
  const std::string_view why = fate.drop_reason;
  const bool partition = why == "partition";
  const bool no_route = why == "no_route";
  const bool lost = why == "loss" && fate.extra_loss;
  const bool delayed = why.empty() && fate.extra_delay;
  if (!partition && !no_route && !lost && !delayed) return;
  for (uint64_t id : active_network) {
    FaultInstance& inst = instances[id - 1];
    const FaultSpec& f = inst.spec;
    if (partition || no_route) {
      bool holds = false;
      if (f.kind == FaultKind::Flap) {
        holds = inst.flap_down &&
                (!partition || (f.from == from && f.to == to) || (f.from == to && f.to == from));
      } else if (partition) {
        holds =
            std::find(inst.cuts.begin(), inst.cuts.end(), std::pair{from, to}) != inst.cuts.end();
      } else {
        holds = !inst.cuts.empty();  // no route: every fault cutting links then shares the blame
      }
      if (holds) count_drop(inst.effect, message);
      continue;
    }
    const bool kind_matches =
        lost ? f.kind == FaultKind::LossBurst
             : f.kind == FaultKind::DelaySpike || f.kind == FaultKind::SlowNode;
    if (!kind_matches) continue;
    for (NodeId target : extra_targets(f)) {
      if (target == kNoNode || target == from || target == to) {
        if (lost)
          count_drop(inst.effect, message);
        else
          ++inst.effect.delayed;
        break;
      }
    }
  }
}

// Every instance's effect so far; clock drifts still in force count their offset up to now.
std::vector<FaultEffect> Simulator::Impl::fault_effects() const {
  std::vector<FaultEffect> effects;
  effects.reserve(instances.size());
  for (const FaultInstance& inst : instances) {
    FaultEffect e = inst.effect;
    if (inst.active && inst.spec.kind == FaultKind::ClockDrift)
      for (int64_t previous : inst.previous_drift_ppm)
        e.clock_offset_us +=
            drift_offset_us(inst.spec.drift_ppm, previous, now_us - inst.drift_since_us);
    effects.push_back(e);
  }
  return effects;
}

}  // namespace ballot
