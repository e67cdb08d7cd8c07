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

#include "algorithms/kit/dispatch.h"
#include "algorithms/kit/fields.h"
#include "algorithms/raft/log.h"
#include "sim/api/message.h"
#include "sim/api/node_api.h"

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

// A Value as the fields of an object (proposed_in, then the command's fields).
void write_value(FieldSink& sink, const Value& value);

// An acceptor's vote for `value` in `ballot` (the paper's "accepted proposal").
struct AcceptedProposal {
  int64_t slot = 0;
  int64_t ballot = 0;
  Value value;
  bool operator==(const AcceptedProposal&) const = default;
  static constexpr auto declared_fields() {
    using S = AcceptedProposal;
    return kit::fields(kit::num("slot", &S::slot), kit::num("ballot", &S::ballot),
                       kit::object("value", &S::value, &write_value));
  }
};

// Phase 1(a): "a proposer selects a proposal number n and sends a prepare request with number n to
// a majority of acceptors". In Multi-Paxos one prepare covers every slot from `from_slot` on.
struct Prepare : kit::Msg<Prepare> {
  static constexpr std::string_view kType = "Prepare";
  int64_t ballot = 0;
  int64_t from_slot = 1;  // the proposer's first unchosen slot
  static constexpr auto declared_fields() {
    using S = Prepare;
    return kit::fields(kit::num("ballot", &S::ballot), kit::num("from_slot", &S::from_slot));
  }
};

// Phase 1(b): the promise not to accept any proposal numbered less than `ballot`, with the
// highest-numbered proposal the acceptor has accepted in every slot from `from_slot` on.
struct Promise : kit::Msg<Promise> {
  static constexpr std::string_view kType = "Promise";
  int64_t ballot = 0;
  std::vector<AcceptedProposal> accepted;  // ascending slot, one per slot
  static constexpr auto declared_fields() {
    using S = Promise;
    return kit::fields(kit::num("ballot", &S::ballot),
                       kit::list("accepted", &S::accepted, &kit::write_fields<AcceptedProposal>));
  }
  int64_t size_bytes() const override;
};

// Phase 2(a): "an accept request to each of those acceptors for a proposal numbered n with a value
// v", one slot at a time. It also carries the leader's decision watermark, as Raft's AppendEntries
// carries leaderCommit: every slot below `first_unchosen` is chosen, and in each of them that this
// ballot proposed, the value chosen is this ballot's proposal (PaxosNode::decided_below).
struct Accept : kit::Msg<Accept> {
  static constexpr std::string_view kType = "Accept";
  int64_t ballot = 0;
  int64_t slot = 0;
  int64_t first_unchosen = 1;  // the leader's decision watermark
  Value value;
  static constexpr auto declared_fields() {
    using S = Accept;
    return kit::fields(kit::num("ballot", &S::ballot), kit::num("slot", &S::slot),
                       kit::num("first_unchosen", &S::first_unchosen),
                       kit::object("value", &S::value, &write_value));
  }
  int64_t size_bytes() const override;
};

// Phase 2(b): the acceptor accepted the proposal (`ballot`, `slot`). It says how far the acceptor
// has learned, and whether it is `behind`: it could not learn every slot below the watermark of
// the message it answers (it lacks this ballot's value in one of them), so the leader sends the
// chosen values it misses (a catch-up Decide).
struct Accepted : kit::Msg<Accepted> {
  static constexpr std::string_view kType = "Accepted";
  int64_t ballot = 0;
  int64_t slot = 0;
  int64_t first_unchosen = 1;  // the acceptor's lowest slot not known chosen
  bool behind = false;
  static constexpr auto declared_fields() {
    using S = Accepted;
    return kit::fields(kit::num("ballot", &S::ballot), kit::num("slot", &S::slot),
                       kit::num("first_unchosen", &S::first_unchosen),
                       kit::flag("behind", &S::behind));
  }
};

// A refusal of a prepare, accept or heartbeat of `ballot`: the acceptor has promised `promised`
// (> ballot). The paper notes (§2.2, optimization) that an acceptor may tell the proposer to
// abandon its proposal; the proposer steps down.
struct Nack : kit::Msg<Nack> {
  static constexpr std::string_view kType = "Nack";
  int64_t ballot = 0;    // the refused ballot
  int64_t promised = 0;  // the higher ballot the acceptor has promised
  static constexpr auto declared_fields() {
    using S = Nack;
    return kit::fields(kit::num("ballot", &S::ballot), kit::num("promised", &S::promised));
  }
};

