// Garcia-Molina's Bully algorithm ("Elections in a Distributed Computing System", IEEE Trans.
// Computers C-31(1), 1982), with coordinator heartbeats for failure detection and a
// primary-backup register so that split brain does visible damage.
//
// Priorities are node ids: n5 outranks n4. The node with the highest id among those it can reach
// becomes coordinator, and a recovered higher node takes over again ("bullies").
#pragma once
#include <map>
#include <optional>
#include <string>

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/fields.h"
#include "algorithms/kit/timers.h"
#include "algorithms/registry.h"
#include "sim/api/node_api.h"

namespace ballot::bully {

struct Options {
  Time_us heartbeat_interval_us = 50 * kMillisecond_us;
  // A follower suspects the coordinator after this long without a heartbeat.
  Time_us failure_timeout_us = 200 * kMillisecond_us;
  // An election waits this long for an Answer from a higher node, then takes over.
  Time_us answer_timeout_us = 50 * kMillisecond_us;
  // After an Answer, wait this long for the Coordinator message, then start again.
  Time_us coordinator_timeout_us = 200 * kMillisecond_us;
};

// ---- messages (the paper's three, plus heartbeat and replication) ----

struct Election final : MessageBase<Election> {
  static constexpr std::string_view kType = "Election";
  void fields(FieldSink&) const override {}
  int64_t size_bytes() const override { return 16; }
};

struct Answer final : MessageBase<Answer> {
  static constexpr std::string_view kType = "Answer";
  void fields(FieldSink&) const override {}
  int64_t size_bytes() const override { return 16; }
};

// "I am the coordinator", with the coordinator's whole register state: a new primary's state
// overwrites the backups' (which is how primary-backup loses acknowledged writes in split brain).
struct Coordinator final : kit::Msg<Coordinator> {
  static constexpr std::string_view kType = "Coordinator";
  std::map<std::string, std::string> state;
  static constexpr auto declared_fields() {
    return kit::fields(kit::key_values("state", &Coordinator::state));
  }
  int64_t size_bytes() const override;
};

struct Heartbeat final : MessageBase<Heartbeat> {
  static constexpr std::string_view kType = "Heartbeat";
  void fields(FieldSink&) const override {}
  int64_t size_bytes() const override { return 16; }
};

// A write applied by the primary, pushed to a backup (fire and forget).
struct Replicate final : kit::Msg<Replicate> {
  static constexpr std::string_view kType = "Replicate";
  std::string key;
  std::string value;
  static constexpr auto declared_fields() {
    return kit::fields(kit::str("key", &Replicate::key), kit::str("value", &Replicate::value));
  }
  int64_t size_bytes() const override {
    return 16 + static_cast<int64_t>(key.size() + value.size());
  }
};

using Messages = kit::MessageTypes<Heartbeat, Election, Answer, Coordinator, Replicate>;

class BullyNode final : public Node {
 public:
  BullyNode(Context& ctx, Options options);

  void on_start() override;
  void on_message(NodeId from, const Message& msg) override;
  void on_timer(uint64_t tag) override;
  void on_client_request(const ClientRequest& request) override;
  void on_job(int64_t period) override;
  void on_id_tick() override;
  // STONITH (docs/stonith.md): the fencing device answered; take over now.
  void on_fenced(NodeId target, bool powered_off) override;

  enum class State { Follower, Electing, AwaitingCoordinator, Coordinator };
  State state() const { return state_; }
  NodeId coordinator() const { return coordinator_; }

 private:
  enum Timer : uint64_t { kHeartbeat = 1, kFailure, kAnswer, kCoordinatorWait };

  void start_election();
  void become_coordinator();
  void take_over();
  void accept_coordinator(NodeId coordinator);
  // Message handlers (on_message visits them by type).
  void handle(NodeId from, const Election& msg);
  void handle(NodeId from, const Answer& msg);
  void handle(NodeId from, const Coordinator& msg);
  void handle(NodeId from, const Heartbeat& msg);
  void handle(NodeId from, const Replicate& msg);
  void set_state(State state);
  void replicate(const std::string& key, const std::string& value);

  Options options_;
  State state_ = State::Follower;
  NodeId coordinator_ = kNoNode;  // whom this node follows (itself when coordinator)
  NodeId suspected_ = kNoNode;    // the coordinator whose failure this node detected
  // STONITH: the last coordinator this node followed, which it asks the fencing device to power
  // off before it takes over; fencing_ while it waits for the device (docs/stonith.md).
  NodeId previous_coordinator_ = kNoNode;
  bool fencing_ = false;
  kit::Timers timers_{ctx_};  // named by Timer
  // The register (volatile: a restarted node gets the coordinator's state again).
  std::map<std::string, std::string> store_;
};

AlgorithmInfo bully_algorithm();

}  // namespace ballot::bully
