// The event loop: the run's construction, the queue's first events, the loop that pops them in
// (time, sequence) order, and dispatch to the part that handles each kind of event.
#include <algorithm>
#include <string>

#include "sim/kernel/kernel.h"

namespace ballot {

using namespace kernel;

void kernel::free_payload(QEvent& ev) {
  if (ev.type == Ev::Deliver || ev.type == Ev::Depart) delete static_cast<Message*>(ev.ptr);
  if (ev.type == Ev::ClientResponse || ev.type == Ev::DepartReply)
    delete static_cast<ServedResponse*>(ev.ptr);
  ev.ptr = nullptr;
}

Simulator::Impl::Impl(const Scenario& s, std::function<std::unique_ptr<Node>(Context&)> make,
                      bool has_epochs)
    : scenario(s),
      make_node(std::move(make)),
      n(s.nodes),
      // With STONITH the fencing device is one more endpoint of the network (id n).
      network(s.nodes + (s.stonith.enabled ? 1 : 0), s.topology, s.network,
              Rng(s.seed).substream("network")),
      fault_target_rng(Rng(s.seed).substream("fault-targets")),
      workload_rng(Rng(s.seed).substream("workload")),
      nemesis(s.nemesis, s.duration_us, s.nodes, Rng(s.seed).substream("faults")),
      epoch_crash_rng(Rng(s.seed).substream("faults/epoch")),
      leader_isolate_rng(Rng(s.seed).substream("faults/leader")),
      leadership(s.nodes, has_epochs),
      damage(s.workload.job_period_us, s.workload.id_interval_us, s.workload.duties_start_us) {
  const Rng root(s.seed);
  // Leader loss is judged by what the network lets the leader do, not only by beliefs.
  leadership.set_connectivity([this](NodeId i) { return cluster_component(i); });
  if (s.stonith.enabled) device = stonith_device_id(s.nodes);
  nodes.resize(static_cast<size_t>(n));
  for (NodeId i = 0; i < n; ++i) {
    NodeRt& r = nodes[static_cast<size_t>(i)];
    r.ctx = std::make_unique<NodeContext>(*this, i);
    r.rng = root.substream("node/" + std::to_string(i));
    r.jitter_rng = root.substream("timer-jitter/" + std::to_string(i));
    r.storage_rng = root.substream("storage/" + std::to_string(i));
    r.jitter = s.timer_jitter_of(i);
    r.disk = s.storage_sync_of(i);
  }
  scripted = s.faults;
  std::stable_sort(scripted.begin(), scripted.end(),
                   [](const FaultSpec& x, const FaultSpec& y) { return x.at_us < y.at_us; });
  // Tracking unsynced writes only costs snapshot copies; it changes nothing a run shows unless a
  // disk-loss fault happens, so the nemesis turns it on when it may draw one.
  for (const FaultSpec& f : scripted) track_unsynced |= f.kind == FaultKind::DiskLoss;
  for (const FaultSpec& f : scripted) count_sends |= f.kind == FaultKind::DropMessage;
  if (count_sends) send_counts.resize(static_cast<size_t>(n) * static_cast<size_t>(n));
  // With a disk model a crash loses every write not yet on disk.
  for (const NodeRt& r : nodes) track_unsynced |= r.disk != nullptr;
  if (s.nemesis.enabled)
    for (FaultKind k : s.nemesis.kinds) track_unsynced |= k == FaultKind::DiskLoss;
}

Simulator::Impl::~Impl() {
  queue.for_each([](QEvent& ev) { free_payload(ev); });
  for (NodeRt& r : nodes)
    for (QEvent& ev : r.held) free_payload(ev);
}

void Simulator::Impl::start() {
  for (size_t i = 0; i < scripted.size(); ++i) {
    QEvent ev;
    ev.at_us = scripted[i].at_us;
    ev.type = Ev::FaultBegin;
    ev.a = i;
    ev.seq = i;  // below kFirstEventSeq: see draw_next_nemesis
    queue.push(ev);
  }
  draw_next_nemesis();
  for (size_t i = 0; i < scenario.captions.size(); ++i) {
    if (scenario.captions[i].on) continue;  // shown when its event happens (caption_anchored)
    QEvent ev;
    ev.at_us = scenario.captions[i].at_us;
    ev.type = Ev::Caption;
    ev.a = i;
    push(ev);
  }
  const WorkloadSpec& w = scenario.workload;
  for (size_t i = 0; i < w.ops.size(); ++i) {
    QEvent ev;
    ev.at_us = w.ops[i].at_us;
    ev.type = Ev::ScriptedOp;
    ev.a = i;
    push(ev);
  }
  for (int32_t c = 0; c < w.clients; ++c) {
    const size_t index = client(c);
    QEvent ev;
    ev.at_us = add_saturating(w.start_us, next_op_gap_us());
    ev.type = Ev::ClientTick;
    ev.a = index;
    push(ev);
  }
  for (NodeId i = 0; i < n; ++i) boot(i, EventKind::Start, "");
}

void Simulator::Impl::run_loop() {
  const Time_us end_us = scenario.duration_us;
  while (!queue.empty()) {
    if (queue.top().at_us >= end_us) break;
    if (event_index >= max_events) {  // one compare per step: the runaway-run guard rail
      stopped_early = true;
      return;  // the end of the run is the last step's time
    }
    QEvent ev = queue.pop();
    BALLOT_REQUIRE(ev.at_us >= now_us, "virtual time would go backwards");
    now_us = ev.at_us;
    network.set_now(now_us);
    dispatch(ev);
  }
  now_us = end_us;
}

void Simulator::Impl::dispatch(QEvent& ev) {
  switch (ev.type) {
    case Ev::Deliver:
      return deliver(ev);
    case Ev::Timer:
      return fire_timer(ev);
    case Ev::ClientRequest:
      return client_request_arrives(ev);
    case Ev::ClientResponse:
      return client_response_arrives(ev);
    case Ev::ClientTimeout:
      return client_timeout(ev.a);
    case Ev::ClientTick:
      return client_tick(ev.a);
    case Ev::ScriptedOp:
      return scripted_op(ev.a);
    case Ev::FaultBegin:
      if (ev.b == 2) return fault_begin(FaultSpec(nemesis_faults[ev.a]));
      return ev.b == 0 ? fault_begin(scripted[ev.a]) : nemesis_fault_begins(ev.a);
    case Ev::FaultEnd:
      return fault_end(ev.a);
    case Ev::FaultStep:
      return fault_step(ev.a);
    case Ev::Caption:
      return caption(ev.a);
    case Ev::StonithArrive:
      return stonith_arrive(ev.a);
    case Ev::StonithAck:
      return stonith_ack(ev);
    case Ev::StonithTimeout:
      return stonith_timeout(ev);
    case Ev::Depart:
    case Ev::DepartReply:
      return depart(ev);
  }
}

void Simulator::Impl::caption(size_t i) {
  caption_times[i].shown_us = now_us;
  TraceEvent ev = event(EventKind::Caption, kNoNode);
  ev.text = scenario.captions[i].text;
  emit(ev);
}

// Called by the anchor watch while observers see the anchoring event, so the caption cannot be
// emitted here (its line would come before the event's); it is queued instead, after the events
// already queued for the same time. Captions are not hashed and change nothing in the run, and
// the sequence number it takes keeps every other event's order.
void Simulator::Impl::caption_anchored(size_t i) {
  caption_times[i].anchor_us = now_us;
  QEvent ev;
  ev.at_us = add_saturating(now_us, scenario.captions[i].offset_us);
  ev.type = Ev::Caption;
  ev.a = i;
  push(ev);
}

}  // namespace ballot
