// A fake Context and a small deterministic cluster for Raft's unit and property tests, independent
// of the kernel. Messages and timers wait in queues ordered by (time, sequence); a test either
// delivers and fires them by hand (exact rule tests) or lets the loop run with random latency,
// loss, duplication, partitions and crashes (property tests). Every fact and role report goes to a
// RaftSafetyChecker, and every send and reply is checked to leave no durable write unsynced.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "algorithms/raft/checker.h"
#include "algorithms/raft/messages.h"
#include "algorithms/raft/node.h"
#include "algorithms/raft/options.h"
#include "sim/rng.h"
#include "sim/trace.h"

namespace raft_test {

using namespace ballot;
using namespace ballot::raft;

class Cluster;

struct Packet {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  std::unique_ptr<Message> msg;
  template <class M>
  const M* as() const {
    return dynamic_cast<const M*>(msg.get());
  }
};

class FakeContext final : public Context {
 public:
  FakeContext(Cluster& cluster, NodeId id, uint64_t seed)
      : cluster_(cluster), id_(id), rng_(Rng(seed).substream("node/" + std::to_string(id))) {}

  NodeId self() const override { return id_; }
  int32_t cluster_size() const override;
  Time_us now() const override;
  void send(NodeId to, std::unique_ptr<Message> msg) override;
  void broadcast(const Message& msg) override {
    for (NodeId peer = 0; peer < cluster_size(); ++peer) {
      if (peer != id_) send(peer, msg.clone());
    }
  }
  TimerId set_timer(Time_us delay_us, uint64_t tag) override;
  void cancel_timer(TimerId id) override;
  Rng& random() override { return rng_; }
  DurableState* durable() override { return durable_.get(); }
  void set_durable(std::unique_ptr<DurableState> state) override { durable_ = std::move(state); }
  void sync() override {
    if (durable_) durable_->sync_to(synced_);
    ++syncs;
  }
  void report(Role role, int64_t epoch, NodeId leader) override;
  void note(std::string_view text) override { notes.emplace_back(text); }
  void record(const Message& fact) override;
  void reply(const ClientResponse& response) override;
  void job_ran(int64_t period) override { jobs_ran.push_back(period); }
  void id_issued(int64_t id) override { ids_issued.push_back(id); }

  // Whether everything written to durable state has been synced.
  bool durable_synced() const;
  // A crash: with lose_unsynced, durable state reverts to the last sync.
  void crash(bool lose_unsynced) {
    if (lose_unsynced) durable_ = synced_ ? synced_->clone() : nullptr;
  }

  std::vector<ClientResponse> replies;
  std::vector<int64_t> jobs_ran;
  std::vector<int64_t> ids_issued;
  std::vector<std::string> notes;
  struct Report {
    Role role;
    int64_t term;
    NodeId leader;
  };
  std::vector<Report> reports;
  std::vector<std::unique_ptr<Message>> facts;
  int64_t syncs = 0;
  int64_t unsynced_effects = 0;  // sends and replies made while a durable write was unsynced

 private:
  Cluster& cluster_;
  NodeId id_;
  Rng rng_;
  std::unique_ptr<DurableState> durable_;
  std::unique_ptr<DurableState> synced_;
};

// Network and fault settings for the automatic loop.
struct NetConfig {
  Time_us latency_min_us = 1000;
  Time_us latency_max_us = 1000;
  double loss = 0.0;
  double duplicate = 0.0;
};

class Cluster {
 public:
  Cluster(int32_t n, const RaftOptions& options, uint64_t seed = 1)
      : Cluster(std::vector<RaftOptions>(static_cast<size_t>(n), options), seed) {}
  Cluster(std::vector<RaftOptions> options, uint64_t seed = 1)
      : options_(std::move(options)),
        net_rng_(Rng(seed).substream("network")),
        checker_(static_cast<int32_t>(options_.size())) {
    for (NodeId id = 0; id < size(); ++id) {
      contexts_.push_back(std::make_unique<FakeContext>(*this, id, seed));
      nodes_.emplace_back();
    }
  }

