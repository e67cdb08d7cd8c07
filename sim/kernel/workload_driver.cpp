// The client workload driver: random clients that draw an operation per tick, scripted
// operations, where requests go (the believed leader, else round robin), redirects, timeouts and
// the history the linearizability checker reads.
#include <algorithm>
#include <string>

#include "sim/kernel/kernel.h"

namespace ballot {

using namespace kernel;

namespace {
// Retrying a redirect with no hint waits this long, so that a leaderless cluster is not flooded.
constexpr Time_us kClientRetryBackoff_us = 10 * kMillisecond_us;
}  // namespace

size_t Simulator::Impl::client(int32_t id) {
  auto it = client_index_of.find(id);
  if (it != client_index_of.end()) return it->second;
  ClientRt c;
  c.id = id;
  c.next_try = static_cast<NodeId>(((id % n) + n) % n);
  clients.push_back(c);
  client_index_of.emplace(id, clients.size() - 1);
  return clients.size() - 1;
}

Time_us Simulator::Impl::next_op_gap_us() {
  return std::max<Time_us>(1, static_cast<Time_us>(workload_rng.exponential(
                                  static_cast<double>(scenario.workload.mean_interval_us))));
}

// Each tick draws an operation whether or not the client is still busy with the previous one,
// so the offered workload (the sequence of draws) is the same whatever the algorithm does; a
// busy client just skips its turn.
void Simulator::Impl::client_tick(size_t index) {
  const WorkloadSpec& w = scenario.workload;
  if (now_us >= w.stop_us) return;
  QEvent next;
  next.at_us = add_saturating(now_us, next_op_gap_us());
  next.type = Ev::ClientTick;
  next.a = index;
  push(next);
  lin::Op op;
  op.process = clients[index].id;
  const double roll = workload_rng.uniform01();
  const bool kv = w.model == "kv";
  const int64_t key = workload_rng.uniform_int(0, std::max(1, w.keys) - 1);
  const int64_t recent = static_cast<int64_t>(write_counter);
  const int64_t expected =
      workload_rng.uniform_int(std::max<int64_t>(1, recent - 2), std::max<int64_t>(1, recent));
  const std::string fresh = std::to_string(++write_counter);
  op.key = kv ? "k" + std::to_string(key) : "";
  if (roll < w.read_fraction) {
    op.kind = kv ? lin::OpKind::Get : lin::OpKind::Read;
  } else if (roll < w.read_fraction + w.cas_fraction) {
    op.kind = kv ? lin::OpKind::Append : lin::OpKind::Cas;
    if (kv) {
      op.value = "x" + fresh + ";";  // a unique token: lost appends can be found later
    } else {
      // Expect a recent value, so that some cas operations succeed and some fail.
      op.expected = std::to_string(expected);
      op.value = fresh;
    }
  } else {
    op.kind = kv ? lin::OpKind::Put : lin::OpKind::Write;
    op.value = fresh;
  }
  if (clients[index].busy) return;
  invoke(index, std::move(op), kNoNode);
}

void Simulator::Impl::scripted_op(size_t i) {
  const ScriptedOp& s = scenario.workload.ops[i];
  lin::Op op;
  op.process = s.client;
  op.kind = s.kind;
  op.key = s.key;
  op.value = s.value;
  op.expected = s.expected;
  invoke(client(s.client), std::move(op), s.node);
}

void Simulator::Impl::invoke(size_t client_index, lin::Op op, NodeId target) {
  ClientRt& c = clients[client_index];
  op.call = now_us;
  op.ret = kNever_us;
  op.outcome = lin::Outcome::Info;
  history.ops.push_back(std::move(op));
  op_rt.push_back(OpRt{static_cast<int32_t>(client_index), 0, false});
  const uint64_t op_id = history.ops.size();  // 1-based
  c.busy = true;
  c.op_id = op_id;
  // Chosen before the event so the trace names the node the request goes to.
  const NodeId first = target != kNoNode ? target : pick_target(c);
  TraceEvent ev = event(EventKind::ClientInvoke, kNoNode);
  ev.op = &history.ops.back();
  ev.op_id = op_id;
  ev.peer = first;
  emit(ev);
  QEvent timeout;
  timeout.at_us = add_saturating(now_us, scenario.workload.timeout_us);
  timeout.type = Ev::ClientTimeout;
  timeout.a = op_id;
  push(timeout);
  send_request(op_id, first, now_us);
}

NodeId Simulator::Impl::pick_target(ClientRt& c) {
  if (c.believed_leader != kNoNode) return c.believed_leader;
  const NodeId target = c.next_try;
  c.next_try = (c.next_try + 1) % n;
  return target;
}

NodeId Simulator::Impl::home_of(int32_t client_index) const {
  const int32_t id = clients[static_cast<size_t>(client_index)].id;
  return static_cast<NodeId>(((id % n) + n) % n);
}

// With clients at home, a request or a response crosses the network between the client's home
// node and the server, so a partition between them loses it (the client then times out).
bool Simulator::Impl::client_cut_off(int32_t client_index, NodeId server, bool to_server) {
  if (!scenario.workload.clients_at_home) return false;
  const NodeId home = home_of(client_index);
  return to_server ? !network.can_reach(home, server) : !network.can_reach(server, home);
}

void Simulator::Impl::send_request(uint64_t op_id, NodeId target, Time_us at_us) {
  OpRt& o = op_rt[op_id - 1];
  ++o.attempt;
  if (client_cut_off(o.client_index, target, true)) return;
  QEvent ev;
  ev.at_us = add_saturating(at_us, network.client_delay_us());
  ev.type = Ev::ClientRequest;
  ev.node = target;
  ev.incarnation = rt(target).incarnation & kIncarnationMask;
  ev.a = op_id;
  ev.b = o.attempt;
  push(ev);
}

void Simulator::Impl::client_request_arrives(QEvent& ev) {
  NodeRt& r = rt(ev.node);
  OpRt& o = op_rt[ev.a - 1];
  if (o.done || o.attempt != ev.b) return;
  if (r.crashed) return;  // no answer: the client times out
  if (hold_if_paused(ev)) return;
  const lin::Op& op = history.ops[ev.a - 1];
  ClientRequest request;
  request.op_id = ev.a;
  request.client = op.process;
  request.kind = op.kind;
  request.key = op.key;
  request.value = op.value;
  request.expected = op.expected;
  if (r.role == Role::Leader) maybe_isolate_leader_at_request(ev.node);
  live_node(ev.node).on_client_request(request);
}

void Simulator::Impl::client_reply(NodeId from, const ClientResponse& response) {
  if (response.op_id == 0 || response.op_id > history.ops.size()) return;
  // The server's epoch as it answered: the trace names who acknowledged the operation.
  auto served = std::make_unique<ServedResponse>(ServedResponse{response, rt(from).epoch});
  if (waits_for_disk(from)) {  // the storage model: the reply leaves once the disk has synced
    QEvent ev;
    ev.type = Ev::DepartReply;
    ev.node = from;
    ev.incarnation = rt(from).incarnation & kIncarnationMask;
    ev.at_us = rt(from).disk_free_us;
    ev.ptr = served.release();
    push(ev);
    return;
  }
  client_reply_now(from, std::move(served));
}

void Simulator::Impl::client_reply_now(NodeId from, std::unique_ptr<ServedResponse> response) {
  if (client_cut_off(op_rt[response->op_id - 1].client_index, from, false)) return;
  QEvent ev;
  ev.at_us = add_saturating(now_us, network.client_delay_us());
  ev.type = Ev::ClientResponse;
  ev.node = from;
  ev.a = response->op_id;
  ev.b = op_rt[response->op_id - 1].attempt;
  ev.ptr = response.release();
  push(ev);
}

void Simulator::Impl::client_response_arrives(QEvent& ev) {
  std::unique_ptr<ServedResponse> response(static_cast<ServedResponse*>(ev.ptr));
  ev.ptr = nullptr;
  OpRt& o = op_rt[ev.a - 1];
  if (o.done || o.attempt != ev.b) return;  // already answered or timed out
  ClientRt& c = clients[static_cast<size_t>(o.client_index)];
  if (response->status == ClientStatus::NotLeader) {
    c.believed_leader = response->leader_hint;
    const NodeId next = c.believed_leader != kNoNode ? c.believed_leader : pick_target(c);
    const Time_us backoff_us = c.believed_leader != kNoNode ? 0 : kClientRetryBackoff_us;
    send_request(ev.a, next, add_saturating(now_us, backoff_us));
    return;
  }
  c.believed_leader = ev.node;
  o.served_by = ev.node;
  o.served_epoch = response->epoch;
  lin::Op& op = history.ops[ev.a - 1];
  if (response->status == ClientStatus::Ok) {
    op.outcome = lin::Outcome::Ok;
    if (op.kind == lin::OpKind::Read || op.kind == lin::OpKind::Get) op.value = response->value;
  } else {
    op.outcome = lin::Outcome::Fail;
  }
  complete(ev.a);
}

void Simulator::Impl::client_timeout(uint64_t op_id) {
  OpRt& o = op_rt[op_id - 1];
  if (o.done) return;
  ClientRt& c = clients[static_cast<size_t>(o.client_index)];
  c.believed_leader = kNoNode;  // try elsewhere next time
  complete(op_id);
}

void Simulator::Impl::complete(uint64_t op_id) {
  OpRt& o = op_rt[op_id - 1];
  o.done = true;
  lin::Op& op = history.ops[op_id - 1];
  if (op.outcome != lin::Outcome::Info) op.ret = now_us;
  clients[static_cast<size_t>(o.client_index)].busy = false;
  TraceEvent ev = event(EventKind::ClientReturn, kNoNode);
  ev.op = &op;
  ev.op_id = op_id;
  ev.peer = o.served_by;
  ev.epoch = o.served_epoch;
  emit(ev);
}

}  // namespace ballot
