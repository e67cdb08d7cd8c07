// Raft's RPCs (Figure 2), the pre-vote RPC (thesis §9.6), and the facts a Raft node records for the
// checkers. Fields are declared once (algorithms/kit/fields.h) for the trace and the viewer.
// Requests and their results are separate one-way messages; the simulator has no RPC layer.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/fields.h"
#include "algorithms/raft/log.h"
#include "sim/api/message.h"
#include "sim/api/node_api.h"
#include "sim/api/time.h"

namespace ballot::raft {

// One LogEntry as the fields of an object: its term, then its command's fields.
void write_entry(FieldSink& sink, const LogEntry& entry);

// Figure 2, RequestVote RPC: invoked by candidates to gather votes (§5.2). Thesis §9.6, PreVote:
// the same question for term + 1, asked without changing any state. Both carry these fields.
struct VoteRequestFields {
  int64_t term = 0;  // RequestVote: candidate's term; PreVote: the term it would use (its term + 1)
  NodeId candidate_id = kNoNode;
  int64_t last_log_index = 0;  // index of candidate's last log entry (§5.4)
  int64_t last_log_term = 0;   // term of candidate's last log entry (§5.4)
  static constexpr auto declared_fields() {
    using S = VoteRequestFields;
    return kit::fields(kit::num("term", &S::term), kit::node("candidate_id", &S::candidate_id),
                       kit::num("last_log_index", &S::last_log_index),
                       kit::num("last_log_term", &S::last_log_term));
  }
};

// The answer to RequestVote or PreVote.
struct VoteReplyFields {
  int64_t term = 0;  // currentTerm, for the candidate to update itself
  bool vote_granted = false;
  static constexpr auto declared_fields() {
    using S = VoteReplyFields;
    return kit::fields(kit::num("term", &S::term), kit::flag("vote_granted", &S::vote_granted));
  }
};

struct RequestVote : kit::Msg<RequestVote, VoteRequestFields> {
  static constexpr std::string_view kType = "RequestVote";
};
struct RequestVoteReply : kit::Msg<RequestVoteReply, VoteReplyFields> {
  static constexpr std::string_view kType = "RequestVoteReply";
};
struct PreVote : kit::Msg<PreVote, VoteRequestFields> {
  static constexpr std::string_view kType = "PreVote";
};
struct PreVoteReply : kit::Msg<PreVoteReply, VoteReplyFields> {
  static constexpr std::string_view kType = "PreVoteReply";
};

// Figure 2, AppendEntries RPC: invoked by the leader to replicate entries (§5.3); also the
// heartbeat (§5.2).
struct AppendEntries : kit::Msg<AppendEntries> {
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
  static constexpr auto declared_fields() {
    using S = AppendEntries;
    return kit::fields(kit::num("term", &S::term), kit::node("leader_id", &S::leader_id),
                       kit::num("prev_log_index", &S::prev_log_index),
                       kit::num("prev_log_term", &S::prev_log_term),
                       kit::list("entries", &S::entries, &write_entry),
                       kit::num("leader_commit", &S::leader_commit),
                       kit::num("sent_us", &S::sent_us));
  }
  int64_t size_bytes() const override;
};

struct AppendEntriesReply : kit::Msg<AppendEntriesReply> {
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
  static constexpr auto declared_fields() {
    using S = AppendEntriesReply;
    return kit::fields(kit::num("term", &S::term), kit::flag("success", &S::success),
                       kit::num("match_index", &S::match_index),
                       kit::num("conflict_index", &S::conflict_index),
                       kit::num("sent_us", &S::sent_us));
  }
};

// The messages a Raft node handles, most frequent first (RaftNode::on_message visits them).
using Messages = kit::MessageTypes<AppendEntries, AppendEntriesReply, RequestVote, RequestVoteReply,
                                   PreVote, PreVoteReply>;

// ---- Facts for the checkers (Context::record) --------------------------------------------------

// A log entry and its index: the fields of AppendFact and ApplyFact (index, the entry's term, and
// its command as an object).
struct EntryFactFields {
  int64_t index = 0;
  LogEntry entry;
  void fields(FieldSink& sink) const;
};

// The node appended `entry` at `index` of its log (index == previous last index + 1).
struct AppendFact : MessageBase<AppendFact>, EntryFactFields {
  static constexpr std::string_view kType = "append";
  void fields(FieldSink& sink) const override { EntryFactFields::fields(sink); }
};

// The node deleted the entries from `from_index` to `last_index` (Figure 2, AppendEntries rule 3).
struct TruncateFact : kit::Msg<TruncateFact> {
  static constexpr std::string_view kType = "truncate";
  int64_t from_index = 0;
  int64_t last_index = 0;
  static constexpr auto declared_fields() {
    using S = TruncateFact;
    return kit::fields(kit::num("from_index", &S::from_index),
                       kit::num("last_index", &S::last_index));
  }
};

// The node's commitIndex advanced to `commit_index`.
struct CommitFact : kit::Msg<CommitFact> {
  static constexpr std::string_view kType = "commit";
  int64_t commit_index = 0;
  int64_t term = 0;  // the term of the entry at commit_index
  static constexpr auto declared_fields() {
    using S = CommitFact;
    return kit::fields(kit::num("commit_index", &S::commit_index), kit::num("term", &S::term));
  }
};

// The node applied the entry at `index` to its state machine (lastApplied = index).
struct ApplyFact : MessageBase<ApplyFact>, EntryFactFields {
  static constexpr std::string_view kType = "apply";
  void fields(FieldSink& sink) const override { EntryFactFields::fields(sink); }
};

}  // namespace ballot::raft
