// A Raft server, rule by rule from Figure 2 of the extended paper (Ongaro & Ousterhout, "In Search
// of an Understandable Consensus Algorithm"), with pre-vote, check-quorum, the disruptive-server
// rule and lease reads from Ongaro's thesis. A pure state machine: it acts only through its
// Context.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "algorithms/kit/replica.h"
#include "algorithms/kit/timers.h"
#include "algorithms/raft/kv_store.h"
#include "algorithms/raft/log.h"
#include "algorithms/raft/messages.h"
#include "algorithms/raft/options.h"
#include "sim/api/node_api.h"

namespace ballot::raft {

// Figure 2, "Persistent state on all servers (updated on stable storage before responding to
// RPCs)". The kernel owns this object; it survives crashes.
class RaftDurable final : public DurableState {
 public:
  int64_t current_term = 0;    // latest term this server has seen; increases monotonically
  NodeId voted_for = kNoNode;  // candidate that received this server's vote in current_term
  Log log;                     // log[i - 1] is the entry at index i

  // log[0, log_synced_prefix) is unchanged since the last sync_to, so a sync copies only the
  // rest: syncing before every reply would otherwise cost O(log length) each time. Lowered by
  // every write to the log (note_log_write); 0 means "copy it all".
  size_t log_synced_prefix = 0;

  // The log is about to change from position `first` (0-based) on.
  void note_log_write(size_t first) { log_synced_prefix = std::min(log_synced_prefix, first); }

  std::unique_ptr<DurableState> clone() const override {
    return std::make_unique<RaftDurable>(*this);
  }
  void sync_to(std::unique_ptr<DurableState>& synced) override;
};

// Internally a server may also be a pre-candidate (thesis §9.6): it reports itself as a follower,
// since it has not started a new term.
enum class RaftRole : uint8_t { Follower, PreCandidate, Candidate, Leader };
const char* raft_role_name(RaftRole role);

// Timer tags, as they appear in the trace.
enum TimerTag : uint64_t {
  kTagElection = 1,     // election timeout (§5.2)
  kTagHeartbeat = 2,    // leader: idle AppendEntries (§5.2)
  kTagVoteRetry = 3,    // candidate: resend RequestVote / PreVote to silent peers (§5.1 retries)
  kTagCheckQuorum = 4,  // leader: has a majority answered lately? (thesis §6.2)
  kTagVoteFlush = 5,    // bugs.vote_before_persist: the late write of votedFor
};

class RaftNode final : public Node {
 public:
  RaftNode(Context& ctx, const RaftOptions& options);

  void on_start() override;
  void on_message(NodeId from, const Message& msg) override;
  void on_timer(uint64_t tag) override;
  void on_client_request(const ClientRequest& request) override;
  // Leader duties of the workload: a leader appends a `job` / `id` entry and performs the duty
  // once that entry is applied (see perform_duty).
  void on_job(int64_t period) override;
  void on_id_tick() override;
  void on_fenced(NodeId target, bool powered_off) override;

  // Read-only views, for tests.
  RaftRole role() const { return role_; }
  int64_t current_term() const { return durable_->current_term; }
  NodeId voted_for() const;
  const Log& log() const { return durable_->log; }
  int64_t commit_index() const { return commit_index_; }
  int64_t last_applied() const { return last_applied_; }
  NodeId leader_id() const { return leader_id_; }
  const KvStore& state_machine() const { return kv_; }
  int64_t next_index(NodeId peer) const { return next_index_.at(peer); }
  int64_t match_index(NodeId peer) const { return match_index_.at(peer); }
  // Failed elections in a row (Raft Refloated's binary exponential backoff counts them).
  int32_t failed_elections() const { return failed_elections_; }
  // Whether a read arriving now would be answered from the lease (thesis §6.4.1).
  bool lease_valid() const;

 private:
  // ---- Dispatch ----
  // Figure 2, "Rules for Servers: All Servers": a higher term makes this node a follower of that
  // term, applied here, once, before the message's handler (as etcd-io/raft's Step does).
  template <class M>
  void step(NodeId from, const M& msg);
  // Whether a message carrying a higher term moves this node to that term (all but the exceptions
  // etcd makes too: see the overloads).
  template <class M>
  bool adopts_term(const M&) const {
    return true;
  }
  bool adopts_term(const RequestVote& rpc) const;
  bool adopts_term(const PreVote& rpc) const;
  bool adopts_term(const PreVoteReply& reply) const;

  // ---- RPC handlers (Figure 2), after step() ----
  void handle(NodeId from, const RequestVote& rpc);
  void handle(NodeId from, const RequestVoteReply& reply);
  void handle(NodeId from, const PreVote& rpc);
  void handle(NodeId from, const PreVoteReply& reply);
  void handle(NodeId from, const AppendEntries& rpc);
  void handle(NodeId from, const AppendEntriesReply& reply);

