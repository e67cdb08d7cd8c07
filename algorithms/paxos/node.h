// A Multi-Paxos node (Lamport, "Paxos Made Simple", 2001): every node is a proposer, an acceptor
// and a learner. One node at a time acts as the distinguished proposer (the leader, §3): it runs
// phase 1 once for every slot above its first unchosen one, then phase 2 per slot for each client
// command. A pure state machine: it acts only through its Context.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "algorithms/kit/replica.h"
#include "algorithms/kit/timers.h"
#include "algorithms/paxos/messages.h"
#include "algorithms/paxos/options.h"
#include "algorithms/raft/kv_store.h"
#include "sim/api/node_api.h"

namespace ballot::paxos {

// Ballots (the paper's proposal numbers) are positive integers, unique per node: node i (0-based)
// of an n-node cluster owns the ballots round * n + i + 1. Ballot 0 means "none".
int64_t ballot_owner(int64_t ballot, int32_t cluster_size);
// The smallest ballot of `self` greater than `above`.
int64_t next_ballot_above(int64_t above, NodeId self, int32_t cluster_size);

// The acceptor's state, which must survive a crash (§2.3: "an acceptor must remember this
// information even if it fails and then restarts"). The kernel owns this object.
class PaxosDurable final : public DurableState {
 public:
  // The highest ballot this acceptor has responded to a prepare (or accept) for. Only grows.
  int64_t promised_ballot = 0;
  // Per slot, the highest-numbered proposal this acceptor has accepted: accepted[slot - 1], with
  // ballot 0 where it has accepted nothing. A vector rather than a map: the kernel copies durable
  // state at every sync (to model the loss of unsynced writes), and slots are dense.
  std::vector<AcceptedProposal> accepted;

  // The accepted proposal of `slot`, or nullptr.
  const AcceptedProposal* accepted_in(int64_t slot) const {
    if (slot < 1 || slot > static_cast<int64_t>(accepted.size())) return nullptr;
    const AcceptedProposal& a = accepted[static_cast<size_t>(slot - 1)];
    return a.ballot == 0 ? nullptr : &a;
  }
  // Every accepted proposal from `from_slot` on, ascending.
  std::vector<AcceptedProposal> accepted_from(int64_t from_slot) const {
    std::vector<AcceptedProposal> found;
    for (int64_t slot = std::max<int64_t>(from_slot, 1);
         slot <= static_cast<int64_t>(accepted.size()); ++slot) {
      if (const AcceptedProposal* a = accepted_in(slot)) found.push_back(*a);
    }
    return found;
  }

  std::unique_ptr<DurableState> clone() const override {
    return std::make_unique<PaxosDurable>(*this);
  }
  bool operator==(const PaxosDurable& other) const {
    return promised_ballot == other.promised_ballot && accepted == other.accepted;
  }
};

// Follower: follows a leader (or none). Candidate: a proposer running phase 1. Leader: a proposer
// whose phase 1 succeeded, running phase 2 per slot.
enum class PaxosRole : uint8_t { Follower, Candidate, Leader };
const char* paxos_role_name(PaxosRole role);

// Timer tags, as they appear in the trace.
enum TimerTag : uint64_t {
  kTagElection = 1,      // no heartbeat from a leader: start phase 1
  kTagHeartbeat = 2,     // leader: Heartbeat to the followers it has sent nothing lately
  kTagPrepareRetry = 3,  // candidate: resend Prepare to the acceptors that have not answered
  kTagAcceptRetry = 4,   // leader: resend Accepts unanswered for retransmit_timeout
  kTagCheckQuorum = 5,   // leader (leader_liveness check_quorum): has a majority spoken lately?
};

class PaxosNode final : public Node {
 public:
  PaxosNode(Context& ctx, const PaxosOptions& options);

  void on_start() override;
  void on_message(NodeId from, const Message& msg) override;
  void on_timer(uint64_t tag) override;
  void on_client_request(const ClientRequest& request) override;
  // Leader duties: the leader proposes a `job` / `id` value and performs the duty once that value
  // is chosen and applied (see perform_duty), as Raft does through its log.
  void on_job(int64_t period) override;
  void on_id_tick() override;
  void on_fenced(NodeId target, bool powered_off) override;

