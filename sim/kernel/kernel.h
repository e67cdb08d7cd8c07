// The kernel's state, shared by the files that implement it (not for algorithms, the CLI or
// tests: they use sim/kernel/simulator.h). One run is one Simulator::Impl; its member functions
// live in the file of their responsibility:
//
//   sim/kernel/event_loop.cpp      construction, the queue, start, the loop and dispatch, captions
//   sim/kernel/node_runtime.cpp    node lifecycle (boot, crash, pause), timers, duties, messages
//   sim/kernel/workload_driver.cpp clients: random and scripted operations, retries, timeouts
//   sim/kernel/fault_injector.cpp  fault instances: begin, end, flap steps, selectors, trace
//   details sim/kernel/simulator.cpp       the public face: run() and its result, test hooks
//
// Pure parts they use: sim/kernel/fault_shapes.h (which links a fault cuts), sim/kernel/nemesis.h
// (the random fault schedule), sim/kernel/fault_kinds.h (the table of fault kinds).
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "sim/api/require.h"
#include "sim/kernel/caption_anchors.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/local_clock.h"
#include "sim/kernel/nemesis.h"
#include "sim/kernel/network.h"
#include "sim/kernel/simulator.h"

namespace ballot {

// Names private to the kernel's files (each says `using namespace kernel;`).
namespace kernel {

// ---- what the queue carries ----

enum class Ev : uint8_t {
  Deliver,         // node <- from: msg (owned)
  Timer,           // node: a = timer id, b = version
  ClientRequest,   // node: a = op id, b = attempt
  ClientResponse,  // a = op id, b = attempt, ptr = ServedResponse (owned)
  ClientTimeout,   // a = op id
  ClientTick,      // a = client index
  ScriptedOp,      // a = index into workload.ops
  FaultBegin,      // a = index into `scripted` (b = 0) or `nemesis_faults` (b = 1; b = 2: a
                   // crash at a new epoch, which draws no next fault)
  FaultEnd,        // a = fault instance
  FaultStep,       // a = fault instance (flap toggles)
  Caption,         // a = caption index
  StonithArrive,   // a fencing request reaches the device: a = request index
  StonithAck,      // node: the device's acknowledgement reaches the requester; a = request index
  StonithTimeout,  // node: the requester's wait for the device ends; a = request index
  Depart,          // node -> b: a message (owned) that waited for node's disk (storage model)
  DepartReply,     // node: a client reply, ptr = ServedResponse (owned), waited for the disk
};

// 48 bytes, so that the heap moves little: the sender of a delivery travels in `b`, the server
// of a client response in `node`, and the incarnation is kept modulo 2^24 (a message would have
// to be in flight across 16 million crashes of its receiver to be mistaken).
struct QEvent {
  Time_us at_us = 0;
  uint64_t seq = 0;
  uint64_t a = 0;
  uint64_t b = 0;
  void* ptr = nullptr;  // owned: Message* (Deliver) or ServedResponse* (ClientResponse)
  NodeId node = kNoNode;
  Ev type : 7 = Ev::Deliver;
  bool duplicate : 1 = false;
  uint32_t incarnation : 24 = 0;
};
static_assert(sizeof(QEvent) == 48);
inline constexpr uint32_t kIncarnationMask = (1u << 24) - 1;

struct QEventOrder {
  bool operator()(const QEvent& x, const QEvent& y) const {
    return x.at_us != y.at_us ? x.at_us < y.at_us : x.seq < y.seq;
  }
};

// A reply on its way to the client, with the epoch its server was in when it answered.
struct ServedResponse : ClientResponse {
  int64_t epoch = 0;
};

// Frees what an event owns (a message or a response) and clears its pointer.
void free_payload(QEvent& ev);

}  // namespace kernel

// ---- the run ----

struct Simulator::Impl {
  struct NodeContext;

  // A leader-duty timer belongs to the kernel, not to the node: it is not traced as a timer,
  // it calls on_job / on_id_tick, and it is re-armed at every boot.
  enum class Duty : uint8_t { None, Job, Id };

