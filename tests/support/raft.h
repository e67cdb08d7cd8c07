// Raft on the test kit: a ManualCluster of RaftNodes with Raft's safety checker attached and every
// send and reply checked to leave no durable write unsynced, plus the few Raft moves tests repeat
// (elect a node, find the leader, build a log entry).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "algorithms/raft/checker.h"
#include "algorithms/raft/messages.h"
#include "algorithms/raft/node.h"
#include "algorithms/raft/options.h"
#include "manual_cluster.h"

namespace raft_test {

using namespace ballot;
using namespace ballot::raft;
using testkit::NetConfig;
using testkit::Packet;
using testkit::RecordingContext;

// Term, vote, length and last entry: enough to notice any write since the sync (a truncation is
// always followed by appends or a shorter log), and cheap on long logs.
inline bool raft_durable_equal(const DurableState* live_state, const DurableState* synced_state) {
  auto* live = dynamic_cast<const RaftDurable*>(live_state);
  auto* disk = dynamic_cast<const RaftDurable*>(synced_state);
  if (live == nullptr) return true;
  return disk != nullptr && live->current_term == disk->current_term &&
         live->voted_for == disk->voted_for && live->log.size() == disk->log.size() &&
         (live->log.empty() || live->log.back() == disk->log.back());
}

class Cluster : public testkit::ManualCluster {
 public:
  Cluster(int32_t n, const RaftOptions& options, uint64_t seed = 1)
      : Cluster(std::vector<RaftOptions>(static_cast<size_t>(n), options), seed) {}
  Cluster(std::vector<RaftOptions> options, uint64_t seed = 1)
      : ManualCluster(
            static_cast<int32_t>(options.size()),
            [options](Context& ctx) {
              return std::make_unique<RaftNode>(ctx, options.at(ctx.self()));
            },
            seed),
        checker_(&observe(std::make_unique<RaftSafetyChecker>(size()))) {
    check_durable_writes(raft_durable_equal);
  }

  RaftNode& node(NodeId id) { return node_as<RaftNode>(id); }
  RaftSafetyChecker& checker() { return *checker_; }

  // Makes `id` a leader at once: fires its election timer and delivers only the votes it needs.
  void elect(NodeId id) {
    fire(id, kTagElection);
    if (node(id).role() == RaftRole::PreCandidate) {
      deliver([id](const Packet& p) { return p.from == id && p.as<PreVote>(); });
      deliver([id](const Packet& p) { return p.to == id && p.as<PreVoteReply>(); });
    }
    deliver([id](const Packet& p) { return p.from == id && p.as<RequestVote>(); });
    deliver([id](const Packet& p) { return p.to == id && p.as<RequestVoteReply>(); });
  }

  ClientRequest request(lin::OpKind kind, std::string key, std::optional<std::string> value = {},
                        std::optional<std::string> expected = {}) {
    ClientRequest r;
    r.op_id = ++next_op_id_;
    r.client = 0;
    r.kind = kind;
    r.key = std::move(key);
    r.value = std::move(value);
    r.expected = std::move(expected);
    return r;
  }
  void client(NodeId id, const ClientRequest& request) {
    if (up(id)) node(id).on_client_request(request);
  }
  std::optional<ClientResponse> response(NodeId id, uint64_t op_id) {
    for (const ClientResponse& r : ctx(id).replies) {
      if (r.op_id == op_id) return r;
    }
    return std::nullopt;
  }

  // The leader of the highest term among live nodes, if exactly one live node leads it.
  std::optional<NodeId> leader() {
    std::optional<NodeId> found;
    int64_t best = -1;
    for (NodeId id = 0; id < size(); ++id) {
      if (!up(id) || node(id).role() != RaftRole::Leader) continue;
      if (node(id).current_term() > best) {
        best = node(id).current_term();
        found = id;
      }
    }
    return found;
  }
  std::string violations_text() {
    std::string text;
    for (const Violation& v : checker().violations()) {
      text += v.checker + " @" + std::to_string(v.event_index) + ": " + v.message + "\n";
    }
    return text;
  }

 private:
  RaftSafetyChecker* checker_;  // owned by the cluster's observers
  uint64_t next_op_id_ = 0;
};

// Facts of one type recorded by a node.
template <class F>
std::vector<const F*> facts_of(RecordingContext& ctx) {
  return ctx.facts_of<F>();
}

// The fields of a hand-made AppendEntries, named so that a test writes only those it needs:
// append_entries({.term = 3, .leader = 0, .prev_index = 4, .prev_term = 3}).
struct AppendFields {
  int64_t term = 0;
  NodeId leader = kNoNode;
  int64_t prev_index = 0;
  int64_t prev_term = 0;
  std::vector<LogEntry> entries = {};
  int64_t commit = 0;
};
inline AppendEntries append_entries(const AppendFields& f) {
  AppendEntries ae;
  ae.term = f.term;
  ae.leader_id = f.leader;
  ae.prev_log_index = f.prev_index;
  ae.prev_log_term = f.prev_term;
  ae.entries = f.entries;
  ae.leader_commit = f.commit;
  return ae;
}

// The same for RequestVote: request_vote({.term = 2, .candidate = 1, .last_index = 3}).
struct VoteFields {
  int64_t term = 0;
  NodeId candidate = kNoNode;
  int64_t last_index = 0;
  int64_t last_term = 0;
};
inline RequestVote request_vote(const VoteFields& f) {
  RequestVote rv;
  rv.term = f.term;
  rv.candidate_id = f.candidate;
  rv.last_log_index = f.last_index;
  rv.last_log_term = f.last_term;
  return rv;
}

inline LogEntry entry(int64_t term, const std::string& value = "") {
  LogEntry e;
  e.term = term;
  if (!value.empty()) {
    e.command.kind = CommandKind::Write;
    e.command.value = value;
  }
  return e;
}

}  // namespace raft_test
