// Multi-Paxos, rule by rule ("Paxos Made Simple", Lamport 2001), on a fake context: one node,
// driven by hand with the messages its peers would send.
#include <catch2/catch.hpp>

#include "algorithms/paxos/situations.h"
#include "support/paxos.h"

using namespace paxos_test;
using ballot::paxos::Reached;

namespace {

Prepare prepare(int64_t ballot, int64_t from_slot = 1) {
  Prepare p;
  p.ballot = ballot;
  p.from_slot = from_slot;
  return p;
}

Accept accept(int64_t ballot, int64_t slot, const Value& value, int64_t first_unchosen = 1) {
  Accept a;
  a.ballot = ballot;
  a.slot = slot;
  a.first_unchosen = first_unchosen;
  a.value = value;
  return a;
}

Heartbeat heartbeat(int64_t ballot, int64_t first_unchosen) {
  Heartbeat h;
  h.ballot = ballot;
  h.first_unchosen = first_unchosen;
  return h;
}

ClientRequest put_request(uint64_t op_id, const std::string& key, const std::string& value) {
  ClientRequest request;
  request.op_id = op_id;
  request.client = 1;
  request.kind = lin::OpKind::Put;
  request.key = key;
  request.value = value;
  return request;
}

Promise promise(int64_t ballot, std::vector<AcceptedProposal> accepted) {
  Promise p;
  p.ballot = ballot;
  p.accepted = std::move(accepted);
  return p;
}

Accepted accepted(int64_t ballot, int64_t slot, int64_t first_unchosen = 1, bool behind = false) {
  Accepted a;
  a.ballot = ballot;
  a.slot = slot;
  a.first_unchosen = first_unchosen;
  a.behind = behind;
  return a;
}

// Makes n1 of a 3-node cluster the leader of ballot 1 (n2 promised), with nothing accepted.
void make_leader(Single& s) {
  REQUIRE(s.ctx.fire(*s.node, kTagElection));
  REQUIRE(s.node->ballot() == 1);
  s.node->on_message(1, promise(1, {}));
  REQUIRE(s.node->role() == PaxosRole::Leader);
}

}  // namespace

TEST_CASE("Ballots are unique per node, and a new one exceeds every ballot seen",
          "[paxos][ballot]") {
  for (int32_t n = 1; n <= 5; ++n) {
    for (NodeId self = 0; self < n; ++self) {
      for (int64_t above = 0; above <= 40; ++above) {
        const int64_t b = next_ballot_above(above, self, n);
        INFO("n " << n << " self " << self << " above " << above << " -> " << b);
        CHECK(b > above);
        CHECK(b - above <= n);  // the smallest such ballot
        CHECK(ballot_owner(b, n) == self);
      }
    }
  }
}

TEST_CASE(
    "Phase 1(b): a prepare numbered above every prepare answered gets a promise with the "
    "highest accepted proposals, on disk before the answer",
    "[paxos][phase1]") {
  Single s(0, 3);
  // n2 (node 1) owns ballots 2, 5, 8, ...
  s.node->on_message(1, accept(2, 1, put("x", "a", 1, 2)));
  s.node->on_message(1, accept(2, 2, put("x", "b", 2, 2)));
  const int64_t syncs_before = s.ctx.syncs;
  s.node->on_message(1, prepare(5, 2));
  CHECK(s.node->promised_ballot() == 5);
  CHECK(s.ctx.syncs > syncs_before);
  CHECK(s.ctx.unsynced_effects == 0);
  auto promises = s.ctx.sent_of<Promise>(1);
  REQUIRE(promises.size() == 1);
  CHECK(promises[0]->ballot == 5);
  // Only slots from from_slot on; each with its accepted (ballot, value).
  REQUIRE(promises[0]->accepted.size() == 1);
  CHECK(promises[0]->accepted[0].slot == 2);
  CHECK(promises[0]->accepted[0].ballot == 2);
  CHECK(promises[0]->accepted[0].value == put("x", "b", 2, 2));
}