// §3: the leader's "I am alive" that keeps the others from starting phase 1, sent to a follower
// only when nothing else went to it for a heartbeat interval (as Raft's empty AppendEntries). It
// carries the decision watermark, as an Accept does.
struct Heartbeat : kit::Msg<Heartbeat> {
  static constexpr std::string_view kType = "Heartbeat";
  int64_t ballot = 0;
  int64_t first_unchosen = 1;  // the leader's decision watermark
  static constexpr auto declared_fields() {
    using S = Heartbeat;
    return kit::fields(kit::num("ballot", &S::ballot),
                       kit::num("first_unchosen", &S::first_unchosen));
  }
};

// The follower's answer: how far it has learned, and whether it is `behind` the heartbeat's
// watermark (as in Accepted), so that the leader sends what it misses.
struct HeartbeatReply : kit::Msg<HeartbeatReply> {
  static constexpr std::string_view kType = "HeartbeatReply";
  int64_t ballot = 0;
  int64_t first_unchosen = 1;  // the follower's lowest slot not known chosen
  bool behind = false;
  static constexpr auto declared_fields() {
    using S = HeartbeatReply;
    return kit::fields(kit::num("ballot", &S::ballot),
                       kit::num("first_unchosen", &S::first_unchosen),
                       kit::flag("behind", &S::behind));
  }
};

// §2.3, learning a chosen value: "the distinguished learner ... informs the other learners when a
// value has been chosen". Decisions normally ride on the leader's next Accept or Heartbeat (their
// watermark); a Decide carries the chosen values themselves, to a follower that answered `behind`
// (it lacks the leader's value in a slot below the watermark).
struct Decide : kit::Msg<Decide> {
  static constexpr std::string_view kType = "Decide";
  struct Entry {
    int64_t slot = 0;
    Value value;
    static constexpr auto declared_fields() {
      using S = Entry;
      return kit::fields(kit::num("slot", &S::slot), kit::object("value", &S::value, &write_value));
    }
  };
  std::vector<Entry> chosen;  // ascending slot
  static constexpr auto declared_fields() {
    using S = Decide;
    return kit::fields(kit::list("chosen", &S::chosen, &kit::write_fields<Entry>));
  }
  int64_t size_bytes() const override;
};

// The messages a Paxos node handles, most frequent first (PaxosNode::on_message visits them).
using Messages =
    kit::MessageTypes<Accept, Accepted, Heartbeat, HeartbeatReply, Decide, Prepare, Promise, Nack>;

// ---- Facts (Context::record) -------------------------------------------------------------------

// The fields of ProposeFact and AcceptFact: a value in (`slot`, `ballot`).
struct SlotBallotValueFields {
  int64_t slot = 0;
  int64_t ballot = 0;
  Value value;
  static constexpr auto declared_fields() {
    using S = SlotBallotValueFields;
    return kit::fields(kit::num("slot", &S::slot), kit::num("ballot", &S::ballot),
                       kit::object("value", &S::value, &write_value));
  }
};

// A proposer sent phase 2(a) for `value` in (`slot`, `ballot`).
struct ProposeFact : kit::Msg<ProposeFact, SlotBallotValueFields> {
  static constexpr std::string_view kType = "propose";
};

// This acceptor accepted `value` in (`slot`, `ballot`), durably (recorded after the sync).
struct AcceptFact : kit::Msg<AcceptFact, SlotBallotValueFields> {
  static constexpr std::string_view kType = "accept";
};

// This node learned that `value` is chosen in `slot`.
struct LearnFact : kit::Msg<LearnFact> {
  static constexpr std::string_view kType = "learn";
  int64_t slot = 0;
  Value value;
  static constexpr auto declared_fields() {
    using S = LearnFact;
    return kit::fields(kit::num("slot", &S::slot), kit::object("value", &S::value, &write_value));
  }
};

// This node applied the chosen value of `slot` to its state machine (slots apply in order).
struct ApplyFact : MessageBase<ApplyFact> {
  static constexpr std::string_view kType = "apply";
  int64_t slot = 0;
  Value value;
  void fields(FieldSink& sink) const override;
};

}  // namespace ballot::paxos
