// The one fake Context of the tests: it records every effect a node has (sends, broadcasts as one
// send per peer, timers, reports, notes, facts, replies, leader duties, syncs) for a test to read.
//
// On its own, a RecordingContext serves one node driven by hand: the test sets the node's clock
// (set_now), hands it messages, and fires its timers (fire, advance). In a ManualCluster
// (tests/support/manual_cluster.h) the contexts share the cluster's clock, and sends, reports and
// facts also go to the cluster (its network and its observers).
//
// Sends and replies made while a durable write is unsynced are counted (unsynced_effects) when the
// test says how to compare durable states (durable_equal): an acceptor or a voter must remember
// before it answers.
#pragma once
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/api/rng.h"
#include "sim/api/trace.h"

namespace ballot::testkit {

// The time and the order of events: a cluster's contexts share one.
struct Clock {
  Time_us now_us = 0;
  uint64_t seq = 0;  // orders messages and timers that fall due at the same time
};

struct Sent {
  NodeId to = kNoNode;
  std::shared_ptr<const Message> msg;
};

struct PendingTimer {
  TimerId id = 0;
  uint64_t tag = 0;
  Time_us delay_us = 0;
  Time_us deadline_us = 0;
  uint64_t seq = 0;
};

struct Report {
  Role role = Role::Follower;
  int64_t epoch = 0;
  NodeId leader = kNoNode;
};

// Where a cluster's contexts send what leaves the node: the network and the event stream.
class Host {
 public:
  virtual void transmit(NodeId from, NodeId to, std::shared_ptr<const Message> msg) = 0;
  // A report (`report` set) or a fact (`fact` set), for the cluster's observers.
  virtual void observe(EventKind kind, NodeId node, const Message* fact, const Report* report) = 0;

 protected:
  ~Host() = default;
};

// Whether the live durable state equals the synced copy (either may be null).
using DurableEqual = std::function<bool(const DurableState* live, const DurableState* synced)>;

class RecordingContext final : public Context {
 public:
  // A context on its own, with its own clock.
  RecordingContext(NodeId id, int32_t n, uint64_t seed = 1)
      : id_(id), n_(n), rng_(Rng(seed).substream("node/" + std::to_string(id))) {}
  // A context in a cluster: the cluster's clock, and sends, reports and facts go to `host` too.
  RecordingContext(NodeId id, int32_t n, uint64_t seed, Clock& clock, Host& host)
      : RecordingContext(id, n, seed) {
    clock_ = &clock;
    host_ = &host;
  }
  RecordingContext(const RecordingContext&) = delete;
  RecordingContext& operator=(const RecordingContext&) = delete;

  // ---- Context ----
  NodeId self() const override { return id_; }
  int32_t cluster_size() const override { return n_; }
  Time_us now() const override { return clock_->now_us; }
  void send(NodeId to, std::unique_ptr<Message> msg) override {
    count_unsynced();
    std::shared_ptr<const Message> shared(std::move(msg));
    if (keep_sent) sent.push_back(Sent{to, shared});
    if (host_ != nullptr) host_->transmit(id_, to, std::move(shared));
  }
  void broadcast(const Message& msg) override {
    for (NodeId peer = 0; peer < n_; ++peer) {
      if (peer != id_) send(peer, msg.clone());
    }
  }
  TimerId set_timer(Time_us delay_us, uint64_t tag) override {
    timers.push_back(
        PendingTimer{++last_timer_, tag, delay_us, clock_->now_us + delay_us, ++clock_->seq});
    return last_timer_;
  }
  void cancel_timer(TimerId id) override {
    std::erase_if(timers, [id](const PendingTimer& t) { return t.id == id; });
  }
  Rng& random() override { return rng_; }
  DurableState* durable() override { return durable_.get(); }
  void set_durable(std::unique_ptr<DurableState> state) override { durable_ = std::move(state); }
  void sync() override {
    if (durable_) durable_->sync_to(synced_);
    ++syncs;
  }
  void report(Role role, int64_t epoch, NodeId leader) override {
    reports.push_back(Report{role, epoch, leader});
    if (host_ != nullptr) host_->observe(EventKind::Role, id_, nullptr, &reports.back());
  }
  void note(std::string_view text) override { notes.emplace_back(text); }
  void record(const Message& fact) override {
    facts.push_back(fact.clone());
    if (host_ != nullptr) host_->observe(EventKind::Record, id_, facts.back().get(), nullptr);
  }
  void reply(const ClientResponse& response) override {
    count_unsynced();
    replies.push_back(response);
  }
  void job_ran(int64_t period) override { jobs_ran.push_back(period); }
  void id_issued(int64_t id) override { ids_issued.push_back(id); }
  void reached(SituationId situation) override { situations_reached.push_back(situation); }
  using Context::reached;
  // How often this node reached `situation` (an algorithm's enum value).
  template <class E>
  size_t times_reached(E situation) const {
    return static_cast<size_t>(std::count(situations_reached.begin(), situations_reached.end(),
                                          static_cast<SituationId>(situation)));
  }

