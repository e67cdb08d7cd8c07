#include "algorithms/paxos/node.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "algorithms/paxos/situations.h"
#include "sim/api/trace.h"

namespace ballot::paxos {

namespace {

// Programmer errors abort loudly, in every build type.
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "paxos: invariant violated: %s\n", what);
  std::abort();
}

std::string show_ballot(int64_t ballot) {
  return "b" + std::to_string(ballot);
}

}  // namespace

int64_t ballot_owner(int64_t ballot, int32_t cluster_size) {
  require(ballot > 0 && cluster_size > 0, "a real ballot in a real cluster");
  return (ballot - 1) % cluster_size;
}

int64_t next_ballot_above(int64_t above, NodeId self, int32_t cluster_size) {
  require(above >= 0 && self >= 0 && self < cluster_size, "ballot arithmetic within the cluster");
  const int64_t round = above == 0 ? 0 : (above - 1) / cluster_size;
  int64_t ballot = round * cluster_size + self + 1;
  if (ballot <= above) ballot += cluster_size;
  return ballot;
}

const char* paxos_role_name(PaxosRole role) {
  switch (role) {
    case PaxosRole::Follower:
      return "follower";
    case PaxosRole::Candidate:
      return "candidate";
    case PaxosRole::Leader:
      return "leader";
  }
  std::abort();
}

PaxosNode::PaxosNode(Context& ctx, const PaxosOptions& options) : Node(ctx), options_(options) {}

// ================================================================================================
// Start, dispatch
// ================================================================================================

// A node starts as a follower. The acceptor's promise and accepted proposals come back from stable
// storage (§2.3); what it had learned, and the state machine, are volatile and are rebuilt from the
// leader's Decide messages (or, if it becomes leader, from its own phase 1).
void PaxosNode::on_start() {
  durable_ = kit::durable_at_start<PaxosDurable>(ctx_);
  const int32_t n = ctx_.cluster_size();
  promised_by_.assign(n, false);
  peer_first_unchosen_.assign(n, 1);
  heard_from_.assign(n, false);
  highest_seen_ = durable_->promised_ballot;
  if (durable_->promised_ballot > 0 || !durable_->accepted.empty()) {
    ctx_.note("recovered promise " + show_ballot(durable_->promised_ballot) +
              ", proposals accepted in " + std::to_string(durable_->accepted.size()) + " slots");
  }
  report_role();
  reset_election_timer();
}

void PaxosNode::on_message(NodeId from, const Message& msg) {
  require(durable_ != nullptr, "on_message before on_start");
  if (from < 0 || from >= ctx_.cluster_size() || from == ctx_.self()) return;
  heard_from_[from] = true;
  Messages::visit(msg, [&](const auto& m) { handle(from, m); });
  persist();
  check_invariants();
}

void PaxosNode::on_timer(uint64_t tag) {
  require(durable_ != nullptr, "on_timer before on_start");
  timers_.fired(tag);
  switch (tag) {
    case kTagElection:
      on_election_timeout();
      break;
    case kTagHeartbeat:
      on_heartbeat_timeout();
      break;
    case kTagPrepareRetry:
      on_prepare_retry_timeout();
      break;
    default:
      require(false, "unknown timer tag");
  }
  persist();
  check_invariants();
}

// ================================================================================================
// Acceptor
// ================================================================================================

// Phase 1(b): "If an acceptor receives a prepare request with number n greater than that of any
// prepare request to which it has already responded, then it responds to the request with a
// promise not to accept any more proposals numbered less than n and with the highest-numbered
// proposal (if any) that it has accepted." Multi-Paxos: one promise covers every slot from
// from_slot on, and carries the accepted proposal of each. The promise is on disk before the
// answer leaves (§2.3). A retransmitted prepare of the ballot already promised gets the same
// answer again; an older ballot gets a Nack naming the promise (the §2.2 optimization).
void PaxosNode::handle(NodeId from, const Prepare& msg) {
  note_ballot_seen(msg.ballot);
  if (msg.ballot < durable_->promised_ballot ||
      (msg.ballot == durable_->promised_ballot &&
       ballot_owner(msg.ballot, ctx_.cluster_size()) != from)) {
    send_nack(from, msg.ballot);
    return;
  }
  if (msg.ballot > durable_->promised_ballot) {
    durable_->promised_ballot = msg.ballot;
    unsynced_.mark();
    // Our own proposals are now refused by our own acceptor: abandon them.
    if (role_ != PaxosRole::Follower && ballot_ < msg.ballot) {
      ctx_.reached(Reached::DuelingProposers);  // preempted by a higher Prepare
      step_down(msg.ballot);
    }
    // We stop following the old leader (its accepts will be refused here) and give the new
    // proposer a full election timeout to finish its phase 1.
    leader_id_ = kNoNode;
    leader_ballot_ = 0;
    reset_election_timer();
    report_role();
  }
  auto promise = std::make_unique<Promise>();
  promise->ballot = msg.ballot;
  promise->accepted = durable_->accepted_from(msg.from_slot);
  send(from, std::move(promise));
}

