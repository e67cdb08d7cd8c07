// The simulator's public face: construction, run() and the result it assembles from the run's
// observers, and the hooks tests use. The kernel itself is Simulator::Impl (sim/kernel/kernel.h).
#include "sim/kernel/simulator.h"

#include <algorithm>
#include <ostream>

#include "sim/kernel/kernel.h"
#include "sim/kernel/nemesis.h"

namespace ballot {

using namespace kernel;

// ---- public face ----

Simulator::Simulator(const Scenario& scenario,
                     std::function<std::unique_ptr<Node>(Context&)> make_node, bool has_epochs)
    : scenario_(std::make_unique<const Scenario>(draw_fault_times(draw_swarm(scenario)))),
      impl_(std::make_unique<Impl>(*scenario_, std::move(make_node), has_epochs)) {}

Simulator::~Simulator() = default;

void Simulator::add_checker(std::unique_ptr<Observer> checker) {
  impl_->checkers.push_back(std::move(checker));
}

void Simulator::watch(Observer* observer) {
  impl_->watchers.push_back(observer);
}

void Simulator::set_trace_hash(bool on) {
  impl_->hash_trace = on;
}

void Simulator::set_max_events(uint64_t max_events) {
  impl_->max_events = max_events;
}

void Simulator::record_dropped_messages() {
  Impl& s = *impl_;
  s.record_drops = true;
  s.count_sends = true;
  s.send_counts.resize(static_cast<size_t>(s.n) * static_cast<size_t>(s.n));
}

RunResult Simulator::run() {
  Impl& s = *impl_;
  BALLOT_REQUIRE(!s.ran, "Simulator::run() called twice");
  s.ran = true;
  s.all_observers = {&s.leadership, &s.traffic, &s.damage};
  for (auto& c : s.checkers) s.all_observers.push_back(c.get());
  for (Observer* w : s.watchers) s.all_observers.push_back(w);
  s.caption_times.assign(s.scenario.captions.size(), CaptionTime{});
  if (CaptionAnchorWatch::needed(s.scenario)) {
    // Last, so that it sees the violations the checkers find at an event.
    s.anchor_watch = std::make_unique<CaptionAnchorWatch>(
        s.scenario,
        [&s](uint64_t instance) -> const FaultSpec* {
          return instance >= 1 && instance <= s.instances.size() ? &s.instances[instance - 1].spec
                                                                 : nullptr;
        },
        [&s](size_t caption) { s.caption_anchored(caption); },
        std::vector<const Observer*>(s.all_observers.begin(), s.all_observers.end()));
    s.all_observers.push_back(s.anchor_watch.get());
  }
  for (size_t k = 0; k < kEventKinds; ++k)
    for (Observer* o : s.all_observers)
      if (o->wants(static_cast<EventKind>(k))) s.observers_of[k].push_back(o);

  s.start();
  s.run_loop();
  for (Observer* o : s.all_observers) o->on_finish(s.now_us);

  RunResult result;
  result.end_us = s.now_us;
  result.events = s.hasher.events();
  result.trace_hashed = s.hash_trace;
  result.trace_hash = s.hash_trace ? s.hasher.value() : 0;
  result.stopped_early = s.stopped_early;
  for (Observer* o : s.all_observers) {
    o->add_metrics(result.metrics);
    for (const Violation& v : o->violations()) result.violations.push_back(v);
  }
  std::stable_sort(
      result.violations.begin(), result.violations.end(),
      [](const Violation& a, const Violation& b) { return a.event_index < b.event_index; });
  result.metrics["events"] = static_cast<int64_t>(result.events);
  result.metrics["crashes"] = s.crashes;
  result.metrics["violations"] = static_cast<int64_t>(result.violations.size());
  int64_t ok = 0, fail = 0, info = 0;
  for (const lin::Op& op : s.history.ops) {
    ok += op.outcome == lin::Outcome::Ok;
    fail += op.outcome == lin::Outcome::Fail;
    info += op.outcome == lin::Outcome::Info;
  }
  result.metrics["client_ok"] = ok;
  result.metrics["client_fail"] = fail;
  result.metrics["client_info"] = info;
  result.history = s.history;
  result.fault_schedule = s.fault_schedule();
  result.fault_effects = s.fault_effects();
  result.leader_intervals = s.leadership.leader_intervals();
  result.split_brains = s.leadership.split_brains();
  result.downtimes_us = s.leadership.downtimes_us();
  result.availability = s.leadership.availability_changes();
  result.leader_losses_us = s.leadership.leader_losses_us();
  result.traffic_by_type = s.traffic.by_type();
  for (size_t i = 0; i < s.op_rt.size(); ++i)
    result.op_served.push_back(
        {s.op_rt[i].served_by, s.op_rt[i].served_epoch, s.history.ops[i].ret});
  result.job_duplicates = s.damage.job_duplicate_runs();
  result.id_duplicates = s.damage.id_duplicate_issues();
  result.situations = s.situations;
  result.captions = s.caption_times;
  return result;
}

const LeadershipObserver& Simulator::leadership() const {
  return impl_->leadership;
}
Node* Simulator::node(NodeId id) const {
  return impl_->rt(id).node.get();
}
bool Simulator::is_crashed(NodeId id) const {
  return impl_->rt(id).crashed;
}
bool Simulator::is_paused(NodeId id) const {
  return impl_->rt(id).paused;
}
Time_us Simulator::local_time(NodeId id) const {
  return impl_->rt(id).clock.local_us(impl_->now_us);
}

void Simulator::break_for_test(Breakage what, NodeId node) {
  Impl& s = *impl_;
  Impl::NodeRt& r = s.rt(node);
  switch (what) {
    case Breakage::TimeBackwards: {
      QEvent ev;
      ev.at_us = s.now_us - 1;
      ev.type = Ev::Caption;
      ev.seq = s.next_seq++;
      s.queue.push(ev);
      break;
    }
    case Breakage::Crash:
      r.crashed = true;
      break;
    case Breakage::Pause:
      r.paused = true;
      break;
    case Breakage::TimerEarly:
      for (auto& [timer, rec] : r.timers) rec.deadline_local_us += kSecond_us;
      break;
  }
}

void TraceLineWriter::on_event(const TraceEvent& ev) {
  line_.clear();
  append_event_json(line_, ev);
  line_.push_back('\n');
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

}  // namespace ballot