TEST_CASE("Phase 1(b): a prepare numbered below the promise is refused with a Nack naming it",
          "[paxos][phase1]") {
  Single s(0, 3);
  s.node->on_message(2, prepare(6));  // n3 owns 3, 6, 9
  s.node->on_message(1, prepare(5));
  CHECK(s.node->promised_ballot() == 6);
  CHECK(s.ctx.sent_of<Promise>(1).empty());
  auto nacks = s.ctx.sent_of<Nack>(1);
  REQUIRE(nacks.size() == 1);
  CHECK(nacks[0]->ballot == 5);
  CHECK(nacks[0]->promised == 6);
  CHECK(s.ctx.times_reached(Reached::OldBallotRefused) == 1);
  // A retransmitted prepare of the ballot promised is answered again, identically.
  s.node->on_message(2, prepare(6));
  CHECK(s.ctx.sent_of<Promise>(2).size() == 2);
}

TEST_CASE(
    "Phase 2(b): an accept request is accepted unless a higher prepare was answered: the "
    "acceptance is on disk before Accepted leaves",
    "[paxos][phase2]") {
  Single s(0, 3);
  s.node->on_message(2, prepare(6));
  s.node->on_message(1, accept(5, 1, put("x", "old", 1, 5)));
  CHECK(s.node->acceptor().accepted_in(1) == nullptr);
  REQUIRE(s.ctx.sent_of<Nack>(1).size() == 1);
  CHECK(s.ctx.sent_of<Nack>(1)[0]->promised == 6);
  CHECK(s.ctx.sent_of<Accepted>().empty());

  s.node->on_message(2, accept(6, 1, put("x", "new", 2, 6)));
  const AcceptedProposal* a = s.node->acceptor().accepted_in(1);
  REQUIRE(a != nullptr);
  CHECK(a->ballot == 6);
  CHECK(a->value == put("x", "new", 2, 6));
  REQUIRE(s.ctx.sent_of<Accepted>(2).size() == 1);
  CHECK(s.ctx.unsynced_effects == 0);
  REQUIRE(s.ctx.facts_of<AcceptFact>().size() == 1);
  // A higher accept raises the promise: an accept of n implies its proposer's prepare of n.
  s.node->on_message(1, accept(8, 2, put("y", "1", 3, 8)));
  CHECK(s.node->promised_ballot() == 8);
}

TEST_CASE("bugs.accept_despite_promise: the acceptor accepts below its promise",
          "[paxos][phase2][bugs]") {
  PaxosOptions options;
  options.bugs.accept_despite_promise = true;
  Single s(0, 3, options);
  s.node->on_message(2, prepare(6));
  s.node->on_message(1, accept(5, 1, put("x", "old", 1, 5)));
  REQUIRE(s.node->acceptor().accepted_in(1) != nullptr);
  CHECK(s.node->acceptor().accepted_in(1)->ballot == 5);
  CHECK(s.ctx.sent_of<Nack>().empty());
}

TEST_CASE("Promises and acceptances survive a crash: what was learned does not",
          "[paxos][durable]") {
  Single s(0, 3);
  s.node->on_message(1, accept(5, 1, put("x", "a", 1, 5)));
  Decide decide;
  decide.chosen.push_back(Decide::Entry{1, put("x", "a", 1, 5)});
  s.node->on_message(1, decide);
  CHECK(s.node->first_unchosen() == 2);
  s.restart();
  CHECK(s.node->promised_ballot() == 5);
  REQUIRE(s.node->acceptor().accepted_in(1) != nullptr);
  CHECK(s.node->first_unchosen() == 1);
  s.node->on_message(2, prepare(3));
  CHECK(s.ctx.sent_of<Nack>(2).size() == 1);
}

TEST_CASE(
    "Phase 1(a)/(b) on timeout: a follower that hears no leader prepares a new ballot above "
    "everything it has seen, and its own acceptor promises first",
    "[paxos][phase1]") {
  Single s(0, 5);
  s.node->on_message(3, prepare(9));  // n4 owns 4, 9, 14
  REQUIRE(s.ctx.fire(*s.node, kTagElection));
  CHECK(s.node->role() == PaxosRole::Candidate);
  CHECK(s.node->ballot() == 11);  // node 0 owns 1, 6, 11
  CHECK(s.node->promised_ballot() == 11);
  auto prepares = s.ctx.sent_of<Prepare>();
  CHECK(prepares.size() == 4);
  for (const Prepare* p : prepares) CHECK(p->ballot == 11);
  CHECK(s.ctx.unsynced_effects == 0);
  CHECK(s.ctx.reports.back().role == Role::Candidate);
  CHECK(s.ctx.reports.back().epoch == 11);
}

