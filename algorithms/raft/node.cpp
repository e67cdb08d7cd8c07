#include "algorithms/raft/node.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <tuple>

#include "algorithms/raft/situations.h"
#include "sim/api/trace.h"

namespace ballot::raft {

namespace {

// Programmer errors abort loudly, in every build type.
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "raft: invariant violated: %s\n", what);
  std::abort();
}

// bugs.vote_before_persist: how long a granted vote stays in memory only.
constexpr Time_us kVoteFlushDelay_us = 20 * kMillisecond_us;
// ack_sent_us_ before a peer has answered in this term: far in the past, yet safe to add to.
constexpr Time_us kNoContact_us = INT64_MIN / 4;

}  // namespace

void RaftDurable::sync_to(std::unique_ptr<DurableState>& synced) {
  auto* copy = dynamic_cast<RaftDurable*>(synced.get());
  if (copy == nullptr) {
    synced = clone();
  } else {
    copy->current_term = current_term;
    copy->voted_for = voted_for;
    // Keep the copy's entries below the first change, then copy the rest.
    copy->log.resize(std::min({copy->log.size(), log_synced_prefix, log.size()}));
    copy->log.insert(copy->log.end(), log.begin() + static_cast<ptrdiff_t>(copy->log.size()),
                     log.end());
  }
  log_synced_prefix = log.size();
}

const char* raft_role_name(RaftRole role) {
  switch (role) {
    case RaftRole::Follower:
      return "follower";
    case RaftRole::PreCandidate:
      return "pre-candidate";
    case RaftRole::Candidate:
      return "candidate";
    case RaftRole::Leader:
      return "leader";
  }
  std::abort();
}

RaftNode::RaftNode(Context& ctx, const RaftOptions& options) : Node(ctx), options_(options) {}

// ================================================================================================
// Start, dispatch
// ================================================================================================

// Figure 2: "When servers start up, they begin as followers" (§5.2). Persistent state comes back
// from stable storage; volatile state (commitIndex, lastApplied, the state machine) starts at zero
// and is rebuilt as the leader tells us what is committed.
void RaftNode::on_start() {
  durable_ = kit::durable_at_start<RaftDurable>(ctx_);
  const int32_t n = ctx_.cluster_size();
  votes_granted_.assign(n, false);
  votes_answered_.assign(n, false);
  next_index_.assign(n, 1);
  match_index_.assign(n, 0);
  ack_sent_us_.assign(n, kNoContact_us);
  // With lease reads, a (re)started server cannot know whether it had just heard from a leader
  // whose lease still runs, so it holds its vote for a minimum election timeout. Otherwise it has
  // heard from no one.
  leader_contact_us_ = options_.lease_reads ? ctx_.now() : kNoContact_us;
  if (current_term() > 0 || last_log_index() > 0) {
    std::string text = "recovered term " + std::to_string(current_term());
    text += ", voted_for ";
    text += voted_for() == kNoNode ? std::string("none") : node_name(voted_for());
    text += ", " + std::to_string(last_log_index()) + " log entries";
    ctx_.note(text);
  }
  report_role();
  reset_election_timer();
}

void RaftNode::on_message(NodeId from, const Message& msg) {
  require(durable_ != nullptr, "on_message before on_start");
  if (from < 0 || from >= ctx_.cluster_size() || from == ctx_.self()) return;
  Messages::visit(msg, [&](const auto& m) { step(from, m); });
  persist();
}

// Figure 2, Rules for Servers, All Servers: "If RPC request or response contains term T >
// currentTerm: set currentTerm = T, convert to follower (§5.1)". Applied here for every message,
// before its handler, as etcd-io/raft's Step does ("case m.Term > r.Term"); the handlers then see
// a message of an older term or of ours, and only the exceptions below (also etcd's) of a higher
// one.
template <class M>
void RaftNode::step(NodeId from, const M& msg) {
  if (msg.term > current_term() && adopts_term(msg)) step_down(msg.term);
  handle(from, msg);
}

// Thesis §4.2.3 (ignore_disruptive_votes): within a minimum election timeout of hearing from a
// current leader, a RequestVote does not move the term (etcd: "inLease").
bool RaftNode::adopts_term(const RequestVote&) const {
  return !(options_.ignore_disruptive_votes && heard_from_leader_recently());
}

// Thesis §9.6: a PreVote's term is one its sender might use, not one it has ("Never change our
// term in response to a PreVote").
bool RaftNode::adopts_term(const PreVote&) const {
  return false;
}

