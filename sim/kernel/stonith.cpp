// STONITH (docs/stonith.md): the fencing device. A node about to act as the new leader asks it,
// through Context::fence, to power off the leader it replaces. The request and the device's
// acknowledgement cross the network like messages (the device is endpoint n: cuts, partitions,
// loss and latency apply), the device powers the target off through the kernel's crash path (a
// fault event of kind crash, then the node's crash event, both with the text "stonith"), and the
// requester hears Node::on_fenced. If no acknowledgement comes within stonith.timeout, the
// scenario's on_unreachable decides: "wait" asks again (the new leader keeps waiting), "proceed"
// tells the node to go on unfenced.
//
// What the device does is traced as notes on the requesting node ("stonith: ..."), so the trace
// format has no new event kind; the power-off itself is a crash fault, drawn in the viewer's
// fault lane like any other.
#include <string>

#include "sim/kernel/kernel.h"

namespace ballot {

using namespace kernel;

namespace {

// What the requests and acknowledgements are called where a fault may select messages by type.
constexpr std::string_view kPowerOff = "PowerOff";
constexpr std::string_view kPowerOffAck = "PowerOffAck";

}  // namespace

std::vector<NodeId> Simulator::Impl::cluster_component(NodeId from) {
  std::vector<NodeId> component = network.mutual_component(from);
  std::erase_if(component, [this](NodeId id) { return id >= n; });
  return component;
}

bool Simulator::Impl::stonith_request(NodeId requester, NodeId target) {
  if (device == kNoNode || target < 0 || target >= n || target == requester) return false;
  StonithRequest req;
  req.requester = requester;
  req.target = target;
  req.incarnation = rt(requester).incarnation & kIncarnationMask;
  stonith_requests.push_back(req);
  const size_t index = stonith_requests.size() - 1;
  TraceEvent ev = event(EventKind::Note, requester);
  const std::string text = "stonith: asks the fencing device to power off " + node_name(target);
  ev.text = text;
  emit(ev);
  stonith_send(index);
  return true;
}

void Simulator::Impl::stonith_cancel(NodeId requester, NodeId target) {
  for (StonithRequest& req : stonith_requests) {
    if (req.requester != requester || req.target != target || req.answered) continue;
    req.answered = true;
    TraceEvent ev = event(EventKind::Note, requester);
    const std::string text = "stonith: no longer waits to power off " + node_name(target);
    ev.text = text;
    emit(ev);
  }
}

// The request crosses the network to the device, and the requester's wait starts.
void Simulator::Impl::stonith_send(size_t index) {
  const StonithRequest& req = stonith_requests[index];
  const Fate fate = network.route(req.requester, device, kPowerOff);
  if (!fate.drop_reason.empty() || fate.extra_delay)
    audit_fate(req.requester, device, fate, nullptr);
  if (fate.drop_reason.empty()) {
    QEvent arrive;
    arrive.type = Ev::StonithArrive;
    arrive.a = index;
    arrive.at_us = add_saturating(now_us, fate.delay_us);
    push(arrive);
  }
  QEvent timeout;
  timeout.type = Ev::StonithTimeout;
  timeout.node = req.requester;
  timeout.incarnation = req.incarnation;
  timeout.a = index;
  timeout.at_us = add_saturating(now_us, scenario.stonith.timeout_us);
  push(timeout);
}

// At the device: a crashed or paused device answers nothing. Otherwise it powers the target off
// (if it is still on) and acknowledges across the network.
void Simulator::Impl::stonith_arrive(size_t index) {
  if (device_down || device_paused) return;
  const StonithRequest& req = stonith_requests[index];
  if (!rt(req.target).crashed) power_off(req.target, req.requester);
  const Fate fate = network.route(device, req.requester, kPowerOffAck);
  if (!fate.drop_reason.empty() || fate.extra_delay)
    audit_fate(device, req.requester, fate, nullptr);
  if (!fate.drop_reason.empty()) return;
  QEvent ack;
  ack.type = Ev::StonithAck;
  ack.node = req.requester;
  ack.incarnation = req.incarnation;
  ack.a = index;
  ack.at_us = add_saturating(now_us, fate.delay_us);
  push(ack);
}

// The power-off is a permanent crash fault of its own (no restart), begun by the device: the
// fault event (path "stonith") puts it in the viewer's fault lane and `ballot run`'s fault list,
// and the crash goes through the kernel's one crash path.
void Simulator::Impl::power_off(NodeId target, NodeId requester) {
  FaultInstance inst;
  inst.id = instances.size() + 1;
  inst.effect.fault = inst.id;
  inst.spec.at_us = now_us;
  inst.spec.kind = FaultKind::Crash;
  inst.spec.nodes = {target};
  inst.spec.path = "stonith";
  instances.push_back(std::move(inst));
  FaultInstance& stored = instances.back();
  stonith_power_offs.push_back(stored.id);
  emit_fault(stored, "begin");
  const std::string why = "stonith: powered off by the fencing device for " + node_name(requester);
  crash(target, false, why);
  stored.affected.push_back(target);
  ++stored.effect.nodes_stopped;
}

void Simulator::Impl::stonith_ack(QEvent& ev) {
  StonithRequest& req = stonith_requests[ev.a];
  NodeRt& r = rt(req.requester);
  if (req.answered || r.crashed || (r.incarnation & kIncarnationMask) != ev.incarnation) return;
  if (hold_if_paused(ev)) return;
  req.answered = true;
  TraceEvent note = event(EventKind::Note, req.requester);
  const std::string text = "stonith: the fencing device powered off " + node_name(req.target);
  note.text = text;
  emit(note);
  live_node(req.requester).on_fenced(req.target, true);
}

void Simulator::Impl::stonith_timeout(QEvent& ev) {
  StonithRequest& req = stonith_requests[ev.a];
  NodeRt& r = rt(req.requester);
  if (req.answered || r.crashed || (r.incarnation & kIncarnationMask) != ev.incarnation) return;
  if (hold_if_paused(ev)) return;
  const std::string waited = format_duration(scenario.stonith.timeout_us);
  TraceEvent note = event(EventKind::Note, req.requester);
  if (scenario.stonith.proceed) {
    req.answered = true;
    const std::string text = "stonith: no answer from the fencing device within " + waited +
                             ": proceeds without powering off " + node_name(req.target);
    note.text = text;
    emit(note);
    live_node(req.requester).on_fenced(req.target, false);
    return;
  }
  const std::string text = "stonith: no answer from the fencing device within " + waited +
                           ": waits, and asks again to power off " + node_name(req.target);
  note.text = text;
  emit(note);
  stonith_send(ev.a);
}

}  // namespace ballot