TEST_CASE(
    "Phase 2(a): with a majority of promises the new leader proposes, per slot, the value of "
    "the highest-numbered accepted proposal, and a no-op in the gaps",
    "[paxos][phase2]") {
  for (bool bug : {false, true}) {
    PaxosOptions options;
    options.bugs.ignore_accepted_in_promises = bug;
    Single s(0, 5, options);
    s.node->on_message(3, prepare(9));
    REQUIRE(s.ctx.fire(*s.node, kTagElection));
    const Value a = put("x", "A", 1, 7);
    const Value b = put("x", "B", 2, 9);
    const Value c = put("y", "C", 3, 7);
    // n2 accepted A in slot 1 and C in slot 3 in ballot 7; n3 accepted B in slot 1 in ballot 9.
    s.node->on_message(1, promise(11, {{1, 7, a}, {3, 7, c}}));
    CHECK(s.node->role() == PaxosRole::Candidate);  // two of five so far
    s.node->on_message(2, promise(11, {{1, 9, b}}));
    REQUIRE(s.node->role() == PaxosRole::Leader);
    CHECK(s.ctx.reports.back().role == Role::Leader);
    CHECK(s.ctx.reports.back().epoch == 11);
    std::map<int64_t, Value> proposed;
    for (const Accept* acc : s.ctx.sent_of<Accept>(1)) {
      CHECK(acc->ballot == 11);
      proposed[acc->slot] = acc->value;
    }
    REQUIRE(proposed.size() == 3);
    INFO("bug " << bug);
    if (!bug) {
      CHECK(proposed[1] == b);  // ballot 9 beats ballot 7
      CHECK(proposed[3] == c);
    } else {
      CHECK(proposed[1].command.kind == CommandKind::Noop);
      CHECK(proposed[3].command.kind == CommandKind::Noop);
    }
    CHECK(proposed[2].command.kind == CommandKind::Noop);  // the gap
    CHECK(s.node->next_slot() == 4);
    CHECK(s.ctx.unsynced_effects == 0);
  }
}

TEST_CASE(
    "Learning: a value accepted by a majority in one ballot is chosen: the leader applies "
    "slots in order, answers the client only then, and tells the others on its next Accept",
    "[paxos][learn]") {
  Single s(0, 3);
  make_leader(s);
  s.node->on_client_request(put_request(42, "x", "7"));
  REQUIRE(s.ctx.sent_of<Accept>(1).size() == 1);
  const int64_t slot = s.ctx.sent_of<Accept>(1)[0]->slot;
  CHECK(slot == 1);
  CHECK(s.ctx.sent_of<Accept>(1)[0]->first_unchosen == 1);
  CHECK(s.ctx.replies.empty());
  s.node->on_message(1, accepted(1, slot));  // with our own acceptance: 2 of 3
  CHECK(s.node->first_unchosen() == 2);
  CHECK(s.node->last_applied() == 1);
  REQUIRE(s.ctx.replies.size() == 1);
  CHECK(s.ctx.replies[0].op_id == 42);
  CHECK(s.ctx.replies[0].status == ClientStatus::Ok);
  CHECK(s.node->state_machine().data().at("x") == "7");
  // No Decide per slot: the decision rides on the next Accept's watermark.
  CHECK(s.ctx.sent_of<Decide>().empty());
  s.node->on_client_request(put_request(43, "x", "8"));
  for (NodeId peer : {1, 2}) {
    REQUIRE(s.ctx.sent_of<Accept>(peer).size() == 2);
    CHECK(s.ctx.sent_of<Accept>(peer)[1]->slot == 2);
    CHECK(s.ctx.sent_of<Accept>(peer)[1]->first_unchosen == 2);
  }
  // A late Accepted for a chosen slot changes nothing.
  s.node->on_message(2, accepted(1, slot));
  CHECK(s.ctx.facts_of<LearnFact>().size() == 1);
  CHECK(s.ctx.sent_of<Decide>().empty());
}

