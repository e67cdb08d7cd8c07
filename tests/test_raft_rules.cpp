// Raft, rule by rule (Figure 2 of the extended paper), on a fake context: one exact example per
// rule.
#include <catch2/catch.hpp>

#include "algorithms/raft/situations.h"
#include "support/raft.h"

using namespace raft_test;
using ballot::raft::Reached;

namespace {

RaftOptions fixed_timeouts() {
  RaftOptions options;
  options.leader_noop = false;
  return options;
}

// n1 leads term 1 of a 3-node cluster; all logs empty; network quiet.
Cluster three_with_leader(RaftOptions options = fixed_timeouts()) {
  Cluster c(3, options);
  c.start_all();
  c.elect(0);
  c.settle();
  return c;
}

template <class M>
int count_in_flight(Cluster& c, NodeId from = kNoNode) {
  int n = 0;
  for (auto& [packet, msg] : c.in_flight<M>()) {
    if (from == kNoNode || packet->from == from) ++n;
  }
  return n;
}

}  // namespace

// ---- §5.2 Leader election ----------------------------------------------------------------------

TEST_CASE("Raft §5.2: servers start as followers with a randomized election timer",
          "[raft][election]") {
  RaftOptions options;
  Cluster c(5, options);
  c.start_all();
  std::set<Time_us> delays;
  for (NodeId id = 0; id < 5; ++id) {
    CHECK(c.node(id).role() == RaftRole::Follower);
    CHECK(c.node(id).current_term() == 0);
    auto delay = c.timer_delay(id, kTagElection);
    REQUIRE(delay);
    CHECK(*delay >= options.election_timeout_min_us);
    CHECK(*delay <= options.election_timeout_max_us);
    delays.insert(*delay);
  }
  CHECK(delays.size() > 1);  // randomized, from each node's own stream
  CHECK(c.ctx(0).reports.front().role == Role::Follower);
}

TEST_CASE(
    "Figure 2, Candidates: on conversion increment currentTerm, vote for self, reset the "
    "timer, send RequestVote to all (§5.2)",
    "[raft][election]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  REQUIRE(c.fire(0, kTagElection));
  RaftNode& n1 = c.node(0);
  CHECK(n1.role() == RaftRole::Candidate);
  CHECK(n1.current_term() == 1);
  CHECK(n1.voted_for() == 0);
  CHECK(c.timer_delay(0, kTagElection));
  auto votes = c.in_flight<RequestVote>();
  REQUIRE(votes.size() == 2);
  for (auto& [packet, rv] : votes) {
    CHECK(rv->term == 1);
    CHECK(rv->candidate_id == 0);
    CHECK(rv->last_log_index == 0);
    CHECK(rv->last_log_term == 0);
  }
  CHECK(c.ctx(0).reports.back().role == Role::Candidate);
  CHECK(c.ctx(0).reports.back().epoch == 1);
  // Durable before the RequestVotes left (Figure 2: persistent state updated before responding).
  auto* disk = dynamic_cast<RaftDurable*>(c.ctx(0).durable());
  CHECK(disk->current_term == 1);
  CHECK(disk->voted_for == 0);
  CHECK(c.unsynced_effects() == 0);
}

TEST_CASE(
    "Figure 2, Candidates: votes from a majority make a leader, which sends heartbeats "
    "(§5.2)",
    "[raft][election]") {
  Cluster c(5, fixed_timeouts());
  c.start_all();
  c.fire(0, kTagElection);
  c.deliver([](const Packet& p) { return p.as<RequestVote>() && p.to <= 2; });
  c.drop([](const Packet& p) { return p.as<RequestVote>() != nullptr; });
  // One grant is not a majority of 5 (self + 1).
  c.deliver([](const Packet& p) { return p.from == 1; });
  CHECK(c.node(0).role() == RaftRole::Candidate);
  c.deliver([](const Packet& p) { return p.from == 2; });
  CHECK(c.node(0).role() == RaftRole::Leader);
  CHECK(c.ctx(0).reports.back().role == Role::Leader);
  CHECK(c.ctx(0).reports.back().leader == 0);
  CHECK(count_in_flight<AppendEntries>(c, 0) == 4);
  for (auto& [packet, ae] : c.in_flight<AppendEntries>()) CHECK(ae->entries.empty());
  CHECK_FALSE(c.timer_delay(0, kTagElection));
  CHECK(c.timer_delay(0, kTagHeartbeat) == fixed_timeouts().heartbeat_interval_us);
}