// Phase 2(b): "If an acceptor receives an accept request for a proposal numbered n, it accepts the
// proposal unless it has already responded to a prepare request having a number greater than n."
// The acceptance is on disk before Accepted leaves. An accept request also tells us who leads.
void PaxosNode::handle(NodeId from, const Accept& msg) {
  note_ballot_seen(msg.ballot);
  if (!accept_locally(msg.ballot, msg.slot, msg.value)) {
    send_nack(from, msg.ballot);
    return;
  }
  if (role_ != PaxosRole::Follower && ballot_ < msg.ballot) step_down(msg.ballot);
  if (role_ == PaxosRole::Follower) follow(msg.ballot);
  auto accepted = std::make_unique<Accepted>();
  accepted->ballot = msg.ballot;
  accepted->slot = msg.slot;
  send(from, std::move(accepted));
}

bool PaxosNode::accept_locally(int64_t ballot, int64_t slot, const Value& value) {
  require(slot >= 1, "slots start at 1");
  if (ballot < durable_->promised_ballot) {
    if (!options_.bugs.accept_despite_promise) return false;
    ctx_.note("bugs.accept_despite_promise: accepting " + show_ballot(ballot) +
              " despite promise " + show_ballot(durable_->promised_ballot));
  }
  // Accepting n is also a promise not to accept less than n: a prepare of n has been answered by
  // n's proposer on our behalf, and raising the promise only refuses more.
  durable_->promised_ballot = std::max(durable_->promised_ballot, ballot);
  if (slot > static_cast<int64_t>(durable_->accepted.size())) {
    durable_->accepted.resize(static_cast<size_t>(slot));
  }
  durable_->accepted[static_cast<size_t>(slot - 1)] = AcceptedProposal{slot, ballot, value};
  unsynced_.mark();
  persist();
  AcceptFact fact;
  fact.slot = slot;
  fact.ballot = ballot;
  fact.value = value;
  ctx_.record(fact);
  return true;
}

// ================================================================================================
// Proposer
// ================================================================================================

// Phase 1(a) for a new ballot: "a proposer selects a proposal number n and sends a prepare request
// with number n to a majority of acceptors" (we send it to all). §3: a new leader runs phase 1 once
// for every slot from its first unchosen one, "infinitely many instances" in one message. Our own
// acceptor answers first, by the same rule.
void PaxosNode::start_phase1() {
  require(role_ != PaxosRole::Leader, "a leader does not run phase 1 again");
  ballot_ = next_ballot_above(std::max(highest_seen_, durable_->promised_ballot), ctx_.self(),
                              ctx_.cluster_size());
  note_ballot_seen(ballot_);
  role_ = PaxosRole::Candidate;
  leader_id_ = kNoNode;
  leader_ballot_ = 0;
  phase1_from_slot_ = first_unchosen_;
  promised_by_.assign(ctx_.cluster_size(), false);
  promised_accepted_.clear();
  durable_->promised_ballot = ballot_;
  unsynced_.mark();
  persist();
  promised_by_[ctx_.self()] = true;
  for (const AcceptedProposal& a : durable_->accepted_from(phase1_from_slot_)) {
    promised_accepted_[a.slot] = a;
  }
  report_role();
  reset_election_timer();  // if this ballot does not win in time, try a higher one
  if (quorum() == 1) {
    become_leader();
    return;
  }
  Prepare prepare;
  prepare.ballot = ballot_;
  prepare.from_slot = phase1_from_slot_;
  ctx_.broadcast(prepare);
  timers_.set(kTagPrepareRetry, options_.heartbeat_interval_us);
}