// A granted PreVoteReply echoes a term in our future that we asked about; a refusal carrying a
// higher term is a response with a higher term like any other.
bool RaftNode::adopts_term(const PreVoteReply& reply) const {
  return !reply.vote_granted;
}

void RaftNode::on_timer(uint64_t tag) {
  require(durable_ != nullptr, "on_timer before on_start");
  timers_.fired(tag);
  switch (tag) {
    case kTagElection:
      on_election_timeout();
      break;
    case kTagHeartbeat:
      on_heartbeat_timeout();
      break;
    case kTagVoteRetry:
      on_vote_retry_timeout();
      break;
    case kTagCheckQuorum:
      on_check_quorum_timeout();
      break;
    case kTagVoteFlush:
      on_vote_flush_timeout();
      break;
    default:
      require(false, "unknown timer tag");
  }
  persist();
}

// ================================================================================================
// RequestVote (§5.2, §5.4.1) and PreVote (thesis §9.6)
// ================================================================================================

// Figure 2, RequestVote receiver: (1) refuse a candidate whose term is older than ours; (2) grant
// the vote if we have not voted for someone else in this term and the candidate's log is at least
// as up-to-date as ours (§5.4.1). step() has already followed a higher term ("All Servers"), unless
// thesis §4.2.3 (ignore_disruptive_votes) held it back: within a minimum election timeout of
// hearing from a current leader, neither update the term nor grant the vote.
void RaftNode::handle(NodeId from, const RequestVote& rpc) {
  auto reply = std::make_unique<RequestVoteReply>();
  reply->term = current_term();
  if (rpc.term > current_term()) {
    ctx_.reached(Reached::DisruptiveVoteIgnored);  // thesis §4.2.3: neither term nor vote moves
    ctx_.note("ignored RequestVote from n" + std::to_string(from + 1) +
              ": heard from a leader within the minimum election timeout (thesis §4.2.3)");
    send(from, std::move(reply));
    return;
  }
  if (rpc.term < current_term()) {
    send(from, std::move(reply));
    return;
  }
  const bool free_to_vote = voted_for() == kNoNode || voted_for() == rpc.candidate_id;
  const bool log_ok = options_.bugs.vote_without_log_check ||
                      log_is_up_to_date(rpc.last_log_index, rpc.last_log_term);
  if (free_to_vote && log_ok) {
    record_vote(rpc.candidate_id);
    reply->vote_granted = true;
    // Figure 2, Followers: granting a vote restarts the election timeout.
    reset_election_timer();
  } else if (free_to_vote) {
    ctx_.reached(Reached::VoteRefusedStaleLog);  // §5.4.1: the election restriction refuses
  }
  send(from, std::move(reply));
}

// Figure 2, Candidates: "If votes received from majority of servers: become leader" (§5.2). A reply
// with a higher term has made us a follower (step); replies from older terms are stale.
void RaftNode::handle(NodeId from, const RequestVoteReply& reply) {
  if (role_ != RaftRole::Candidate || reply.term != current_term()) return;
  votes_answered_[from] = true;
  if (!reply.vote_granted) return;
  votes_granted_[from] = true;
  if (std::count(votes_granted_.begin(), votes_granted_.end(), true) >= quorum()) become_leader();
}

// Thesis §9.6: answer "would you vote for me in term T?" without changing any state. Grant only if
// T is newer than our term, the candidate's log is at least as up-to-date as ours, and we have not
// heard from a current leader within the minimum election timeout.
void RaftNode::handle(NodeId from, const PreVote& rpc) {
  auto reply = std::make_unique<PreVoteReply>();
  reply->term = current_term();
  const bool log_ok = options_.bugs.vote_without_log_check ||
                      log_is_up_to_date(rpc.last_log_index, rpc.last_log_term);
  reply->vote_granted = rpc.term > current_term() && log_ok && !heard_from_leader_recently();
  if (!reply->vote_granted) ctx_.reached(Reached::PreVoteRefused);  // thesis §9.6: "no"
  send(from, std::move(reply));
}

// Thesis §9.6: a pre-candidate that hears "yes" from a majority starts a real election. A refusal
// carrying a higher term has made us a follower (step).
void RaftNode::handle(NodeId from, const PreVoteReply& reply) {
  if (role_ != RaftRole::PreCandidate) return;
  votes_answered_[from] = true;
  if (!reply.vote_granted) return;
  votes_granted_[from] = true;
  if (std::count(votes_granted_.begin(), votes_granted_.end(), true) >= quorum()) {
    become_candidate();
  }
}

