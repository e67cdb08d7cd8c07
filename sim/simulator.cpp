#include "sim/simulator.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ostream>

#include "sim/event_queue.h"
#include "sim/local_clock.h"
#include "sim/network.h"
#include "sim/require.h"

namespace ballot {

namespace {

// ---- what the queue carries ----

enum class Ev : uint8_t {
  Deliver,         // node <- from: msg (owned)
  Timer,           // node: a = timer id, b = version
  ClientRequest,   // node: a = op id, b = attempt
  ClientResponse,  // a = op id, b = attempt, ptr = ServedResponse (owned)
  ClientTimeout,   // a = op id
  ClientTick,      // a = client index
  ScriptedOp,      // a = index into workload.ops
  FaultBegin,      // a = index into `scripted` (b = 0) or `nemesis_faults` (b = 1)
  FaultEnd,        // a = fault instance
  FaultStep,       // a = fault instance (flap toggles)
  Caption,         // a = caption index
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
constexpr uint32_t kIncarnationMask = (1u << 24) - 1;

struct QEventOrder {
  bool operator()(const QEvent& x, const QEvent& y) const {
    return x.at_us != y.at_us ? x.at_us < y.at_us : x.seq < y.seq;
  }
};

// A reply on its way to the client, with the epoch its server was in when it answered.
struct ServedResponse : ClientResponse {
  int64_t epoch = 0;
};

void free_payload(QEvent& ev) {
  if (ev.type == Ev::Deliver) delete static_cast<Message*>(ev.ptr);
  if (ev.type == Ev::ClientResponse) delete static_cast<ServedResponse*>(ev.ptr);
  ev.ptr = nullptr;
}

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

bool is_network_fault(FaultKind kind) {
  switch (kind) {
    case FaultKind::Partition:
    case FaultKind::Isolate:
    case FaultKind::LinkCut:
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
    case FaultKind::Drop:
    case FaultKind::DelaySpike:
    case FaultKind::LossBurst:
    case FaultKind::Flap:
    case FaultKind::SlowNode:
      return true;
    default:
      return false;
  }
}

// Retrying a redirect with no hint waits this long, so that a leaderless cluster is not flooded.
constexpr Time_us kClientRetryBackoff_us = 10 * kMillisecond_us;

}  // namespace

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
    uint32_t incarnation = 0;
    std::map<TimerId, TimerRec> timers;  // ordered: rescheduling walks them in id order
    LocalClock clock;
    Rng rng;
    std::unique_ptr<DurableState> durable;
    std::unique_ptr<DurableState> synced;  // only when disk-loss faults can happen
    std::vector<QEvent> held;              // events that arrived while paused, in order
    Role role = Role::Follower;
    int64_t epoch = 0;
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
    void cancel_timer(TimerId timer) override { sim.rt(id).timers.erase(timer); }
    Rng& random() override { return sim.rt(id).rng; }
    DurableState* durable() override { return sim.rt(id).durable.get(); }
    void set_durable(std::unique_ptr<DurableState> state) override {
      sim.rt(id).durable = std::move(state);
    }
    void sync() override {
      NodeRt& r = sim.rt(id);
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
  };

  struct FaultInstance {
    uint64_t id = 0;
    FaultSpec spec;  // with targets resolved
    bool active = true;
    std::vector<std::pair<NodeId, NodeId>> cuts;  // directed cuts this fault holds
    std::vector<NodeId> affected;                 // nodes it crashed or paused
    std::vector<int64_t> previous_drift_ppm;      // clock drift: what to restore
    bool flap_down = false;
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
  EventQueue<QEvent, QEventOrder> queue;
  std::vector<NodeRt> nodes;
  Network network;
  Rng fault_target_rng;
  Rng workload_rng;
  std::vector<FaultSpec> scripted;        // the scenario's faults, stably sorted by time
  std::vector<FaultSpec> nemesis_faults;  // the nemesis's faults drawn so far, in draw order
  Rng nemesis_rng;
  Time_us nemesis_t_us = 0;  // the start of the last fault drawn (the next gap adds to it)
  std::vector<FaultInstance> instances;
  std::vector<ClientRt> clients;
  std::map<int32_t, size_t> client_index_of;
  lin::History history;
  std::vector<OpRt> op_rt;  // parallel to history.ops
  uint64_t write_counter = 0;

  // -- observation --
  TraceHasher hasher;
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
  bool ran = false;