TEST_CASE("Figure 2, RequestVote receiver rule 1: reply false if term < currentTerm (§5.1)",
          "[raft][election]") {
  Cluster c = three_with_leader();
  c.fire(1, kTagElection);  // n2 moves to term 2
  c.drop();
  c.node(1).on_message(2, request_vote({.term = 1, .candidate = 2}));
  auto replies = c.in_flight<RequestVoteReply>();
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second->vote_granted);
  CHECK(replies[0].second->term == 2);
}

TEST_CASE(
    "Figure 2, RequestVote receiver rule 2: at most one vote per term, first come first "
    "served (§5.2)",
    "[raft][election]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  RequestVote rv = request_vote({.term = 1, .candidate = 1});
  c.node(0).on_message(1, rv);
  rv.candidate_id = 2;
  c.node(0).on_message(2, rv);
  rv.candidate_id = 1;  // the same candidate asking again is granted again
  c.node(0).on_message(1, rv);
  auto replies = c.in_flight<RequestVoteReply>();
  REQUIRE(replies.size() == 3);
  CHECK(replies[0].second->vote_granted);
  CHECK_FALSE(replies[1].second->vote_granted);
  CHECK(replies[2].second->vote_granted);
  CHECK(c.node(0).voted_for() == 1);
  CHECK(dynamic_cast<RaftDurable*>(c.ctx(0).durable())->voted_for == 1);
}

TEST_CASE(
    "Raft §5.4.1: a vote needs a log at least as up-to-date (later last term, or same term "
    "and at least as long)",
    "[raft][election]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  // Give n1 the log [t1, t2].
  AppendEntries ae =
      append_entries({.term = 2, .leader = 2, .entries = {entry(1, "a"), entry(2, "b")}});
  c.node(0).on_message(2, ae);
  c.drop();
  struct Case {
    int64_t last_index, last_term;
    bool granted;
  };
  const Case cases[] = {{5, 1, false},  // longer but older last term
                        {1, 2, false},  // same last term, shorter
                        {2, 2, true},   // identical
                        {3, 2, true},   // same term, longer
                        {1, 3, true}};  // later last term, shorter
  int64_t term = 3;
  for (const Case& k : cases) {
    RequestVote rv;
    rv.term = term++;  // a fresh term each time, so that only the log decides
    rv.candidate_id = 1;
    rv.last_log_index = k.last_index;
    rv.last_log_term = k.last_term;
    c.node(0).on_message(1, rv);
    auto replies = c.in_flight<RequestVoteReply>();
    REQUIRE(replies.size() == 1);
    INFO("candidate last index " << k.last_index << " term " << k.last_term);
    CHECK(replies[0].second->vote_granted == k.granted);
    c.drop();
  }
}

TEST_CASE(
    "Figure 2, All Servers: a higher term in a request or response makes a follower of that "
    "term (§5.1)",
    "[raft][election]") {
  Cluster c = three_with_leader();
  REQUIRE(c.node(0).role() == RaftRole::Leader);
  AppendEntriesReply reply;
  reply.term = 7;
  c.node(0).on_message(1, reply);
  CHECK(c.node(0).role() == RaftRole::Follower);
  CHECK(c.node(0).current_term() == 7);
  CHECK(c.node(0).voted_for() == kNoNode);
  CHECK(c.node(0).leader_id() == kNoNode);
  CHECK_FALSE(c.timer_delay(0, kTagHeartbeat));
  CHECK(c.timer_delay(0, kTagElection));
  CHECK(dynamic_cast<RaftDurable*>(c.ctx(0).durable())->current_term == 7);
  CHECK(c.ctx(0).reports.back().role == Role::Follower);
  CHECK(c.ctx(0).reports.back().epoch == 7);
}