  // ---- Timers ----
  void on_election_timeout();
  void on_heartbeat_timeout();
  void on_vote_retry_timeout();
  void on_check_quorum_timeout();
  void on_vote_flush_timeout();

  // ---- Role transitions ----
  void become_pre_candidate();
  void become_candidate();
  void become_leader();
  void start_vote_count();
  template <class M>
  M vote_request(int64_t term) const;
  // Becomes a follower of term `term`; a higher term clears voted_for (Figure 2, "All Servers").
  void step_down(int64_t term);

  // ---- Leader duties ----
  void send_append_entries(NodeId peer);
  void broadcast_append_entries();
  void advance_commit_index();  // Figure 2, Leaders, last rule (§5.3, §5.4.2)
  // The local time of the latest AppendEntries round that a majority (this leader included) has
  // answered in this term.
  Time_us quorum_contact_us() const;

  // ---- Log and state machine ----
  int64_t last_log_index() const { return static_cast<int64_t>(durable_->log.size()); }
  int64_t last_log_term() const { return term_at(last_log_index()); }
  int64_t term_at(int64_t index) const;  // 0 for index 0
  const LogEntry& entry_at(int64_t index) const;
  bool log_is_up_to_date(int64_t last_index, int64_t last_term) const;  // §5.4.1
  void append_entry(const LogEntry& entry);
  void truncate_from(int64_t index);
  void set_commit_index(int64_t index);
  void apply_committed();
  void answer_client(int64_t index, const Command& applied, const ApplyResult& result);
  void propose_duty(const Command& duty);
  void perform_duty(int64_t index, const LogEntry& applied, const ApplyResult& result);

  // ---- Durable state ----
  void set_term(int64_t term);  // also clears voted_for
  void record_vote(NodeId candidate);
  // Makes every durable change so far survive a crash (write + sync). Called before anything
  // leaves the node and at the end of every handler.
  void persist();

  // ---- Effects ----
  void send(NodeId to, std::unique_ptr<Message> msg);
  void reply_client(const ClientResponse& response);
  void reset_election_timer();
  void take_leadership();
  void report_role();
  bool heard_from_leader_recently() const;
  int32_t quorum() const { return kit::majority(ctx_.cluster_size()); }

  const RaftOptions options_;
  RaftDurable* durable_ = nullptr;  // owned by the kernel; set in on_start
  kit::UnsyncedWrites unsynced_;    // durable_ changed since the last sync

  // Volatile state on all servers (Figure 2): rebuilt from 0 after a restart.
  RaftRole role_ = RaftRole::Follower;
  NodeId leader_id_ = kNoNode;  // the leader of current_term, once heard from
  int64_t commit_index_ = 0;    // highest index known committed
  int64_t last_applied_ = 0;    // highest index applied to kv_; last_applied_ <= commit_index_
  KvStore kv_;
  // Local time of the last AppendEntries accepted from the current leader (with lease_reads, the
  // boot counts too: see on_start).
  Time_us leader_contact_us_ = 0;

  // Volatile state on candidates: who granted / answered in this election (indexed by node).
  std::vector<bool> votes_granted_;
  std::vector<bool> votes_answered_;

  // Volatile state on leaders (Figure 2), reinitialized after election. Indexed by node.
  std::vector<int64_t> next_index_;   // next log entry to send to each server
  std::vector<int64_t> match_index_;  // highest entry known replicated on each server
  std::vector<Time_us> ack_sent_us_;  // latest echoed sent_us from each server in this term

  // Client requests waiting for their entry to be applied: log index -> op_id. Kept across a
  // step-down: the entry may still commit under the next leader (then we answer Ok), or another
  // entry may be applied at its index (then it never will: we answer NotLeader).
  kit::Waiting<uint64_t> pending_;
  // Duty entries this node proposed as leader: log index -> the entry. It performs a duty only if
  // its own entry is the one applied at that index (lost on a crash: the duty is then missed).
  kit::Waiting<LogEntry> pending_duties_;

  // Raft Refloated's binary exponential backoff (candidate_backoff): elections this node has
  // stood in and lost in a row (its election timer fired while it was a candidate or
  // pre-candidate); 0 after it wins or hears from a current leader. Volatile.
  int32_t failed_elections_ = 0;

  // bugs.vote_before_persist: a granted vote not yet written to durable_ (valid in its term only).
  NodeId unflushed_vote_ = kNoNode;
  int64_t unflushed_vote_term_ = 0;

  // STONITH (docs/stonith.md): the last leader this node followed (other than itself), and the
  // previous leader a won election waits to have powered off (kNoNode when not waiting), with the
  // term that election was won in.
  NodeId previous_leader_ = kNoNode;
  NodeId fencing_ = kNoNode;
  int64_t fencing_term_ = 0;

  kit::Timers timers_{ctx_};  // named by TimerTag
  kit::RoleReport reported_;
};

}  // namespace ballot::raft