  int32_t size() const { return static_cast<int32_t>(options_.size()); }
  Time_us now_us() const { return now_us_; }
  RaftNode& node(NodeId id) { return *nodes_.at(id); }
  bool up(NodeId id) const { return nodes_.at(id) != nullptr; }
  FakeContext& ctx(NodeId id) { return *contexts_.at(id); }
  RaftSafetyChecker& checker() { return checker_; }
  NetConfig net;

  void start_all() {
    for (NodeId id = 0; id < size(); ++id) boot(id, EventKind::Start);
  }

  // ---- Manual control ----
  // Delivers, in queue order, every message in flight that matches (default: all), regardless of
  // latency; replies they cause are queued, not delivered. Returns how many were delivered.
  int deliver(const std::function<bool(const Packet&)>& match = nullptr) {
    std::vector<Key> keys;
    for (auto& [key, packet] : packets_) {
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
    int dropped = 0;
    for (auto it = packets_.begin(); it != packets_.end();) {
      if (!match || match(it->second)) {
        it = packets_.erase(it);
        ++dropped;
      } else {
        ++it;
      }
    }
    return dropped;
  }
  // Delivers everything, including the replies that causes, until the network is quiet.
  void settle(int rounds_max = 100) {
    for (int round = 0; round < rounds_max && !packets_.empty(); ++round) deliver();
  }
  template <class M>
  std::vector<std::pair<const Packet*, const M*>> in_flight() const {
    std::vector<std::pair<const Packet*, const M*>> found;
    for (auto& [key, packet] : packets_) {
      if (auto* m = packet.template as<M>()) found.emplace_back(&packet, m);
    }
    return found;
  }
  size_t packets_in_flight() const { return packets_.size(); }
  // Fires the node's pending timer with this tag now (time jumps forward to its deadline if that
  // is later). Returns false if there is none.
  bool fire(NodeId id, uint64_t tag) {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->second.node == id && it->second.tag == tag) {
        now_us_ = std::max(now_us_, it->first.first);
        run_timer(it);
        return true;
      }
    }
    return false;
  }
  // The delay of the node's pending timer with this tag (nullopt if none).
  std::optional<Time_us> timer_delay(NodeId id, uint64_t tag) const {
    for (auto& [key, timer] : timers_) {
      if (timer.node == id && timer.tag == tag) return timer.delay_us;
    }
    return std::nullopt;
  }
  void advance(Time_us delta_us) { now_us_ += delta_us; }

  // Makes `id` a leader at once: fires its election timer and delivers only the votes it needs.
  void elect(NodeId id) {
    fire(id, kTagElection);
    if (node(id).role() == RaftRole::PreCandidate) {
      deliver([id](const Packet& p) { return p.from == id && p.as<PreVote>(); });
      deliver([id](const Packet& p) { return p.to == id && p.as<PreVoteReply>(); });
    }
    deliver([id](const Packet& p) { return p.from == id && p.as<RequestVote>(); });
    deliver([id](const Packet& p) { return p.to == id && p.as<RequestVoteReply>(); });
  }

  ClientRequest request(lin::OpKind kind, std::string key, std::optional<std::string> value = {},
                        std::optional<std::string> expected = {}) {
    ClientRequest r;
    r.op_id = ++next_op_id_;
    r.client = 0;
    r.kind = kind;
    r.key = std::move(key);
    r.value = std::move(value);
    r.expected = std::move(expected);
    return r;
  }
  void client(NodeId id, const ClientRequest& request) {
    if (up(id)) node(id).on_client_request(request);
  }
  std::optional<ClientResponse> response(NodeId id, uint64_t op_id) const {
    for (const ClientResponse& r : contexts_.at(id)->replies) {
      if (r.op_id == op_id) return r;
    }
    return std::nullopt;
  }