TEST_CASE("Figure 2, Candidates: AppendEntries from the new leader makes a follower (§5.2)",
          "[raft][election]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  c.fire(0, kTagElection);
  c.fire(1, kTagElection);  // both candidates in term 1
  c.drop();
  AppendEntries ae = append_entries({.term = 1, .leader = 1});
  c.node(0).on_message(1, ae);
  CHECK(c.node(0).role() == RaftRole::Follower);
  CHECK(c.node(0).current_term() == 1);
  CHECK(c.node(0).leader_id() == 1);
  CHECK(c.node(0).voted_for() == 0);  // the vote of term 1 stays
}

TEST_CASE("Figure 2, Candidates: if the election timeout elapses, start a new election (§5.2)",
          "[raft][election]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  c.fire(0, kTagElection);
  c.drop();
  CHECK(c.ctx(0).times_reached(Reached::SplitVote) == 0);
  c.fire(0, kTagElection);
  CHECK(c.node(0).role() == RaftRole::Candidate);
  CHECK(c.node(0).current_term() == 2);
  CHECK(count_in_flight<RequestVote>(c) == 2);
  CHECK(c.ctx(0).times_reached(Reached::SplitVote) == 1);  // term 1 ended with no winner
}

TEST_CASE("Raft §5.1: a candidate retries RequestVote to peers that have not answered",
          "[raft][election]") {
  Cluster d(5, fixed_timeouts());
  d.start_all();
  d.fire(0, kTagElection);
  d.drop([](const Packet& p) { return p.to >= 2; });
  d.settle();
  REQUIRE(d.node(0).role() == RaftRole::Candidate);
  REQUIRE(d.fire(0, kTagVoteRetry));
  std::set<NodeId> asked;
  for (auto& [packet, rv] : d.in_flight<RequestVote>()) asked.insert(packet->to);
  CHECK(asked == std::set<NodeId>{2, 3, 4});
  CHECK(d.node(0).current_term() == 1);  // a retry is not a new election
}

// ---- §5.3 Log replication ----------------------------------------------------------------------

TEST_CASE("Figure 2, AppendEntries receiver rule 1: reply false if term < currentTerm",
          "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  c.fire(1, kTagElection);
  c.fire(1, kTagElection);
  c.drop();
  REQUIRE(c.node(1).current_term() == 2);
  AppendEntries ae = append_entries({.term = 1, .leader = 0, .entries = {entry(1, "x")}});
  c.node(1).on_message(0, ae);
  auto replies = c.in_flight<AppendEntriesReply>();
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second->success);
  CHECK(replies[0].second->term == 2);
  CHECK(c.node(1).log().empty());
  CHECK(c.node(1).role() == RaftRole::Candidate);
  CHECK(c.ctx(1).times_reached(Reached::StaleLeaderRejected) == 1);
}

TEST_CASE(
    "Figure 2, AppendEntries receiver rule 2: reply false if the log has no entry at "
    "prevLogIndex with prevLogTerm (§5.3)",
    "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  AppendEntries ae =
      append_entries({.term = 3,
                      .leader = 0,
                      .entries = {entry(1, "a"), entry(1, "b"), entry(2, "c"), entry(2, "d")}});
  c.node(1).on_message(0, ae);
  c.drop();

  SECTION("missing entry: the hint is our last index") {
    AppendEntries probe = append_entries({.term = 3, .leader = 0, .prev_index = 7, .prev_term = 3});
    c.node(1).on_message(0, probe);
    auto replies = c.in_flight<AppendEntriesReply>();
    REQUIRE(replies.size() == 1);
    CHECK_FALSE(replies[0].second->success);
    CHECK(replies[0].second->conflict_index == 4);
    CHECK(c.ctx(1).times_reached(Reached::AppendConsistencyFailed) == 1);
  }
  SECTION("term mismatch: the hint skips the whole conflicting term") {
    AppendEntries probe = append_entries({.term = 3, .leader = 0, .prev_index = 4, .prev_term = 3});
    c.node(1).on_message(0, probe);
    auto replies = c.in_flight<AppendEntriesReply>();
    REQUIRE(replies.size() == 1);
    CHECK_FALSE(replies[0].second->success);
    CHECK(replies[0].second->conflict_index == 2);  // entries 3..4 are term 2
    CHECK(c.node(1).log().size() == 4);             // nothing deleted on a failed check
    CHECK(c.ctx(1).times_reached(Reached::AppendConsistencyFailed) == 1);
    CHECK(c.ctx(1).times_reached(Reached::FollowerLogTruncated) == 0);
  }
  // Either way the leader was heard from: the follower knows it and reset its timer.
  CHECK(c.node(1).leader_id() == 0);
}

