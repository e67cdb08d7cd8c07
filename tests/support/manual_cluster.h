// A small deterministic cluster without the kernel, for rule and property tests of any algorithm:
// nodes built by a factory (a registered algorithm's NodeFactory, or a lambda) on
// RecordingContexts (tests/support/recording_context.h) that share one clock.
//
// Messages and timers wait in queues ordered by (time, sequence). A test either delivers chosen
// messages and fires chosen timers by hand (exact rule tests), or lets the loop run with random
// latency, loss, duplication, partitions and crashes (property tests). Starts, crashes, role
// reports and facts go to the observers the test attaches (a safety checker, say).
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "recording_context.h"

namespace ballot::testkit {

// Builds a node on a context (at the first start and at every restart); the same signature as
// the registry's NodeFactory.
using MakeNode = std::function<std::unique_ptr<Node>(Context&)>;

struct Packet {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  std::shared_ptr<const Message> msg;
  template <class M>
  const M* as() const {
    return dynamic_cast<const M*>(msg.get());
  }
};

// Network settings for the automatic loop (and for sends made while a test drives by hand).
struct NetConfig {
  Time_us latency_min_us = 1000;
  Time_us latency_max_us = 1000;
  double loss = 0.0;
  double duplicate = 0.0;
};

class ManualCluster {
 public:
  ManualCluster(int32_t n, MakeNode make, uint64_t seed = 1)
      : make_(std::move(make)), wire_(std::make_unique<Wire>(seed)) {
    for (NodeId id = 0; id < n; ++id) {
      contexts_.push_back(std::make_unique<RecordingContext>(id, n, seed, wire_->clock, *wire_));
      nodes_.emplace_back();
    }
  }
  // Movable (the clock, network and contexts stay where they are), not copyable.
  ManualCluster(ManualCluster&&) = default;
  ManualCluster& operator=(ManualCluster&&) = default;

  int32_t size() const { return static_cast<int32_t>(contexts_.size()); }
  Time_us now_us() const { return wire_->clock.now_us; }
  Node& node(NodeId id) { return *nodes_.at(id); }
  template <class N>
  N& node_as(NodeId id) {
    return dynamic_cast<N&>(node(id));
  }
  bool up(NodeId id) const { return nodes_.at(id) != nullptr; }
  RecordingContext& ctx(NodeId id) { return *contexts_.at(id); }
  NetConfig& net() { return wire_->net; }
  // Receives every start, restart, crash, role report and fact from now on.
  template <class O>
  O& observe(std::unique_ptr<O> observer) {
    O& ref = *observer;
    wire_->observers.push_back(std::move(observer));
    return ref;
  }
  // Every send and reply is checked against durable state compared this way.
  void check_durable_writes(const DurableEqual& equal) {
    for (auto& c : contexts_) c->durable_equal = equal;
  }

  void start_all() {
    for (NodeId id = 0; id < size(); ++id) boot(id, EventKind::Start);
  }

  // ---- Manual control ----
  // Delivers, in queue order, every message in flight that matches (default: all), regardless of
  // latency; replies they cause are queued, not delivered. Returns how many were delivered.
  int deliver(const std::function<bool(const Packet&)>& match = nullptr) {
    std::vector<Key> keys;
    for (auto& [key, packet] : wire_->packets) {
      if (!match || match(packet)) keys.push_back(key);
    }
    for (const Key& key : keys) deliver_packet(key);
    return static_cast<int>(keys.size());
  }
  int deliver_from(NodeId from) {
    return deliver([from](const Packet& p) { return p.from == from; });
  }
  int deliver_to(NodeId to) {
    return deliver([to](const Packet& p) { return p.to == to; });
  }
  int drop(const std::function<bool(const Packet&)>& match = nullptr) {
    return static_cast<int>(std::erase_if(
        wire_->packets, [&match](const auto& entry) { return !match || match(entry.second); }));
  }
  // Delivers everything, including the replies that causes, until the network is quiet.
  void settle(int rounds_max = 100) {
    for (int round = 0; round < rounds_max && !wire_->packets.empty(); ++round) deliver();
  }
  template <class M>
  std::vector<std::pair<const Packet*, const M*>> in_flight() const {
    std::vector<std::pair<const Packet*, const M*>> found;
    for (auto& [key, packet] : wire_->packets) {
      if (auto* m = packet.template as<M>()) found.emplace_back(&packet, m);
    }
    return found;
  }
  size_t packets_in_flight() const { return wire_->packets.size(); }
  // Fires the node's pending timer with this tag now (time jumps forward to its deadline if that
  // is later). Returns false if there is none.
  bool fire(NodeId id, uint64_t tag) {
    std::optional<PendingTimer> timer = ctx(id).take_timer(tag);
    if (!timer) return false;
    wire_->clock.now_us = std::max(wire_->clock.now_us, timer->deadline_us);
    if (up(id)) nodes_[id]->on_timer(timer->tag);
    return true;
  }
  // The delay of the node's pending timer with this tag (nullopt if none).
  std::optional<Time_us> timer_delay(NodeId id, uint64_t tag) { return ctx(id).timer_delay(tag); }
  void advance(Time_us delta_us) { wire_->clock.now_us += delta_us; }