// ================================================================================================
// AppendEntries (§5.3)
// ================================================================================================

// Figure 2, AppendEntries receiver: (1) refuse a leader whose term is older than ours; (2) refuse
// if our log has no entry at prevLogIndex with term prevLogTerm; (3) where an existing entry
// conflicts with a new one (same index, other term), delete it and all that follow; (4) append the
// new entries not already in the log; (5) if leaderCommit > commitIndex, set commitIndex =
// min(leaderCommit, index of last new entry). Candidates: an AppendEntries from the leader of our
// term makes us a follower (§5.2). (A higher term: step() has made us a follower of it.)
void RaftNode::handle(NodeId from, const AppendEntries& rpc) {
  auto reply = std::make_unique<AppendEntriesReply>();
  reply->sent_us = rpc.sent_us;
  reply->term = current_term();
  if (rpc.term < current_term()) {  // rule 1
    ctx_.reached(Reached::StaleLeaderRejected);
    send(from, std::move(reply));
    return;
  }
  if (role_ == RaftRole::Leader) {
    // Two leaders in one term: impossible unless a bug toggle broke Election Safety. Ignore it (a
    // refusal would only make the other leader retry at once, forever).
    ctx_.note("AppendEntries from n" + std::to_string(from + 1) + " claims leadership of term " +
              std::to_string(rpc.term) + ", which this node leads");
    return;
  }
  if (role_ != RaftRole::Follower) step_down(current_term());
  leader_id_ = rpc.leader_id;
  if (rpc.leader_id != ctx_.self()) previous_leader_ = rpc.leader_id;  // STONITH's target
  leader_contact_us_ = ctx_.now();
  failed_elections_ = 0;  // Raft Refloated's backoff: a current leader is heard, so it resets
  reset_election_timer();
  report_role();

  // Rule 2: the consistency check.
  if (rpc.prev_log_index > last_log_index()) {
    ctx_.reached(Reached::AppendConsistencyFailed);  // no entry at prevLogIndex
    reply->conflict_index = last_log_index();
    send(from, std::move(reply));
    return;
  }
  if (term_at(rpc.prev_log_index) != rpc.prev_log_term) {
    ctx_.reached(Reached::AppendConsistencyFailed);  // the entry at prevLogIndex has another term
    // Skip back over the whole conflicting term at once (end of §5.3).
    const int64_t conflict_term = term_at(rpc.prev_log_index);
    int64_t first = rpc.prev_log_index;
    while (first > 1 && term_at(first - 1) == conflict_term) --first;
    reply->conflict_index = first - 1;
    send(from, std::move(reply));
    return;
  }
  // Rules 3 and 4.
  int64_t index = rpc.prev_log_index;
  for (const LogEntry& entry : rpc.entries) {
    ++index;
    if (index <= last_log_index()) {
      if (term_at(index) == entry.term) continue;  // already have it (Log Matching)
      // Rule 3: an existing entry conflicts with a new one: delete it and all that follow it.
      ctx_.reached(Reached::FollowerLogTruncated);
      truncate_from(index);
    }
    append_entry(entry);
  }
  // Rule 5. The last *new* entry, not our last entry: a stale suffix beyond it is not vouched for.
  const int64_t last_new_index = rpc.prev_log_index + static_cast<int64_t>(rpc.entries.size());
  // (A request whose entries end below our commitIndex teaches us nothing: commitIndex never
  // falls.)
  const int64_t new_commit_index = std::min(rpc.leader_commit, last_new_index);
  if (new_commit_index > commit_index_) set_commit_index(new_commit_index);
  reply->success = true;
  reply->match_index = last_new_index;
  send(from, std::move(reply));
}

// Figure 2, Leaders: on success update nextIndex and matchIndex for the follower; if it failed
// because of log inconsistency, decrement nextIndex and retry (§5.3). Then commit what a majority
// stores (§5.3, §5.4.2). (A higher term: step() has made us a follower of it.)
void RaftNode::handle(NodeId from, const AppendEntriesReply& reply) {
  if (role_ != RaftRole::Leader || reply.term != current_term()) return;
  ack_sent_us_[from] = std::max(ack_sent_us_[from], reply.sent_us);
  if (reply.success) {
    match_index_[from] = std::max(match_index_[from], reply.match_index);
    next_index_[from] = std::max(next_index_[from], match_index_[from] + 1);
    advance_commit_index();
    if (next_index_[from] <= last_log_index()) send_append_entries(from);
    return;
  }
  // Decrement, jumping straight to the follower's hint; never below what it is known to store.
  // Retry at once only if nextIndex moved (otherwise the next heartbeat retries).
  const int64_t retry = std::min(next_index_[from] - 1, reply.conflict_index + 1);
  const int64_t next = std::max(match_index_[from] + 1, retry);
  if (next >= next_index_[from]) return;
  next_index_[from] = next;
  send_append_entries(from);
}