TEST_CASE(
    "Figure 2, AppendEntries receiver rules 3 and 4: delete a conflicting entry and all "
    "that follow, append new entries (§5.3)",
    "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  AppendEntries ae = append_entries(
      {.term = 2, .leader = 2, .entries = {entry(1, "a"), entry(2, "b"), entry(2, "c")}});
  c.node(1).on_message(2, ae);
  AppendEntries fix = append_entries(
      {.term = 3, .leader = 0, .prev_index = 1, .prev_term = 1, .entries = {entry(3, "B")}});
  c.node(1).on_message(0, fix);
  const Log& log = c.node(1).log();
  REQUIRE(log.size() == 2);
  CHECK(log[0] == entry(1, "a"));
  CHECK(log[1] == entry(3, "B"));
  auto truncations = facts_of<TruncateFact>(c.ctx(1));
  REQUIRE(truncations.size() == 1);
  CHECK(truncations[0]->from_index == 2);
  CHECK(truncations[0]->last_index == 3);
  CHECK(c.ctx(1).times_reached(Reached::FollowerLogTruncated) == 1);  // at rule 3, once
  CHECK(facts_of<AppendFact>(c.ctx(1)).size() == 4);
  auto replies = c.in_flight<AppendEntriesReply>();
  REQUIRE(replies.size() == 2);
  CHECK(replies[1].second->success);
  CHECK(replies[1].second->match_index == 2);
  CHECK(c.checker().violations().empty());
}

TEST_CASE("Raft §5.3: a late, shorter AppendEntries does not delete matching entries after it",
          "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  AppendEntries full = append_entries(
      {.term = 1, .leader = 0, .entries = {entry(1, "a"), entry(1, "b"), entry(1, "c")}});
  AppendEntries stale = full;
  stale.entries.resize(1);
  c.node(1).on_message(0, full);
  c.node(1).on_message(0, stale);
  CHECK(c.node(1).log().size() == 3);
  CHECK(facts_of<TruncateFact>(c.ctx(1)).empty());
  CHECK(c.ctx(1).times_reached(Reached::FollowerLogTruncated) == 0);
  auto replies = c.in_flight<AppendEntriesReply>();
  REQUIRE(replies.size() == 2);
  CHECK(replies[1].second->match_index == 1);  // vouches only for what that request covered
}

TEST_CASE(
    "Figure 2, AppendEntries receiver rule 5: commitIndex = min(leaderCommit, index of last "
    "new entry)",
    "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  // The follower holds a stale suffix 2..3 of term 1 that the leader has not vouched for.
  AppendEntries old = append_entries(
      {.term = 1, .leader = 2, .entries = {entry(1, "a"), entry(1, "b"), entry(1, "c")}});
  c.node(1).on_message(2, old);
  AppendEntries ae = append_entries({.term = 2,
                                     .leader = 0,
                                     .prev_index = 0,
                                     .prev_term = 0,
                                     .entries = {entry(1, "a")},
                                     .commit = 5});
  c.node(1).on_message(0, ae);
  CHECK(c.node(1).commit_index() == 1);
  CHECK(c.node(1).last_applied() == 1);
  // A heartbeat ending below our commitIndex never lowers it.
  AppendEntries heartbeat = append_entries({.term = 2, .leader = 0, .commit = 5});
  c.node(1).on_message(0, heartbeat);
  CHECK(c.node(1).commit_index() == 1);
}

