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

// "Never" for the per-peer times (nothing sent, nothing heard): far enough below any clock reading
// that every interval has passed, and that a difference cannot overflow.
constexpr Time_us kLongAgo_us = INT64_MIN / 4;

// Whether `interval` has passed since `since` on a clock that reads `now`. A clock that jumped
// back before `since` counts as passed: a heartbeat or a retry is never held back by a jump.
bool elapsed(Time_us since, Time_us now, Time_us interval) {
  return now < since || now - since >= interval;
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
// leader's watermark and catch-up Decides (or, if it becomes leader, from its own phase 1).
void PaxosNode::on_start() {
  durable_ = kit::durable_at_start<PaxosDurable>(ctx_);
  const int32_t n = ctx_.cluster_size();
  promised_by_.assign(n, false);
  last_sent_us_.assign(n, kLongAgo_us);
  catchup_below_.assign(n, 0);
  catchup_sent_us_.assign(n, kLongAgo_us);
  heard_us_.assign(n, kLongAgo_us);
  heard_seq_.assign(n, 0);
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
  heard_us_[from] = ctx_.now();
  heard_seq_[from] = ++seq_;
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
    case kTagAcceptRetry:
      on_accept_retry_timeout();
      break;
    case kTagCheckQuorum:
      on_check_quorum_timeout();
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
// The acceptance is on disk before Accepted leaves. An accept request also tells us who leads, and
// carries the leader's decision watermark (learn_decided); Accepted says how far we have learned.
void PaxosNode::handle(NodeId from, const Accept& msg) {
  note_ballot_seen(msg.ballot);
  if (!accept_locally(msg.ballot, msg.slot, msg.value)) {
    send_nack(from, msg.ballot);
    return;
  }
  if (role_ != PaxosRole::Follower && ballot_ < msg.ballot) step_down(msg.ballot);
  if (role_ == PaxosRole::Follower) follow(msg.ballot);
  if (msg.ballot == decided_ballot_ && msg.slot < decided_below_) learn(msg.slot, msg.value);
  learn_decided(msg.ballot, msg.first_unchosen);
  auto accepted = std::make_unique<Accepted>();
  accepted->ballot = msg.ballot;
  accepted->slot = msg.slot;
  accepted->first_unchosen = first_unchosen_;
  accepted->behind = first_unchosen_ < msg.first_unchosen;
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
//
// STONITH (docs/stonith.md): with a fencing device, a proposer whose phase 1 succeeded first has
// the device power off the last leader it followed (one that only seemed dead, paused or cut off,
// could otherwise still serve reads or run duties beside it). Until on_fenced it stays a candidate
// with no timers: no phase-2 Accept, no heartbeat, clients answered NotLeader (they retry). A
// higher ballot meanwhile makes it a follower and cancels the request (abdicate). Without a device
// fence() is false and it leads at once.
void PaxosNode::become_leader() {
  require(role_ == PaxosRole::Candidate, "only a candidate becomes leader");
  if (fencing_ != kNoNode) return;  // already waiting for the device
  const NodeId previous = previous_leader_;
  if (previous != kNoNode && previous != ctx_.self() && ctx_.fence(previous)) {
    fencing_ = previous;
    fencing_ballot_ = ballot_;
    timers_.cancel(kTagElection);
    timers_.cancel(kTagPrepareRetry);
    return;
  }
  take_leadership();
}

// STONITH: the device powered the previous leader off (or, with on_unreachable "proceed", did not
// answer in time): run phase 2, unless this node has meanwhile given up that ballot.
void PaxosNode::on_fenced(NodeId target, bool powered_off) {
  (void)powered_off;
  if (fencing_ == kNoNode || target != fencing_) return;
  fencing_ = kNoNode;
  if (role_ != PaxosRole::Candidate || ballot_ != fencing_ballot_) return;
  take_leadership();
  persist();
  check_invariants();
}

void PaxosNode::take_leadership() {
  require(role_ == PaxosRole::Candidate, "only a candidate becomes leader");
  previous_leader_ = kNoNode;  // STONITH: replaced; a later win fences only a leader heard since
  role_ = PaxosRole::Leader;
  leader_id_ = ctx_.self();
  leader_ballot_ = ballot_;
  report_role();
  timers_.cancel(kTagElection);
  timers_.cancel(kTagPrepareRetry);
  proposals_.clear();
  first_conflict_ = INT64_MAX;
  last_sent_us_.assign(ctx_.cluster_size(), kLongAgo_us);
  catchup_below_.assign(ctx_.cluster_size(), 0);
  catchup_sent_us_.assign(ctx_.cluster_size(), kLongAgo_us);
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
  // Every follower hears of the new ballot now: through an Accept of phase 2 above, or else a
  // Heartbeat.
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer != ctx_.self() && last_sent_us_[peer] == kLongAgo_us) send_heartbeat(peer);
  }
  timers_.set(kTagHeartbeat, options_.heartbeat_interval_us);
  if (options_.leader_liveness == LeaderLiveness::CheckQuorum) {
    timers_.set(kTagCheckQuorum, options_.election_timeout_min_us);
  }
}

// Phase 2(a) for one slot: our own acceptor accepts first, then every other acceptor is asked.
void PaxosNode::propose(int64_t slot, const Value& value) {
  require(role_ == PaxosRole::Leader, "only a leader proposes");
  ProposeFact fact;
  fact.slot = slot;
  fact.ballot = ballot_;
  fact.value = value;
  ctx_.record(fact);
  // A slot known chosen with another value (only a bug toggle or a higher ballot gets there): our
  // watermark must not vouch for our proposal in it.
  if (auto known = chosen_.find(slot); known != chosen_.end() && !(known->second == value)) {
    first_conflict_ = std::min(first_conflict_, slot);
  }
  Proposal& proposal = proposals_[slot];
  proposal.value = value;
  proposal.accepted_by.assign(ctx_.cluster_size(), false);
  proposal.sent_us = ctx_.now();
  proposal.sent_seq = seq_;
  require(accept_locally(ballot_, slot, value), "a leader's own acceptor accepts its ballot");
  proposal.accepted_by[ctx_.self()] = true;
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer != ctx_.self()) send_accept(peer, slot);
  }
  if (quorum() == 1) {
    proposals_.erase(slot);
    learn(slot, value);
    return;
  }
  arm_accept_retry();
}