TEST_CASE(
    "Learning from the watermark: a follower learns the slots below it that it accepted in the "
    "leader's ballot, and says behind when it lacks one",
    "[paxos][learn]") {
  Single s(1, 3);
  const Value a = put("x", "1", 1, 1);
  const Value b = put("x", "2", 2, 1);
  const Value c = put("x", "3", 3, 1);
  s.node->on_message(0, accept(1, 1, a, 1));
  REQUIRE(s.ctx.sent_of<Accepted>(0).size() == 1);
  CHECK(s.ctx.sent_of<Accepted>(0)[0]->first_unchosen == 1);
  CHECK_FALSE(s.ctx.sent_of<Accepted>(0)[0]->behind);
  CHECK(s.node->first_unchosen() == 1);  // accepted, not known chosen
  // The next Accept says slot 1 is chosen: learned and applied.
  s.node->on_message(0, accept(1, 2, b, 2));
  CHECK(s.node->first_unchosen() == 2);
  CHECK(s.node->last_applied() == 1);
  CHECK(s.ctx.sent_of<Accepted>(0)[1]->first_unchosen == 2);
  CHECK_FALSE(s.ctx.sent_of<Accepted>(0)[1]->behind);
  // Slot 3's Accept is lost; slot 4's says 1..3 are chosen. Slot 2 is learned; slot 3, which we
  // never accepted, cannot be: we are behind.
  s.node->on_message(0, accept(1, 4, c, 4));
  CHECK(s.node->first_unchosen() == 3);
  CHECK(s.node->last_applied() == 2);
  CHECK(s.ctx.sent_of<Accepted>(0)[2]->first_unchosen == 3);
  CHECK(s.ctx.sent_of<Accepted>(0)[2]->behind);
  // A heartbeat with the same watermark: still behind.
  s.node->on_message(0, heartbeat(1, 4));
  REQUIRE(s.ctx.sent_of<HeartbeatReply>(0).size() == 1);
  CHECK(s.ctx.sent_of<HeartbeatReply>(0)[0]->behind);
  CHECK(s.ctx.sent_of<HeartbeatReply>(0)[0]->first_unchosen == 3);
  // The Accept of slot 3 was only late (overtaken): the watermark has passed it, so it is learned
  // as soon as it is accepted.
  s.node->on_message(0, accept(1, 3, put("y", "9", 4, 1), 4));
  CHECK(s.node->first_unchosen() == 4);
  CHECK(s.node->last_applied() == 3);
  CHECK_FALSE(s.ctx.sent_of<Accepted>(0).back()->behind);
  CHECK(s.ctx.sent_of<Decide>().empty());
}

TEST_CASE(
    "Learning from the watermark: a slot accepted only in another ballot is not learned from "
    "this ballot's watermark",
    "[paxos][learn]") {
  Single s(2, 3);
  // Ballot 1 (n1) got slot 1 accepted here; ballot 2 (n2) leads now and says slot 1 is chosen. Its
  // value there may differ from ours (a higher ballot can choose another value in a slot we
  // accepted without its being chosen): we must not learn ours.
  s.node->on_message(0, accept(1, 1, put("x", "old", 1, 1), 1));
  s.node->on_message(1, heartbeat(2, 2));
  CHECK(s.node->first_unchosen() == 1);
  CHECK(s.ctx.facts_of<LearnFact>().empty());
  REQUIRE(s.ctx.sent_of<HeartbeatReply>(1).size() == 1);
  CHECK(s.ctx.sent_of<HeartbeatReply>(1)[0]->behind);
  // Its catch-up Decide teaches us the value.
  Decide decide;
  decide.chosen.push_back(Decide::Entry{1, put("x", "new", 2, 2)});
  s.node->on_message(1, decide);
  CHECK(s.node->first_unchosen() == 2);
  CHECK(s.node->state_machine().data().at("x") == "new");
}