// Phase 1 ends when "the proposer receives a response to its prepare requests (numbered n) from a
// majority of acceptors". We keep, per slot, the highest-numbered accepted proposal reported.
void PaxosNode::handle(NodeId from, const Promise& msg) {
  if (role_ != PaxosRole::Candidate || msg.ballot != ballot_) return;  // stale
  for (const AcceptedProposal& a : msg.accepted) {
    if (a.slot < phase1_from_slot_) continue;
    auto [it, inserted] = promised_accepted_.emplace(a.slot, a);
    if (!inserted && a.ballot > it->second.ballot) it->second = a;
  }
  promised_by_[from] = true;
  if (std::count(promised_by_.begin(), promised_by_.end(), true) >= quorum()) become_leader();
}

// Phase 2(a) for every slot phase 1 covered: "it then sends an accept request ... for a proposal
// numbered n with a value v, where v is the value of the highest-numbered proposal among the
// responses, or is any value if the responses reported no proposals." §3: gaps below the highest
// slot reported are filled with no-ops so that later commands can be applied. Then the leader
// serves clients, one new slot per command.
void PaxosNode::become_leader() {
  require(role_ == PaxosRole::Candidate, "only a candidate becomes leader");
  role_ = PaxosRole::Leader;
  leader_id_ = ctx_.self();
  leader_ballot_ = ballot_;
  report_role();
  timers_.cancel(kTagElection);
  timers_.cancel(kTagPrepareRetry);
  proposals_.clear();
  peer_first_unchosen_.assign(ctx_.cluster_size(), 1);
  int64_t last_slot = first_unchosen_ - 1;
  if (!promised_accepted_.empty())
    last_slot = std::max(last_slot, promised_accepted_.rbegin()->first);
  if (!chosen_.empty()) last_slot = std::max(last_slot, chosen_.rbegin()->first);
  ctx_.note("leads " + show_ballot(ballot_) + ": phase 2 for slots " +
            std::to_string(phase1_from_slot_) + ".." + std::to_string(last_slot));
  next_slot_ = last_slot + 1;
  for (int64_t slot = phase1_from_slot_; slot <= last_slot; ++slot) {
    if (role_ != PaxosRole::Leader) return;  // (cannot happen: our own acceptor promised us)
    if (chosen_.count(slot) != 0) continue;  // already chosen: nothing to decide
    auto found = promised_accepted_.find(slot);
    if (found != promised_accepted_.end() && !options_.bugs.ignore_accepted_in_promises) {
      ctx_.reached(Reached::ValueAdoptedFromPromise);  // phase 2(a): the highest-numbered value
      propose(slot, found->second.value);
    } else {
      // A slot nothing was reported for is a gap (§3); with the bug, a reported value is dropped.
      ctx_.reached(found != promised_accepted_.end() ? Reached::AcceptedValueIgnored
                                                     : Reached::GapFilledWithNoop);
      propose(slot, Value{Command{}, ballot_});  // a no-op
    }
  }
  promised_accepted_.clear();
  timers_.set(kTagHeartbeat, options_.heartbeat_interval_us);
  Heartbeat heartbeat;
  heartbeat.ballot = ballot_;
  heartbeat.first_unchosen = first_unchosen_;
  ctx_.broadcast(heartbeat);
}

// Phase 2(a) for one slot: our own acceptor accepts first, then every other acceptor is asked.
void PaxosNode::propose(int64_t slot, const Value& value) {
  require(role_ == PaxosRole::Leader, "only a leader proposes");
  ProposeFact fact;
  fact.slot = slot;
  fact.ballot = ballot_;
  fact.value = value;
  ctx_.record(fact);
  Proposal& proposal = proposals_[slot];
  proposal.value = value;
  proposal.accepted_by.assign(ctx_.cluster_size(), false);
  require(accept_locally(ballot_, slot, value), "a leader's own acceptor accepts its ballot");
  proposal.accepted_by[ctx_.self()] = true;
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer != ctx_.self()) send_accept(peer, slot);
  }
  if (quorum() == 1) {
    proposals_.erase(slot);
    learn(slot, value);
  }
}

void PaxosNode::send_accept(NodeId peer, int64_t slot) {
  auto msg = std::make_unique<Accept>();
  msg->ballot = ballot_;
  msg->slot = slot;
  msg->value = proposals_.at(slot).value;
  send(peer, std::move(msg));
}