// ================================================================================================
// Timers
// ================================================================================================

// Figure 2, Followers and Candidates: if an election timeout elapses without hearing from a current
// leader or granting a vote, start an election (§5.2) — after a successful pre-vote when enabled
// (thesis §9.6).
void RaftNode::on_election_timeout() {
  if (role_ == RaftRole::Leader) return;
  // Raft Refloated (OSR 2015), leader election, "binary exponential backoff": a candidate's (or
  // pre-candidate's) timer firing is an election it lost; the next candidate timeout's range
  // doubles (candidate_timeout_range_us). Counted whether or not the option is on; it only
  // changes a timeout with candidate_backoff.
  if (role_ == RaftRole::Candidate || role_ == RaftRole::PreCandidate) ++failed_elections_;
  // Figure 2, Candidates: "If election timeout elapses: start new election". The term we stood in
  // ended with no winner we know of: the votes were split (or did not reach a majority).
  if (role_ == RaftRole::Candidate) ctx_.reached(Reached::SplitVote);
  if (options_.pre_vote) {
    become_pre_candidate();
  } else {
    become_candidate();
  }
}

// Figure 2, Leaders: "send initial empty AppendEntries RPCs (heartbeat) to each server; repeat
// during idle periods to prevent election timeouts" (§5.2). Entries waiting at nextIndex go along.
void RaftNode::on_heartbeat_timeout() {
  if (role_ != RaftRole::Leader) return;
  timers_.set(kTagHeartbeat, options_.heartbeat_interval_us);
  broadcast_append_entries();
}

// §5.1: "servers retry RPCs if they do not receive a response in a timely manner". A candidate asks
// again the peers that have not answered its RequestVote (or PreVote) yet.
void RaftNode::on_vote_retry_timeout() {
  if (role_ != RaftRole::Candidate && role_ != RaftRole::PreCandidate) return;
  timers_.set(kTagVoteRetry, options_.heartbeat_interval_us);
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer == ctx_.self() || votes_answered_[peer]) continue;
    if (role_ == RaftRole::Candidate) {
      send(peer, std::make_unique<RequestVote>(vote_request<RequestVote>(current_term())));
    } else {
      send(peer, std::make_unique<PreVote>(vote_request<PreVote>(current_term() + 1)));
    }
  }
}

// Thesis §6.2 (check_quorum): a leader steps down if an election timeout passes without a round of
// AppendEntries answered by a majority, so that clients can find the real leader.
void RaftNode::on_check_quorum_timeout() {
  if (role_ != RaftRole::Leader) return;
  if (quorum_contact_us() < ctx_.now() - options_.election_timeout_min_us) {
    ctx_.note("check-quorum: no majority answered within the election timeout; stepping down");
    ctx_.reached(Reached::CheckQuorumStepDown);  // thesis §6.2
    step_down(current_term());
    return;
  }
  timers_.set(kTagCheckQuorum, options_.election_timeout_min_us);
}

// bugs.vote_before_persist: the vote finally reaches the disk — unless the term moved on (or the
// node crashed, which destroyed this timer and the vote with it).
void RaftNode::on_vote_flush_timeout() {
  if (unflushed_vote_ == kNoNode) return;
  if (unflushed_vote_term_ == current_term() && durable_->voted_for == kNoNode) {
    durable_->voted_for = unflushed_vote_;
    unsynced_.mark();
  }
  unflushed_vote_ = kNoNode;
}

// ================================================================================================
// Role transitions
// ================================================================================================

// Thesis §9.6: before disrupting the cluster with a new term, ask whether a majority would vote for
// us in it. Our own term and vote stay as they are.
void RaftNode::become_pre_candidate() {
  require(role_ != RaftRole::Leader, "a leader does not pre-vote");
  role_ = RaftRole::PreCandidate;
  leader_id_ = kNoNode;
  report_role();
  reset_election_timer();
  start_vote_count();
  if (quorum() == 1) {
    become_candidate();
    return;
  }
  const PreVote rpc = vote_request<PreVote>(current_term() + 1);
  persist();
  ctx_.broadcast(rpc);
  timers_.set(kTagVoteRetry, options_.heartbeat_interval_us);
}