  Impl(const Scenario& s, std::function<std::unique_ptr<Node>(Context&)> make, bool has_epochs)
      : scenario(s),
        make_node(std::move(make)),
        n(s.nodes),
        network(s.nodes, s.topology, s.network, Rng(s.seed).substream("network")),
        fault_target_rng(Rng(s.seed).substream("fault-targets")),
        workload_rng(Rng(s.seed).substream("workload")),
        leadership(s.nodes, has_epochs),
        damage(s.workload.job_period_us, s.workload.id_interval_us, s.workload.duties_start_us) {
    const Rng root(s.seed);
    // Leader loss is judged by what the network lets the leader do, not only by beliefs.
    leadership.set_connectivity([this](NodeId i) { return network.mutual_component(i); });
    nodes.resize(static_cast<size_t>(n));
    for (NodeId i = 0; i < n; ++i) {
      NodeRt& r = nodes[static_cast<size_t>(i)];
      r.ctx = std::make_unique<NodeContext>(*this, i);
      r.rng = root.substream("node/" + std::to_string(i));
    }
    scripted = s.faults;
    std::stable_sort(scripted.begin(), scripted.end(),
                     [](const FaultSpec& x, const FaultSpec& y) { return x.at_us < y.at_us; });
    nemesis_rng = root.substream("faults");
    nemesis_t_us = s.nemesis.start_us;
    // Tracking unsynced writes only costs snapshot copies; it changes nothing a run shows unless a
    // disk-loss fault happens, so the nemesis turns it on when it may draw one.
    for (const FaultSpec& f : scripted) track_unsynced |= f.kind == FaultKind::DiskLoss;
    if (s.nemesis.enabled)
      for (FaultKind k : s.nemesis.kinds) track_unsynced |= k == FaultKind::DiskLoss;
  }

  ~Impl() {
    queue.for_each([](QEvent& ev) { free_payload(ev); });
    for (NodeRt& r : nodes)
      for (QEvent& ev : r.held) free_payload(ev);
  }

  NodeRt& rt(NodeId id) { return nodes[static_cast<size_t>(id)]; }
  const NodeRt& rt(NodeId id) const { return nodes[static_cast<size_t>(id)]; }

  void push(QEvent ev) {
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
    hasher.add(ev);
    for (Observer* o : observers_of[static_cast<size_t>(ev.kind)]) o->on_event(ev);
  }

  // ---- nemesis: its schedule is drawn from the "faults" stream alone, with concrete targets,
  // so every algorithm meets exactly the same faults for a given seed. It is drawn one fault
  // ahead as the run goes (the next when the previous starts), not up front: a short mean
  // interval over a long run would otherwise allocate the whole schedule before the first event.
  // The draws are the same sequence either way, and fault starts keep the sequence numbers they
  // had when all were queued first, so the run is the same event for event. ----

  // Fault starts number 0..kFirstEventSeq-1; every other event comes after them at equal times.
  static constexpr uint64_t kFirstEventSeq = uint64_t{1} << 62;

  // Draws the nemesis's next fault and queues its start; false when no fault starts before the
  // nemesis stops (or the run ends).
  bool draw_next_nemesis() {
    const NemesisSpec& nem = scenario.nemesis;
    if (!nem.enabled || nem.kinds.empty()) return false;
    const Time_us stop_us = std::min(nem.stop_us, scenario.duration_us);
    if (nemesis_t_us >= stop_us) return false;
    Rng& rng = nemesis_rng;
    nemesis_t_us = add_saturating(
        nemesis_t_us,
        std::max<Time_us>(
            1, static_cast<Time_us>(rng.exponential(static_cast<double>(nem.mean_interval_us)))));
    if (nemesis_t_us >= stop_us) return false;
    FaultSpec f;
    f.at_us = nemesis_t_us;
    f.kind = nem.kinds[static_cast<size_t>(
        rng.uniform_int(0, static_cast<int64_t>(nem.kinds.size()) - 1))];
    f.duration_us = rng.uniform_int(nem.duration_min_us, nem.duration_max_us);
    f.path = "nemesis";
    draw_targets(rng, f);
    QEvent ev;
    ev.at_us = f.at_us;
    ev.type = Ev::FaultBegin;
    ev.a = nemesis_faults.size();
    ev.b = 1;
    ev.seq = scripted.size() + nemesis_faults.size();
    BALLOT_REQUIRE(ev.seq < kFirstEventSeq, "too many faults for the reserved sequence numbers");
    nemesis_faults.push_back(std::move(f));
    queue.push(ev);
    return true;
  }