void PaxosNode::send_accept(NodeId peer, int64_t slot) {
  auto msg = std::make_unique<Accept>();
  msg->ballot = ballot_;
  msg->slot = slot;
  msg->first_unchosen = decided_below();
  msg->value = proposals_.at(slot).value;
  last_sent_us_[peer] = ctx_.now();
  send(peer, std::move(msg));
}

void PaxosNode::send_heartbeat(NodeId peer) {
  auto msg = std::make_unique<Heartbeat>();
  msg->ballot = ballot_;
  msg->first_unchosen = decided_below();
  last_sent_us_[peer] = ctx_.now();
  send(peer, std::move(msg));
}

// The decision watermark (Accept::first_unchosen), Multi-Paxos's counterpart of Raft's
// leaderCommit. "Paxos Made Simple" §3 lets the leader, as the distinguished learner, tell the
// others what is chosen; Paxos Made Live (Chandra, Griesemer, Redstone 2007, §4) and most
// Multi-Paxos systems piggyback that news on the next message instead of a message per instance.
// A follower learns from it only the slots it accepted in this ballot, so the watermark promises:
// every slot below it is chosen (first_unchosen_), and where this ballot proposed, what is chosen
// is its proposal — true when it was chosen by our own majority, and true by Paxos's P2b for a
// value chosen in a lower ballot; first_conflict_ is the guard should anything else ever happen.
int64_t PaxosNode::decided_below() const {
  return std::min(first_unchosen_, first_conflict_);
}