TEST_CASE(
    "Catch-up: a Decide goes only to a follower that answered behind, not to one whose lag is a "
    "decision still in flight, and is repeated only after the retransmission timeout",
    "[paxos][learn]") {
  Single s(0, 3);
  make_leader(s);
  s.node->on_client_request(put_request(1, "x", "1"));
  s.node->on_message(1, accepted(1, 1, 1, false));
  REQUIRE(s.node->first_unchosen() == 2);
  // n3 answers slot 1's Accept (whose watermark was 1): it lags, but the news is in flight.
  s.node->on_message(2, accepted(1, 1, 1, false));
  CHECK(s.ctx.sent_of<Decide>().empty());
  // n3 answers a later message behind: it lacks our value of slot 1.
  s.node->on_message(2, accepted(1, 1, 1, true));
  REQUIRE(s.ctx.sent_of<Decide>(2).size() == 1);
  CHECK(s.ctx.sent_of<Decide>(2)[0]->chosen.at(0).slot == 1);
  // Another behind answer while that Decide is in flight: nothing more.
  HeartbeatReply reply;
  reply.ballot = 1;
  reply.first_unchosen = 1;
  reply.behind = true;
  s.node->on_message(2, reply);
  CHECK(s.ctx.sent_of<Decide>(2).size() == 1);
  // After the retransmission timeout it may have been lost: sent again.
  s.ctx.set_now(PaxosOptions().retransmit_timeout_us + 1);
  s.node->on_message(2, reply);
  CHECK(s.ctx.sent_of<Decide>(2).size() == 2);
  CHECK(s.ctx.sent_of<Decide>(1).empty());
}

TEST_CASE(
    "Retransmission: an unanswered Accept is resent after the retransmission timeout, not on "
    "heartbeats, and only to acceptors heard from since",
    "[paxos][phase2]") {
  Single s(0, 5);
  REQUIRE(s.ctx.fire(*s.node, kTagElection));
  s.node->on_message(1, promise(1, {}));
  s.node->on_message(2, promise(1, {}));
  REQUIRE(s.node->role() == PaxosRole::Leader);
  const Time_us t0 = 1000 * kMillisecond_us;
  s.ctx.set_now(t0);
  s.node->on_client_request(put_request(1, "x", "1"));
  REQUIRE(s.ctx.sent_of<Accept>().size() == 4);
  // Heartbeat intervals pass: no Accept is resent, and no Heartbeat goes to a follower we sent an
  // Accept within the interval.
  const PaxosOptions options;
  s.ctx.advance(*s.node, t0 + options.heartbeat_interval_us - 1);
  CHECK(s.ctx.sent_of<Accept>().size() == 4);
  const size_t heartbeats_before = s.ctx.sent_of<Heartbeat>().size();
  s.ctx.advance(*s.node, t0 + options.retransmit_timeout_us - 1);
  CHECK(s.ctx.sent_of<Accept>().size() == 4);
  CHECK(s.ctx.sent_of<Heartbeat>().size() > heartbeats_before);  // idle for an interval
  // n2 accepted; n3 answered a heartbeat; n4 and n5 said nothing.
  s.node->on_message(1, accepted(1, 1, 1));
  HeartbeatReply reply;
  reply.ballot = 1;
  reply.first_unchosen = 1;
  s.node->on_message(2, reply);
  s.ctx.advance(*s.node, t0 + options.retransmit_timeout_us);
  CHECK(s.ctx.sent_of<Accept>(1).size() == 1);  // it accepted
  CHECK(s.ctx.sent_of<Accept>(2).size() == 2);  // heard from, not accepted: resent
  CHECK(s.ctx.sent_of<Accept>(3).size() == 1);  // silent: not into a partition
  CHECK(s.ctx.sent_of<Accept>(4).size() == 1);
  // Once chosen, nothing more is resent.
  s.node->on_message(2, accepted(1, 1, 1));
  s.node->on_message(3, reply);
  s.ctx.advance(*s.node, t0 + 3 * options.retransmit_timeout_us);
  CHECK(s.ctx.sent_of<Accept>().size() == 5);
}

