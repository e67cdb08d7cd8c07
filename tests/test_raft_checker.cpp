// Raft's safety checkers (Figure 3): each property fails on a hand-made event stream that breaks
// it, stays quiet on a legal one, and catches the bug toggle that breaks it in a scripted cluster.
#include <catch2/catch.hpp>

#include <set>

#include "support/raft.h"

using namespace raft_test;

namespace {

// Feeds hand-made events to a checker.
struct Feed {
  RaftSafetyChecker checker{5};
  uint64_t index = 0;

  void event(EventKind kind, NodeId node, const Message* payload = nullptr,
             Role role = Role::Follower, int64_t term = 0) {
    TraceEvent ev;
    ev.index = index++;
    ev.time_us = static_cast<Time_us>(ev.index) * kMillisecond_us;
    ev.kind = kind;
    ev.node = node;
    ev.payload = payload;
    ev.role = role;
    ev.epoch = term;
    ev.leader = role == Role::Leader ? node : kNoNode;
    checker.on_event(ev);
  }
  void role(NodeId node, Role role, int64_t term) {
    event(EventKind::Role, node, nullptr, role, term);
  }
  void append(NodeId node, int64_t index_, int64_t term, const std::string& value) {
    AppendFact f;
    f.index = index_;
    f.entry = entry(term, value);
    event(EventKind::Record, node, &f);
  }
  void truncate(NodeId node, int64_t from, int64_t last) {
    TruncateFact f;
    f.from_index = from;
    f.last_index = last;
    event(EventKind::Record, node, &f);
  }
  void commit(NodeId node, int64_t commit_index, int64_t term) {
    CommitFact f;
    f.commit_index = commit_index;
    f.term = term;
    event(EventKind::Record, node, &f);
  }
  void apply(NodeId node, int64_t index_, int64_t term, const std::string& value) {
    ApplyFact f;
    f.index = index_;
    f.entry = entry(term, value);
    event(EventKind::Record, node, &f);
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const Violation& v : checker.violations()) out.push_back(v.checker);
    return out;
  }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("Checker: a legal history has no violation", "[raft][checker]") {
  Feed f;
  f.role(0, Role::Leader, 1);
  f.append(0, 1, 1, "a");
  f.append(1, 1, 1, "a");
  f.append(0, 2, 1, "b");  // only on n1
  f.commit(0, 1, 1);
  f.apply(0, 1, 1, "a");
  f.append(2, 1, 1, "a");
  f.role(2, Role::Candidate, 2);
  f.role(2, Role::Leader, 2);  // n3 has no entry 2, but index 2 never committed
  f.append(2, 2, 2, "c");
  f.role(0, Role::Follower, 2);
  f.truncate(0, 2, 2);  // n1 drops its uncommitted entry
  f.append(0, 2, 2, "c");
  f.commit(2, 2, 2);
  f.commit(0, 2, 2);
  f.apply(0, 2, 2, "c");
  f.event(EventKind::Crash, 0);
  f.event(EventKind::Restart, 0);
  f.apply(0, 1, 1, "a");  // applied again from the start after a restart
  CHECK(f.checker.violations().empty());
}

TEST_CASE("Checker: Election Safety — two leaders in one term (§5.2)", "[raft][checker]") {
  Feed f;
  f.role(0, Role::Leader, 3);
  f.role(1, Role::Leader, 4);
  f.role(2, Role::Leader, 3);
  REQUIRE(f.names() == Names{"election_safety"});
  CHECK(f.checker.violations()[0].nodes == std::vector<NodeId>{0, 2});
  CHECK(f.checker.violations()[0].event_index == 2);
}

TEST_CASE("Checker: Log Matching — same index and term, different entries or prefixes (§5.3)",
          "[raft][checker]") {
  SECTION("different entries") {
    Feed f;
    f.append(0, 1, 1, "a");
    f.append(1, 1, 1, "b");
    CHECK(f.names() == Names{"log_matching"});
  }
  SECTION("same entry, different history before it") {
    Feed f;
    f.append(0, 1, 1, "a");
    f.append(0, 2, 2, "c");
    f.append(1, 1, 3, "x");
    f.append(1, 2, 2, "c");
    REQUIRE(f.names() == Names{"log_matching"});
    CHECK(f.checker.violations()[0].message.find("differ before it") != std::string::npos);
  }
}

TEST_CASE("Checker: Leader Append-Only — a leader deletes or overwrites an entry (§5.3)",
          "[raft][checker]") {
  Feed f;
  f.role(0, Role::Leader, 2);
  f.append(0, 1, 2, "a");
  f.append(0, 2, 2, "b");
  f.truncate(0, 2, 2);
  f.append(0, 1, 2, "z");
  CHECK(f.names() == Names{"leader_append_only", "leader_append_only", "log_matching"});
}

TEST_CASE(
    "Checker: Leader Completeness — a leader lacks an entry committed in an earlier term "
    "(§5.4)",
    "[raft][checker]") {
  SECTION("at its election") {
    Feed f;
    f.role(0, Role::Leader, 1);
    f.append(0, 1, 1, "a");
    f.append(1, 1, 1, "a");
    f.commit(0, 1, 1);
    f.role(2, Role::Leader, 2);
    REQUIRE(f.names() == Names{"leader_completeness"});
    CHECK(f.checker.violations()[0].nodes == std::vector<NodeId>{2, 0});
  }
  SECTION("committed by an old leader after the new one was elected") {
    Feed f;
    f.role(0, Role::Leader, 1);
    f.append(0, 1, 1, "a");
    f.role(2, Role::Leader, 2);
    f.commit(0, 1, 1);
    CHECK(f.names() == Names{"leader_completeness"});
  }
  SECTION("an entry committed in the new leader's own or a later term is not required") {
    Feed f;
    f.role(1, Role::Leader, 3);
    f.append(1, 1, 3, "a");
    f.role(1, Role::Follower, 3);
    f.commit(1, 1, 3);
    f.role(2, Role::Leader, 2);  // a late report of an older term's leader
    CHECK(f.checker.violations().empty());
  }
}

TEST_CASE(
    "Checker: State Machine Safety — different entries applied or committed at one index "
    "(§5.4.3)",
    "[raft][checker]") {
  SECTION("applied") {
    Feed f;
    f.apply(0, 1, 1, "a");
    f.apply(1, 1, 2, "b");
    CHECK(f.names() == Names{"state_machine_safety"});
  }
  SECTION("committed") {
    Feed f;
    f.append(0, 1, 1, "a");
    f.append(1, 1, 2, "b");
    f.commit(0, 1, 1);
    f.commit(1, 1, 2);
    CHECK(f.names() == Names{"state_machine_safety"});
  }
  SECTION("out of order") {
    Feed f;
    f.apply(0, 2, 1, "a");
    CHECK(f.names() == Names{"state_machine_safety"});
  }
}

TEST_CASE("Checker: a committed entry is never deleted by a node of the commit's term or later",
          "[raft][checker]") {
  Feed f;
  f.role(0, Role::Leader, 1);
  f.append(0, 1, 1, "a");
  f.role(1, Role::Follower, 1);
  f.append(1, 1, 1, "a");
  f.commit(0, 1, 1);
  f.role(1, Role::Follower, 2);
  f.truncate(1, 1, 1);
  CHECK(f.names() == Names{"committed_entry_deleted"});
}

TEST_CASE(
    "Checker: a node of an older term may delete an entry committed later (§5.4: a paused "
    "follower obeys a stale leader)",
    "[raft][checker]") {
  Feed f;
  // n3 holds index 1 from the leader of term 1, then sleeps at term 1.
  f.role(2, Role::Follower, 1);
  f.append(2, 1, 1, "a");
  // n5 leads term 2 with another entry at index 1; it reaches nobody.
  f.role(4, Role::Leader, 2);
  f.append(4, 1, 2, "b");
  // n4 leads term 3 with index 1 = "a" and commits it with an entry of term 3.
  f.append(3, 1, 1, "a");
  f.role(3, Role::Leader, 3);
  f.append(3, 2, 3, "c");
  f.commit(3, 2, 3);
  // n3 wakes and obeys n5's AppendEntries of term 2, which was waiting for it.
  f.role(2, Role::Follower, 2);
  f.truncate(2, 1, 1);
  f.append(2, 1, 2, "b");
  CHECK(f.checker.violations().empty());
}

TEST_CASE("Checker: keeps the first violations of a property and counts all", "[raft][checker]") {
  Feed f;
  for (int term = 1; term <= 15; ++term) {
    f.role(0, Role::Leader, term);
    f.role(1, Role::Leader, term);
  }
  CHECK(f.checker.violations().size() == 10);
  CHECK(f.checker.count(RaftSafetyChecker::kElectionSafety) == 15);
  std::map<std::string, int64_t> metrics;
  f.checker.add_metrics(metrics);
  CHECK(metrics.at("raft_election_safety_violations") == 15);
  CHECK(metrics.at("raft_log_matching_violations") == 0);
}

// ---- Bug toggles, scripted
// -----------------------------------------------------------------------

namespace {

// Drives `id` to candidacy in `term` (earlier candidacies fail silently), then elects it with the
// votes of everyone reachable.
void elect_in_term(Cluster& c, NodeId id, int64_t term) {
  while (c.node(id).current_term() < term - 1) {
    c.fire(id, kTagElection);
    c.drop([id](const Packet& p) { return p.from == id; });
  }
  c.elect(id);
}

int64_t violations_of(Cluster& c, RaftSafetyChecker::Property property) {
  return c.checker().count(property);
}

// Figure 8 of the extended paper, on five servers S1..S5 (n1..n5), with no leader no-op so that
// the only entries are the figure's. Returns the cluster after (d), or after (e) when `e`.
Cluster figure8(bool bug, bool e) {
  RaftOptions options;
  options.leader_noop = false;
  options.bugs.commit_old_term_by_count = bug;
  Cluster c(5, options);
  c.start_all();
  // Index 1, term 1, everywhere and committed (S2 leads term 1).
  c.elect(1);
  c.client(1, c.request(lin::OpKind::Put, "x", "1"));
  c.settle();
  c.fire(1, kTagHeartbeat);
  c.settle();
  // (a) S1 leads term 2 and replicates index 2 to S2 only.
  elect_in_term(c, 0, 2);
  c.settle();
  REQUIRE(c.node(0).role() == RaftRole::Leader);
  REQUIRE(c.node(0).current_term() == 2);
  c.client(0, c.request(lin::OpKind::Put, "x", "2"));
  c.deliver([](const Packet& p) { return p.as<AppendEntries>() && p.to == 1; });
  c.drop([](const Packet& p) { return p.as<AppendEntries>() != nullptr; });
  c.settle();
  for (NodeId id = 0; id < 5; ++id) REQUIRE(c.node(id).log().size() == (id <= 1 ? 2u : 1u));
  // (b) S1 crashes; S5 leads term 3 with votes from S3, S4, S5 and accepts index 2 alone.
  c.crash(0);
  elect_in_term(c, 4, 3);
  REQUIRE(c.node(4).role() == RaftRole::Leader);
  REQUIRE(c.node(4).current_term() == 3);
  c.drop();
  c.client(4, c.request(lin::OpKind::Put, "x", "3"));
  c.drop();
  REQUIRE(c.node(4).log().back().term == 3);
  // (c) S5 crashes; S1 restarts, leads term 4, and replicates index 2 (term 2) to S3.
  c.crash(4);
  c.restart(0);
  elect_in_term(c, 0, 4);
  REQUIRE(c.node(0).role() == RaftRole::Leader);
  REQUIRE(c.node(0).current_term() == 4);
  c.settle();
  REQUIRE(c.node(2).log().size() == 2);
  REQUIRE(c.node(2).log()[1].term == 2);
  // Only the bug commits (index 2, of term 2, by counting); the correct rule commits nothing yet,
  // not even index 1, since no entry of term 4 is stored on a majority.
  CHECK(c.node(0).commit_index() == (bug ? 2 : 0));
  c.client(0, c.request(lin::OpKind::Put, "x", "4"));  // index 3, term 4, on S1 only...
  if (!e) {
    c.drop();
    // (d) S1 crashes; S5 restarts and is elected by S2, S3, S4, overwriting index 2 everywhere.
    c.crash(0);
    c.restart(4);
    elect_in_term(c, 4, 5);
    c.settle();
    c.client(4, c.request(lin::OpKind::Put, "x", "5"));
    c.settle();
    c.fire(4, kTagHeartbeat);
    c.settle();
  } else {
    // (e) ...or S1 replicates index 3 to S2 and S3 before it crashes: S5 cannot win.
    c.settle();
    CHECK(c.node(0).commit_index() == 3);
    c.fire(0, kTagHeartbeat);
    c.settle();
    c.crash(0);
    c.restart(4);
    for (int attempt = 0; attempt < 3; ++attempt) {
      c.fire(4, kTagElection);
      c.settle();
    }
  }
  return c;
}

}  // namespace

TEST_CASE(
    "Figure 8 (a)-(d): with bugs.commit_old_term_by_count S1 commits index 2 of term 2 by "
    "counting, S5 then overwrites it: the checkers catch it; the correct rule does not "
    "commit it",
    "[raft][checker][figure8]") {
  SECTION("correct") {
    Cluster c = figure8(false, false);
    CHECK(c.node(4).role() == RaftRole::Leader);
    CHECK(c.node(1).log()[1].term == 3);  // index 2 overwritten, which was legal: not committed
    INFO(c.violations_text());
    CHECK(c.checker().violations().empty());
  }
  SECTION("bug") {
    Cluster c = figure8(true, false);
    INFO(c.violations_text());
    CHECK(violations_of(c, RaftSafetyChecker::kLeaderCompleteness) > 0);
    CHECK(violations_of(c, RaftSafetyChecker::kStateMachineSafety) > 0);
    CHECK(violations_of(c, RaftSafetyChecker::kCommittedEntryDeleted) > 0);
  }
}

TEST_CASE(
    "Figure 8 (e): once S1 replicates an entry of term 4 to a majority, index 2 is "
    "committed and S5 cannot be elected",
    "[raft][checker][figure8]") {
  Cluster c = figure8(false, true);
  CHECK(c.node(4).role() != RaftRole::Leader);
  CHECK(c.node(1).commit_index() >= 2);
  CHECK(c.node(1).log()[1].term == 2);
  INFO(c.violations_text());
  CHECK(c.checker().violations().empty());
}

TEST_CASE(
    "bugs.vote_without_log_check: a server with a stale log is elected and deletes "
    "committed entries; the checkers catch it (§5.4.1)",
    "[raft][checker]") {
  for (bool bug : {false, true}) {
    RaftOptions options;
    options.bugs.vote_without_log_check = bug;
    Cluster c(3, options);
    c.start_all();
    c.cut(0, 2);  // n3 misses everything n1 sends
    c.elect(0);
    c.client(0, c.request(lin::OpKind::Put, "x", "1"));
    c.settle();
    REQUIRE(c.node(0).commit_index() == 2);
    REQUIRE(c.node(2).log().empty());
    c.heal();
    c.cut(0, 1);
    c.cut(0, 2);  // n1 is cut off from both; n3 times out twice (term 1 is taken)
    c.fire(2, kTagElection);
    c.drop();
    c.fire(2, kTagElection);
    c.settle();
    INFO("bug " << bug << "\n" << c.violations_text());
    CHECK((c.node(2).role() == RaftRole::Leader) == bug);
    CHECK((violations_of(c, RaftSafetyChecker::kLeaderCompleteness) > 0) == bug);
    CHECK((violations_of(c, RaftSafetyChecker::kCommittedEntryDeleted) > 0) == bug);
  }
}

TEST_CASE(
    "bugs.vote_before_persist: a crash loses a vote already granted, the server votes "
    "again in the same term, and Election Safety fails",
    "[raft][checker]") {
  for (bool bug : {false, true}) {
    RaftOptions options;
    options.bugs.vote_before_persist = bug;
    Cluster c(3, options);
    c.start_all();
    c.fire(0, kTagElection);  // n1 and n3 both stand in term 1
    c.fire(2, kTagElection);
    c.drop([](const Packet& p) { return p.from == 2; });  // n3's requests are lost
    c.drop([](const Packet& p) { return p.from == 0 && p.to == 2; });
    c.deliver([](const Packet& p) { return p.to == 1; });  // n2 votes for n1...
    c.deliver([](const Packet& p) { return p.to == 0; });  // ...which wins term 1
    REQUIRE(c.node(0).role() == RaftRole::Leader);
    c.drop();
    c.crash(1);  // before the vote flush timer fires
    c.restart(1);
    c.fire(2, kTagVoteRetry);  // n3 asks again
    c.deliver([](const Packet& p) { return p.to == 1 && p.as<RequestVote>(); });
    c.deliver([](const Packet& p) { return p.to == 2 && p.as<RequestVoteReply>(); });
    INFO("bug " << bug << "\n" << c.violations_text());
    CHECK((c.node(2).role() == RaftRole::Leader) == bug);
    CHECK((violations_of(c, RaftSafetyChecker::kElectionSafety) > 0) == bug);
  }
}

TEST_CASE("bugs.vote_before_persist: the vote reaches the disk after the flush delay",
          "[raft][checker]") {
  RaftOptions options;
  options.bugs.vote_before_persist = true;
  Cluster c(3, options);
  c.start_all();
  RequestVote rv = request_vote({.term = 1, .candidate = 2});
  c.node(0).on_message(2, rv);
  CHECK(c.node(0).voted_for() == 2);
  CHECK(dynamic_cast<RaftDurable*>(c.ctx(0).durable())->voted_for == kNoNode);
  REQUIRE(c.fire(0, kTagVoteFlush));
  CHECK(dynamic_cast<RaftDurable*>(c.ctx(0).durable())->voted_for == 2);
}

namespace {

// Command::digest as it was first written: the length-prefixed text built in full, then hashed.
// The digest now hashes the same bytes as it produces them; the two must agree on every command.
uint64_t digest_from_text(const Command& c) {
  std::string bytes;
  auto add = [&bytes](const std::string& part) {
    bytes += std::to_string(part.size());
    bytes += ':';
    bytes += part;
  };
  add(command_kind_name(c.kind));
  add(c.key);
  add(c.value ? "v" + *c.value : "-");
  add(c.expected ? "v" + *c.expected : "-");
  add(std::to_string(c.client));
  add(std::to_string(c.op_id));
  add(std::to_string(c.period));
  return stable_hash(bytes);
}

}  // namespace

TEST_CASE("Raft checker: Command digest equals the hash of its length-prefixed text",
          "[raft][checker]") {
  Rng rng(2026);
  auto text = [&rng]() {
    std::string s(static_cast<size_t>(rng.uniform_int(0, 40)), 'a');
    for (char& ch : s) ch = static_cast<char>(rng.uniform_int(0, 255));
    return s;
  };
  std::set<uint64_t> distinct;
  for (int i = 0; i < 5000; ++i) {
    Command c;
    c.kind = static_cast<CommandKind>(rng.uniform_int(0, 8));
    if (rng.bernoulli(0.7)) c.key = text();
    if (rng.bernoulli(0.6)) c.value = text();
    if (rng.bernoulli(0.4)) c.expected = text();
    c.client = static_cast<int32_t>(rng.uniform_int(-3, 1000000));
    c.op_id = rng.bernoulli(0.1) ? UINT64_MAX - static_cast<uint64_t>(rng.uniform_int(0, 9))
                                 : static_cast<uint64_t>(rng.uniform_int(0, 1000000));
    c.period =
        rng.bernoulli(0.1) ? INT64_MIN + rng.uniform_int(0, 9) : rng.uniform_int(-5, 1 << 30);
    INFO(c.describe());
    REQUIRE(c.digest() == digest_from_text(c));
    distinct.insert(c.digest());
  }
  CHECK(distinct.size() > 4900);
  // The defaults and the leader duties, exactly.
  CHECK(Command{}.digest() == stable_hash("4:noop0:1:-1:-2:-11:01:0"));
  CHECK(Command::job(100000).digest() == digest_from_text(Command::job(100000)));
  CHECK(Command::id().digest() == digest_from_text(Command::id()));
}