// A value is chosen "when a large enough set of acceptors [a majority] has accepted it" in one
// ballot. The leader is the distinguished learner (§2.3): it learns first and tells the others,
// not with a message of its own but on the watermark of its next Accept or Heartbeat.
void PaxosNode::handle(NodeId from, const Accepted& msg) {
  if (role_ != PaxosRole::Leader || msg.ballot != ballot_) return;
  catch_up(from, msg.first_unchosen, msg.behind);
  auto it = proposals_.find(msg.slot);
  if (it == proposals_.end()) return;  // already chosen
  it->second.accepted_by[from] = true;
  if (std::count(it->second.accepted_by.begin(), it->second.accepted_by.end(), true) < quorum()) {
    return;
  }
  const Value value = it->second.value;
  proposals_.erase(it);
  learn(msg.slot, value);
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

// The leader catches up a follower that could not learn all our watermark covers.
void PaxosNode::handle(NodeId from, const HeartbeatReply& msg) {
  if (role_ != PaxosRole::Leader || msg.ballot != ballot_) return;
  catch_up(from, msg.first_unchosen, msg.behind);
}

// A follower that lags only because our newer decisions are still on their way (its answer was to
// an older watermark) is not `behind`, and gets no Decide: the next Accept or Heartbeat brings
// them. One that is behind misses a value it cannot learn from any watermark; a catch-up Decide
// covering its first unchosen slot is sent once, and again only after retransmit_timeout (it may
// have been lost) or once the follower has moved past what the last one carried.
void PaxosNode::catch_up(NodeId peer, int64_t peer_first_unchosen, bool behind) {
  if (!behind || peer_first_unchosen >= first_unchosen_) return;
  const Time_us now = ctx_.now();
  if (peer_first_unchosen < catchup_below_[peer] &&
      !elapsed(catchup_sent_us_[peer], now, options_.retransmit_timeout_us)) {
    return;  // the last catch-up is still in flight
  }
  // A catch-up Decide goes out: the follower learned less than we did (situation table).
  ctx_.reached(Reached::FollowerCaughtUp);
  send_decides(peer, peer_first_unchosen);
}

void PaxosNode::send_decides(NodeId peer, int64_t from_slot) {
  auto decide = std::make_unique<Decide>();
  for (auto it = chosen_.lower_bound(from_slot); it != chosen_.end(); ++it) {
    if (static_cast<int64_t>(decide->chosen.size()) >= options_.max_decides_per_message) break;
    decide->chosen.push_back(Decide::Entry{it->first, it->second});
  }
  if (decide->chosen.empty()) return;
  catchup_below_[peer] = decide->chosen.back().slot + 1;
  catchup_sent_us_[peer] = ctx_.now();
  send(peer, std::move(decide));
}

// ================================================================================================
// Learner, follower
// ================================================================================================

// §2.3: a learner learns a value once the distinguished learner tells it the value is chosen. A
// chosen value never changes, so a catch-up Decide from any leader, old or new, is true.
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
  learn_decided(msg.ballot, msg.first_unchosen);
  auto reply = std::make_unique<HeartbeatReply>();
  reply->ballot = msg.ballot;
  reply->first_unchosen = first_unchosen_;
  reply->behind = first_unchosen_ < msg.first_unchosen;
  send(from, std::move(reply));
}

// Learning from the leader's watermark (Raft's "if leaderCommit > commitIndex", in Paxos terms).
// The leader of `ballot` vouches that every slot below `first_unchosen` is chosen and that, where
// it proposed in `ballot`, its proposal is the value chosen (decided_below). A proposal of
// (slot, ballot) is unique (one value per ballot and slot), so a slot we accepted in `ballot` is
// learned with the value we accepted. A slot we accepted only in another ballot, or not at all,
// cannot be learned this way: we answer `behind` and the leader sends its value (catch_up). The
// watermark only grows per ballot, so each slot is looked at once; a slot accepted after the
// watermark passed it (an Accept overtaken by a later message, or resent) is learned at once.
void PaxosNode::learn_decided(int64_t ballot, int64_t first_unchosen) {
  int64_t from = first_unchosen_;
  if (ballot == decided_ballot_) {
    from = std::max(from, decided_below_);
  } else {
    decided_ballot_ = ballot;
    decided_below_ = 1;
  }
  for (int64_t slot = from; slot < first_unchosen; ++slot) {
    const AcceptedProposal* a = durable_->accepted_in(slot);
    if (a != nullptr && a->ballot == ballot) learn(slot, a->value);
  }
  decided_below_ = std::max(decided_below_, first_unchosen);
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
  // Learned from a catch-up Decide while our own proposal of the slot was in flight: no need to
  // ask for it any more. A different value means a higher ballot chose there: our watermark must
  // not vouch for our proposal (decided_below).
  if (auto mine = proposals_.find(slot); mine != proposals_.end()) {
    if (!(mine->second.value == value)) first_conflict_ = std::min(first_conflict_, slot);
    proposals_.erase(mine);
  }
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

// The leader's heartbeat, Raft-style: a follower gets one only when we have sent it nothing (no
// Accept, no Heartbeat) for heartbeat_interval, so a steady stream of Accepts keeps it quiet. The
// timer is set for the earliest follower due.
void PaxosNode::on_heartbeat_timeout() {
  if (role_ != PaxosRole::Leader) return;
  const Time_us now = ctx_.now();
  const Time_us interval = options_.heartbeat_interval_us;
  Time_us next_us = interval;
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer == ctx_.self()) continue;
    if (elapsed(last_sent_us_[peer], now, interval)) send_heartbeat(peer);
    next_us = std::min(next_us, last_sent_us_[peer] + interval - now);
  }
  timers_.set(kTagHeartbeat, std::max<Time_us>(next_us, 1));
}