TEST_CASE(
    "Heartbeats are sent to a follower only when nothing else went to it for a heartbeat "
    "interval",
    "[paxos][heartbeat]") {
  Single s(0, 3);
  make_leader(s);
  const PaxosOptions options;
  const Time_us interval = options.heartbeat_interval_us;
  // Taking office: a Heartbeat to each follower (no phase 2 to carry the news).
  CHECK(s.ctx.sent_of<Heartbeat>(1).size() == 1);
  CHECK(s.ctx.sent_of<Heartbeat>(2).size() == 1);
  // Accepts every interval / 2 keep both quiet.
  for (int i = 1; i <= 10; ++i) {
    s.ctx.advance(*s.node, i * interval / 2);
    s.node->on_client_request(put_request(static_cast<uint64_t>(i), "x", std::to_string(i)));
  }
  CHECK(s.ctx.sent_of<Heartbeat>().size() == 2);
  // Idle: a Heartbeat one interval after the last Accept, carrying the watermark.
  s.ctx.advance(*s.node, 5 * interval + interval - 1);
  CHECK(s.ctx.sent_of<Heartbeat>().size() == 2);
  s.ctx.advance(*s.node, 5 * interval + interval);
  REQUIRE(s.ctx.sent_of<Heartbeat>(1).size() == 2);
  CHECK(s.ctx.sent_of<Heartbeat>(1)[1]->first_unchosen == s.node->first_unchosen());
}

TEST_CASE(
    "leader_liveness check_quorum: a leader that hears from no majority within the election "
    "timeout steps down: without it, it keeps leading",
    "[paxos][liveness]") {
  for (LeaderLiveness liveness : {LeaderLiveness::None, LeaderLiveness::CheckQuorum}) {
    PaxosOptions options;
    options.leader_liveness = liveness;
    Single s(0, 5, options);
    REQUIRE(s.ctx.fire(*s.node, kTagElection));
    const Time_us t0 = s.ctx.now();
    s.node->on_message(1, promise(1, {}));
    s.node->on_message(2, promise(1, {}));
    REQUIRE(s.node->role() == PaxosRole::Leader);
    INFO(leader_liveness_name(liveness));
    // n2 keeps answering; n3 went silent with the rest: two of five.
    const Time_us timeout = options.election_timeout_min_us;
    for (Time_us t = t0; t <= t0 + 3 * timeout; t += options.heartbeat_interval_us) {
      s.ctx.advance(*s.node, t);
      if (s.node->role() != PaxosRole::Leader) break;
      HeartbeatReply reply;
      reply.ballot = 1;
      reply.first_unchosen = 1;
      s.node->on_message(1, reply);
    }
    if (liveness == LeaderLiveness::None) {
      CHECK(s.node->role() == PaxosRole::Leader);
    } else {
      CHECK(s.node->role() == PaxosRole::Follower);
      CHECK(s.ctx.reports.back().role == Role::Follower);
      CHECK(s.ctx.now() <= t0 + 2 * timeout);  // the first check after n3 fell silent
      CHECK_FALSE(s.ctx.has_timer(kTagHeartbeat));
      CHECK(s.ctx.has_timer(kTagElection));
    }
  }
  // With a majority answering, check_quorum keeps the leader.
  PaxosOptions options;
  options.leader_liveness = LeaderLiveness::CheckQuorum;
  Single s(0, 3, options);
  make_leader(s);
  for (Time_us t = 0; t <= 5 * options.election_timeout_min_us;
       t += options.heartbeat_interval_us) {
    s.ctx.advance(*s.node, t);
    HeartbeatReply reply;
    reply.ballot = 1;
    reply.first_unchosen = 1;
    s.node->on_message(1, reply);
  }
  CHECK(s.node->role() == PaxosRole::Leader);
}

TEST_CASE("Learning: a learner applies in slot order and waits at a gap", "[paxos][learn]") {
  Single s(1, 3);
  Decide later;
  later.chosen.push_back(Decide::Entry{2, put("x", "2", 2, 1)});
  s.node->on_message(0, later);
  CHECK(s.node->first_unchosen() == 1);
  CHECK(s.node->last_applied() == 0);
  Decide first;
  first.chosen.push_back(Decide::Entry{1, put("x", "1", 1, 1)});
  s.node->on_message(0, first);
  CHECK(s.node->first_unchosen() == 3);
  CHECK(s.node->last_applied() == 2);
  CHECK(s.node->state_machine().data().at("x") == "2");
}