// A value is chosen "when a large enough set of acceptors [a majority] has accepted it" in one
// ballot. The leader is the distinguished learner (§2.3): it learns first and tells the others.
void PaxosNode::handle(NodeId from, const Accepted& msg) {
  if (role_ != PaxosRole::Leader || msg.ballot != ballot_) return;
  auto it = proposals_.find(msg.slot);
  if (it == proposals_.end()) return;  // already chosen
  it->second.accepted_by[from] = true;
  if (std::count(it->second.accepted_by.begin(), it->second.accepted_by.end(), true) < quorum()) {
    return;
  }
  const Value value = it->second.value;
  proposals_.erase(it);
  learn(msg.slot, value);
  Decide decide;
  decide.chosen.push_back(Decide::Entry{msg.slot, value});
  ctx_.broadcast(decide);
}

// An acceptor refused our ballot because it promised a higher one (§2.2: "the proposer should
// abandon its proposal"). Dueling proposers show up as chains of these.
void PaxosNode::handle(NodeId from, const Nack& msg) {
  note_ballot_seen(msg.promised);
  if (role_ == PaxosRole::Follower || msg.ballot != ballot_ || msg.promised <= ballot_) return;
  ctx_.note(node_name(from) + " refused " + show_ballot(ballot_) + ": it promised " +
            show_ballot(msg.promised));
  ctx_.reached(Reached::DuelingProposers);  // §2.2: abandon the proposal
  step_down(msg.promised);
}

// The leader catches up a follower that has learned less than it has.
void PaxosNode::handle(NodeId from, const HeartbeatReply& msg) {
  if (role_ != PaxosRole::Leader || msg.ballot != ballot_) return;
  peer_first_unchosen_[from] = msg.first_unchosen;
  if (msg.first_unchosen < first_unchosen_) {
    ctx_.reached(Reached::FollowerCaughtUp);
    send_decides(from, msg.first_unchosen);
  }
}

void PaxosNode::send_decides(NodeId peer, int64_t from_slot) {
  auto decide = std::make_unique<Decide>();
  for (auto it = chosen_.lower_bound(from_slot); it != chosen_.end(); ++it) {
    if (static_cast<int64_t>(decide->chosen.size()) >= options_.max_decides_per_message) break;
    decide->chosen.push_back(Decide::Entry{it->first, it->second});
  }
  if (!decide->chosen.empty()) send(peer, std::move(decide));
}

// ================================================================================================
// Learner, follower
// ================================================================================================

// §2.3: a learner learns a value once the distinguished learner tells it the value is chosen. A
// chosen value never changes, so a Decide from any leader, old or new, is true.
void PaxosNode::handle(NodeId /*from*/, const Decide& msg) {
  for (const Decide::Entry& e : msg.chosen) learn(e.slot, e.value);
}

// §3: a leader's heartbeat keeps us from starting phase 1, as long as its ballot is not below our
// promise. A heartbeat of an older ballot gets a Nack: its leader has been superseded.
void PaxosNode::handle(NodeId from, const Heartbeat& msg) {
  note_ballot_seen(msg.ballot);
  if (msg.ballot < durable_->promised_ballot) {
    send_nack(from, msg.ballot);
    return;
  }
  if (msg.ballot > durable_->promised_ballot) {
    // Not in the paper: we treat the leader's heartbeat as a promise to its ballot (without an
    // answer). Promising more only refuses more, so it is safe; it keeps an acceptor from going
    // back to following an older leader whose heartbeat arrives late.
    durable_->promised_ballot = msg.ballot;
    unsynced_.mark();
  }
  if (role_ != PaxosRole::Follower && ballot_ < msg.ballot) step_down(msg.ballot);
  if (role_ == PaxosRole::Follower) follow(msg.ballot);
  auto reply = std::make_unique<HeartbeatReply>();
  reply->ballot = msg.ballot;
  reply->first_unchosen = first_unchosen_;
  send(from, std::move(reply));
}

void PaxosNode::learn(int64_t slot, const Value& value) {
  auto [it, inserted] = chosen_.emplace(slot, value);
  if (!inserted) {
    // Only a bug toggle gets here (a slot has one chosen value): keep the first, say so.
    if (!(it->second == value)) {
      ctx_.note("slot " + std::to_string(slot) + " chosen again with a different value: " +
                value.describe() + " after " + it->second.describe());
    }
    return;
  }
  proposals_.erase(slot);  // learned from a Decide: no need to ask for it any more
  LearnFact fact;
  fact.slot = slot;
  fact.value = value;
  ctx_.record(fact);
  while (chosen_.count(first_unchosen_) != 0) ++first_unchosen_;
  apply_chosen();
}