  // ---- Driving one node by hand ----
  void set_now(Time_us now_us) { clock_->now_us = now_us; }
  // Fires the earliest pending timer with `tag` on `node`, without moving the clock; false if
  // there is none.
  bool fire(Node& node, uint64_t tag) {
    std::optional<PendingTimer> timer = take_timer(tag);
    if (!timer) return false;
    node.on_timer(tag);
    return true;
  }
  // Fires, in deadline order, every timer due by `until_us` (the clock moves to each deadline, then
  // to `until_us`).
  void advance(Node& node, Time_us until_us) {
    while (const PendingTimer* next = earliest_timer()) {
      if (next->deadline_us > until_us) break;
      const PendingTimer timer = *next;
      cancel_timer(timer.id);
      clock_->now_us = std::max(clock_->now_us, timer.deadline_us);
      node.on_timer(timer.tag);
    }
    clock_->now_us = std::max(clock_->now_us, until_us);
  }
  // A crash: pending timers die; with lose_unsynced, durable state reverts to the last sync. The
  // caller builds a new node on this context.
  void crash(bool lose_unsynced) {
    timers.clear();
    if (lose_unsynced) durable_ = synced_ ? synced_->clone() : nullptr;
  }

  // ---- Reading what happened ----
  bool has_timer(uint64_t tag) const { return find_timer(tag) != nullptr; }
  // The delay of the earliest pending timer with this tag (nullopt if none).
  std::optional<Time_us> timer_delay(uint64_t tag) const {
    const PendingTimer* t = find_timer(tag);
    return t != nullptr ? std::optional<Time_us>(t->delay_us) : std::nullopt;
  }
  // The earliest pending timer (by deadline, then by when it was set); null if none.
  const PendingTimer* earliest_timer() const {
    const PendingTimer* best = nullptr;
    for (const PendingTimer& t : timers) {
      if (best == nullptr ||
          std::pair(t.deadline_us, t.seq) < std::pair(best->deadline_us, best->seq))
        best = &t;
    }
    return best;
  }
  // The earliest pending timer with `tag`, removed (nullopt if none).
  std::optional<PendingTimer> take_timer(uint64_t tag) {
    const PendingTimer* t = find_timer(tag);
    if (t == nullptr) return std::nullopt;
    const PendingTimer timer = *t;
    cancel_timer(timer.id);
    return timer;
  }
  // The messages of type M sent so far (to `to`, or to anyone), in order.
  template <class M>
  std::vector<const M*> sent_of(NodeId to = kNoNode) const {
    std::vector<const M*> found;
    for (const Sent& s : sent) {
      auto* m = dynamic_cast<const M*>(s.msg.get());
      if (m != nullptr && (to == kNoNode || s.to == to)) found.push_back(m);
    }
    return found;
  }
  // The last message of type M sent (null if none).
  template <class M>
  const M* last_sent() const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (auto* m = dynamic_cast<const M*>(it->msg.get())) return m;
    return nullptr;
  }
  // The facts of type F recorded so far, in order.
  template <class F>
  std::vector<const F*> facts_of() const {
    std::vector<const F*> found;
    for (const auto& f : facts)
      if (auto* m = dynamic_cast<const F*>(f.get())) found.push_back(m);
    return found;
  }
  // Whether everything written to durable state has been synced (true when no comparison is set).
  bool durable_synced() const {
    return !durable_equal || durable_equal(durable_.get(), synced_.get());
  }

  std::vector<Sent> sent;
  bool keep_sent = true;             // a long automatic run may turn the record of sends off
  std::vector<PendingTimer> timers;  // in the order they were set
  std::vector<Report> reports;
  std::vector<std::string> notes;
  std::vector<std::unique_ptr<Message>> facts;
  std::vector<ClientResponse> replies;
  std::vector<int64_t> jobs_ran;
  std::vector<int64_t> ids_issued;
  std::vector<SituationId> situations_reached;  // every Context::reached, in order
  int64_t syncs = 0;
  int64_t unsynced_effects = 0;  // sends and replies made while a durable write was unsynced
  DurableEqual durable_equal;

 private:
  const PendingTimer* find_timer(uint64_t tag) const {
    const PendingTimer* best = nullptr;
    for (const PendingTimer& t : timers) {
      if (t.tag == tag && (best == nullptr || std::pair(t.deadline_us, t.seq) <
                                                  std::pair(best->deadline_us, best->seq)))
        best = &t;
    }
    return best;
  }
  void count_unsynced() {
    if (!durable_synced()) ++unsynced_effects;
  }

  NodeId id_;
  int32_t n_;
  Rng rng_;
  Clock own_clock_;
  Clock* clock_ = &own_clock_;
  Host* host_ = nullptr;
  TimerId last_timer_ = 0;
  std::unique_ptr<DurableState> durable_;
  std::unique_ptr<DurableState> synced_;
};

// One node of type N on its own RecordingContext, started, driven by hand.
template <class N>
struct Solo {
  // `equal`, when given, checks every send and reply against unsynced durable writes.
  Solo(NodeId id, int32_t n, std::function<std::unique_ptr<N>(Context&)> make,
       DurableEqual equal = nullptr)
      : ctx(id, n), make_(std::move(make)) {
    ctx.durable_equal = std::move(equal);
    node = make_(ctx);
    node->on_start();
  }
  // The node holds a reference to ctx: a Solo stays where it was built.
  Solo(const Solo&) = delete;
  Solo& operator=(const Solo&) = delete;
  // A crash that keeps only synced durable state, and a restart.
  void restart() {
    ctx.crash(/*lose_unsynced=*/true);
    node = make_(ctx);
    node->on_start();
  }

  RecordingContext ctx;

 private:
  std::function<std::unique_ptr<N>(Context&)> make_;

 public:
  std::unique_ptr<N> node;
};

}  // namespace ballot::testkit