  void nemesis_fault_begins(size_t index) {
    draw_next_nemesis();
    const FaultSpec spec = nemesis_faults[index];  // a copy: drawing may grow the vector
    fault_begin(spec);
  }

  // Scripted faults and the nemesis's, in time order (scripted first at equal times).
  std::vector<FaultSpec> fault_schedule() const {
    std::vector<FaultSpec> all = scripted;
    all.insert(all.end(), nemesis_faults.begin(), nemesis_faults.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const FaultSpec& x, const FaultSpec& y) { return x.at_us < y.at_us; });
    return all;
  }

  std::vector<NodeId> shuffled_nodes(Rng& rng) const {
    std::vector<NodeId> order(static_cast<size_t>(n));
    for (NodeId i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    for (size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<size_t>(rng.uniform_int(0, int64_t(i) - 1))]);
    return order;
  }

  NodeId random_node(Rng& rng) const { return static_cast<NodeId>(rng.uniform_int(0, n - 1)); }

  void draw_targets(Rng& rng, FaultSpec& f) const {
    switch (f.kind) {
      case FaultKind::Partition: {
        std::vector<NodeId> order = shuffled_nodes(rng);
        const int64_t minority = rng.uniform_int(1, std::max(1, (n - 1) / 2));
        f.groups = {std::vector<NodeId>(order.begin(), order.begin() + minority),
                    std::vector<NodeId>(order.begin() + minority, order.end())};
        for (auto& g : f.groups) std::sort(g.begin(), g.end());
        break;
      }
      case FaultKind::Bridge:
      case FaultKind::MajoritiesRing:
        f.nodes = shuffled_nodes(rng);
        break;
      case FaultKind::LinkCut:
      case FaultKind::Flap:
      case FaultKind::Drop:
        f.from = random_node(rng);
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
        f.nodes = {random_node(rng)};
        f.drift_ppm = rng.uniform_int(-50000, 50000);
        break;
      case FaultKind::ClockJump:
        f.nodes = {random_node(rng)};
        f.jump_us = rng.uniform_int(-500, 500) * kMillisecond_us;
        break;
      case FaultKind::SlowNode:
        f.nodes = {random_node(rng)};
        f.delay_us = rng.uniform_int(20, 200) * kMillisecond_us;
        break;
      case FaultKind::Heal:
        break;
      default:  // isolate, crash, pause, disk loss: one node
        f.nodes = {random_node(rng)};
        break;
    }
  }

  // ---- the main loop ----

