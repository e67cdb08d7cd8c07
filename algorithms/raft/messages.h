// Raft's RPCs (Figure 2), the pre-vote RPC (thesis §9.6), and the facts a Raft node records for the
// checkers. Requests and their results are separate one-way messages; the simulator has no RPC
// layer.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "algorithms/raft/log.h"
#include "sim/message.h"
#include "sim/node_api.h"
#include "sim/time.h"

namespace ballot::raft {

// Figure 2, RequestVote RPC: invoked by candidates to gather votes (§5.2).
struct RequestVote : MessageBase<RequestVote> {
  static constexpr std::string_view kType = "RequestVote";
  int64_t term = 0;  // candidate's term
  NodeId candidate_id = kNoNode;
  int64_t last_log_index = 0;  // index of candidate's last log entry (§5.4)
  int64_t last_log_term = 0;   // term of candidate's last log entry (§5.4)
  void fields(FieldSink& sink) const override;
};

struct RequestVoteReply : MessageBase<RequestVoteReply> {
  static constexpr std::string_view kType = "RequestVoteReply";
  int64_t term = 0;  // currentTerm, for the candidate to update itself
  bool vote_granted = false;
  void fields(FieldSink& sink) const override;
};

// Thesis §9.6: the same question as RequestVote for term + 1, asked without changing any state.
struct PreVote : MessageBase<PreVote> {
  static constexpr std::string_view kType = "PreVote";
  int64_t term = 0;  // the term the candidate would use: its currentTerm + 1
  NodeId candidate_id = kNoNode;
  int64_t last_log_index = 0;
  int64_t last_log_term = 0;
  void fields(FieldSink& sink) const override;
};

struct PreVoteReply : MessageBase<PreVoteReply> {
  static constexpr std::string_view kType = "PreVoteReply";
  int64_t term = 0;  // the receiver's currentTerm
  bool vote_granted = false;
  void fields(FieldSink& sink) const override;
};

// Figure 2, AppendEntries RPC: invoked by the leader to replicate entries (§5.3); also the
// heartbeat (§5.2).
struct AppendEntries : MessageBase<AppendEntries> {
  static constexpr std::string_view kType = "AppendEntries";
  int64_t term = 0;  // leader's term
  NodeId leader_id = kNoNode;
  int64_t prev_log_index = 0;  // index of the entry immediately preceding the new ones
  int64_t prev_log_term = 0;   // term of the prev_log_index entry
  std::vector<LogEntry> entries;
  int64_t leader_commit = 0;  // leader's commitIndex
  // Not in Figure 2: the leader's local clock when it sent this, echoed in the reply. The leader
  // dates its last contact with a majority from it (check-quorum §6.2, lease reads §6.4.1).
  Time_us sent_us = 0;
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

struct AppendEntriesReply : MessageBase<AppendEntriesReply> {
  static constexpr std::string_view kType = "AppendEntriesReply";
  int64_t term = 0;  // currentTerm, for the leader to update itself
  bool success = false;
  // On success: the index of the last entry the request covered (prev_log_index + entries), so
  // that a late or reordered reply cannot be misread.
  int64_t match_index = 0;
  // On failure: the follower cannot match the leader beyond this index; the leader retries with
  // nextIndex <= conflict_index + 1 (the faster back-off sketched at the end of §5.3).
  int64_t conflict_index = 0;
  Time_us sent_us = 0;  // echoed from the request
  void fields(FieldSink& sink) const override;
};

// ---- Facts for the checkers (Context::record) --------------------------------------------------

// The node appended `entry` at `index` of its log (index == previous last index + 1).
struct AppendFact : MessageBase<AppendFact> {
  static constexpr std::string_view kType = "append";
  int64_t index = 0;
  LogEntry entry;
  void fields(FieldSink& sink) const override;
};

// The node deleted the entries from `from_index` to `last_index` (Figure 2, AppendEntries rule 3).
struct TruncateFact : MessageBase<TruncateFact> {
  static constexpr std::string_view kType = "truncate";
  int64_t from_index = 0;
  int64_t last_index = 0;
  void fields(FieldSink& sink) const override;
};

// The node's commitIndex advanced to `commit_index`.
struct CommitFact : MessageBase<CommitFact> {
  static constexpr std::string_view kType = "commit";
  int64_t commit_index = 0;
  int64_t term = 0;  // the term of the entry at commit_index
  void fields(FieldSink& sink) const override;
};

// The node applied the entry at `index` to its state machine (lastApplied = index).
struct ApplyFact : MessageBase<ApplyFact> {
  static constexpr std::string_view kType = "apply";
  int64_t index = 0;
  LogEntry entry;
  void fields(FieldSink& sink) const override;
};

}  // namespace ballot::raft
