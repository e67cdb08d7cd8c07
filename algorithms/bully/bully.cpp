#include "algorithms/bully/bully.h"

#include "algorithms/bully/situations.h"

#include "sim/api/require.h"

namespace ballot::bully {

int64_t Coordinator::size_bytes() const {
  int64_t bytes = 16;
  for (const auto& [key, value] : state) bytes += static_cast<int64_t>(key.size() + value.size());
  return bytes;
}

BullyNode::BullyNode(Context& ctx, Options options) : Node(ctx), options_(options) {}

void BullyNode::set_state(State state) {
  state_ = state;
  switch (state) {
    case State::Follower:
      ctx_.report(Role::Follower, 0, coordinator_);
      break;
    case State::Electing:
    case State::AwaitingCoordinator:
      ctx_.report(Role::Candidate, 0, kNoNode);
      break;
    case State::Coordinator:
      ctx_.report(Role::Leader, 0, ctx_.self());
      break;
  }
}

// A node that boots, or recovers, holds an election at once: if it has the highest id it will
// take over from a lower coordinator (Garcia-Molina §4, the recovery rule).
void BullyNode::on_start() {
  start_election();
}

// Election(i) (Garcia-Molina §4): ask every higher-priority node whether it is alive. If none
// answers within the timeout, this node is the highest alive and becomes coordinator. The node
// that detected the coordinator's failure does not ask that coordinator again: it already knows
// it is unresponsive (so the best case costs exactly n-2 messages, as in the textbook).
void BullyNode::start_election() {
  if (state_ == State::Electing || state_ == State::AwaitingCoordinator) return;
  timers_.cancel(kFailure);
  coordinator_ = kNoNode;
  bool asked = false;
  for (NodeId higher = ctx_.self() + 1; higher < ctx_.cluster_size(); ++higher) {
    if (higher == suspected_) continue;
    ctx_.send(higher, std::make_unique<Election>());
    asked = true;
  }
  if (!asked) return become_coordinator();
  set_state(State::Electing);
  timers_.set(kAnswer, options_.answer_timeout_us);
}

// No higher node answered: this node is to coordinate. With a fencing device (STONITH,
// docs/stonith.md), it first has the coordinator it last followed powered off and waits, still a
// candidate, for the device's answer (on_fenced): a coordinator that only seemed dead (paused,
// slow, cut off) then cannot act beside it. Without one, it takes over at once.
void BullyNode::become_coordinator() {
  timers_.cancel(kAnswer);
  timers_.cancel(kCoordinatorWait);
  timers_.cancel(kFailure);
  if (fencing_) return;
  const NodeId previous = previous_coordinator_;
  if (previous != kNoNode && previous != ctx_.self() && ctx_.fence(previous)) {
    fencing_ = true;
    set_state(State::Electing);
    return;
  }
  take_over();
}

// STONITH: the device powered the previous coordinator off (or, with on_unreachable "proceed",
// did not answer): take over, unless this node has meanwhile heard of a higher coordinator.
void BullyNode::on_fenced(NodeId, bool) {
  if (!fencing_) return;
  fencing_ = false;
  if (state_ != State::Electing) return;
  take_over();
}

// Announce to every lower node that this node coordinates, with its state (the backups take it
// over), and start sending heartbeats.
void BullyNode::take_over() {
  suspected_ = kNoNode;
  previous_coordinator_ = kNoNode;
  coordinator_ = ctx_.self();
  set_state(State::Coordinator);
  Coordinator announce;
  announce.state = store_;
  for (NodeId lower = 0; lower < ctx_.self(); ++lower) ctx_.send(lower, announce.clone());
  timers_.set(kHeartbeat, options_.heartbeat_interval_us);
}

void BullyNode::accept_coordinator(NodeId coordinator) {
  timers_.cancel(kAnswer);
  timers_.cancel(kCoordinatorWait);
  timers_.cancel(kHeartbeat);
  suspected_ = kNoNode;
  if (fencing_) ctx_.cancel_fence(previous_coordinator_);
  fencing_ = false;
  if (coordinator != ctx_.self()) previous_coordinator_ = coordinator;
  coordinator_ = coordinator;
  set_state(State::Follower);
  timers_.set(kFailure, options_.failure_timeout_us);
}

void BullyNode::on_message(NodeId from, const Message& msg) {
  const bool known = Messages::visit(msg, [&](const auto& m) { handle(from, m); });
  BALLOT_REQUIRE(known, "unknown Bully message");
}

// A backup applies what its primary replicates; writes from anyone else are stale.
void BullyNode::handle(NodeId from, const Replicate& msg) {
  if (from == coordinator_ && state_ == State::Follower) store_[msg.key] = msg.value;
}

// On Election from a lower node (Garcia-Molina §4): answer "I am alive", then hold an election
// of one's own, which bullies the lower node out of the way.
void BullyNode::handle(NodeId from, const Election&) {
  BALLOT_REQUIRE(from < ctx_.self(), "Election from a higher node");
  ctx_.send(from, std::make_unique<Answer>());
  if (state_ == State::Coordinator) {
    // Already the highest alive: repeat the announcement to the node that asked.
    Coordinator announce;
    announce.state = store_;
    ctx_.send(from, announce.clone());
    return;
  }
  start_election();
}

// On Answer: a higher node is alive and will take over; wait for its Coordinator message.
void BullyNode::handle(NodeId, const Answer&) {
  if (state_ != State::Electing) return;
  if (fencing_) ctx_.cancel_fence(previous_coordinator_);
  fencing_ = false;  // a higher node takes over: no need to wait for the device
  ctx_.reached(Reached::HigherNodeAnswered);
  timers_.cancel(kAnswer);
  state_ = State::AwaitingCoordinator;
  timers_.set(kCoordinatorWait, options_.coordinator_timeout_us);
}

// On Coordinator(k): a higher node announces itself; follow it and take its state. A Coordinator
// from a lower node means that node did not hear us: hold an election to bully it.
void BullyNode::handle(NodeId from, const Coordinator& msg) {
  if (from < ctx_.self()) {
    ctx_.reached(Reached::LowerCoordinatorBullied);
    if (state_ == State::Coordinator) {
      Coordinator announce;
      announce.state = store_;
      ctx_.send(from, announce.clone());
    } else {
      start_election();
    }
    return;
  }
  if (state_ == State::Coordinator) ctx_.reached(Reached::CoordinatorDeposed);
  store_ = msg.state;
  accept_coordinator(from);
}

// Heartbeats are the failure detector: a follower that stops hearing its coordinator suspects it.
void BullyNode::handle(NodeId from, const Heartbeat&) {
  if (from == coordinator_ && state_ == State::Follower) {
    timers_.set(kFailure, options_.failure_timeout_us);
    return;
  }
  if (from < ctx_.self()) {
    // A lower node believes it coordinates (split brain after a partition heals): bully it.
    if (state_ == State::Coordinator || state_ == State::Follower)
      ctx_.reached(Reached::LowerCoordinatorBullied);
    if (state_ == State::Coordinator) {
      Coordinator announce;
      announce.state = store_;
      ctx_.send(from, announce.clone());
    } else if (state_ == State::Follower) {
      start_election();
    }
    return;
  }
  // A heartbeat from a higher node than the one we follow: a coordinator we did not know of
  // (a partition healed). It outranks ours: follow it. A heartbeat from a node between us and
  // our coordinator is stale (sent before it learnt of ours): ignore it.
  const bool outranks = coordinator_ == kNoNode || from > coordinator_;
  // A node waiting for the fencing device (STONITH) to power off a higher coordinator that turns
  // out to be alive and heard again follows it instead (it cannot have been powered off).
  if (outranks && (state_ == State::Follower || state_ == State::Coordinator || fencing_)) {
    if (state_ == State::Coordinator) ctx_.reached(Reached::CoordinatorDeposed);
    accept_coordinator(from);
  }
}

void BullyNode::on_timer(uint64_t tag) {
  timers_.fired(tag);
  switch (tag) {
    case kHeartbeat:
      if (state_ != State::Coordinator) return;
      ctx_.broadcast(Heartbeat());
      timers_.set(kHeartbeat, options_.heartbeat_interval_us);
      return;
    case kFailure:
      if (state_ != State::Follower) return;
      ctx_.note("coordinator " + node_name(coordinator_) + " suspected: no heartbeat");
      ctx_.reached(Reached::CoordinatorSuspected);
      suspected_ = coordinator_;
      start_election();
      return;
    case kAnswer:
      if (state_ == State::Electing) {
        ctx_.reached(Reached::WonUnopposed);  // nobody higher is alive, as far as it can tell
        become_coordinator();
      }
      return;
    case kCoordinatorWait:
      // The higher node that answered never announced itself: try again.
      if (state_ == State::AwaitingCoordinator) {
        ctx_.reached(Reached::AnsweredButSilent);
        state_ = State::Follower;
        start_election();
      }
      return;
    default:
      BALLOT_REQUIRE(false, "unknown Bully timer");
  }
}

// Primary-backup: the coordinator applies the operation, acknowledges it at once, and pushes the
// new value to every other node without waiting. Nothing checks that a majority has it.
void BullyNode::on_client_request(const ClientRequest& request) {
  ClientResponse response;
  response.op_id = request.op_id;
  if (state_ != State::Coordinator) {
    response.status = ClientStatus::NotLeader;
    response.leader_hint = state_ == State::Follower ? coordinator_ : kNoNode;
    ctx_.reply(response);
    return;
  }
  auto it = store_.find(request.key);
  const std::optional<std::string> current =
      it == store_.end() ? std::nullopt : std::optional<std::string>(it->second);
  std::optional<std::string> written;
  switch (request.kind) {
    case lin::OpKind::Read:
      response.value = current;
      break;
    case lin::OpKind::Get:
      response.value = current.value_or("");
      break;
    case lin::OpKind::Write:
    case lin::OpKind::Put:
      written = request.value.value_or("");
      break;
    case lin::OpKind::Append:
      written = current.value_or("") + request.value.value_or("");
      break;
    case lin::OpKind::Cas:
      if (current != request.expected) {
        response.status = ClientStatus::Fail;
      } else {
        written = request.value.value_or("");
      }
      break;
  }
  if (written) {
    store_[request.key] = *written;
    replicate(request.key, *written);
  }
  ctx_.reply(response);
}

void BullyNode::replicate(const std::string& key, const std::string& value) {
  Replicate r;
  r.key = key;
  r.value = value;
  ctx_.broadcast(r);
}

// The scheduled job: the coordinator runs it, trusting its own belief that it coordinates.
// Nothing stops a coordinator cut off from the others from running it too.
void BullyNode::on_job(int64_t period) {
  if (state_ == State::Coordinator) ctx_.job_ran(period);
}

// Unique ids from a counter in the replicated register state (key "__next_id"): a coordinator on
// each side of a partition starts from the same value, so both hand out the same ids.
void BullyNode::on_id_tick() {
  if (state_ != State::Coordinator) return;
  static const std::string kCounterKey = "__next_id";
  auto it = store_.find(kCounterKey);
  const int64_t next = it == store_.end() ? 1 : std::stoll(it->second) + 1;
  store_[kCounterKey] = std::to_string(next);
  replicate(kCounterKey, store_[kCounterKey]);
  ctx_.id_issued(next);
}

AlgorithmInfo bully_algorithm() {
  AlgorithmInfo info;
  info.name = "bully";
  info.description = "Garcia-Molina's Bully election with heartbeats; primary-backup register";
  info.has_epochs = false;
  for (std::string_view t :
       {Election::kType, Answer::kType, Coordinator::kType, Heartbeat::kType, Replicate::kType})
    info.message_types.emplace_back(t);
  info.situations.assign(kSituations.begin(), kSituations.end());
  info.make = [](Params& params, int32_t cluster_size) -> NodeFactory {
    constexpr Time_us kMin_us = 1, kMax_us = 3600 * kSecond_us;
    Options defaults;
    defaults.heartbeat_interval_us = params.get_duration_us(
        "heartbeat_interval", defaults.heartbeat_interval_us, kMin_us, kMax_us);
    defaults.failure_timeout_us =
        params.get_duration_us("failure_timeout", defaults.failure_timeout_us, kMin_us, kMax_us);
    defaults.answer_timeout_us =
        params.get_duration_us("answer_timeout", defaults.answer_timeout_us, kMin_us, kMax_us);
    defaults.coordinator_timeout_us = params.get_duration_us(
        "coordinator_timeout", defaults.coordinator_timeout_us, kMin_us, kMax_us);
    // Per-node overrides ("n1.failure_timeout"), so that a scenario can choose who notices first.
    std::vector<Options> per_node(static_cast<size_t>(cluster_size), defaults);
    for (NodeId i = 0; i < cluster_size; ++i) {
      const std::string prefix = node_name(i) + ".";
      Options& o = per_node[static_cast<size_t>(i)];
      o.heartbeat_interval_us = params.get_duration_us(prefix + "heartbeat_interval",
                                                       o.heartbeat_interval_us, kMin_us, kMax_us);
      o.failure_timeout_us = params.get_duration_us(prefix + "failure_timeout",
                                                    o.failure_timeout_us, kMin_us, kMax_us);
      o.answer_timeout_us =
          params.get_duration_us(prefix + "answer_timeout", o.answer_timeout_us, kMin_us, kMax_us);
      o.coordinator_timeout_us = params.get_duration_us(prefix + "coordinator_timeout",
                                                        o.coordinator_timeout_us, kMin_us, kMax_us);
    }
    params.finish();
    return [per_node](Context& ctx) -> std::unique_ptr<Node> {
      return std::make_unique<BullyNode>(ctx, per_node[static_cast<size_t>(ctx.self())]);
    };
  };
  return info;
}

}  // namespace ballot::bully
