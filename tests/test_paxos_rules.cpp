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

Accept accept(int64_t ballot, int64_t slot, const Value& value) {
  Accept a;
  a.ballot = ballot;
  a.slot = slot;
  a.value = value;
  return a;
}

Promise promise(int64_t ballot, std::vector<AcceptedProposal> accepted) {
  Promise p;
  p.ballot = ballot;
  p.accepted = std::move(accepted);
  return p;
}

Accepted accepted(int64_t ballot, int64_t slot) {
  Accepted a;
  a.ballot = ballot;
  a.slot = slot;
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
    "Learning: a value accepted by a majority in one ballot is chosen: the leader tells the "
    "others, applies slots in order and answers the client only then",
    "[paxos][learn]") {
  Single s(0, 3);
  make_leader(s);
  ClientRequest request;
  request.op_id = 42;
  request.client = 1;
  request.kind = lin::OpKind::Put;
  request.key = "x";
  request.value = "7";
  s.node->on_client_request(request);
  REQUIRE(s.ctx.sent_of<Accept>(1).size() == 1);
  const int64_t slot = s.ctx.sent_of<Accept>(1)[0]->slot;
  CHECK(slot == 1);
  CHECK(s.ctx.replies.empty());
  s.node->on_message(1, accepted(1, slot));  // with our own acceptance: 2 of 3
  CHECK(s.node->first_unchosen() == 2);
  CHECK(s.node->last_applied() == 1);
  REQUIRE(s.ctx.replies.size() == 1);
  CHECK(s.ctx.replies[0].op_id == 42);
  CHECK(s.ctx.replies[0].status == ClientStatus::Ok);
  CHECK(s.node->state_machine().data().at("x") == "7");
  auto decides = s.ctx.sent_of<Decide>(2);
  REQUIRE(decides.size() == 1);
  CHECK(decides[0]->chosen.at(0).slot == 1);
  // A late Accepted for a chosen slot changes nothing.
  s.node->on_message(2, accepted(1, slot));
  CHECK(s.ctx.facts_of<LearnFact>().size() == 1);
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