// Chosen values are applied in slot order; a gap waits for its slot to be chosen.
void PaxosNode::apply_chosen() {
  while (last_applied_ + 1 < first_unchosen_) {
    ++last_applied_;
    const Value& value = chosen_.at(last_applied_);
    const raft::ApplyResult result = kv_.apply(value.command);
    ApplyFact fact;
    fact.slot = last_applied_;
    fact.value = value;
    ctx_.record(fact);
    answer_client(last_applied_, value, result);
    perform_duty(last_applied_, value, result);
  }
}

// ================================================================================================
// Timers
// ================================================================================================

// No heartbeat from a leader within the election timeout: we believe we should lead (§3, "a
// reliable algorithm for electing a proposer must use either randomness or real time").
void PaxosNode::on_election_timeout() {
  if (role_ == PaxosRole::Leader) return;
  // Our ballot did not gather a majority of promises in time: try a higher one.
  if (role_ == PaxosRole::Candidate) ctx_.reached(Reached::Phase1TimedOut);
  start_phase1();
}

// The leader's heartbeat. Accepts not yet answered are sent again (messages may be lost), to the
// peers we have heard from since the last heartbeat: one cut off gets them once it answers.
void PaxosNode::on_heartbeat_timeout() {
  if (role_ != PaxosRole::Leader) return;
  timers_.set(kTagHeartbeat, options_.heartbeat_interval_us);
  Heartbeat heartbeat;
  heartbeat.ballot = ballot_;
  heartbeat.first_unchosen = first_unchosen_;
  persist();
  ctx_.broadcast(heartbeat);
  for (auto& [slot, proposal] : proposals_) {
    for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
      if (peer != ctx_.self() && heard_from_[peer] && !proposal.accepted_by[peer]) {
        send_accept(peer, slot);
      }
    }
  }
  heard_from_.assign(ctx_.cluster_size(), false);
}

void PaxosNode::on_prepare_retry_timeout() {
  if (role_ != PaxosRole::Candidate) return;
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (promised_by_[peer]) continue;
    auto prepare = std::make_unique<Prepare>();
    prepare->ballot = ballot_;
    prepare->from_slot = phase1_from_slot_;
    send(peer, std::move(prepare));
  }
  timers_.set(kTagPrepareRetry, options_.heartbeat_interval_us);
}

// ================================================================================================
// Role transitions
// ================================================================================================

// A higher ballot exists: our proposals in ballot_ can no longer be chosen by a majority that
// includes the acceptor that told us. Values we proposed stay with the acceptors; the next
// leader's phase 1 finds them.
void PaxosNode::step_down(int64_t higher_ballot) {
  require(higher_ballot > ballot_, "step_down only for a higher ballot");
  note_ballot_seen(higher_ballot);
  role_ = PaxosRole::Follower;
  leader_id_ = kNoNode;
  leader_ballot_ = 0;
  proposals_.clear();
  promised_accepted_.clear();
  timers_.cancel(kTagHeartbeat);
  timers_.cancel(kTagPrepareRetry);
  if (!timers_.armed(kTagElection)) reset_election_timer();
  report_role();
}

void PaxosNode::follow(int64_t ballot) {
  require(role_ == PaxosRole::Follower, "only a follower follows");
  leader_id_ = static_cast<NodeId>(ballot_owner(ballot, ctx_.cluster_size()));
  leader_ballot_ = ballot;
  // Leadership passed on: the leader we followed before had a lower ballot.
  if (followed_ballot_ != 0 && ballot > followed_ballot_) ctx_.reached(Reached::LeaderChange);
  followed_ballot_ = std::max(followed_ballot_, ballot);
  reset_election_timer();
  report_role();
}

void PaxosNode::note_ballot_seen(int64_t ballot) {
  highest_seen_ = std::max(highest_seen_, ballot);
}

// ================================================================================================
// Clients and duties
// ================================================================================================

// Clients send commands to the leader, which puts each in the next free slot and runs phase 2 for
// it; the answer comes once the slot is chosen and applied. Reads go through a slot as well, so
// they are linearizable. Other nodes redirect to the leader they follow.
void PaxosNode::on_client_request(const ClientRequest& request) {
  require(durable_ != nullptr, "client request before on_start");
  if (role_ != PaxosRole::Leader) {
    reply_client(ClientResponse{request.op_id, ClientStatus::NotLeader, std::nullopt, leader_id_});
    return;
  }
  const int64_t slot = next_slot_++;
  pending_.add(slot, request.op_id);
  propose(slot, Value{Command::from_request(request), ballot_});
  persist();
  check_invariants();
}

