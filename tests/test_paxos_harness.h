// A fake Context for rule-level Paxos tests: one PaxosNode driven by hand. Sends, timers, reports,
// facts and replies are recorded; each send and reply notes whether the durable state had been
// synced before it left (the paper's §2.3 duty: an acceptor remembers before it answers).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/paxos/messages.h"
#include "algorithms/paxos/node.h"
#include "algorithms/paxos/options.h"
#include "sim/rng.h"

namespace paxos_test {

using namespace ballot;
using namespace ballot::paxos;

class FakeContext final : public Context {
 public:
  FakeContext(NodeId id, int32_t n, uint64_t seed = 1)
      : id_(id), n_(n), rng_(Rng(seed).substream("node/" + std::to_string(id))) {}

  NodeId self() const override { return id_; }
  int32_t cluster_size() const override { return n_; }
  Time_us now() const override { return now_us; }
  void send(NodeId to, std::unique_ptr<Message> msg) override {
    unsynced_effects += durable_synced() ? 0 : 1;
    sent.push_back(Sent{to, std::move(msg)});
  }
  void broadcast(const Message& msg) override {
    for (NodeId peer = 0; peer < n_; ++peer) {
      if (peer != id_) send(peer, msg.clone());
    }
  }
  TimerId set_timer(Time_us delay_us, uint64_t tag) override {
    timers[++last_timer_] = Timer{tag, delay_us};
    return last_timer_;
  }
  void cancel_timer(TimerId id) override { timers.erase(id); }
  Rng& random() override { return rng_; }
  DurableState* durable() override { return durable_.get(); }
  void set_durable(std::unique_ptr<DurableState> state) override { durable_ = std::move(state); }
  void sync() override {
    synced_ = durable_ ? durable_->clone() : nullptr;
    ++syncs;
  }
  void report(Role role, int64_t epoch, NodeId leader) override {
    reports.push_back(Report{role, epoch, leader});
  }
  void note(std::string_view text) override { notes.emplace_back(text); }
  void record(const Message& fact) override { facts.push_back(fact.clone()); }
  void reply(const ClientResponse& response) override {
    unsynced_effects += durable_synced() ? 0 : 1;
    replies.push_back(response);
  }
  void job_ran(int64_t period) override { jobs_ran.push_back(period); }
  void id_issued(int64_t id) override { ids_issued.push_back(id); }

  bool durable_synced() const {
    auto* now = dynamic_cast<const PaxosDurable*>(durable_.get());
    auto* disk = dynamic_cast<const PaxosDurable*>(synced_.get());
    if (now == nullptr || disk == nullptr) return now == disk;
    return *now == *disk;
  }
  // A crash that keeps only what was synced; the caller builds a new node on this context.
  void crash() {
    durable_ = synced_ ? synced_->clone() : nullptr;
    timers.clear();
  }
  // Fires the pending timer with `tag` on `node`; false if there is none.
  bool fire(Node& node, uint64_t tag) {
    for (auto it = timers.begin(); it != timers.end(); ++it) {
      if (it->second.tag == tag) {
        timers.erase(it);
        node.on_timer(tag);
        return true;
      }
    }
    return false;
  }
  bool has_timer(uint64_t tag) const {
    for (auto& [id, timer] : timers)
      if (timer.tag == tag) return true;
    return false;
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
  template <class F>
  std::vector<const F*> facts_of() const {
    std::vector<const F*> found;
    for (const auto& f : facts)
      if (auto* m = dynamic_cast<const F*>(f.get())) found.push_back(m);
    return found;
  }

  struct Sent {
    NodeId to = kNoNode;
    std::unique_ptr<Message> msg;
  };
  struct Timer {
    uint64_t tag = 0;
    Time_us delay_us = 0;
  };
  struct Report {
    Role role;
    int64_t epoch;
    NodeId leader;
  };
  Time_us now_us = 0;
  std::vector<Sent> sent;
  std::map<TimerId, Timer> timers;
  std::vector<Report> reports;
  std::vector<std::string> notes;
  std::vector<std::unique_ptr<Message>> facts;
  std::vector<ClientResponse> replies;
  std::vector<int64_t> jobs_ran;
  std::vector<int64_t> ids_issued;
  int64_t syncs = 0;
  int64_t unsynced_effects = 0;  // sends and replies made while a durable write was unsynced

 private:
  NodeId id_;
  int32_t n_;
  Rng rng_;
  TimerId last_timer_ = 0;
  std::unique_ptr<DurableState> durable_;
  std::unique_ptr<DurableState> synced_;
};

// A put of `key`=`v` by client 0 as operation `op_id`, first proposed in `proposed_in`.
inline Value put(const std::string& key, const std::string& v, uint64_t op_id,
                 int64_t proposed_in) {
  Value value;
  value.command.kind = CommandKind::Put;
  value.command.key = key;
  value.command.value = v;
  value.command.client = 0;
  value.command.op_id = op_id;
  value.proposed_in = proposed_in;
  return value;
}

// One node on its own fake context, started.
struct Single {
  Single(NodeId id, int32_t n, const PaxosOptions& options = PaxosOptions())
      : ctx(id, n), node(std::make_unique<PaxosNode>(ctx, options)), options_(options) {
    node->on_start();
  }
  // The node holds a reference to ctx: a Single stays where it was built.
  Single(const Single&) = delete;
  Single& operator=(const Single&) = delete;
  // Crash (keeping only synced durable state) and restart.
  void restart() {
    ctx.crash();
    node = std::make_unique<PaxosNode>(ctx, options_);
    node->on_start();
  }
  FakeContext ctx;
  std::unique_ptr<PaxosNode> node;

 private:
  PaxosOptions options_;
};

}  // namespace paxos_test