TEST_CASE(
    "Figure 2, Leaders: on failure decrement nextIndex and retry until the logs match; then "
    "the follower's log equals the leader's (§5.3)",
    "[raft][replication]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  // n2 has a divergent suffix from an old term-1 leader n3.
  AppendEntries stale =
      append_entries({.term = 1,
                      .leader = 2,
                      .entries = {entry(1, "a"), entry(1, "x"), entry(1, "y"), entry(1, "z")}});
  c.node(1).on_message(2, stale);
  c.drop();
  // n1 (log: a, then term-2 entries) leads term 3 with only n3's vote.
  AppendEntries own = append_entries(
      {.term = 2, .leader = 2, .entries = {entry(1, "a"), entry(2, "p"), entry(2, "q")}});
  c.node(0).on_message(2, own);
  c.node(2).on_message(2, own);  // n3 is a follower with the same log
  c.drop();
  c.elect(0);
  REQUIRE(c.node(0).role() == RaftRole::Leader);
  REQUIRE(c.node(0).current_term() == 3);
  c.settle();
  CHECK(c.node(1).log() == c.node(0).log());
  CHECK(c.node(0).match_index(1) == 3);
  CHECK(c.node(0).next_index(1) == 4);
  CHECK(c.checker().violations().empty());
}

TEST_CASE(
    "Figure 2, Leaders: commit an entry of the current term stored on a majority; followers "
    "learn it from leaderCommit and apply it (§5.3)",
    "[raft][replication]") {
  Cluster c(5, fixed_timeouts());
  c.start_all();
  c.elect(0);
  c.settle();
  auto put = c.request(lin::OpKind::Put, "k", "v1");
  c.client(0, put);
  // Two followers store it: with the leader that is 3 of 5.
  c.deliver([](const Packet& p) { return p.as<AppendEntries>() && p.to <= 2; });
  c.drop([](const Packet& p) { return p.as<AppendEntries>() != nullptr; });
  CHECK(c.node(0).commit_index() == 0);
  c.deliver([](const Packet& p) { return p.from == 1; });
  CHECK(c.node(0).commit_index() == 0);  // 2 of 5
  c.deliver([](const Packet& p) { return p.from == 2; });
  CHECK(c.node(0).commit_index() == 1);
  CHECK(c.node(0).last_applied() == 1);
  CHECK(c.node(0).state_machine().data().at("k") == "v1");
  auto response = c.response(0, put.op_id);
  REQUIRE(response);
  CHECK(response->status == ClientStatus::Ok);
  // Followers apply at the next AppendEntries.
  c.fire(0, kTagHeartbeat);
  c.settle();
  for (NodeId id = 1; id < 5; ++id) CHECK(c.node(id).last_applied() == 1);
  CHECK(c.checker().violations().empty());
}

// ---- §5.4.2 Committing entries from previous terms -------------------------------------------

TEST_CASE(
    "Raft §5.4.2: a leader never commits an entry of an earlier term by counting replicas; "
    "it commits it with the first entry of its own term",
    "[raft][replication][figure8]") {
  for (bool bug : {false, true}) {
    RaftOptions options = fixed_timeouts();
    options.bugs.commit_old_term_by_count = bug;
    Cluster c(5, options);
    c.start_all();
    // n1 has [t1, t2]; it leads term 4 and brings n2, n3 up to date.
    AppendEntries own =
        append_entries({.term = 2, .leader = 0, .entries = {entry(1, "a"), entry(2, "b")}});
    c.node(0).on_message(4, own);
    c.drop();
    c.cut(0, 3);
    c.cut(0, 4);
    c.fire(0, kTagElection);  // term 3
    c.drop();
    c.fire(0, kTagElection);  // term 4
    c.deliver([](const Packet& p) { return p.as<RequestVote>() && p.to <= 2; });
    c.drop([](const Packet& p) { return p.as<RequestVote>() != nullptr; });
    c.deliver([](const Packet& p) { return p.as<RequestVoteReply>() != nullptr; });
    REQUIRE(c.node(0).role() == RaftRole::Leader);
    REQUIRE(c.node(0).current_term() == 4);
    c.settle();
    REQUIRE(c.node(0).match_index(1) == 2);
    REQUIRE(c.node(0).match_index(2) == 2);
    INFO("bug " << bug);
    CHECK(c.node(0).commit_index() == (bug ? 2 : 0));
    if (!bug) {
      c.client(0, c.request(lin::OpKind::Put, "k", "v"));
      c.settle();
      CHECK(c.node(0).commit_index() == 3);  // index 2 commits with index 3
    }
  }
}