  void crash(NodeId id, bool lose_unsynced = false) {
    if (!up(id)) return;
    nodes_[id].reset();
    contexts_[id]->crash(lose_unsynced);
    for (auto it = timers_.begin(); it != timers_.end();) {
      it = it->second.node == id ? timers_.erase(it) : std::next(it);
    }
    for (auto it = packets_.begin(); it != packets_.end();) {
      it = it->second.to == id ? packets_.erase(it) : std::next(it);
    }
    emit(EventKind::Crash, id);
  }
  void restart(NodeId id) {
    if (!up(id)) boot(id, EventKind::Restart);
  }

  // Directed link cuts: messages from a to b are lost while cut.
  void cut(NodeId a, NodeId b) { cut_.insert({a, b}); }
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
  void heal() { cut_.clear(); }

  // ---- Automatic loop ----
  // Runs the earliest message or timer; false when there is nothing left to run.
  bool step() {
    auto packet = packets_.begin();
    auto timer = timers_.begin();
    if (packet == packets_.end() && timer == timers_.end()) return false;
    if (timer == timers_.end() || (packet != packets_.end() && packet->first < timer->first)) {
      now_us_ = std::max(now_us_, packet->first.first);
      deliver_packet(packet->first);
    } else {
      now_us_ = std::max(now_us_, timer->first.first);
      run_timer(timer);
    }
    return true;
  }
  void run_until(Time_us end_us) {
    while (true) {
      const Time_us next = next_time();
      if (next > end_us) break;
      step();
    }
    now_us_ = std::max(now_us_, end_us);
  }
  Time_us next_time() const {
    Time_us next = kNever_us;
    if (!packets_.empty()) next = std::min(next, packets_.begin()->first.first);
    if (!timers_.empty()) next = std::min(next, timers_.begin()->first.first);
    return next;
  }

  // The leader of the highest term among live nodes, if exactly one live node leads it.
  std::optional<NodeId> leader() {
    std::optional<NodeId> found;
    int64_t best = -1;
    for (NodeId id = 0; id < size(); ++id) {
      if (!up(id) || node(id).role() != RaftRole::Leader) continue;
      if (node(id).current_term() > best) {
        best = node(id).current_term();
        found = id;
      }
    }
    return found;
  }
  int64_t unsynced_effects() const {
    int64_t total = 0;
    for (const auto& c : contexts_) total += c->unsynced_effects;
    return total;
  }
  std::string violations_text() {
    std::string text;
    for (const Violation& v : checker_.violations()) {
      text += v.checker + " @" + std::to_string(v.event_index) + ": " + v.message + "\n";
    }
    return text;
  }