TEST_CASE("A Nack carrying a higher ballot makes a leader step down", "[paxos][nack]") {
  Single s(0, 3);
  make_leader(s);
  Nack nack;
  nack.ballot = 1;
  nack.promised = 5;
  CHECK(s.ctx.times_reached(Reached::DuelingProposers) == 0);
  s.node->on_message(1, nack);
  CHECK(s.node->role() == PaxosRole::Follower);
  CHECK(s.ctx.times_reached(Reached::DuelingProposers) == 1);  // §2.2: abandoned
  CHECK(s.ctx.reports.back().role == Role::Follower);
  CHECK(s.ctx.has_timer(kTagElection));
  CHECK_FALSE(s.ctx.has_timer(kTagHeartbeat));
  // Its next ballot exceeds the one that deposed it.
  REQUIRE(s.ctx.fire(*s.node, kTagElection));
  CHECK(s.node->ballot() == 7);
}

TEST_CASE("A Nack for an older ballot, or not above ours, is ignored", "[paxos][nack]") {
  Single s(0, 3);
  make_leader(s);
  Nack stale;
  stale.ballot = 0;
  stale.promised = 5;
  s.node->on_message(1, stale);
  CHECK(s.node->role() == PaxosRole::Leader);
  CHECK(s.ctx.times_reached(Reached::DuelingProposers) == 0);
}

TEST_CASE(
    "Heartbeats: a leader's heartbeat keeps a follower from phase 1 and names the leader: an "
    "older ballot's heartbeat gets a Nack",
    "[paxos][heartbeat]") {
  Single s(0, 3);
  Heartbeat hb;
  hb.ballot = 5;
  s.ctx.timers.clear();
  s.node->on_message(1, hb);
  CHECK(s.node->leader_id() == 1);
  CHECK(s.ctx.has_timer(kTagElection));  // reset
  CHECK(s.ctx.reports.back().leader == 1);
  CHECK(s.ctx.sent_of<HeartbeatReply>(1).size() == 1);
  // Clients are redirected to it.
  ClientRequest request;
  request.op_id = 9;
  s.node->on_client_request(request);
  REQUIRE(s.ctx.replies.size() == 1);
  CHECK(s.ctx.replies[0].status == ClientStatus::NotLeader);
  CHECK(s.ctx.replies[0].leader_hint == 1);
  Heartbeat old;
  old.ballot = 3;
  s.node->on_message(2, old);
  REQUIRE(s.ctx.sent_of<Nack>(2).size() == 1);
  CHECK(s.ctx.sent_of<Nack>(2)[0]->promised == 5);
}

TEST_CASE("A leader receiving a higher ballot's prepare promises it and steps down",
          "[paxos][phase1]") {
  Single s(0, 3);
  make_leader(s);
  s.node->on_message(2, prepare(3));
  CHECK(s.node->role() == PaxosRole::Follower);
  CHECK(s.node->promised_ballot() == 3);
  CHECK(s.ctx.sent_of<Promise>(2).size() == 1);
}

TEST_CASE(
    "Leader duties go through a slot: the job runs once its own value is chosen, and a "
    "follower does not run it",
    "[paxos][duties]") {
  Single s(0, 3);
  make_leader(s);
  s.node->on_job(3);
  REQUIRE(s.ctx.sent_of<Accept>(1).size() == 1);
  CHECK(s.ctx.jobs_ran.empty());
  s.node->on_message(1, accepted(1, 1));
  CHECK(s.ctx.jobs_ran == std::vector<int64_t>{3});
  s.node->on_id_tick();
  s.node->on_message(2, accepted(1, 2));
  CHECK(s.ctx.ids_issued == std::vector<int64_t>{1});

  Single follower(1, 3);
  follower.node->on_job(0);
  follower.node->on_id_tick();
  CHECK(follower.ctx.sent.empty());
}

TEST_CASE(
    "A duty whose slot gets another leader's value is not performed: Paxos chose something "
    "else there",
    "[paxos][duties]") {
  Single s(0, 3);
  make_leader(s);
  s.node->on_job(4);
  Decide other;
  other.chosen.push_back(Decide::Entry{1, put("x", "z", 5, 2)});
  s.node->on_message(1, other);
  CHECK(s.ctx.jobs_ran.empty());
}