// ---- Clients (§8)
// --------------------------------------------------------------------------------

TEST_CASE("Raft §8: a follower refuses clients with NotLeader and the leader it knows",
          "[raft][client]") {
  Cluster c = three_with_leader();
  auto put = c.request(lin::OpKind::Put, "k", "v");
  c.client(1, put);
  auto response = c.response(1, put.op_id);
  REQUIRE(response);
  CHECK(response->status == ClientStatus::NotLeader);
  CHECK(response->leader_hint == 0);
  CHECK(c.node(1).log().empty());
}

TEST_CASE(
    "Raft §8: the leader answers after its entry is applied: reads through the log, cas "
    "fails on a mismatch, register and keys",
    "[raft][client]") {
  Cluster c = three_with_leader();
  auto write = c.request(lin::OpKind::Write, "", "1");
  auto read = c.request(lin::OpKind::Read, "");
  auto cas_bad = c.request(lin::OpKind::Cas, "", "3", "2");
  auto cas_ok = c.request(lin::OpKind::Cas, "", "3", "1");
  auto append = c.request(lin::OpKind::Append, "log", "x");
  auto get = c.request(lin::OpKind::Get, "log");
  auto get_missing = c.request(lin::OpKind::Get, "nothing");
  for (const auto& r : {write, read, cas_bad, cas_ok, append, get, get_missing}) c.client(0, r);
  CHECK(c.ctx(0).replies.empty());  // nothing is answered before it commits
  c.settle();
  auto status = [&](const ClientRequest& r) { return c.response(0, r.op_id)->status; };
  auto value = [&](const ClientRequest& r) { return c.response(0, r.op_id)->value; };
  REQUIRE(c.ctx(0).replies.size() == 7);
  CHECK(status(write) == ClientStatus::Ok);
  CHECK(value(read) == std::optional<std::string>("1"));
  CHECK(status(cas_bad) == ClientStatus::Fail);
  CHECK(status(cas_ok) == ClientStatus::Ok);
  CHECK(value(get) == std::optional<std::string>("x"));
  CHECK(value(get_missing) == std::optional<std::string>(""));
  CHECK(c.node(0).log().size() == 7);  // every op went through the log, reads too
  CHECK(c.node(0).state_machine().data().at("") == "3");
}

TEST_CASE("Raft §8: a read of the register before any write returns nil", "[raft][client]") {
  Cluster c = three_with_leader();
  auto read = c.request(lin::OpKind::Read, "");
  c.client(0, read);
  c.settle();
  auto response = c.response(0, read.op_id);
  REQUIRE(response);
  CHECK(response->status == ClientStatus::Ok);
  CHECK_FALSE(response->value);
}

TEST_CASE(
    "Raft §8: a request whose index is taken by another leader's entry is answered "
    "NotLeader; one that commits after a step-down is answered Ok",
    "[raft][client]") {
  Cluster c = three_with_leader();
  auto lost = c.request(lin::OpKind::Put, "k", "lost");
  c.client(0, lost);
  c.drop();  // never replicated
  // n2 leads term 2 and commits its own entry at index 1.
  c.elect(1);
  c.settle();
  auto other = c.request(lin::OpKind::Put, "k", "won");
  c.client(1, other);
  c.settle();
  c.fire(1, kTagHeartbeat);
  c.settle();
  REQUIRE(c.node(0).last_applied() >= 1);
  auto response = c.response(0, lost.op_id);
  REQUIRE(response);
  CHECK(response->status == ClientStatus::NotLeader);
  CHECK(response->leader_hint == 1);
  CHECK(c.response(1, other.op_id)->status == ClientStatus::Ok);
}

// ---- Persistence -----------------------------------------------------------------------------

