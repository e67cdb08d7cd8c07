// Nodes as the kernel runs them: boot, crash (volatile state lost), pause and resume, role
// reports, leader-duty timers, messages from send to delivery, and timers on each node's local
// clock.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/api/int128.h"
#include "sim/api/params.h"
#include "sim/kernel/kernel.h"

namespace ballot {

using namespace kernel;

// ---- nodes ----

void Simulator::Impl::boot(NodeId id, EventKind kind, std::string_view why) {
  NodeRt& r = rt(id);
  r.crashed = false;
  r.role = Role::Follower;
  r.epoch = 0;
  TraceEvent ev = event(kind, id);
  ev.text = why;
  emit(ev);
  r.node = make_node(*r.ctx);
  live_node(id).on_start();
  arm_duties(id);
}

// Duty times are multiples of the period on the node's local clock, from duties_start_us.
void Simulator::Impl::arm_duty(NodeId id, Duty duty, Time_us period_us) {
  NodeRt& r = rt(id);
  const Time_us local_us = r.clock.local_us(now_us);
  const Time_us start_us = scenario.workload.duties_start_us;
  // In 128 bits: a clock far from zero (jumps, drift) must not wrap the next duty time.
  const i128 next =
      local_us < start_us
          ? i128{start_us}
          : start_us + (static_cast<i128>(local_us - start_us) / period_us + 1) * period_us;
  const Time_us next_us = next >= kNever_us ? kNever_us : static_cast<Time_us>(next);
  TimerRec rec;
  rec.deadline_local_us = next_us;
  rec.duty = duty;
  const TimerId timer = ++next_timer_id;
  r.timers.emplace(timer, rec);
  schedule_timer(id, timer, rec);
}

void Simulator::Impl::arm_duties(NodeId id) {
  if (scenario.workload.job_period_us > 0) arm_duty(id, Duty::Job, scenario.workload.job_period_us);
  if (scenario.workload.id_interval_us > 0)
    arm_duty(id, Duty::Id, scenario.workload.id_interval_us);
}

void Simulator::Impl::fire_duty(NodeId id, const TimerRec& rec) {
  if (rec.duty == Duty::Job) {
    const int64_t period = (rec.deadline_local_us - scenario.workload.duties_start_us) /
                           scenario.workload.job_period_us;
    arm_duty(id, Duty::Job, scenario.workload.job_period_us);
    live_node(id).on_job(period);
  } else {
    arm_duty(id, Duty::Id, scenario.workload.id_interval_us);
    live_node(id).on_id_tick();
  }
}

void Simulator::Impl::crash(NodeId id, bool lose_unsynced, std::string_view why) {
  NodeRt& r = rt(id);
  BALLOT_REQUIRE(!r.crashed, "a crashed node crashes again");
  TraceEvent ev = event(EventKind::Crash, id);
  ev.text = why;
  emit(ev);
  r.node.reset();  // volatile state is gone
  r.timers.clear();
  for (QEvent& held : r.held) free_payload(held);
  r.held.clear();
  r.paused = false;
  r.paused_by = 0;
  r.crashed = true;
  ++r.incarnation;  // messages in flight to the old incarnation are lost on arrival
  ++crashes;
  if (r.disk) {
    // Only what reached the disk survives: syncs still in flight are lost with everything
    // written since the last one that completed (and the messages waiting for them).
    settle_syncs(r);
    r.syncs_in_flight.clear();
    r.disk_free_us = now_us;
    lose_unsynced = true;
  }
  if (lose_unsynced && track_unsynced)
    r.durable = r.synced ? r.synced->clone() : std::unique_ptr<DurableState>();
}

void Simulator::Impl::pause(NodeId id) {
  NodeRt& r = rt(id);
  r.paused = true;
  TraceEvent ev = event(EventKind::Pause, id);
  emit(ev);
}

void Simulator::Impl::resume(NodeId id) {
  NodeRt& r = rt(id);
  if (!r.paused) return;
  r.paused = false;
  TraceEvent ev = event(EventKind::Resume, id);
  emit(ev);
  // What arrived during the pause runs now, in the order it arrived; timers that came due fire.
  std::vector<QEvent> held = std::move(r.held);
  r.held.clear();
  for (QEvent& h : held) {
    h.at_us = now_us;
    push(h);
  }
}

// Holds the event if the node is paused; true when it was held.
bool Simulator::Impl::hold_if_paused(QEvent& ev) {
  NodeRt& r = rt(ev.node);
  if (!r.paused) return false;
  if (r.paused_by != 0) ++instances[r.paused_by - 1].effect.handlers_not_run;
  r.held.push_back(ev);
  ev.ptr = nullptr;  // ownership moved to the held copy
  return true;
}

void Simulator::Impl::report(NodeId id, Role role, int64_t epoch, NodeId leader) {
  NodeRt& r = rt(id);
  r.role = role;
  r.epoch = epoch;
  TraceEvent ev = event(EventKind::Role, id);
  ev.role = role;
  ev.epoch = epoch;
  ev.leader = leader;
  emit(ev);
  if (epoch > r.epoch_high) {
    r.epoch_high = epoch;
    maybe_crash_at_new_epoch(id);
  }
}

// ---- the disk (storage model, scenario "storage") ----

// A sync writes the durable state as it is now; it is on disk after the drawn latency, once the
// syncs before it are (one disk, in order).
void Simulator::Impl::start_sync(NodeId id) {
  NodeRt& r = rt(id);
  if (!r.durable) return;
  settle_syncs(r);
  const Time_us latency_us = r.disk->sample_us(r.storage_rng);
  r.disk_free_us = add_saturating(std::max(now_us, r.disk_free_us), latency_us);
  r.syncs_in_flight.emplace_back(r.disk_free_us, r.durable->clone());
  TraceEvent ev = event(EventKind::Note, id);
  const std::string text = "sync: on disk in " + format_duration(r.disk_free_us - now_us);
  ev.text = text;
  emit(ev);
}

// Syncs whose time has come are on disk: the latest of them is what a crash keeps.
void Simulator::Impl::settle_syncs(NodeRt& r) {
  size_t done = 0;
  while (done < r.syncs_in_flight.size() && r.syncs_in_flight[done].first <= now_us) ++done;
  if (done == 0) return;
  r.synced = std::move(r.syncs_in_flight[done - 1].second);
  r.syncs_in_flight.erase(r.syncs_in_flight.begin(),
                          r.syncs_in_flight.begin() + static_cast<std::ptrdiff_t>(done));
}

// What a node sent while its disk was busy leaves when every sync started before it is done,
// unless the node crashed in between (then it was never sent). Sending is the node's own act, and
// a paused node runs nothing: if it is paused when the disk finishes, what waited leaves when it
// resumes (the disk itself completes on time, so a crash during the pause keeps the sync).
void Simulator::Impl::depart(QEvent& ev) {
  NodeRt& r = rt(ev.node);
  const bool lost = r.crashed || (r.incarnation & kIncarnationMask) != ev.incarnation;
  if (!lost && r.paused) {
    r.held.push_back(ev);  // not a handler: the pause audit's handlers_not_run is not counted
    ev.ptr = nullptr;      // ownership moved to the held copy
    return;
  }
  if (ev.type == Ev::Depart) {
    std::unique_ptr<Message> msg(static_cast<Message*>(ev.ptr));
    ev.ptr = nullptr;
    if (!lost) send_now(ev.node, static_cast<NodeId>(ev.b), std::move(msg));
  } else {
    std::unique_ptr<ServedResponse> response(static_cast<ServedResponse*>(ev.ptr));
    ev.ptr = nullptr;
    if (!lost) client_reply_now(ev.node, std::move(response));
  }
}

// ---- messages ----

void Simulator::Impl::send(NodeId from, NodeId to, std::unique_ptr<Message> msg) {
  if (to < 0 || to >= n) {
    std::fprintf(stderr, "ballot: internal error: n%d sent %.*s to invalid node %d\n", from + 1,
                 static_cast<int>(msg->type().size()), msg->type().data(), to);
    std::abort();
  }
  if (waits_for_disk(from)) {
    QEvent ev;
    ev.type = Ev::Depart;
    ev.node = from;
    ev.incarnation = rt(from).incarnation & kIncarnationMask;
    ev.b = static_cast<uint64_t>(to);
    ev.at_us = rt(from).disk_free_us;
    ev.ptr = msg.release();
    push(ev);
    return;
  }
  send_now(from, to, std::move(msg));
}

void Simulator::Impl::send_now(NodeId from, NodeId to, std::unique_ptr<Message> msg) {
  const uint64_t id = ++next_msg_id;
  TraceEvent sent = event(EventKind::Send, from);
  sent.peer = to;
  sent.msg_id = id;
  sent.payload = msg.get();
  emit(sent);
  // A drop_message takes its message before the network sees it, so that the network draws
  // nothing for it, as for a message on a cut link: replacing a cut by the drops it effected
  // leaves the rest of the run as it was.
  DroppedMessage counted;
  if (count_sends) {
    counted = {from, to, std::string(), count_send(from, to, msg->type()), now_us};
    if (record_drops) counted.type = msg->type();
  }
  const uint64_t armed =
      armed_drops.empty() ? 0 : take_armed_drop(from, to, msg->type(), counted.nth);
  Fate fate;
  if (armed != 0) {
    fate.drop_reason = "drop_message";
    fate.rule_owner = armed;
  } else {
    fate = network.route(from, to, msg->type());
  }
  if (!fate.drop_reason.empty() || fate.extra_delay)
    audit_fate(from, to, fate, record_drops ? &counted : nullptr);
  if (!fate.drop_reason.empty()) {
    TraceEvent dropped = event(EventKind::Drop, to);
    dropped.peer = from;
    dropped.msg_id = id;
    dropped.payload = msg.get();
    dropped.text = fate.drop_reason;
    emit(dropped);
    return;
  }
  QEvent ev;
  ev.type = Ev::Deliver;
  ev.node = to;
  ev.b = static_cast<uint64_t>(from);
  ev.incarnation = rt(to).incarnation & kIncarnationMask;
  ev.a = id;
  if (fate.duplicate) {
    QEvent dup = ev;
    dup.at_us = add_saturating(now_us, fate.duplicate_delay_us);
    dup.duplicate = true;
    dup.ptr = msg->clone().release();
    push(dup);
  }
  ev.at_us = add_saturating(now_us, fate.delay_us);
  ev.ptr = msg.release();
  push(ev);
}

void Simulator::Impl::deliver(QEvent& ev) {
  NodeRt& r = rt(ev.node);
  std::unique_ptr<Message> msg(static_cast<Message*>(ev.ptr));
  ev.ptr = nullptr;
  const NodeId from = static_cast<NodeId>(ev.b);
  if (r.crashed || (r.incarnation & kIncarnationMask) != ev.incarnation) {
    TraceEvent dropped = event(EventKind::Drop, ev.node);
    dropped.peer = from;
    dropped.msg_id = ev.a;
    dropped.payload = msg.get();
    dropped.duplicate = ev.duplicate;
    dropped.text = r.crashed ? "receiver_crashed" : "receiver_restarted";
    emit(dropped);
    return;
  }
  if (r.paused) {
    ev.ptr = msg.release();
    hold_if_paused(ev);
    return;
  }
  TraceEvent delivered = event(EventKind::Deliver, ev.node);
  delivered.peer = from;
  delivered.msg_id = ev.a;
  delivered.payload = msg.get();
  delivered.duplicate = ev.duplicate;
  emit(delivered);
  live_node(ev.node).on_message(from, *msg);
}

// ---- timers (on the node's local clock) ----

TimerId Simulator::Impl::set_timer(NodeId id, Time_us delay_us, uint64_t tag) {
  NodeRt& r = rt(id);
  const TimerId timer = ++next_timer_id;
  TimerRec rec;
  delay_us = std::max<Time_us>(0, delay_us);
  // Jitter only ever delays a timer: a node's timer never fires before the delay it asked for.
  if (r.jitter) delay_us = add_saturating(delay_us, r.jitter->sample_us(r.jitter_rng));
  rec.deadline_local_us = add_saturating(r.clock.local_us(now_us), delay_us);
  rec.tag = tag;
  r.timers.emplace(timer, rec);
  schedule_timer(id, timer, rec);
  TraceEvent armed = event(EventKind::Arm, id);
  armed.tag = tag;
  armed.due_us = std::max(now_us, r.clock.virtual_us_at(rec.deadline_local_us));
  emit(armed);
  return timer;
}

// Only a timer still armed leaves a trace event: cancelling one that fired or was cancelled is
// harmless and silent.
void Simulator::Impl::cancel_timer(NodeId id, TimerId timer) {
  NodeRt& r = rt(id);
  auto it = r.timers.find(timer);
  if (it == r.timers.end()) return;
  TraceEvent cancelled = event(EventKind::Cancel, id);
  cancelled.tag = it->second.tag;
  r.timers.erase(it);
  emit(cancelled);
}

void Simulator::Impl::schedule_timer(NodeId id, TimerId timer, const TimerRec& rec) {
  NodeRt& r = rt(id);
  QEvent ev;
  ev.type = Ev::Timer;
  ev.node = id;
  ev.incarnation = r.incarnation & kIncarnationMask;
  ev.a = timer;
  ev.b = rec.version;
  ev.at_us = std::max(now_us, r.clock.virtual_us_at(rec.deadline_local_us));
  push(ev);
}

// After a clock change, every pending timer's virtual deadline moves.
void Simulator::Impl::reschedule_timers(NodeId id) {
  NodeRt& r = rt(id);
  for (auto& [timer, rec] : r.timers) {
    ++rec.version;
    schedule_timer(id, timer, rec);
  }
}

void Simulator::Impl::fire_timer(QEvent& ev) {
  NodeRt& r = rt(ev.node);
  if (r.crashed || (r.incarnation & kIncarnationMask) != ev.incarnation) return;
  auto it = r.timers.find(ev.a);
  if (it == r.timers.end() || it->second.version != ev.b) return;  // cancelled or moved
  if (hold_if_paused(ev)) return;
  require_due(r, it->second);
  if (it->second.duty != Duty::None) {
    const TimerRec rec = it->second;
    r.timers.erase(it);
    return fire_duty(ev.node, rec);
  }
  const uint64_t tag = it->second.tag;
  r.timers.erase(it);
  TraceEvent fired = event(EventKind::Timer, ev.node);
  fired.tag = tag;
  emit(fired);
  live_node(ev.node).on_timer(tag);
}

}  // namespace ballot