// A new election (or pre-vote): only this node's own vote is counted, and only it has answered.
void RaftNode::start_vote_count() {
  votes_granted_.assign(ctx_.cluster_size(), false);
  votes_answered_.assign(ctx_.cluster_size(), false);
  votes_granted_[ctx_.self()] = true;
  votes_answered_[ctx_.self()] = true;
}

// A RequestVote or PreVote (one declaration, VoteRequestFields) for `term`, from this node's log.
template <class M>
M RaftNode::vote_request(int64_t term) const {
  M rpc;
  rpc.term = term;
  rpc.candidate_id = ctx_.self();
  rpc.last_log_index = last_log_index();
  rpc.last_log_term = last_log_term();
  return rpc;
}

// Figure 2, Candidates, on conversion: increment currentTerm, vote for self, reset the election
// timer, send RequestVote to all other servers (§5.2).
void RaftNode::become_candidate() {
  require(role_ != RaftRole::Leader, "a leader does not stand for election");
  set_term(current_term() + 1);
  record_vote(ctx_.self());
  role_ = RaftRole::Candidate;
  leader_id_ = kNoNode;
  report_role();
  reset_election_timer();
  start_vote_count();
  if (quorum() == 1) {
    become_leader();
    return;
  }
  const RequestVote rpc = vote_request<RequestVote>(current_term());
  persist();
  ctx_.broadcast(rpc);
  timers_.set(kTagVoteRetry, options_.heartbeat_interval_us);
}

// Figure 2, Leaders, upon election: reinitialize nextIndex to our last log index + 1 and matchIndex
// to 0, and send initial AppendEntries to each server (§5.2, §5.3). With leader_noop, the first
// entry of the term is an empty one (thesis §6.4), so that earlier entries commit promptly.
//
// STONITH (docs/stonith.md): with a fencing device, a candidate that won first has the device power
// off the last leader it followed (one that only seemed dead, paused or cut off, could otherwise
// still answer reads or run duties beside it). Until on_fenced it stays a candidate with no timers:
// it sends no AppendEntries, not even the first heartbeat, and answers clients NotLeader (they
// retry). A higher term meanwhile makes it a follower and cancels the request (step_down). Without
// a device fence() is false and it leads at once.
void RaftNode::become_leader() {
  require(role_ == RaftRole::Candidate, "only a candidate becomes leader");
  if (fencing_ != kNoNode) return;  // already waiting for the device
  const NodeId previous = previous_leader_;
  if (previous != kNoNode && previous != ctx_.self() && ctx_.fence(previous)) {
    fencing_ = previous;
    fencing_term_ = current_term();
    timers_.cancel(kTagElection);
    timers_.cancel(kTagVoteRetry);
    return;
  }
  take_leadership();
}

// STONITH: the device powered the previous leader off (or, with on_unreachable "proceed", did not
// answer in time): lead, unless this node has meanwhile left the candidacy of that term.
void RaftNode::on_fenced(NodeId target, bool powered_off) {
  (void)powered_off;
  if (fencing_ == kNoNode || target != fencing_) return;
  fencing_ = kNoNode;
  if (role_ != RaftRole::Candidate || current_term() != fencing_term_) return;
  take_leadership();
  persist();
}

void RaftNode::take_leadership() {
  require(role_ == RaftRole::Candidate, "only a candidate becomes leader");
  previous_leader_ = kNoNode;  // STONITH: replaced; a later win fences only a leader heard since
  role_ = RaftRole::Leader;
  leader_id_ = ctx_.self();
  failed_elections_ = 0;  // Raft Refloated's backoff resets on a won election
  report_role();
  timers_.cancel(kTagElection);
  timers_.cancel(kTagVoteRetry);
  next_index_.assign(ctx_.cluster_size(), last_log_index() + 1);
  match_index_.assign(ctx_.cluster_size(), 0);
  ack_sent_us_.assign(ctx_.cluster_size(), kNoContact_us);
  if (options_.leader_noop) append_entry(LogEntry{current_term(), Command{}});
  advance_commit_index();  // a one-node cluster commits at once
  timers_.set(kTagHeartbeat, options_.heartbeat_interval_us);
  if (options_.check_quorum) {
    timers_.set(kTagCheckQuorum, options_.election_timeout_min_us);
  }
  broadcast_append_entries();
}