  struct TimerRec {
    Time_us deadline_local_us = 0;
    uint64_t tag = 0;
    uint32_t version = 0;
    Duty duty = Duty::None;
  };

  struct NodeRt {
    std::unique_ptr<Node> node;
    std::unique_ptr<NodeContext> ctx;
    bool crashed = false;
    bool paused = false;
    uint64_t paused_by = 0;  // the pause fault instance holding it (fault-effect audit)
    uint32_t incarnation = 0;
    std::map<TimerId, TimerRec> timers;  // ordered: rescheduling walks them in id order
    LocalClock clock;
    Rng rng;
    Rng jitter_rng;  // timer jitter ("timer-jitter/<i>"): used only when the scenario asks
    const LatencyModel* jitter = nullptr;  // this node's timer jitter (scenario "timers"), or none
    const LatencyModel* disk = nullptr;    // this node's sync latency (scenario "storage"), or none
    // The storage model (scenario "storage"): the node's "storage/<i>" stream, when every sync it
    // started is on disk, and the syncs still in flight (completion time, the state written).
    Rng storage_rng;
    Time_us disk_free_us = 0;
    std::vector<std::pair<Time_us, std::unique_ptr<DurableState>>> syncs_in_flight;
    std::unique_ptr<DurableState> durable;
    std::unique_ptr<DurableState> synced;  // only when disk-loss faults can happen
    std::vector<kernel::QEvent> held;      // events that arrived while paused, in order
    Role role = Role::Follower;
    int64_t epoch = 0;
    int64_t epoch_high = 0;  // the highest epoch it ever reported (kept across crashes)
  };

  struct NodeContext final : Context {
    Impl& sim;
    NodeId id;
    NodeContext(Impl& s, NodeId i) : sim(s), id(i) {}
    NodeId self() const override { return id; }
    int32_t cluster_size() const override { return sim.n; }
    Time_us now() const override { return sim.rt(id).clock.local_us(sim.now_us); }
    void send(NodeId to, std::unique_ptr<Message> msg) override {
      sim.send(id, to, std::move(msg));
    }
    void broadcast(const Message& msg) override {
      for (NodeId to = 0; to < sim.n; ++to)
        if (to != id) sim.send(id, to, msg.clone());
    }
    TimerId set_timer(Time_us delay_us, uint64_t tag) override {
      return sim.set_timer(id, delay_us, tag);
    }
    void cancel_timer(TimerId timer) override { sim.cancel_timer(id, timer); }
    Rng& random() override { return sim.rt(id).rng; }
    DurableState* durable() override { return sim.rt(id).durable.get(); }
    void set_durable(std::unique_ptr<DurableState> state) override {
      sim.rt(id).durable = std::move(state);
    }
    void sync() override {
      NodeRt& r = sim.rt(id);
      if (r.disk) return sim.start_sync(id);
      if (sim.track_unsynced && r.durable) r.durable->sync_to(r.synced);
    }
    void report(Role role, int64_t epoch, NodeId leader) override {
      sim.report(id, role, epoch, leader);
    }
    void note(std::string_view text) override {
      TraceEvent ev = sim.event(EventKind::Note, id);
      ev.text = text;
      sim.emit(ev);
    }
    void record(const Message& fact) override {
      TraceEvent ev = sim.event(EventKind::Record, id);
      ev.payload = &fact;
      sim.emit(ev);
    }
    void reply(const ClientResponse& response) override { sim.client_reply(id, response); }
    void job_ran(int64_t period) override {
      TraceEvent ev = sim.event(EventKind::Job, id);
      ev.tag = static_cast<uint64_t>(period);
      sim.emit(ev);
    }
    void id_issued(int64_t issued) override {
      TraceEvent ev = sim.event(EventKind::Id, id);
      ev.tag = static_cast<uint64_t>(issued);
      sim.emit(ev);
    }
    bool fence(NodeId previous) override { return sim.stonith_request(id, previous); }
    void cancel_fence(NodeId previous) override { sim.stonith_cancel(id, previous); }
    // Counted beside the trace, not traced: situations leave the trace and its hash alone.
    void reached(SituationId situation) override {
      std::vector<SituationCount>& counts = sim.situations;
      if (situation >= counts.size()) counts.resize(size_t{situation} + 1);
      SituationCount& c = counts[situation];
      if (c.count++ == 0) {
        c.first_us = sim.now_us;
        c.first_node = id;
      }
    }
  };

