// Multi-Paxos messages (Lamport, "Paxos Made Simple", 2001) and the facts a Paxos node records for
// the checker and the viewer. The paper's "prepare request" and "accept request" are Prepare and
// Accept; their answers are Promise and Accepted; a refusal is a Nack carrying the higher ballot
// the acceptor has promised. Heartbeat and Decide are the leader's messages of §3 (a distinguished
// proposer and learner). Requests and answers are separate one-way messages.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/raft/log.h"
#include "sim/message.h"
#include "sim/node_api.h"

namespace ballot::paxos {

// The state machine commands are Raft's (algorithms/raft/log.h): the same register, key-value and
// duty operations, so both algorithms run the same workloads.
using raft::Command;
using raft::CommandKind;

// A proposal's value: a command, and the ballot in which a proposer first proposed it. The ballot
// makes every proposal distinct (two leaders proposing "hand out an id" propose different values),
// which lets a leader recognize its own duty decisions once they are chosen. A value re-proposed
// by a later leader (phase 2 after phase 1) keeps its original `proposed_in`.
struct Value {
  Command command;
  int64_t proposed_in = 0;
  void fields(FieldSink& sink) const;  // as one object under "value"
  uint64_t digest() const;             // stable, for the checker
  std::string describe() const;        // "put x=1 (c2#17) @b7"
  bool operator==(const Value&) const = default;
};

// An acceptor's vote for `value` in `ballot` (the paper's "accepted proposal").
struct AcceptedProposal {
  int64_t slot = 0;
  int64_t ballot = 0;
  Value value;
  bool operator==(const AcceptedProposal&) const = default;
};

// Phase 1(a): "a proposer selects a proposal number n and sends a prepare request with number n to
// a majority of acceptors". In Multi-Paxos one prepare covers every slot from `from_slot` on.
struct Prepare : MessageBase<Prepare> {
  static constexpr std::string_view kType = "Prepare";
  int64_t ballot = 0;
  int64_t from_slot = 1;  // the proposer's first unchosen slot
  void fields(FieldSink& sink) const override;
};

// Phase 1(b): the promise not to accept any proposal numbered less than `ballot`, with the
// highest-numbered proposal the acceptor has accepted in every slot from `from_slot` on.
struct Promise : MessageBase<Promise> {
  static constexpr std::string_view kType = "Promise";
  int64_t ballot = 0;
  std::vector<AcceptedProposal> accepted;  // ascending slot, one per slot
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

// Phase 2(a): "an accept request to each of those acceptors for a proposal numbered n with a value
// v", one slot at a time.
struct Accept : MessageBase<Accept> {
  static constexpr std::string_view kType = "Accept";
  int64_t ballot = 0;
  int64_t slot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

// Phase 2(b): the acceptor accepted the proposal (`ballot`, `slot`).
struct Accepted : MessageBase<Accepted> {
  static constexpr std::string_view kType = "Accepted";
  int64_t ballot = 0;
  int64_t slot = 0;
  void fields(FieldSink& sink) const override;
};

// A refusal of a prepare, accept or heartbeat of `ballot`: the acceptor has promised `promised`
// (> ballot). The paper notes (§2.2, optimization) that an acceptor may tell the proposer to
// abandon its proposal; the proposer steps down.
struct Nack : MessageBase<Nack> {
  static constexpr std::string_view kType = "Nack";
  int64_t ballot = 0;    // the refused ballot
  int64_t promised = 0;  // the higher ballot the acceptor has promised
  void fields(FieldSink& sink) const override;
};

// §3: the leader's periodic "I am alive" that keeps the others from starting phase 1.
struct Heartbeat : MessageBase<Heartbeat> {
  static constexpr std::string_view kType = "Heartbeat";
  int64_t ballot = 0;
  int64_t first_unchosen = 1;  // the leader's lowest slot not known chosen
  void fields(FieldSink& sink) const override;
};

// The follower's answer: how far it has learned, so that the leader sends what it misses.
struct HeartbeatReply : MessageBase<HeartbeatReply> {
  static constexpr std::string_view kType = "HeartbeatReply";
  int64_t ballot = 0;
  int64_t first_unchosen = 1;
  void fields(FieldSink& sink) const override;
};

// §2.3, learning a chosen value: "the distinguished learner ... informs the other learners when a
// value has been chosen". The leader sends the chosen values of these slots.
struct Decide : MessageBase<Decide> {
  static constexpr std::string_view kType = "Decide";
  struct Entry {
    int64_t slot = 0;
    Value value;
  };
  std::vector<Entry> chosen;  // ascending slot
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

// ---- Facts (Context::record) -------------------------------------------------------------------

// A proposer sent phase 2(a) for `value` in (`slot`, `ballot`).
struct ProposeFact : MessageBase<ProposeFact> {
  static constexpr std::string_view kType = "propose";
  int64_t slot = 0;
  int64_t ballot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
};

// This acceptor accepted `value` in (`slot`, `ballot`), durably (recorded after the sync).
struct AcceptFact : MessageBase<AcceptFact> {
  static constexpr std::string_view kType = "accept";
  int64_t slot = 0;
  int64_t ballot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
};

// This node learned that `value` is chosen in `slot`.
struct LearnFact : MessageBase<LearnFact> {
  static constexpr std::string_view kType = "learn";
  int64_t slot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
};

// This node applied the chosen value of `slot` to its state machine (slots apply in order).
struct ApplyFact : MessageBase<ApplyFact> {
  static constexpr std::string_view kType = "apply";
  int64_t slot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
};

}  // namespace ballot::paxos