// Accepts are resent only after retransmit_timeout without an Accepted (messages may be lost), not
// on every heartbeat, and only to acceptors heard from since the last send: one cut off gets them
// once it answers something. The timer is set for the oldest proposal in flight.
void PaxosNode::on_accept_retry_timeout() {
  if (role_ != PaxosRole::Leader) return;
  const Time_us now = ctx_.now();
  const Time_us timeout = options_.retransmit_timeout_us;
  for (auto& [slot, proposal] : proposals_) {
    if (!elapsed(proposal.sent_us, now, timeout)) continue;
    for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
      if (peer != ctx_.self() && !proposal.accepted_by[peer] &&
          heard_seq_[peer] > proposal.sent_seq) {
        send_accept(peer, slot);
      }
    }
    proposal.sent_us = now;
    proposal.sent_seq = seq_;
  }
  arm_accept_retry();
}

void PaxosNode::arm_accept_retry() {
  if (proposals_.empty() || timers_.armed(kTagAcceptRetry)) return;
  const Time_us now = ctx_.now();
  Time_us next_us = options_.retransmit_timeout_us;
  for (const auto& [slot, proposal] : proposals_) {
    next_us = std::min(next_us, proposal.sent_us + options_.retransmit_timeout_us - now);
  }
  timers_.set(kTagAcceptRetry, std::max<Time_us>(next_us, 1));
}

// leader_liveness check_quorum (Raft's check_quorum, Ongaro's thesis §6.2; Paxos Made Live §4 has
// a master lease for the same purpose): a leader that has not heard from a majority (itself
// included) within election_timeout_min steps down, so that clients look for the real leader.
void PaxosNode::on_check_quorum_timeout() {
  if (role_ != PaxosRole::Leader) return;
  const Time_us now = ctx_.now();
  int32_t heard = 1;  // ourselves
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer != ctx_.self() && heard_us_[peer] <= now &&
        now - heard_us_[peer] < options_.election_timeout_min_us) {
      ++heard;
    }
  }
  if (heard < quorum()) {
    ctx_.note("check_quorum: heard from " + std::to_string(heard) + " of " +
              std::to_string(ctx_.cluster_size()) +
              " within the election timeout; stepping down from " + show_ballot(ballot_));
    abdicate();
    return;
  }
  timers_.set(kTagCheckQuorum, options_.election_timeout_min_us);
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
  abdicate();
}

void PaxosNode::abdicate() {
  if (fencing_ != kNoNode) {  // STONITH: a higher ballot; stop asking the device
    ctx_.cancel_fence(fencing_);
    fencing_ = kNoNode;
  }
  role_ = PaxosRole::Follower;
  leader_id_ = kNoNode;
  leader_ballot_ = 0;
  proposals_.clear();
  promised_accepted_.clear();
  timers_.cancel(kTagHeartbeat);
  timers_.cancel(kTagPrepareRetry);
  timers_.cancel(kTagAcceptRetry);
  timers_.cancel(kTagCheckQuorum);
  if (!timers_.armed(kTagElection)) reset_election_timer();
  report_role();
}

void PaxosNode::follow(int64_t ballot) {
  require(role_ == PaxosRole::Follower, "only a follower follows");
  leader_id_ = static_cast<NodeId>(ballot_owner(ballot, ctx_.cluster_size()));
  if (leader_id_ != ctx_.self()) previous_leader_ = leader_id_;  // STONITH's target
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
  const int64_t slot = take_next_slot();
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

int64_t PaxosNode::take_next_slot() {
  while (chosen_.count(next_slot_) != 0) ++next_slot_;
  return next_slot_++;
}

void PaxosNode::propose_duty(const Command& duty) {
  const int64_t slot = take_next_slot();
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