  // A fencing request (sim/kernel/stonith.cpp), from the node that asked until it is answered.
  struct StonithRequest {
    NodeId requester = kNoNode;
    NodeId target = kNoNode;
    uint32_t incarnation = 0;  // the requester's, when it asked
    bool answered = false;     // on_fenced was called (or the requester crashed)
  };

  struct FaultInstance {
    uint64_t id = 0;
    FaultSpec spec;  // with targets resolved
    bool active = true;
    std::vector<std::pair<NodeId, NodeId>> cuts;  // directed cuts this fault holds
    std::vector<NodeId> affected;                 // nodes it crashed or paused
    std::vector<int64_t> previous_drift_ppm;      // clock drift: what to restore
    bool flap_down = false;
    Time_us drift_since_us = 0;  // clock drift: when it began (for the offset it applied)
    FaultEffect effect;          // what it did so far (fault-effect audit)
  };

  struct ClientRt {
    int32_t id = 0;
    NodeId believed_leader = kNoNode;
    NodeId next_try = 0;  // round robin when no leader is known
    bool busy = false;
    uint64_t op_id = 0;
  };

  struct OpRt {
    int32_t client_index = 0;
    uint32_t attempt = 0;
    bool done = false;
    NodeId served_by = kNoNode;  // the node whose answer completed the op (none: timed out)
    int64_t served_epoch = 0;    // its epoch when it answered
  };

  // -- configuration --
  const Scenario& scenario;
  std::function<std::unique_ptr<Node>(Context&)> make_node;
  int32_t n;
  bool track_unsynced = false;

  // -- state --
  Time_us now_us = 0;
  // Fault starts take sequence numbers below every other event's, as when they were all queued
  // first: scripted ones 0..F-1 in time order, the nemesis's F+k in draw order
  // (draw_next_nemesis).
  uint64_t next_seq = kFirstEventSeq;
  uint64_t next_msg_id = 0;
  TimerId next_timer_id = 0;
  EventQueue<kernel::QEvent, kernel::QEventOrder> queue;
  std::vector<NodeRt> nodes;
  Network network;
  Rng fault_target_rng;
  Rng workload_rng;
  std::vector<FaultSpec> scripted;        // the scenario's faults, stably sorted by time
  std::vector<FaultSpec> nemesis_faults;  // the nemesis's faults drawn so far, in draw order
  NemesisSchedule nemesis;                // draws the nemesis's faults from the "faults" stream
  Rng epoch_crash_rng;                    // the nemesis's crashes at a new epoch ("faults/epoch")
  Rng leader_isolate_rng;  // the nemesis's isolation of a leader at a request ("faults/leader")
  std::vector<FaultInstance> instances;
  std::vector<uint64_t> active_network;  // ids of network fault instances in force, in order
  // Sends counted per ordered pair and message type (types are the messages' static kType
  // views), for drop_message faults and the dropped-message record; off unless either needs it.
  bool count_sends = false;
  bool record_drops = false;
  std::vector<std::vector<std::pair<std::string_view, int64_t>>> send_counts;
  // drop_message faults armed and waiting for their message: the instance ids.
  std::vector<uint64_t> armed_drops;
  std::vector<ClientRt> clients;
  std::map<int32_t, size_t> client_index_of;
  lin::History history;
  std::vector<OpRt> op_rt;  // parallel to history.ops
  uint64_t write_counter = 0;