// Figure 2, All Servers: "If RPC request or response contains term T > currentTerm: set
// currentTerm = T, convert to follower" (§5.1). Also used to leave candidacy for the leader of our
// own term, and by check-quorum.
void RaftNode::step_down(int64_t term) {
  require(current_term() <= term, "step_down never lowers the term");
  const bool was_leader = role_ == RaftRole::Leader;
  // A leader leaves entries it has not committed to whoever leads next: they may be committed by
  // it or overwritten (§5.4.2, Figure 8).
  if (was_leader && last_log_index() > commit_index_)
    ctx_.reached(Reached::LeaderDeposedUncommitted);
  if (term > current_term()) {
    set_term(term);
    leader_id_ = kNoNode;
  }
  if (was_leader) leader_id_ = kNoNode;
  if (fencing_ != kNoNode) {  // STONITH: another leader or a higher term; stop asking the device
    ctx_.cancel_fence(fencing_);
    fencing_ = kNoNode;
  }
  role_ = RaftRole::Follower;
  timers_.cancel(kTagHeartbeat);
  timers_.cancel(kTagVoteRetry);
  timers_.cancel(kTagCheckQuorum);
  if (!timers_.armed(kTagElection)) reset_election_timer();
  report_role();
}

// ================================================================================================
// Leader duties
// ================================================================================================

// Figure 2, Leaders: "If last log index >= nextIndex for a follower: send AppendEntries RPC with
// log entries starting at nextIndex" (§5.3); with none, this is a heartbeat.
void RaftNode::send_append_entries(NodeId peer) {
  require(role_ == RaftRole::Leader, "only a leader sends AppendEntries");
  auto rpc = std::make_unique<AppendEntries>();
  rpc->term = current_term();
  rpc->leader_id = ctx_.self();
  rpc->prev_log_index = next_index_[peer] - 1;
  rpc->prev_log_term = term_at(rpc->prev_log_index);
  const int64_t last =
      std::min(last_log_index(), rpc->prev_log_index + options_.max_entries_per_append);
  if (last > rpc->prev_log_index)
    rpc->entries.reserve(static_cast<size_t>(last - rpc->prev_log_index));
  for (int64_t index = rpc->prev_log_index + 1; index <= last; ++index) {
    rpc->entries.push_back(entry_at(index));
  }
  rpc->leader_commit = commit_index_;
  rpc->sent_us = ctx_.now();
  send(peer, std::move(rpc));
}

void RaftNode::broadcast_append_entries() {
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    if (peer != ctx_.self()) send_append_entries(peer);
  }
}

// Figure 2, Leaders: "If there exists an N such that N > commitIndex, a majority of matchIndex[i]
// >= N, and log[N].term == currentTerm: set commitIndex = N" (§5.3, §5.4). §5.4.2: entries of
// earlier terms are never committed by counting replicas, only indirectly, by committing an entry
// of the current term after them (bugs.commit_old_term_by_count breaks exactly this: Figure 8).
void RaftNode::advance_commit_index() {
  require(role_ == RaftRole::Leader, "only a leader counts replicas");
  std::vector<int64_t> stored;
  stored.reserve(static_cast<size_t>(ctx_.cluster_size()));
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    stored.push_back(peer == ctx_.self() ? last_log_index() : match_index_[peer]);
  }
  std::sort(stored.begin(), stored.end(), std::greater<>());
  const int64_t majority_index = stored[quorum() - 1];  // stored on a majority
  if (majority_index <= commit_index_) return;
  // Terms never fall along a log, so the first newly committed entry has the oldest term.
  const bool earlier_terms = term_at(commit_index_ + 1) < current_term();
  if (term_at(majority_index) == current_term()) {
    // §5.4.2: entries of earlier terms are committed indirectly, by an entry of ours after them.
    if (earlier_terms) ctx_.reached(Reached::OldTermCommittedIndirectly);
    set_commit_index(majority_index);
  } else if (options_.bugs.commit_old_term_by_count) {
    ctx_.reached(Reached::OldTermCommittedByCount);  // Figure 8's unsafe rule
    set_commit_index(majority_index);
  }
}

Time_us RaftNode::quorum_contact_us() const {
  std::vector<Time_us> contact;
  for (NodeId peer = 0; peer < ctx_.cluster_size(); ++peer) {
    contact.push_back(peer == ctx_.self() ? ctx_.now() : ack_sent_us_[peer]);
  }
  std::sort(contact.begin(), contact.end(), std::greater<>());
  return contact[quorum() - 1];
}

