// The node that runs the lock service and hosts the fenced storage. It never leads: it reports
// itself a follower of the current holder. It is a single point of failure on purpose (a single
// etcd); real coordination services replicate exactly this state with Raft or Zab.
#pragma once
#include <optional>

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/timers.h"
#include "algorithms/lease/lock_service.h"
#include "algorithms/lease/messages.h"
#include "algorithms/lease/options.h"
#include "algorithms/lease/storage.h"
#include "sim/api/node_api.h"

namespace ballot::lease {

// Everything the service node keeps on disk; written and synced before any reply that depends on
// it.
struct ServiceDurable final : DurableState {
  LockState lock;
  StorageState storage;
  std::unique_ptr<DurableState> clone() const override {
    return std::make_unique<ServiceDurable>(*this);
  }
};

// The messages the lock service handles.
using ServiceMessages = kit::MessageTypes<Acquire, Renew, StorageOp, StorageLoad>;

class LockServiceNode final : public Node {
 public:
  LockServiceNode(Context& ctx, LeaseOptions options) : Node(ctx), options_(options) {}

  void on_start() override;
  void on_message(NodeId from, const Message& msg) override;
  void on_timer(uint64_t tag) override;
  void on_client_request(const ClientRequest& request) override;

  const LockService& service() const { return *service_; }
  const FencedStorage& storage() const { return *storage_; }

 private:
  enum Timer : uint64_t { kExpiry = 1 };

  // Message handlers (on_message visits them by type).
  void handle(NodeId from, const Acquire& msg);
  void handle(NodeId from, const Renew& msg);
  void handle(NodeId from, const StorageOp& msg);
  void handle(NodeId from, const StorageLoad& msg);
  void expire_if_due();
  void arm_expiry();
  void record_lease(std::string_view what, NodeId holder, int64_t token);
  void persist();
  void report();

  LeaseOptions options_;
  ServiceDurable* durable_ = nullptr;  // owned by the kernel
  std::optional<LockService> service_;
  std::optional<FencedStorage> storage_;
  kit::Timers timers_{ctx_};  // named by Timer
};

}  // namespace ballot::lease