  // Read-only views, for tests.
  PaxosRole role() const { return role_; }
  int64_t ballot() const { return ballot_; }
  int64_t promised_ballot() const { return durable_->promised_ballot; }
  const PaxosDurable& acceptor() const { return *durable_; }
  const std::map<int64_t, Value>& chosen() const { return chosen_; }
  int64_t first_unchosen() const { return first_unchosen_; }
  int64_t last_applied() const { return last_applied_; }
  int64_t next_slot() const { return next_slot_; }
  NodeId leader_id() const { return leader_id_; }
  const raft::KvStore& state_machine() const { return kv_; }

 private:
  // ---- Message handlers (on_message visits them by type) ----
  // Acceptor (phase 1(b), phase 2(b))
  void handle(NodeId from, const Prepare& msg);
  void handle(NodeId from, const Accept& msg);
  // Proposer
  void handle(NodeId from, const Promise& msg);
  void handle(NodeId from, const Accepted& msg);
  void handle(NodeId from, const Nack& msg);
  void handle(NodeId from, const HeartbeatReply& msg);
  // Learner and follower
  void handle(NodeId from, const Decide& msg);
  void handle(NodeId from, const Heartbeat& msg);

  // ---- Timers ----
  void on_election_timeout();
  void on_heartbeat_timeout();
  void on_prepare_retry_timeout();
  void on_accept_retry_timeout();
  void on_check_quorum_timeout();

  // ---- Role transitions ----
  void start_phase1();  // Phase 1(a) with a new ballot
  void become_leader();
  // Abandons our ballot (a higher one exists) and becomes a follower.
  void step_down(int64_t higher_ballot);
  // Stops proposing and becomes a follower of no one (step_down, or check_quorum).
  void abdicate();
  void take_leadership();
  // Follows the owner of `ballot` (a current leader's message arrived).
  void follow(int64_t ballot);

  // ---- Proposer and learner helpers ----
  void propose(int64_t slot, const Value& value);  // Phase 2(a) for one slot
  // The next free slot for a new value: never one already known chosen.
  int64_t take_next_slot();
  void send_accept(NodeId peer, int64_t slot);
  void send_heartbeat(NodeId peer);
  // A follower answered `behind` (it lacks our value in a slot below our watermark): the chosen
  // values from its first unchosen slot, unless a catch-up Decide covering it is still in flight.
  void catch_up(NodeId peer, int64_t peer_first_unchosen, bool behind);
  void send_decides(NodeId peer, int64_t from_slot);
  // Leader: the watermark our Accepts and Heartbeats carry (see Accept::first_unchosen).
  int64_t decided_below() const;
  // Follower: the leader of `ballot` says every slot below `first_unchosen` is chosen, with its
  // ballot's value where it proposed one: we learn the slots we accepted in that ballot.
  void learn_decided(int64_t ballot, int64_t first_unchosen);
  void arm_accept_retry();
  // Our own acceptor takes part in our ballot: the same rules as for a remote proposer.
  bool accept_locally(int64_t ballot, int64_t slot, const Value& value);
  void learn(int64_t slot, const Value& value);
  void apply_chosen();
  void answer_client(int64_t slot, const Value& applied, const raft::ApplyResult& result);
  void propose_duty(const Command& duty);
  void perform_duty(int64_t slot, const Value& applied, const raft::ApplyResult& result);
  void note_ballot_seen(int64_t ballot);

  // ---- Effects ----
  void persist();  // makes durable changes survive a crash; called before anything leaves
  void send(NodeId to, std::unique_ptr<Message> msg);
  void send_nack(NodeId to, int64_t ballot);
  void reply_client(const ClientResponse& response);
  void reset_election_timer();
  void report_role();
  int32_t quorum() const { return kit::majority(ctx_.cluster_size()); }
  int64_t reported_epoch() const;
  // Aborts unless the invariants between roles, ballots and slots hold (after every event).
  void check_invariants() const;