// Thesis §6.4.1: the leader may answer reads alone while no other leader can exist: until
// election_timeout_min / (1 + drift bound) after the start of the latest round a majority answered.
// It must also know the latest commitIndex: an entry of its own term is committed (§6.4, step 1).
bool RaftNode::lease_valid() const {
  if (!options_.lease_reads || role_ != RaftRole::Leader) return false;
  if (commit_index_ == 0 || term_at(commit_index_) != current_term()) return false;
  if (last_applied_ != commit_index_) return false;
  return ctx_.now() < quorum_contact_us() + options_.lease_duration_us();
}

// ================================================================================================
// Clients (§8)
// ================================================================================================

// §8: clients send all requests to the leader; a follower rejects them and supplies the leader it
// knows. The leader appends the command, replicates it, and answers once it is applied. Reads go
// through the log too (linearizable), unless a lease answers them (thesis §6.4.1).
void RaftNode::on_client_request(const ClientRequest& request) {
  require(durable_ != nullptr, "client request before on_start");
  if (role_ != RaftRole::Leader) {
    reply_client(ClientResponse{request.op_id, ClientStatus::NotLeader, std::nullopt, leader_id_});
    return;
  }
  const Command command = Command::from_request(request);
  if (command.is_read() && lease_valid()) {
    ctx_.reached(Reached::LeaseRead);  // thesis §6.4.1: answered without a log round
    const ApplyResult result = kv_.read(command.key);
    reply_client(ClientResponse{request.op_id, result.status, result.value, ctx_.self()});
    return;
  }
  append_entry(LogEntry{current_term(), command});
  pending_.add(last_log_index(), request.op_id);
  advance_commit_index();
  broadcast_append_entries();
  persist();
}

// Leader duties (the workload's scheduled job and unique ids), done the Raft way: a leader does not
// act on its belief that it leads, which may be stale (a leader cut off in a minority still
// believes it). It appends the decision to the log and acts once the decision is committed and
// applied: committed entries are unique per index, so no job period runs twice (the state machine
// runs each period once) and no id is handed out twice (ids come from a replicated counter).
void RaftNode::on_job(int64_t period) {
  if (durable_ != nullptr && role_ == RaftRole::Leader) propose_duty(Command::job(period));
}

void RaftNode::on_id_tick() {
  if (durable_ != nullptr && role_ == RaftRole::Leader) propose_duty(Command::id());
}

void RaftNode::propose_duty(const Command& duty) {
  const LogEntry entry{current_term(), duty};
  append_entry(entry);
  pending_duties_.add(last_log_index(), entry);
  advance_commit_index();
  broadcast_append_entries();
  persist();
}

void RaftNode::perform_duty(int64_t index, const LogEntry& applied, const ApplyResult& result) {
  const std::optional<LogEntry> proposed = pending_duties_.take(index);
  if (proposed && *proposed == applied) report_duty(ctx_, applied.command, result);
}

void RaftNode::answer_client(int64_t index, const Command& applied, const ApplyResult& result) {
  // Another entry at this index took it for good: ours can never be applied (Log Matching).
  if (const std::optional<uint64_t> op_id = pending_.take(index)) {
    reply_client(answer_waiting_client(*op_id, applied, result, leader_id_));
  }
}

// ================================================================================================
// Log and state machine
// ================================================================================================

int64_t RaftNode::term_at(int64_t index) const {
  if (index == 0) return 0;
  return entry_at(index).term;
}

const LogEntry& RaftNode::entry_at(int64_t index) const {
  require(index >= 1 && index <= last_log_index(), "log index in range");
  return durable_->log[static_cast<size_t>(index - 1)];
}

// §5.4.1: the log with the later last term is more up-to-date; with equal last terms, the longer.
bool RaftNode::log_is_up_to_date(int64_t last_index, int64_t last_term) const {
  if (last_term != last_log_term()) return last_term > last_log_term();
  return last_index >= last_log_index();
}

void RaftNode::append_entry(const LogEntry& entry) {
  durable_->note_log_write(durable_->log.size());
  durable_->log.push_back(entry);
  unsynced_.mark();
  AppendFact fact;
  fact.index = last_log_index();
  fact.entry = entry;
  ctx_.record(fact);
}

