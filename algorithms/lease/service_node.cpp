#include "algorithms/lease/service_node.h"

#include <string>

#include "algorithms/kit/replica.h"
#include "algorithms/lease/situations.h"
#include "sim/api/require.h"
#include "sim/api/trace.h"

namespace ballot::lease {

void LockServiceNode::on_start() {
  durable_ = kit::durable_at_start<ServiceDurable>(ctx_);
  if (options_.bugs.volatile_token_counter) durable_->lock = LockState{};  // never on disk
  service_.emplace(options_.ttl_us, durable_->lock, ctx_.now());
  storage_.emplace(options_.fencing, durable_->storage);
  if (durable_->lock.holder != kNoNode) {
    ctx_.reached(Reached::ServiceRestartHonoursLease);
    ctx_.note("restarted: honouring " + node_name(durable_->lock.holder) + "'s lease (token " +
              std::to_string(durable_->lock.holder_token) + ") for a full TTL");
    arm_expiry();
  }
  report();
}

void LockServiceNode::persist() {
  durable_->lock = service_->state();
  durable_->storage = storage_->state();
  ctx_.sync();
}

void LockServiceNode::report() {
  const LockState& s = service_->state();
  ctx_.report(Role::Follower, s.last_token, s.holder);
}

void LockServiceNode::record_lease(std::string_view what, NodeId holder, int64_t token) {
  LeaseFact fact;
  fact.what = what;
  fact.holder = holder;
  fact.token = token;
  fact.expires_us = what == "expired" ? ctx_.now() : service_->expires_us();
  ctx_.record(fact);
}

void LockServiceNode::arm_expiry() {
  timers_.set(kExpiry, service_->expires_us() - ctx_.now());
}

// A lease ends a TTL after its last grant or renewal, by the service's clock, whatever the holder
// believes: the service cannot tell a dead holder from a paused or cut-off one.
void LockServiceNode::expire_if_due() {
  const LockState before = service_->state();
  if (!service_->expire(ctx_.now())) return;
  ctx_.reached(Reached::LeaseExpired);
  record_lease("expired", before.holder, before.holder_token);
  ctx_.note("lease of " + node_name(before.holder) + " (token " +
            std::to_string(before.holder_token) + ") expired: no renewal for a TTL");
  persist();
  report();
}

void LockServiceNode::on_message(NodeId from, const Message& msg) {
  const bool known = ServiceMessages::visit(msg, [&](const auto& m) { handle(from, m); });
  BALLOT_REQUIRE(known, "unexpected message at the lock service");
}

// Acquire: grant when the lease is free, with the next token, persisted before the reply so that
// a restarted service never issues the same token twice.
void LockServiceNode::handle(NodeId from, const Acquire& msg) {
  expire_if_due();
  const LockService::Decision d = service_->acquire(from, ctx_.now());
  if (!d.granted) {
    Denied denied;
    denied.holder = d.holder;
    denied.token = d.holder_token;
    ctx_.send(from, std::make_unique<Denied>(denied));
    return;
  }
  persist();
  record_lease("granted", from, d.token);
  ctx_.note("lease granted to " + node_name(from) + " with fencing token " +
            std::to_string(d.token));
  arm_expiry();
  report();
  auto granted = std::make_unique<Granted>();
  granted->token = d.token;
  granted->sent_us = msg.sent_us;
  ctx_.send(from, std::move(granted));
}

// Renew: only the current holder with its current token extends the lease; anyone else learns
// that the lease it thinks it holds is gone.
void LockServiceNode::handle(NodeId from, const Renew& msg) {
  expire_if_due();
  const LockService::Decision d = service_->renew(from, msg.token, ctx_.now());
  if (!d.granted) {
    ctx_.reached(Reached::RenewalRefused);
    Denied denied;
    denied.holder = d.holder;
    denied.token = d.holder_token;
    denied.renewed_token = msg.token;
    ctx_.send(from, std::make_unique<Denied>(denied));
    return;
  }
  record_lease("renewed", from, d.token);
  arm_expiry();
  auto granted = std::make_unique<Granted>();
  granted->token = d.token;
  granted->renewal = true;
  granted->sent_us = msg.sent_us;
  ctx_.send(from, std::move(granted));
}

// The storage applies an operation if its token passes the fence, and records the decision for
// the fencing checker whatever it is.
void LockServiceNode::handle(NodeId from, const StorageOp& msg) {
  // A write whose token no longer holds the lease by the service's clock (expired, due to expire,
  // or superseded): the holder wrote after its lease ended. Only fencing can stop it now.
  const LockState& lock = service_->state();
  const bool lease_live = lock.holder != kNoNode && lock.holder_token == msg.token &&
                          ctx_.now() < service_->expires_us();
  const FencedStorage::Outcome out = storage_->apply(msg.token, msg.seq, msg.key, msg.value);
  if (out.duplicate) {
    // Its answer went out already, or its sender gave up on it: nobody waits for a reply.
    ctx_.note("storage ignored an old operation on '" + msg.key + "' from " + node_name(from));
    return;
  }
  StorageFact fact;
  fact.from = from;
  fact.token = msg.token;
  fact.highest_token = out.highest_before;
  fact.write = msg.value.has_value();
  fact.accepted = out.accepted;
  fact.fencing = storage_->fencing();
  fact.key = msg.key;
  ctx_.record(fact);
  if (msg.value && !lease_live) ctx_.reached(Reached::WriteAfterExpiry);
  if (!out.accepted) {
    ctx_.reached(Reached::FencingRejection);  // the fence: a token below the highest seen
    ctx_.note("storage rejected " + node_name(from) + "'s stale token " +
              std::to_string(msg.token) + " (highest seen " + std::to_string(out.highest_before) +
              ")");
  } else if (msg.token < out.highest_before) {
    ctx_.reached(Reached::StaleTokenAccepted);  // no fence: the stale write lands
    ctx_.note("storage accepted " + node_name(from) + "'s stale token " +
              std::to_string(msg.token) + " (highest seen " + std::to_string(out.highest_before) +
              "): fencing is off");
  }
  if (out.accepted) persist();
  auto result = std::make_unique<StorageResult>();
  result->seq = msg.seq;
  result->accepted = out.accepted;
  result->highest_token = storage_->state().highest_token;
  result->value = out.value;
  ctx_.send(from, std::move(result));
}

void LockServiceNode::handle(NodeId from, const StorageLoad& msg) {
  const FencedStorage::Outcome out = storage_->load(msg.token);
  if (!out.accepted) ctx_.reached(Reached::FencingRejection);  // a load with a stale token
  StorageFact fact;
  fact.from = from;
  fact.token = msg.token;
  fact.highest_token = out.highest_before;
  fact.accepted = out.accepted;
  fact.fencing = storage_->fencing();
  ctx_.record(fact);
  if (out.accepted) persist();
  auto snapshot = std::make_unique<StorageSnapshot>();
  snapshot->seq = msg.seq;
  snapshot->accepted = out.accepted;
  snapshot->highest_token = storage_->state().highest_token;
  if (out.accepted) snapshot->state = storage_->state().data;
  ctx_.send(from, std::move(snapshot));
}

void LockServiceNode::on_timer(uint64_t tag) {
  BALLOT_REQUIRE(tag == kExpiry, "unknown lock service timer");
  timers_.fired(tag);
  expire_if_due();
}

// The service is not the resource's front end: clients are sent to the holder.
void LockServiceNode::on_client_request(const ClientRequest& request) {
  ClientResponse response;
  response.op_id = request.op_id;
  response.status = ClientStatus::NotLeader;
  response.leader_hint = service_->state().holder;
  ctx_.reply(response);
}

}  // namespace ballot::lease