TEST_CASE(
    "Figure 2: currentTerm, votedFor and the log are synced before any reply; a restart "
    "recovers them and rebuilds volatile state",
    "[raft][persistence]") {
  Cluster c = three_with_leader();
  for (int i = 0; i < 3; ++i) c.client(0, c.request(lin::OpKind::Put, "k", std::to_string(i)));
  c.settle();
  c.fire(0, kTagHeartbeat);
  c.settle();
  REQUIRE(c.node(1).last_applied() == 3);
  CHECK(c.unsynced_effects() == 0);
  // Crash n2 losing every unsynced write: nothing is lost, since everything was synced.
  const Log before = c.node(1).log();
  const int64_t term = c.node(1).current_term();
  c.crash(1, /*lose_unsynced=*/true);
  c.restart(1);
  CHECK(c.node(1).log() == before);
  CHECK(c.node(1).current_term() == term);
  CHECK(c.node(1).commit_index() == 0);  // volatile
  CHECK(c.node(1).last_applied() == 0);
  CHECK(c.node(1).state_machine().data().empty());
  c.fire(0, kTagHeartbeat);
  c.settle();
  CHECK(c.node(1).last_applied() == 3);
  CHECK(c.node(1).state_machine().data().at("k") == "2");
  CHECK(c.checker().violations().empty());
}

TEST_CASE("Figure 2: a vote survives a crash, so a restarted server cannot vote twice in a term",
          "[raft][persistence]") {
  Cluster c(3, fixed_timeouts());
  c.start_all();
  RequestVote rv = request_vote({.term = 1, .candidate = 1});
  c.node(0).on_message(1, rv);
  c.crash(0, /*lose_unsynced=*/true);
  c.restart(0);
  CHECK(c.node(0).voted_for() == 1);
  rv.candidate_id = 2;
  c.node(0).on_message(2, rv);
  auto replies = c.in_flight<RequestVoteReply>();
  REQUIRE(replies.size() == 2);
  CHECK(replies[0].second->vote_granted);
  CHECK_FALSE(replies[1].second->vote_granted);
}

// ---- Leader duties (the workload's scheduled job and unique ids) ------------------------------

TEST_CASE(
    "Leader duties: a leader runs a job period only once its job entry is committed and "
    "applied; followers do nothing",
    "[raft][duties]") {
  Cluster c = three_with_leader();
  c.node(1).on_job(7);  // a follower: not its duty
  CHECK(c.node(1).log().empty());
  c.node(0).on_job(7);
  REQUIRE(c.node(0).log().size() == 1);
  CHECK(c.node(0).log()[0].command.kind == CommandKind::Job);
  CHECK(c.ctx(0).jobs_ran.empty());  // not before it commits
  c.settle();
  CHECK(c.ctx(0).jobs_ran == std::vector<int64_t>{7});
  c.fire(0, kTagHeartbeat);
  c.settle();
  for (NodeId id = 1; id < 3; ++id) CHECK(c.ctx(id).jobs_ran.empty());  // applied, not run
}

TEST_CASE(
    "Leader duties: a leader cut off in a minority runs nothing; a period proposed twice "
    "runs once; ids are unique",
    "[raft][duties]") {
  RaftOptions options;
  Cluster c(5, options);
  c.start_all();
  c.elect(0);
  c.settle();
  c.partition({0, 1});  // n1 leads the minority
  c.node(0).on_job(1);
  c.node(0).on_id_tick();
  c.settle();
  CHECK(c.ctx(0).jobs_ran.empty());
  CHECK(c.ctx(0).ids_issued.empty());
  c.elect(2);  // n3 leads the majority, in term 2
  c.settle();
  c.node(2).on_job(1);
  c.node(2).on_job(1);  // the same period again (say, a clock step): runs once
  c.node(2).on_id_tick();
  c.node(2).on_id_tick();
  c.settle();
  CHECK(c.ctx(2).jobs_ran == std::vector<int64_t>{1});
  CHECK(c.ctx(2).ids_issued == std::vector<int64_t>{1, 2});
  // The heal: n1's entries are overwritten; it never runs its job or hands out its id.
  c.heal();
  c.fire(2, kTagHeartbeat);
  c.settle();
  c.fire(2, kTagHeartbeat);
  c.settle();
  CHECK(c.node(0).log() == c.node(2).log());
  CHECK(c.ctx(0).jobs_ran.empty());
  CHECK(c.ctx(0).ids_issued.empty());
  CHECK(c.checker().violations().empty());
}