void RaftNode::truncate_from(int64_t index) {
  require(index >= 1 && index <= last_log_index(), "truncation within the log");
  require(role_ != RaftRole::Leader, "Leader Append-Only: a leader never deletes entries");
  TruncateFact fact;
  fact.from_index = index;
  fact.last_index = last_log_index();
  ctx_.record(fact);
  durable_->note_log_write(static_cast<size_t>(index - 1));
  durable_->log.resize(static_cast<size_t>(index - 1));
  unsynced_.mark();
  if (index <= commit_index_) {
    // Only a bug toggle gets here (a committed entry is never deleted, §5.4). Keep running so that
    // the checkers can show the damage; what was applied stays applied.
    ctx_.note("deleting committed entries from index " + std::to_string(index));
    commit_index_ = index - 1;
  }
}

void RaftNode::set_commit_index(int64_t index) {
  require(index > commit_index_ && index <= last_log_index(), "commitIndex only grows, within log");
  commit_index_ = index;
  CommitFact fact;
  fact.commit_index = commit_index_;
  fact.term = term_at(commit_index_);
  ctx_.record(fact);
  apply_committed();
}

// Figure 2, All Servers: "If commitIndex > lastApplied: increment lastApplied, apply
// log[lastApplied] to state machine" (§5.3).
void RaftNode::apply_committed() {
  while (last_applied_ < commit_index_) {  // (false after a buggy truncation below lastApplied)
    ++last_applied_;
    const LogEntry& entry = entry_at(last_applied_);
    const ApplyResult result = kv_.apply(entry.command);
    ApplyFact fact;
    fact.index = last_applied_;
    fact.entry = entry;
    ctx_.record(fact);
    answer_client(last_applied_, entry.command, result);
    perform_duty(last_applied_, entry, result);
  }
}

// ================================================================================================
// Durable state
// ================================================================================================

NodeId RaftNode::voted_for() const {
  if (unflushed_vote_ != kNoNode && unflushed_vote_term_ == current_term()) return unflushed_vote_;
  return durable_->voted_for;
}

void RaftNode::set_term(int64_t term) {
  require(term > current_term(), "terms increase monotonically");
  durable_->current_term = term;
  durable_->voted_for = kNoNode;
  unsynced_.mark();
}

void RaftNode::record_vote(NodeId candidate) {
  require(voted_for() == kNoNode || voted_for() == candidate, "one vote per term");
  if (options_.bugs.vote_before_persist && candidate != ctx_.self()) {
    unflushed_vote_ = candidate;
    unflushed_vote_term_ = current_term();
    if (!timers_.armed(kTagVoteFlush)) timers_.set(kTagVoteFlush, kVoteFlushDelay_us);
    return;
  }
  durable_->voted_for = candidate;
  unsynced_.mark();
}

void RaftNode::persist() {
  unsynced_.sync(ctx_);
}

// ================================================================================================
// Effects
// ================================================================================================

// Figure 2: persistent state is "updated on stable storage before responding to RPCs".
void RaftNode::send(NodeId to, std::unique_ptr<Message> msg) {
  persist();
  ctx_.send(to, std::move(msg));
}

void RaftNode::reply_client(const ClientResponse& response) {
  persist();
  ctx_.reply(response);
}

// §5.2: each election timeout is drawn uniformly from a range, one draw per reset. A follower
// draws from [election_timeout_min, election_timeout_max]. A candidate or pre-candidate (the timer
// armed when it stands) draws from Raft Refloated's candidate range (Howard et al., ACM SIGOPS OSR
// 49(1), 2015, leader election): "fixed reduction" (candidate_timeout_min/_max below the
// follower's range) and "binary exponential backoff" (candidate_backoff: the range doubles after
// each failed election in a row). Without those options the candidate range is the follower's,
// as in Figure 2. Still one draw per reset, so the random stream is used exactly as before.
void RaftNode::reset_election_timer() {
  Time_us low = options_.election_timeout_min_us;
  Time_us high = options_.election_timeout_max_us;
  if (role_ == RaftRole::Candidate || role_ == RaftRole::PreCandidate) {
    std::tie(low, high) = options_.candidate_timeout_range_us(failed_elections_);
  }
  const Time_us timeout_us = ctx_.random().uniform_int(low, high);
  timers_.set(kTagElection, timeout_us);
}

void RaftNode::report_role() {
  Role role = Role::Follower;
  if (role_ == RaftRole::Candidate) role = Role::Candidate;
  if (role_ == RaftRole::Leader) role = Role::Leader;
  reported_.report(ctx_, role, current_term(), leader_id_);
}

// A leader hears from itself; others from the last accepted AppendEntries (or their own boot).
bool RaftNode::heard_from_leader_recently() const {
  if (role_ == RaftRole::Leader) return true;
  return ctx_.now() - leader_contact_us_ < options_.election_timeout_min_us;
}

}  // namespace ballot::raft