  // ---- Used by FakeContext ----
  void enqueue(NodeId from, NodeId to, std::unique_ptr<Message> msg) {
    if (cut_.count({from, to}) || net_rng_.bernoulli(net.loss)) return;
    std::unique_ptr<Message> copy = net_rng_.bernoulli(net.duplicate) ? msg->clone() : nullptr;
    for (std::unique_ptr<Message>* m : {&msg, &copy}) {
      if (!*m) continue;
      const Time_us latency = net_rng_.uniform_int(net.latency_min_us, net.latency_max_us);
      packets_.emplace(Key{now_us_ + latency, ++seq_}, Packet{from, to, std::move(*m)});
    }
  }
  TimerId add_timer(NodeId id, Time_us delay_us, uint64_t tag) {
    const TimerId timer_id = ++next_timer_id_;
    timers_.emplace(Key{now_us_ + delay_us, ++seq_}, Timer{id, timer_id, tag, delay_us});
    return timer_id;
  }
  void cancel_timer(TimerId timer_id) {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->second.id == timer_id) {
        timers_.erase(it);
        return;
      }
    }
  }
  void emit(EventKind kind, NodeId id, const Message* payload = nullptr,
            const FakeContext::Report* report = nullptr) {
    TraceEvent ev;
    ev.index = event_index_++;
    ev.time_us = now_us_;
    ev.kind = kind;
    ev.node = id;
    ev.payload = payload;
    if (report != nullptr) {
      ev.role = report->role;
      ev.epoch = report->term;
      ev.leader = report->leader;
    }
    checker_.on_event(ev);
  }

 private:
  using Key = std::pair<Time_us, uint64_t>;
  struct Timer {
    NodeId node;
    TimerId id;
    uint64_t tag;
    Time_us delay_us;
  };

  void boot(NodeId id, EventKind kind) {
    nodes_[id] = std::make_unique<RaftNode>(*contexts_[id], options_[id]);
    emit(kind, id);
    nodes_[id]->on_start();
  }
  void deliver_packet(const Key& key) {
    auto it = packets_.find(key);
    if (it == packets_.end()) return;
    Packet packet = std::move(it->second);
    packets_.erase(it);
    if (!up(packet.to) || !packet.msg) return;
    nodes_[packet.to]->on_message(packet.from, *packet.msg);
  }
  void run_timer(std::map<Key, Timer>::iterator it) {
    const Timer timer = it->second;
    timers_.erase(it);
    if (up(timer.node)) nodes_[timer.node]->on_timer(timer.tag);
  }

  std::vector<RaftOptions> options_;
  Rng net_rng_;
  RaftSafetyChecker checker_;
  std::vector<std::unique_ptr<FakeContext>> contexts_;
  std::vector<std::unique_ptr<RaftNode>> nodes_;
  std::map<Key, Packet> packets_;
  std::map<Key, Timer> timers_;
  std::set<std::pair<NodeId, NodeId>> cut_;
  Time_us now_us_ = 0;
  uint64_t seq_ = 0;
  uint64_t event_index_ = 0;
  TimerId next_timer_id_ = 0;
  uint64_t next_op_id_ = 0;
};

inline int32_t FakeContext::cluster_size() const {
  return cluster_.size();
}
inline Time_us FakeContext::now() const {
  return cluster_.now_us();
}
inline void FakeContext::send(NodeId to, std::unique_ptr<Message> msg) {
  if (!durable_synced()) ++unsynced_effects;
  cluster_.enqueue(id_, to, std::move(msg));
}
inline TimerId FakeContext::set_timer(Time_us delay_us, uint64_t tag) {
  return cluster_.add_timer(id_, delay_us, tag);
}
inline void FakeContext::cancel_timer(TimerId id) {
  cluster_.cancel_timer(id);
}
inline void FakeContext::report(Role role, int64_t epoch, NodeId leader) {
  reports.push_back({role, epoch, leader});
  cluster_.emit(EventKind::Role, id_, nullptr, &reports.back());
}
inline void FakeContext::record(const Message& fact) {
  facts.push_back(fact.clone());
  cluster_.emit(EventKind::Record, id_, facts.back().get());
}
inline void FakeContext::reply(const ClientResponse& response) {
  if (!durable_synced()) ++unsynced_effects;
  replies.push_back(response);
}
inline bool FakeContext::durable_synced() const {
  auto* live = dynamic_cast<const RaftDurable*>(durable_.get());
  auto* disk = dynamic_cast<const RaftDurable*>(synced_.get());
  if (live == nullptr) return true;
  // Term, vote, length and last entry: enough to notice any write since the sync (a truncation is
  // always followed by appends or a shorter log), and cheap on long logs.
  return disk != nullptr && live->current_term == disk->current_term &&
         live->voted_for == disk->voted_for && live->log.size() == disk->log.size() &&
         (live->log.empty() || live->log.back() == disk->log.back());
}

// Facts of one type recorded by a node.
template <class F>
std::vector<const F*> facts_of(FakeContext& ctx) {
  std::vector<const F*> found;
  for (const auto& fact : ctx.facts) {
    if (auto* f = dynamic_cast<const F*>(fact.get())) found.push_back(f);
  }
  return found;
}

inline LogEntry entry(int64_t term, const std::string& value = "") {
  LogEntry e;
  e.term = term;
  if (!value.empty()) {
    e.command.kind = CommandKind::Write;
    e.command.value = value;
  }
  return e;
}

}  // namespace raft_test