  // -- observation --
  TraceHasher hasher;
  bool hash_trace = true;            // see Simulator::set_trace_hash
  uint64_t max_events = UINT64_MAX;  // see Simulator::set_max_events
  bool stopped_early = false;
  uint64_t event_index = 0;
  LeadershipObserver leadership;
  TrafficObserver traffic;
  DamageObserver damage;
  std::vector<std::unique_ptr<Observer>> checkers;
  std::vector<Observer*> watchers;
  std::vector<Observer*> all_observers;
  std::array<std::vector<Observer*>, kEventKinds> observers_of;  // by event kind, in order
  int64_t crashes = 0;
  // Captions anchored to events: the watch that resolves them (none without such captions), and
  // when each scenario caption's anchor fired and when it was shown.
  std::unique_ptr<CaptionAnchorWatch> anchor_watch;
  std::vector<CaptionTime> caption_times;
  std::vector<SituationCount> situations;  // by SituationId (Context::reached)
  bool ran = false;

  // -- STONITH (sim/kernel/stonith.cpp) --
  NodeId device = kNoNode;     // the fencing device's network id (n) when the scenario has one
  bool device_down = false;    // crashed by a fault
  bool device_paused = false;  // paused by a fault
  std::vector<StonithRequest> stonith_requests;
  std::vector<uint64_t> stonith_power_offs;  // the fault instances of power-offs, in order

  Impl(const Scenario& s, std::function<std::unique_ptr<Node>(Context&)> make, bool has_epochs);
  ~Impl();

  NodeRt& rt(NodeId id) { return nodes[static_cast<size_t>(id)]; }
  const NodeRt& rt(NodeId id) const { return nodes[static_cast<size_t>(id)]; }

  void push(kernel::QEvent ev) {
    ev.seq = next_seq++;
    queue.push(ev);
  }

  // ---- the kernel's own invariants (docs/ARCHITECTURE.md), checked in every build type ----

  // Every handler call goes through here: a crashed node runs nothing and is delivered nothing
  // (its object is gone), and a paused node runs nothing until it is resumed.
  Node& live_node(NodeId id) {
    NodeRt& r = rt(id);
    BALLOT_REQUIRE(!r.crashed && r.node != nullptr, "a crashed node would run a handler");
    BALLOT_REQUIRE(!r.paused, "a paused node would run a handler");
    return *r.node;
  }

  // A timer fires only once its node's local clock has reached its deadline.
  void require_due(const NodeRt& r, const TimerRec& rec) const {
    BALLOT_REQUIRE(r.clock.local_us(now_us) >= rec.deadline_local_us,
                   "a timer would fire before its deadline on its node's local clock");
  }

  TraceEvent event(EventKind kind, NodeId node) const {
    TraceEvent ev;
    ev.time_us = now_us;
    ev.kind = kind;
    ev.node = node;
    return ev;
  }

  void emit(TraceEvent& ev) {
    ev.index = event_index++;
    if (hash_trace)
      hasher.add(ev);
    else
      hasher.count(ev);
    for (Observer* o : observers_of[static_cast<size_t>(ev.kind)]) o->on_event(ev);
  }

  // Fault starts number 0..kFirstEventSeq-1; every other event comes after them at equal times.
  static constexpr uint64_t kFirstEventSeq = uint64_t{1} << 62;

  // ---- sim/kernel/event_loop.cpp ----
  void start();
  void run_loop();
  void dispatch(kernel::QEvent& ev);
  void caption(size_t i);
  void caption_anchored(size_t i);  // caption i's anchor fired: show it after its offset