  // A phase 2 in flight in our current ballot: the value and who has accepted it.
  struct Proposal {
    Value value;
    std::vector<bool> accepted_by;  // indexed by node
    Time_us sent_us = 0;            // when the Accepts were last sent (the retransmission clock)
    uint64_t sent_seq = 0;          // heard_seq_ then: who has spoken since
  };

  const PaxosOptions options_;
  PaxosDurable* durable_ = nullptr;  // owned by the kernel; set in on_start
  kit::UnsyncedWrites unsynced_;     // durable_ changed since the last sync

  // Volatile state: starts empty after a restart.
  PaxosRole role_ = PaxosRole::Follower;
  int64_t ballot_ = 0;           // the ballot we propose in (candidate, leader); else our last one
  int64_t highest_seen_ = 0;     // the highest ballot seen anywhere: our next one exceeds it
  NodeId leader_id_ = kNoNode;   // the leader we follow (ourselves when leading)
  int64_t leader_ballot_ = 0;    // its ballot
  int64_t followed_ballot_ = 0;  // the highest leader ballot followed (situation leader_change)
  // Learner: the chosen values we know; every slot below first_unchosen_ is in chosen_.
  std::map<int64_t, Value> chosen_;
  int64_t first_unchosen_ = 1;
  int64_t last_applied_ = 0;  // slots 1..last_applied_ are applied to kv_, in order
  raft::KvStore kv_;

  // Candidate: phase 1 of ballot_ covers the slots from phase1_from_slot_ on.
  int64_t phase1_from_slot_ = 1;
  std::vector<bool> promised_by_;  // indexed by node
  // Per slot, the highest-numbered proposal among the promises received so far.
  std::map<int64_t, AcceptedProposal> promised_accepted_;

  // Leader: the next slot for a new value; phase 2 in flight.
  int64_t next_slot_ = 1;
  std::map<int64_t, Proposal> proposals_;
  // The lowest slot where we learned a value other than the one this ballot proposed there (only
  // possible once a higher ballot has chosen in it): our watermark stays below it.
  int64_t first_conflict_ = INT64_MAX;
  // Per peer: when we last sent it an Accept or a Heartbeat (a Heartbeat is due
  // heartbeat_interval later), and the catch-up Decide last sent (the slot after its last value,
  // and when).
  std::vector<Time_us> last_sent_us_;
  std::vector<int64_t> catchup_below_;
  std::vector<Time_us> catchup_sent_us_;
  // Per peer: when we last heard from it (any message: check_quorum), and the order of that
  // message among everything we heard (a counter, not a time: clocks may jump). An unanswered
  // Accept is resent only to peers heard from since it was last sent, not into a partition.
  std::vector<Time_us> heard_us_;
  std::vector<uint64_t> heard_seq_;
  uint64_t seq_ = 0;

  // Follower: the highest watermark a leader of decided_ballot_ has told us.
  int64_t decided_ballot_ = 0;
  int64_t decided_below_ = 1;

  // Client requests waiting for their slot to be applied: slot -> op_id. Kept across a step-down:
  // the value may still be chosen through the next leader's phase 1 (then we answer Ok), or another
  // value may be chosen in the slot (then ours never will be: NotLeader).
  kit::Waiting<uint64_t> pending_;
  // Duty values this node proposed: slot -> value. It performs a duty only if its own value is the
  // one chosen in that slot (lost on a crash: the duty is then missed, never doubled).
  kit::Waiting<Value> pending_duties_;

  // STONITH (docs/stonith.md): the last leader this node followed (other than itself), and the
  // previous leader a won phase 1 waits to have powered off (kNoNode when not waiting), with the
  // ballot that phase 1 was won with.
  NodeId previous_leader_ = kNoNode;
  NodeId fencing_ = kNoNode;
  int64_t fencing_ballot_ = 0;

  kit::Timers timers_{ctx_};  // named by TimerTag
  kit::RoleReport reported_;
};

}  // namespace ballot::paxos
