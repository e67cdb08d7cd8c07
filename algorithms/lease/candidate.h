// A candidate for the lease lock, and its work while it believes it holds the lease.
//
// It asks the lock service for the lease until it gets it; then it renews it and believes it holds
// it until its own clock passes the deadline (time asked + TTL - clock drift margin). While it
// believes it holds the lease it serves clients, runs the scheduled job and hands out ids, all
// through the fenced storage, each operation carrying its fencing token. It keeps a copy of the
// resource (loaded when it gets the lease) and computes every read-modify-write from that copy:
// the mutual exclusion the lock is for. A holder that is paused, or whose clock runs slow or jumps
// back, keeps believing after the service has granted the lease to another: only fencing stops its
// stale writes.
#pragma once
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/replica.h"
#include "algorithms/kit/timers.h"
#include "algorithms/lease/messages.h"
#include "algorithms/lease/options.h"
#include "sim/api/node_api.h"

namespace ballot::lease {

// Storage keys of the leader duties (clients' keys never start with "__").
inline constexpr std::string_view kJobKey = "__job";
inline constexpr std::string_view kIdKey = "__next_id";

// The messages a candidate handles.
using CandidateMessages = kit::MessageTypes<Granted, Denied, StorageSnapshot, StorageResult>;

class CandidateNode final : public Node {
 public:
  CandidateNode(Context& ctx, LeaseOptions options) : Node(ctx), options_(options) {}

  void on_start() override;
  void on_message(NodeId from, const Message& msg) override;
  void on_timer(uint64_t tag) override;
  void on_client_request(const ClientRequest& request) override;
  void on_job(int64_t period) override;
  void on_id_tick() override;
  // STONITH (docs/stonith.md): the fencing device answered; the new holder may load and act.
  void on_fenced(NodeId target, bool powered_off) override;

  bool holding() const { return holding_; }
  int64_t token() const { return token_; }
  // The local time at which this node stops believing it holds the lease.
  Time_us deadline_us() const { return deadline_us_; }

 private:
  enum Timer : uint64_t { kAcquire = 1, kRenew, kBeliefEnds, kLoadTimeout };
  // Timers of storage operations use tags from here up: kOpTimeoutBase + seq.
  static constexpr uint64_t kOpTimeoutBase = uint64_t{1} << 32;

  // Work waiting for the storage, one queue per key so that a key's operations reach the storage in
  // order (the network may reorder messages).
  struct Task {
    enum Kind { Client, Job, Id, Refresh } kind = Client;
    ClientRequest request;  // Client
    int64_t period = 0;     // Job
  };
  struct InFlight {
    uint64_t generation = 0;  // the tenure that sent it (see generation_)
    Task task;
    std::string key;
    std::optional<std::string> written;  // the value it writes, if it writes
  };

  void send_acquire();
  // Message handlers (on_message visits them by type).
  void handle(const Granted& msg);
  void handle(const Denied& msg);
  void handle(const StorageSnapshot& msg);
  void handle(const StorageResult& msg);
  void on_op_timeout(uint64_t seq);
  void become_holder(int64_t token, Time_us deadline_us);
  void step_down(const std::string& why);
  void send_load();
  void enqueue(const std::string& key, Task task);
  void start_next(const std::string& key);
  void finish(const InFlight& op, const StorageResult& result);
  void report();

  LeaseOptions options_;

  // The belief: this node holds the lease with token_ until its clock reads deadline_us_.
  bool holding_ = false;
  int64_t token_ = 0;
  Time_us deadline_us_ = 0;
  // Counts tenures (each grant and each step-down starts a new one): replies from an earlier
  // tenure must not touch this tenure's copy or queues.
  uint64_t generation_ = 0;

  // Who holds the lease as far as this node knows (for client redirects), and the highest token
  // it has heard of.
  NodeId known_holder_ = kNoNode;
  int64_t highest_token_ = 0;

  // STONITH: this tenure waits for the fencing device to power off the previous holder before
  // it loads the resource (and so before it writes anything).
  bool fencing_ = false;
  NodeId fencing_target_ = kNoNode;

  // The copy of the resource, valid once loaded_ (this tenure's load arrived).
  bool loaded_ = false;
  uint64_t load_seq_ = 0;
  std::map<std::string, std::string> copy_;
  std::map<std::string, std::deque<Task>> queues_;
  std::set<std::string> busy_;              // keys with an operation in flight in this tenure
  std::map<uint64_t, InFlight> in_flight_;  // by seq
  uint64_t next_seq_ = 0;

  // Named by Timer, and kOpTimeoutBase + seq for a storage operation in flight.
  kit::Timers timers_{ctx_};
  kit::RoleReport reported_;
};

}  // namespace ballot::lease