// Leader duties, done as Raft does them: a leader does not act on its belief that it leads, which
// may be stale. It proposes the decision, and acts once its own value is chosen and applied.
// Chosen values are unique per slot, so no job period runs twice (the state machine runs each
// period once) and no id is handed out twice (ids come from a replicated counter).
void PaxosNode::on_job(int64_t period) {
  if (durable_ != nullptr && role_ == PaxosRole::Leader) propose_duty(Command::job(period));
}

void PaxosNode::on_id_tick() {
  if (durable_ != nullptr && role_ == PaxosRole::Leader) propose_duty(Command::id());
}

void PaxosNode::propose_duty(const Command& duty) {
  const int64_t slot = next_slot_++;
  const Value value{duty, ballot_};
  pending_duties_.add(slot, value);
  propose(slot, value);
  persist();
  check_invariants();
}

void PaxosNode::perform_duty(int64_t slot, const Value& applied, const raft::ApplyResult& result) {
  const std::optional<Value> proposed = pending_duties_.take(slot);
  if (proposed && *proposed == applied) raft::report_duty(ctx_, applied.command, result);
}

void PaxosNode::answer_client(int64_t slot, const Value& applied, const raft::ApplyResult& result) {
  // Another value chosen in this slot means ours never will be (it was only proposed here).
  if (const std::optional<uint64_t> op_id = pending_.take(slot)) {
    reply_client(raft::answer_waiting_client(*op_id, applied.command, result, leader_id_));
  }
}

// ================================================================================================
// Effects
// ================================================================================================

void PaxosNode::persist() {
  unsynced_.sync(ctx_);
}

// §2.3: the acceptor's promise and acceptances reach stable storage before it answers.
void PaxosNode::send(NodeId to, std::unique_ptr<Message> msg) {
  persist();
  ctx_.send(to, std::move(msg));
}

// §2.2: tell the proposer of `ballot` that a higher ballot was promised, so it can give up.
void PaxosNode::send_nack(NodeId to, int64_t ballot) {
  ctx_.reached(Reached::OldBallotRefused);
  auto nack = std::make_unique<Nack>();
  nack->ballot = ballot;
  nack->promised = durable_->promised_ballot;
  send(to, std::move(nack));
}

void PaxosNode::reply_client(const ClientResponse& response) {
  persist();
  ctx_.reply(response);
}

void PaxosNode::reset_election_timer() {
  const Time_us timeout_us =
      ctx_.random().uniform_int(options_.election_timeout_min_us, options_.election_timeout_max_us);
  timers_.set(kTagElection, timeout_us);
}

void PaxosNode::check_invariants() const {
  require(!unsynced_.any(), "every durable change is synced by the end of an event");
  require(last_applied_ == first_unchosen_ - 1, "every slot known chosen in order is applied");
  require(chosen_.count(first_unchosen_) == 0, "first_unchosen_ is not chosen");
  if (role_ != PaxosRole::Follower) {
    // A proposer's own acceptor has promised exactly its ballot: a higher promise steps it down.
    require(durable_->promised_ballot == ballot_, "a proposer's acceptor promised its ballot");
    require(ballot_owner(ballot_, ctx_.cluster_size()) == ctx_.self(), "we own our ballot");
  }
  if (role_ == PaxosRole::Leader) {
    require(leader_id_ == ctx_.self(), "a leader follows itself");
    require(proposals_.empty() || proposals_.rbegin()->first < next_slot_,
            "phase 2 runs only below next_slot_");
  } else {
    require(proposals_.empty(), "only a leader has phase 2 in flight");
  }
}

// The epoch is the ballot: our own as a candidate or leader, our leader's as a follower (our
// promise when we follow no one).
int64_t PaxosNode::reported_epoch() const {
  if (role_ != PaxosRole::Follower) return ballot_;
  return leader_id_ != kNoNode ? leader_ballot_ : durable_->promised_ballot;
}

void PaxosNode::report_role() {
  Role role = Role::Follower;
  if (role_ == PaxosRole::Candidate) role = Role::Candidate;
  if (role_ == PaxosRole::Leader) role = Role::Leader;
  const int64_t epoch = reported_epoch();
  reported_.report(ctx_, role, epoch, leader_id_);
}

}  // namespace ballot::paxos
