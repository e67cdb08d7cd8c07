#include "algorithms/lease/candidate.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "algorithms/lease/situations.h"
#include "sim/api/require.h"
#include "sim/api/trace.h"

namespace ballot::lease {

namespace {

// The id counter as stored; anything that is not a counter (a client wrote the key) counts as 0.
int64_t parse_counter(const std::optional<std::string>& text) {
  if (!text || text->empty() || text->size() > 18) return 0;
  int64_t value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

void CandidateNode::report() {
  const Role role = holding_ ? Role::Leader : Role::Follower;
  const int64_t epoch = holding_ ? token_ : highest_token_;
  const NodeId leader = holding_ ? ctx_.self() : known_holder_;
  reported_.report(ctx_, role, epoch, leader);
}

void CandidateNode::on_start() {
  report();
  send_acquire();
}

// A candidate asks for the lease until it holds it.
void CandidateNode::send_acquire() {
  auto acquire = std::make_unique<Acquire>();
  acquire->sent_us = ctx_.now();
  ctx_.send(options_.lock_node, std::move(acquire));
  timers_.set(kAcquire, options_.acquire_retry_us);
}

void CandidateNode::on_message(NodeId, const Message& msg) {
  const bool known = CandidateMessages::visit(msg, [&](const auto& m) { handle(m); });
  BALLOT_REQUIRE(known, "unexpected message at a lease candidate");
}

// A grant or renewal is good for a TTL from when the service handled it, which is after we asked:
// dating the deadline from our own request, on our own clock, and taking off the drift margin keeps
// our belief inside the service's lease as long as our clock runs no slower than the margin allows.
void CandidateNode::handle(const Granted& msg) {
  highest_token_ = std::max(highest_token_, msg.token);
  const Time_us deadline_us = msg.sent_us + options_.belief_us();
  if (msg.renewal) {
    if (!holding_ || msg.token != token_ || deadline_us <= deadline_us_) return;
    deadline_us_ = deadline_us;
    timers_.set(kBeliefEnds, deadline_us_ - ctx_.now());
    return;
  }
  // A duplicate or older grant (the network duplicates messages): never believe a token again.
  if (msg.token <= token_) return;
  if (deadline_us <= ctx_.now()) {
    ctx_.reached(Reached::GrantTooLate);
    ctx_.note("grant of token " + std::to_string(msg.token) +
              " came too late to believe in; the service will let it expire");
    return;
  }
  if (holding_) step_down("granted a newer token " + std::to_string(msg.token));
  become_holder(msg.token, deadline_us);
}

void CandidateNode::become_holder(int64_t token, Time_us deadline_us) {
  BALLOT_REQUIRE(!holding_ && token > token_, "tokens only go up, and one tenure at a time");
  const NodeId previous = known_holder_;  // the holder the service last named to us, if any
  holding_ = true;
  token_ = token;
  deadline_us_ = deadline_us;
  known_holder_ = ctx_.self();
  ++generation_;
  loaded_ = false;
  copy_.clear();
  busy_.clear();
  timers_.cancel(kAcquire);
  timers_.set(kRenew, options_.renew_interval_us);
  timers_.set(kBeliefEnds, deadline_us_ - ctx_.now());
  ctx_.note("holds the lease with fencing token " + std::to_string(token_) +
            "; believes it until its clock reads " + format_duration(deadline_us_));
  report();
  // STONITH (docs/stonith.md): before it touches the resource, the new holder has the previous
  // one powered off, so that a holder that only seems gone (paused, its clock slow) cannot write
  // beside it, fencing tokens or not. It loads once the device answers (on_fenced).
  if (previous != kNoNode && previous != ctx_.self() && previous != options_.lock_node &&
      ctx_.fence(previous)) {
    fencing_ = true;
    fencing_target_ = previous;
    return;
  }
  send_load();
}

void CandidateNode::on_fenced(NodeId target, bool) {
  if (!holding_ || !fencing_ || target != fencing_target_) return;
  fencing_ = false;
  send_load();
}

// The holder stops acting the moment it learns (or its clock says) that its lease may be over.
// Work not yet sent to the storage is refused; work in flight is answered by what the storage did.
void CandidateNode::step_down(const std::string& why) {
  if (!holding_) return;
  ctx_.note("stops holding the lease (token " + std::to_string(token_) + "): " + why);
  holding_ = false;
  if (fencing_) ctx_.cancel_fence(fencing_target_);
  fencing_ = false;
  ++generation_;
  loaded_ = false;
  busy_.clear();
  if (known_holder_ == ctx_.self()) known_holder_ = kNoNode;
  for (auto& [key, queue] : queues_) {
    for (const Task& task : queue) {
      if (task.kind != Task::Client) continue;
      ctx_.reply(
          ClientResponse{task.request.op_id, ClientStatus::NotLeader, std::nullopt, kNoNode});
    }
  }
  queues_.clear();
  timers_.cancel(kRenew);
  timers_.cancel(kBeliefEnds);
  timers_.cancel(kLoadTimeout);
  report();
  send_acquire();
}

// A refusal names the current holder (for redirects); a refused renewal means our lease is gone.
void CandidateNode::handle(const Denied& msg) {
  highest_token_ = std::max(highest_token_, msg.token);
  if (holding_ && msg.renewed_token == token_) {
    step_down("the service refused to renew it (holder now " + node_name(msg.holder) + ")");
  }
  if (!holding_) known_holder_ = msg.holder;
  report();
}

// A new holder loads the resource before serving, with its token: the storage then refuses the
// previous holder (with fencing on), and our copy starts from everything acknowledged before.
void CandidateNode::send_load() {
  load_seq_ = ++next_seq_;
  auto load = std::make_unique<StorageLoad>();
  load->seq = load_seq_;
  load->token = token_;
  ctx_.send(options_.lock_node, std::move(load));
  timers_.set(kLoadTimeout, options_.ttl_us);
}

void CandidateNode::handle(const StorageSnapshot& msg) {
  highest_token_ = std::max(highest_token_, msg.highest_token);
  // Only the first answer to this tenure's load: a duplicate arriving later would roll the copy
  // back past writes made since.
  if (!holding_ || loaded_ || msg.seq != load_seq_) return;
  timers_.cancel(kLoadTimeout);
  if (!msg.accepted) {
    step_down("the storage has seen token " + std::to_string(msg.highest_token));
    return;
  }
  copy_ = msg.state;
  loaded_ = true;
  std::vector<std::string> keys;
  for (const auto& [key, queue] : queues_) keys.push_back(key);
  for (const std::string& key : keys) start_next(key);
}

void CandidateNode::on_client_request(const ClientRequest& request) {
  if (!holding_) {
    ctx_.reply(ClientResponse{request.op_id, ClientStatus::NotLeader, std::nullopt, known_holder_});
    return;
  }
  Task task;
  task.kind = Task::Client;
  task.request = request;
  enqueue(request.key, std::move(task));
}

// The scheduled job's effect is a write to the storage: it counts as run only if the storage took
// it.
void CandidateNode::on_job(int64_t period) {
  if (!holding_) return;
  Task task;
  task.kind = Task::Job;
  task.period = period;
  enqueue(std::string(kJobKey), std::move(task));
}

// Ids come from a counter in the resource, incremented on the holder's copy and written back: an id
// counts as handed out only if the storage took the new counter value.
void CandidateNode::on_id_tick() {
  if (!holding_) return;
  Task task;
  task.kind = Task::Id;
  enqueue(std::string(kIdKey), std::move(task));
}

void CandidateNode::enqueue(const std::string& key, Task task) {
  queues_[key].push_back(std::move(task));
  start_next(key);
}

// Sends the next operation on `key`, computed from the holder's copy (read-modify-write under the
// lock), with the holder's token.
void CandidateNode::start_next(const std::string& key) {
  if (!holding_ || !loaded_ || busy_.count(key) != 0) return;
  auto q = queues_.find(key);
  if (q == queues_.end()) return;
  if (q->second.empty()) {
    queues_.erase(q);
    return;
  }
  InFlight op;
  op.generation = generation_;
  op.task = std::move(q->second.front());
  op.key = key;
  q->second.pop_front();
  auto found = copy_.find(key);
  const std::optional<std::string> current =
      found == copy_.end() ? std::nullopt : std::optional<std::string>(found->second);
  switch (op.task.kind) {
    case Task::Client: {
      const ClientRequest& r = op.task.request;
      switch (r.kind) {
        case lin::OpKind::Read:
        case lin::OpKind::Get:
          break;
        case lin::OpKind::Write:
        case lin::OpKind::Put:
          op.written = r.value.value_or("");
          break;
        case lin::OpKind::Append:
          op.written = current.value_or("") + r.value.value_or("");
          break;
        case lin::OpKind::Cas:
          // A mismatch is still confirmed through the fence: only a holder the storage admits may
          // say "the value was not what you expected".
          if (current == r.expected) op.written = r.value.value_or("");
          break;
      }
      break;
    }
    case Task::Job:
      op.written = std::to_string(op.task.period);
      break;
    case Task::Id:
      op.written = std::to_string(parse_counter(current) + 1);
      break;
    case Task::Refresh:
      break;
  }
  const uint64_t seq = ++next_seq_;
  auto msg = std::make_unique<StorageOp>();
  msg->seq = seq;
  msg->token = token_;
  msg->key = key;
  msg->value = op.written;
  busy_.insert(key);
  in_flight_.emplace(seq, std::move(op));
  timers_.set(kOpTimeoutBase + seq, options_.ttl_us);
  ctx_.send(options_.lock_node, std::move(msg));
}

void CandidateNode::handle(const StorageResult& msg) {
  highest_token_ = std::max(highest_token_, msg.highest_token);
  auto it = in_flight_.find(msg.seq);
  if (it == in_flight_.end()) return;  // timed out already
  const InFlight op = std::move(it->second);
  in_flight_.erase(it);
  timers_.cancel(kOpTimeoutBase + msg.seq);
  const bool this_tenure = op.generation == generation_;
  if (this_tenure) busy_.erase(op.key);
  if (msg.accepted && this_tenure) {
    if (op.written) {
      copy_[op.key] = *op.written;
    } else if (op.task.kind == Task::Refresh) {
      if (msg.value) {
        copy_[op.key] = *msg.value;
      } else {
        copy_.erase(op.key);
      }
    }
  }
  finish(op, msg);
  if (!msg.accepted) {
    ctx_.note("storage refused token " + std::to_string(token_) + ": it has seen token " +
              std::to_string(msg.highest_token));
    if (this_tenure) step_down("the storage has seen a newer token");
    return;
  }
  if (this_tenure) start_next(op.key);
}

// Answers what the storage did, whichever tenure sent it: an accepted operation took effect.
void CandidateNode::finish(const InFlight& op, const StorageResult& result) {
  switch (op.task.kind) {
    case Task::Client: {
      const ClientRequest& r = op.task.request;
      ClientResponse response{r.op_id, ClientStatus::Ok, std::nullopt, ctx_.self()};
      if (!result.accepted) {
        // Not applied, and this node no longer leads: NotLeader rather than Fail, because a failed
        // cas would claim that the value differed from the expected one.
        response.status = ClientStatus::NotLeader;
        response.leader_hint = kNoNode;
      } else if (r.kind == lin::OpKind::Read) {
        response.value = result.value;
      } else if (r.kind == lin::OpKind::Get) {
        response.value = result.value.value_or("");
      } else if (r.kind == lin::OpKind::Cas && !op.written) {
        response.status = ClientStatus::Fail;
      }
      ctx_.reply(response);
      return;
    }
    case Task::Job:
      if (result.accepted) ctx_.job_ran(op.task.period);
      return;
    case Task::Id:
      if (result.accepted) ctx_.id_issued(parse_counter(op.written));
      return;
    case Task::Refresh:
      return;
  }
}

// No answer within a TTL (the storage is down or the message was lost): the outcome is unknown,
// so the client hears nothing (its request times out), and the key's copy is read again before
// the next operation on it is computed from it.
void CandidateNode::on_op_timeout(uint64_t seq) {
  auto it = in_flight_.find(seq);
  if (it == in_flight_.end()) return;
  const InFlight op = std::move(it->second);
  in_flight_.erase(it);
  if (op.generation != generation_) return;
  busy_.erase(op.key);
  Task refresh;
  refresh.kind = Task::Refresh;
  queues_[op.key].push_front(std::move(refresh));
  start_next(op.key);
}

void CandidateNode::on_timer(uint64_t tag) {
  timers_.fired(tag);
  if (tag >= kOpTimeoutBase) return on_op_timeout(tag - kOpTimeoutBase);
  switch (tag) {
    case kAcquire:
      if (!holding_) send_acquire();
      return;
    case kRenew:
      if (!holding_) return;
      {
        auto renew = std::make_unique<Renew>();
        renew->token = token_;
        renew->sent_us = ctx_.now();
        ctx_.send(options_.lock_node, std::move(renew));
      }
      timers_.set(kRenew, options_.renew_interval_us);
      return;
    case kBeliefEnds:
      // No renewal came back in time: the holder gives the lease up by its own clock.
      ctx_.reached(Reached::HolderDeadlinePassed);
      step_down("its lease deadline passed on its own clock");
      return;
    case kLoadTimeout:
      if (holding_ && !loaded_) send_load();
      return;
    default:
      BALLOT_REQUIRE(false, "unknown lease timer");
  }
}

}  // namespace ballot::lease