  // ---- sim/kernel/node_runtime.cpp: nodes ----
  void boot(NodeId id, EventKind kind, std::string_view why);
  void arm_duty(NodeId id, Duty duty, Time_us period_us);
  void arm_duties(NodeId id);
  void fire_duty(NodeId id, const TimerRec& rec);
  void crash(NodeId id, bool lose_unsynced, std::string_view why);
  void pause(NodeId id);
  void resume(NodeId id);
  bool hold_if_paused(kernel::QEvent& ev);
  void report(NodeId id, Role role, int64_t epoch, NodeId leader);
  // the disk (storage model)
  void start_sync(NodeId id);
  void settle_syncs(NodeRt& r);
  bool waits_for_disk(NodeId id) const { return rt(id).disk && rt(id).disk_free_us > now_us; }
  void depart(kernel::QEvent& ev);
  // messages
  void send(NodeId from, NodeId to, std::unique_ptr<Message> msg);
  void send_now(NodeId from, NodeId to, std::unique_ptr<Message> msg);
  void deliver(kernel::QEvent& ev);
  // timers (on the node's local clock)
  TimerId set_timer(NodeId id, Time_us delay_us, uint64_t tag);
  void cancel_timer(NodeId id, TimerId timer);
  void schedule_timer(NodeId id, TimerId timer, const TimerRec& rec);
  void reschedule_timers(NodeId id);
  void fire_timer(kernel::QEvent& ev);

  // ---- sim/kernel/stonith.cpp: the fencing device ----
  bool stonith_request(NodeId requester, NodeId target);
  void stonith_cancel(NodeId requester, NodeId target);
  void stonith_send(size_t request);
  void stonith_arrive(size_t request);
  void stonith_ack(kernel::QEvent& ev);
  void stonith_timeout(kernel::QEvent& ev);
  void power_off(NodeId target, NodeId requester);
  // The nodes of the cluster (not the device) in `from`'s mutual component.
  std::vector<NodeId> cluster_component(NodeId from);

  // ---- sim/kernel/workload_driver.cpp: clients ----
  size_t client(int32_t id);
  Time_us next_op_gap_us();
  void client_tick(size_t index);
  void scripted_op(size_t i);
  void invoke(size_t client_index, lin::Op op, NodeId target);
  NodeId pick_target(ClientRt& c);
  NodeId home_of(int32_t client_index) const;
  bool client_cut_off(int32_t client_index, NodeId server, bool to_server);
  void send_request(uint64_t op_id, NodeId target, Time_us at_us);
  void client_request_arrives(kernel::QEvent& ev);
  void client_reply(NodeId from, const ClientResponse& response);
  void client_reply_now(NodeId from, std::unique_ptr<kernel::ServedResponse> response);
  void client_response_arrives(kernel::QEvent& ev);
  void client_timeout(uint64_t op_id);
  void complete(uint64_t op_id);

  // ---- sim/kernel/fault_injector.cpp: faults ----
  bool draw_next_nemesis();
  void queue_nemesis_fault(FaultSpec f, uint64_t origin);
  void nemesis_fault_begins(size_t index);
  void maybe_crash_at_new_epoch(NodeId id);
  void maybe_isolate_leader_at_request(NodeId id);
  std::vector<FaultSpec> fault_schedule() const;
  NodeId current_leader() const;
  std::vector<NodeId> resolve(const FaultSpec& f);
  void resolve_sets(FaultSpec& f);
  void cut(FaultInstance& inst, NodeId from, NodeId to);
  void adjust_extras(const FaultSpec& f, int sign);
  void fault_begin(const FaultSpec& spec);
  void apply_network_fault(FaultInstance& inst);
  void apply_node_fault(FaultInstance& inst);
  void change_clock(NodeId id, int64_t drift_ppm, Time_us jump_us);
  void emit_fault(const FaultInstance& inst, std::string_view phase);
  std::vector<NodeId> majority_component();
  void schedule_flap(const FaultInstance& inst);
  void fault_step(uint64_t id);
  void fault_end(uint64_t id);
  // The fault-effect audit: attributes a message's fate to the fault instances responsible.
  void audit_fate(NodeId from, NodeId to, const Fate& fate, const DroppedMessage* message);
  // This send's number among the sends of its type on its link (1-based), when counting.
  int64_t count_send(NodeId from, NodeId to, std::string_view type);
  int64_t count_send_so_far(NodeId from, NodeId to, std::string_view type) const;
  // The armed drop_message that takes this message, if any (0: none); disarms it.
  uint64_t take_armed_drop(NodeId from, NodeId to, std::string_view type, int64_t nth);
  std::vector<FaultEffect> fault_effects() const;
};

}  // namespace ballot