  void crash(NodeId id, bool lose_unsynced = false) {
    if (!up(id)) return;
    nodes_[id].reset();
    contexts_[id]->crash(lose_unsynced);
    std::erase_if(wire_->packets, [id](const auto& entry) { return entry.second.to == id; });
    wire_->observe(EventKind::Crash, id, nullptr, nullptr);
  }
  void restart(NodeId id) {
    if (!up(id)) boot(id, EventKind::Restart);
  }

  // Directed link cuts: messages from a to b are lost while cut.
  void cut(NodeId a, NodeId b) { wire_->cut.insert({a, b}); }
  void isolate(NodeId id) {
    for (NodeId other = 0; other < size(); ++other) {
      if (other != id) {
        cut(id, other);
        cut(other, id);
      }
    }
  }
  void partition(const std::vector<NodeId>& side) {
    std::set<NodeId> in(side.begin(), side.end());
    for (NodeId a = 0; a < size(); ++a) {
      for (NodeId b = 0; b < size(); ++b) {
        if (a != b && in.count(a) != in.count(b)) cut(a, b);
      }
    }
  }
  void heal() { wire_->cut.clear(); }

  // ---- Automatic loop ----
  // Runs the earliest message or timer; false when there is nothing left to run.
  bool step() {
    auto packet = wire_->packets.begin();
    const auto [timer_node, timer] = earliest_timer();
    const bool has_packet = packet != wire_->packets.end();
    if (!has_packet && timer == nullptr) return false;
    if (timer == nullptr || (has_packet && packet->first < Key{timer->deadline_us, timer->seq})) {
      wire_->clock.now_us = std::max(wire_->clock.now_us, packet->first.first);
      deliver_packet(packet->first);
    } else {
      wire_->clock.now_us = std::max(wire_->clock.now_us, timer->deadline_us);
      const uint64_t tag = timer->tag;
      ctx(timer_node).cancel_timer(timer->id);
      if (up(timer_node)) nodes_[timer_node]->on_timer(tag);
    }
    return true;
  }
  void run_until(Time_us end_us) {
    while (next_time() <= end_us) step();
    wire_->clock.now_us = std::max(wire_->clock.now_us, end_us);
  }
  Time_us next_time() const {
    Time_us next = kNever_us;
    if (!wire_->packets.empty()) next = std::min(next, wire_->packets.begin()->first.first);
    if (const PendingTimer* timer = earliest_timer().second)
      next = std::min(next, timer->deadline_us);
    return next;
  }
  int64_t unsynced_effects() const {
    int64_t total = 0;
    for (const auto& c : contexts_) total += c->unsynced_effects;
    return total;
  }

 private:
  using Key = std::pair<Time_us, uint64_t>;

  // The clock, the network and the observers: on the heap, so that the contexts' pointers to them
  // survive a move of the cluster.
  struct Wire final : Host {
    explicit Wire(uint64_t seed) : net_rng(Rng(seed).substream("network")) {}
    void transmit(NodeId from, NodeId to, std::shared_ptr<const Message> msg) override {
      if (cut.count({from, to}) || net_rng.bernoulli(net.loss)) return;
      const int copies = net_rng.bernoulli(net.duplicate) ? 2 : 1;
      for (int i = 0; i < copies; ++i) {
        const Time_us latency = net_rng.uniform_int(net.latency_min_us, net.latency_max_us);
        packets.emplace(Key{clock.now_us + latency, ++clock.seq}, Packet{from, to, msg});
      }
    }
    void observe(EventKind kind, NodeId node, const Message* fact, const Report* report) override {
      TraceEvent ev;
      ev.index = event_index++;
      ev.time_us = clock.now_us;
      ev.kind = kind;
      ev.node = node;
      ev.payload = fact;
      if (report != nullptr) {
        ev.role = report->role;
        ev.epoch = report->epoch;
        ev.leader = report->leader;
      }
      for (auto& o : observers) o->on_event(ev);
    }

    Clock clock;
    NetConfig net;
    Rng net_rng;
    std::map<Key, Packet> packets;
    std::set<std::pair<NodeId, NodeId>> cut;
    std::vector<std::unique_ptr<Observer>> observers;
    uint64_t event_index = 0;
  };

  void boot(NodeId id, EventKind kind) {
    nodes_[id] = make_(*contexts_[id]);
    wire_->observe(kind, id, nullptr, nullptr);
    nodes_[id]->on_start();
  }
  void deliver_packet(const Key& key) {
    auto it = wire_->packets.find(key);
    if (it == wire_->packets.end()) return;
    const Packet packet = std::move(it->second);
    wire_->packets.erase(it);
    if (!up(packet.to) || !packet.msg) return;
    nodes_[packet.to]->on_message(packet.from, *packet.msg);
  }
  // The earliest pending timer of any node, with its node (null if none).
  std::pair<NodeId, const PendingTimer*> earliest_timer() const {
    std::pair<NodeId, const PendingTimer*> best{kNoNode, nullptr};
    for (NodeId id = 0; id < size(); ++id) {
      const PendingTimer* t = contexts_[id]->earliest_timer();
      if (t != nullptr &&
          (best.second == nullptr ||
           Key{t->deadline_us, t->seq} < Key{best.second->deadline_us, best.second->seq}))
        best = {id, t};
    }
    return best;
  }

  MakeNode make_;
  std::unique_ptr<Wire> wire_;
  std::vector<std::unique_ptr<RecordingContext>> contexts_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace ballot::testkit