  void start() {
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

  void run_loop() {
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

  void dispatch(QEvent& ev) {
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
        return ev.b == 0 ? fault_begin(scripted[ev.a]) : nemesis_fault_begins(ev.a);
      case Ev::FaultEnd:
        return fault_end(ev.a);
      case Ev::FaultStep:
        return fault_step(ev.a);
      case Ev::Caption:
        return caption(ev.a);
    }
  }

  // ---- nodes ----

  void boot(NodeId id, EventKind kind, std::string_view why) {
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
  void arm_duty(NodeId id, Duty duty, Time_us period_us) {
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

  void arm_duties(NodeId id) {
    if (scenario.workload.job_period_us > 0)
      arm_duty(id, Duty::Job, scenario.workload.job_period_us);
    if (scenario.workload.id_interval_us > 0)
      arm_duty(id, Duty::Id, scenario.workload.id_interval_us);
  }

  void fire_duty(NodeId id, const TimerRec& rec) {
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

  void crash(NodeId id, bool lose_unsynced, std::string_view why) {
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
    r.crashed = true;
    ++r.incarnation;  // messages in flight to the old incarnation are lost on arrival
    ++crashes;
    if (lose_unsynced && track_unsynced)
      r.durable = r.synced ? r.synced->clone() : std::unique_ptr<DurableState>();
  }

  void pause(NodeId id) {
    NodeRt& r = rt(id);
    r.paused = true;
    TraceEvent ev = event(EventKind::Pause, id);
    emit(ev);
  }

  void resume(NodeId id) {
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
  bool hold_if_paused(QEvent& ev) {
    NodeRt& r = rt(ev.node);
    if (!r.paused) return false;
    r.held.push_back(ev);
    ev.ptr = nullptr;  // ownership moved to the held copy
    return true;
  }

  void report(NodeId id, Role role, int64_t epoch, NodeId leader) {
    NodeRt& r = rt(id);
    r.role = role;
    r.epoch = epoch;
    TraceEvent ev = event(EventKind::Role, id);
    ev.role = role;
    ev.epoch = epoch;
    ev.leader = leader;
    emit(ev);
  }

  // ---- messages ----

  void send(NodeId from, NodeId to, std::unique_ptr<Message> msg) {
    if (to < 0 || to >= n) {
      std::fprintf(stderr, "ballot: internal error: n%d sent %.*s to invalid node %d\n", from + 1,
                   static_cast<int>(msg->type().size()), msg->type().data(), to);
      std::abort();
    }
    const uint64_t id = ++next_msg_id;
    TraceEvent sent = event(EventKind::Send, from);
    sent.peer = to;
    sent.msg_id = id;
    sent.payload = msg.get();
    emit(sent);
    const Fate fate = network.route(from, to, msg->type());
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

  void deliver(QEvent& ev) {
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

  TimerId set_timer(NodeId id, Time_us delay_us, uint64_t tag) {
    NodeRt& r = rt(id);
    const TimerId timer = ++next_timer_id;
    TimerRec rec;
    rec.deadline_local_us =
        add_saturating(r.clock.local_us(now_us), std::max<Time_us>(0, delay_us));
    rec.tag = tag;
    r.timers.emplace(timer, rec);
    schedule_timer(id, timer, rec);
    return timer;
  }

  void schedule_timer(NodeId id, TimerId timer, const TimerRec& rec) {
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
  void reschedule_timers(NodeId id) {
    NodeRt& r = rt(id);
    for (auto& [timer, rec] : r.timers) {
      ++rec.version;
      schedule_timer(id, timer, rec);
    }
  }

  void fire_timer(QEvent& ev) {
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

  // ---- clients ----

  size_t client(int32_t id) {
    auto it = client_index_of.find(id);
    if (it != client_index_of.end()) return it->second;
    ClientRt c;
    c.id = id;
    c.next_try = static_cast<NodeId>(((id % n) + n) % n);
    clients.push_back(c);
    client_index_of.emplace(id, clients.size() - 1);
    return clients.size() - 1;
  }

  Time_us next_op_gap_us() {
    return std::max<Time_us>(1, static_cast<Time_us>(workload_rng.exponential(
                                    static_cast<double>(scenario.workload.mean_interval_us))));
  }

  // Each tick draws an operation whether or not the client is still busy with the previous one,
  // so the offered workload (the sequence of draws) is the same whatever the algorithm does; a
  // busy client just skips its turn.
  void client_tick(size_t index) {
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

  void scripted_op(size_t i) {
    const ScriptedOp& s = scenario.workload.ops[i];
    lin::Op op;
    op.process = s.client;
    op.kind = s.kind;
    op.key = s.key;
    op.value = s.value;
    op.expected = s.expected;
    invoke(client(s.client), std::move(op), s.node);
  }

  void invoke(size_t client_index, lin::Op op, NodeId target) {
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

  NodeId pick_target(ClientRt& c) {
    if (c.believed_leader != kNoNode) return c.believed_leader;
    const NodeId target = c.next_try;
    c.next_try = (c.next_try + 1) % n;
    return target;
  }

  NodeId home_of(int32_t client_index) const {
    const int32_t id = clients[static_cast<size_t>(client_index)].id;
    return static_cast<NodeId>(((id % n) + n) % n);
  }

  // With clients at home, a request or a response crosses the network between the client's home
  // node and the server, so a partition between them loses it (the client then times out).
  bool client_cut_off(int32_t client_index, NodeId server, bool to_server) {
    if (!scenario.workload.clients_at_home) return false;
    const NodeId home = home_of(client_index);
    return to_server ? !network.can_reach(home, server) : !network.can_reach(server, home);
  }

  void send_request(uint64_t op_id, NodeId target, Time_us at_us) {
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

  void client_request_arrives(QEvent& ev) {
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
    live_node(ev.node).on_client_request(request);
  }

  void client_reply(NodeId from, const ClientResponse& response) {
    if (response.op_id == 0 || response.op_id > history.ops.size()) return;
    if (client_cut_off(op_rt[response.op_id - 1].client_index, from, false)) return;
    QEvent ev;
    ev.at_us = add_saturating(now_us, network.client_delay_us());
    ev.type = Ev::ClientResponse;
    ev.node = from;
    ev.a = response.op_id;
    ev.b = op_rt[response.op_id - 1].attempt;
    // The server's epoch as it answered: the trace names who acknowledged the operation.
    ev.ptr = new ServedResponse{response, rt(from).epoch};
    push(ev);
  }

  void client_response_arrives(QEvent& ev) {
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

  void client_timeout(uint64_t op_id) {
    OpRt& o = op_rt[op_id - 1];
    if (o.done) return;
    ClientRt& c = clients[static_cast<size_t>(o.client_index)];
    c.believed_leader = kNoNode;  // try elsewhere next time
    complete(op_id);
  }

  void complete(uint64_t op_id) {
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

  // ---- captions ----

  void caption(size_t i) {
    TraceEvent ev = event(EventKind::Caption, kNoNode);
    ev.text = scenario.captions[i].text;
    emit(ev);
  }

  // ---- faults ----

  NodeId current_leader() const {
    NodeId best = kNoNode;
    for (NodeId i = 0; i < n; ++i) {
      const NodeRt& r = rt(i);
      if (r.crashed || r.role != Role::Leader) continue;
      if (best == kNoNode || r.epoch > rt(best).epoch) best = i;
    }
    return best;
  }

  std::vector<NodeId> resolve(const FaultSpec& f) {
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
        std::vector<NodeId> order = shuffled_nodes(fault_target_rng);
        const size_t count = f.selector == Selector::RandomMajority
                                 ? static_cast<size_t>(n / 2 + 1)
                                 : static_cast<size_t>(std::max(1, (n - 1) / 2));
        order.resize(std::min(order.size(), count));
        std::sort(order.begin(), order.end());
        return order;
      }
      case Selector::RandomNode:
        return {random_node(fault_target_rng)};
    }
    return {};
  }

  // Partition groups and link-cut ends that name selectors become nodes now
  // (sim/node_set.h), from the fault-target stream, so that the run stays reproducible.
  void resolve_sets(FaultSpec& f) {
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

  void cut(FaultInstance& inst, NodeId from, NodeId to) {
    if (from == to) return;
    network.add_cut(from, to, +1);
    inst.cuts.emplace_back(from, to);
  }

  // Cuts every pair of nodes that are in different groups (nodes in no group form one more).
  void cut_groups(FaultInstance& inst, const std::vector<std::vector<NodeId>>& groups) {
    std::vector<int> group_of(static_cast<size_t>(n), -1);
    for (size_t g = 0; g < groups.size(); ++g)
      for (NodeId id : groups[g]) group_of[static_cast<size_t>(id)] = static_cast<int>(g);
    for (NodeId a = 0; a < n; ++a)
      for (NodeId b = 0; b < n; ++b)
        if (a != b && group_of[static_cast<size_t>(a)] != group_of[static_cast<size_t>(b)])
          cut(inst, a, b);
  }

  // Delay spikes, slow nodes and loss bursts add to the network's extra delay or loss while
  // active (sign +1 at the start, -1 at the end), so overlapping ones compose and each end takes
  // back exactly what its start added. A delay spike or loss burst with no nodes hits every
  // message; a slow node always names its nodes.
  void adjust_extras(const FaultSpec& f, int sign) {
    const bool everyone = f.nodes.empty() && f.kind != FaultKind::SlowNode;
    const std::vector<NodeId> targets = everyone ? std::vector<NodeId>{kNoNode} : f.nodes;
    for (NodeId id : targets) {
      if (f.kind == FaultKind::LossBurst) {
        network.add_extra_loss(id, sign * f.loss);
      } else {
        network.add_extra_delay(id, sign * f.delay_us);
      }
    }
  }

  void fault_begin(const FaultSpec& spec) {
    FaultInstance inst;
    inst.id = instances.size() + 1;
    inst.spec = spec;
    if (spec.selector != Selector::None) {
      inst.spec.nodes = resolve(spec);
      inst.spec.selector = Selector::None;
    }
    resolve_sets(inst.spec);
    FaultSpec& f = inst.spec;
    switch (f.kind) {
      case FaultKind::Partition:
        cut_groups(inst, f.groups);
        break;
      case FaultKind::Isolate:
        for (NodeId a : f.nodes)
          for (NodeId b = 0; b < n; ++b)
            if (std::find(f.nodes.begin(), f.nodes.end(), b) == f.nodes.end()) {
              cut(inst, a, b);
              cut(inst, b, a);
            }
        break;
      case FaultKind::LinkCut:
        if (f.link_set_form) {
          for (NodeId a : f.from_nodes)
            for (NodeId b : f.to_nodes) {
              cut(inst, a, b);
              if (f.both) cut(inst, b, a);
            }
        } else {
          cut(inst, f.from, f.to);
          if (f.both) cut(inst, f.to, f.from);
        }
        break;
      case FaultKind::Bridge: {
        // Jepsen's bridge: two halves that cannot talk, joined by one node that sees both.
        std::vector<NodeId> order = f.nodes.empty() ? shuffled_nodes(fault_target_rng) : f.nodes;
        f.nodes = order;
        const size_t half = order.size() / 2;
        for (size_t i = 0; i < half; ++i)
          for (size_t j = half + 1; j < order.size(); ++j) {
            cut(inst, order[i], order[j]);
            cut(inst, order[j], order[i]);
          }
        break;
      }
      case FaultKind::MajoritiesRing: {
        // Jepsen's majorities ring: nodes on a ring each see their nearest neighbours, enough for
        // a majority, but no two nodes see the same majority.
        std::vector<NodeId> order = f.nodes.empty() ? shuffled_nodes(fault_target_rng) : f.nodes;
        f.nodes = order;
        const int32_t m = static_cast<int32_t>(order.size());
        const int32_t reach = m / 2 / 2 + (m / 2) % 2;  // ceil((majority - 1) / 2) per side
        for (int32_t i = 0; i < m; ++i)
          for (int32_t j = 0; j < m; ++j) {
            const int32_t d = std::abs(i - j);
            if (i != j && std::min(d, m - d) > reach)
              cut(inst, order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
          }
        break;
      }
      case FaultKind::Heal:
        network.clear_all_faults();
        for (FaultInstance& other : instances)
          if (other.active && is_network_fault(other.spec.kind)) other.active = false;
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
      case FaultKind::Flap:
        inst.flap_down = true;
        cut(inst, f.from, f.to);
        cut(inst, f.to, f.from);
        break;
      case FaultKind::Crash:
      case FaultKind::DiskLoss:
      case FaultKind::Pause:
      case FaultKind::ClockDrift:
      case FaultKind::ClockJump:
        break;  // node faults: applied after the fault event, below
    }
    instances.push_back(std::move(inst));
    FaultInstance& stored = instances.back();
    emit_fault(stored, "begin");
    apply_node_fault(stored);
    const bool lasting =
        stored.spec.kind != FaultKind::Heal && stored.spec.kind != FaultKind::ClockJump;
    if (lasting && stored.spec.duration_us > 0) {
      QEvent end;
      end.at_us = add_saturating(now_us, stored.spec.duration_us);
      end.type = Ev::FaultEnd;
      end.a = stored.id;
      push(end);
    }
    if (stored.spec.kind == FaultKind::Flap) schedule_flap(stored);
    if (stored.spec.kind == FaultKind::ClockJump || stored.spec.kind == FaultKind::Heal)
      stored.active = false;
  }

  void apply_node_fault(FaultInstance& inst) {
    const FaultSpec& f = inst.spec;
    const std::string_view why = fault_kind_name(f.kind);
    for (NodeId id : f.nodes) {
      NodeRt& r = rt(id);
      switch (f.kind) {
        case FaultKind::Crash:
        case FaultKind::DiskLoss:
          if (!r.crashed) {
            crash(id, f.kind == FaultKind::DiskLoss, why);
            inst.affected.push_back(id);
          }
          break;
        case FaultKind::Pause:
          if (!r.crashed && !r.paused) {
            pause(id);
            inst.affected.push_back(id);
          }
          break;
        case FaultKind::ClockDrift:
          inst.previous_drift_ppm.push_back(r.clock.drift_ppm());
          change_clock(id, f.drift_ppm, 0);
          inst.affected.push_back(id);
          break;
        case FaultKind::ClockJump:
          change_clock(id, r.clock.drift_ppm(), f.jump_us);
          break;
        default:
          break;
      }
    }
  }

  void change_clock(NodeId id, int64_t drift_ppm, Time_us jump_us) {
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

  void emit_fault(const FaultInstance& inst, std::string_view phase) {
    FaultDetail detail;
    detail.spec = inst.spec;
    if (is_network_fault(inst.spec.kind) || inst.spec.kind == FaultKind::Heal)
      detail.majority = majority_component();
    TraceEvent ev = event(EventKind::Fault, kNoNode);
    ev.tag = inst.id;
    ev.text = fault_kind_name(inst.spec.kind);
    ev.phase = phase;
    ev.payload = &detail;
    emit(ev);
  }

  // The nodes that can still talk both ways with a majority of the cluster (graph search).
  std::vector<NodeId> majority_component() {
    for (NodeId i = 0; i < n; ++i) {
      std::vector<NodeId> component = network.mutual_component(i);
      if (static_cast<int32_t>(component.size()) * 2 > n) return component;
    }
    return {};
  }

  void schedule_flap(const FaultInstance& inst) {
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

  void fault_step(uint64_t id) {
    FaultInstance& inst = instances[id - 1];
    if (!inst.active) return;
    const int delta = inst.flap_down ? -1 : +1;
    network.add_cut(inst.spec.from, inst.spec.to, delta);
    network.add_cut(inst.spec.to, inst.spec.from, delta);
    inst.flap_down = !inst.flap_down;
    emit_fault(inst, inst.flap_down ? "down" : "up");
    schedule_flap(inst);
  }

  void fault_end(uint64_t id) {
    FaultInstance& inst = instances[id - 1];
    if (!inst.active) return;  // already healed
    inst.active = false;
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
      default:
        break;
    }
    emit_fault(inst, "end");
    for (size_t i = 0; i < inst.affected.size(); ++i) {
      const NodeId node_id = inst.affected[i];
      switch (f.kind) {
        case FaultKind::Crash:
        case FaultKind::DiskLoss:
          if (rt(node_id).crashed) boot(node_id, EventKind::Restart, fault_kind_name(f.kind));
          break;
        case FaultKind::Pause:
          resume(node_id);
          break;
        case FaultKind::ClockDrift:
          change_clock(node_id, inst.previous_drift_ppm[i], 0);
          break;
        default:
          break;
      }
    }
  }
};

// ---- public face ----

Simulator::Simulator(const Scenario& scenario,
                     std::function<std::unique_ptr<Node>(Context&)> make_node, bool has_epochs)
    : impl_(std::make_unique<Impl>(scenario, std::move(make_node), has_epochs)) {}

Simulator::~Simulator() = default;

void Simulator::add_checker(std::unique_ptr<Observer> checker) {
  impl_->checkers.push_back(std::move(checker));
}

void Simulator::watch(Observer* observer) {
  impl_->watchers.push_back(observer);
}

void Simulator::set_max_events(uint64_t max_events) {
  impl_->max_events = max_events;
}

RunResult Simulator::run() {
  Impl& s = *impl_;
  BALLOT_REQUIRE(!s.ran, "Simulator::run() called twice");
  s.ran = true;
  s.all_observers = {&s.leadership, &s.traffic, &s.damage};
  for (auto& c : s.checkers) s.all_observers.push_back(c.get());
  for (Observer* w : s.watchers) s.all_observers.push_back(w);
  for (size_t k = 0; k < kEventKinds; ++k)
    for (Observer* o : s.all_observers)
      if (o->wants(static_cast<EventKind>(k))) s.observers_of[k].push_back(o);

  s.start();
  s.run_loop();
  for (Observer* o : s.all_observers) o->on_finish(s.now_us);

  RunResult result;
  result.end_us = s.now_us;
  result.events = s.hasher.events();
  result.trace_hash = s.hasher.value();
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
  result.leader_intervals = s.leadership.leader_intervals();
  result.split_brains = s.leadership.split_brains();
  result.downtimes_us = s.leadership.downtimes_us();
  result.leader_losses_us = s.leadership.leader_losses_us();
  result.traffic_by_type = s.traffic.by_type();
  for (size_t i = 0; i < s.op_rt.size(); ++i)
    result.op_served.push_back(
        {s.op_rt[i].served_by, s.op_rt[i].served_epoch, s.history.ops[i].ret});
  result.job_duplicates = s.damage.job_duplicate_runs();
  result.id_duplicates = s.damage.id_duplicate_issues();
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
