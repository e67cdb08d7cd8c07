// Raft's options from Ongaro's thesis (pre-vote §9.6, check-quorum §6.2, disruptive servers §4.2.3,
// lease reads §6.4.1) and the parameters that select them.
#include <catch2/catch.hpp>

#include "sim/api/input_error.h"
#include "support/raft.h"

using namespace raft_test;

namespace {

RaftOptions base_options() {
  RaftOptions options;
  options.leader_noop = true;
  return options;
}

Params raft_params(std::map<std::string, ParamValue> values) {
  return Params("params.raft", std::move(values));
}

}  // namespace

// ---- Pre-vote (thesis §9.6) ------------------------------------------------------------------

TEST_CASE(
    "Thesis §9.6: with pre_vote an election timeout sends PreVote for term + 1 and changes "
    "no term; a majority of pre-votes starts the real election",
    "[raft][prevote]") {
  RaftOptions options = base_options();
  options.pre_vote = true;
  Cluster c(3, options);
  c.start_all();
  c.advance(options.election_timeout_min_us);  // everyone's boot-time "leader contact" expires
  REQUIRE(c.fire(0, kTagElection));
  CHECK(c.node(0).role() == RaftRole::PreCandidate);
  CHECK(c.node(0).current_term() == 0);
  CHECK(c.ctx(0).reports.back().role == Role::Follower);  // not a candidate: no new term
  auto pre_votes = c.in_flight<PreVote>();
  REQUIRE(pre_votes.size() == 2);
  CHECK(pre_votes[0].second->term == 1);
  c.deliver([](const Packet& p) { return p.as<PreVote>() != nullptr; });
  for (NodeId id : {1, 2}) {
    CHECK(c.node(id).current_term() == 0);  // receivers change nothing
    CHECK(c.node(id).voted_for() == kNoNode);
  }
  c.deliver([](const Packet& p) { return p.as<PreVoteReply>() && p.from == 1; });
  CHECK(c.node(0).role() == RaftRole::Candidate);
  CHECK(c.node(0).current_term() == 1);
}

TEST_CASE(
    "Thesis §9.6: pre-votes are refused while the receiver hears from a leader, or for a "
    "less up-to-date log",
    "[raft][prevote]") {
  RaftOptions options = base_options();
  options.pre_vote = true;
  Cluster c(3, options);
  c.start_all();
  c.advance(options.election_timeout_min_us);
  c.elect(0);
  c.settle();
  REQUIRE(c.node(0).role() == RaftRole::Leader);
  PreVote pv;
  pv.term = c.node(1).current_term() + 1;
  pv.candidate_id = 2;
  pv.last_log_index = 10;
  pv.last_log_term = 10;
  c.node(1).on_message(2, pv);  // n2 heard from n1 just now
  auto replies = c.in_flight<PreVoteReply>();
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second->vote_granted);
  c.drop();
  c.advance(options.election_timeout_min_us);
  c.node(1).on_message(2, pv);
  replies = c.in_flight<PreVoteReply>();
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].second->vote_granted);
  c.drop();
  pv.last_log_index = 0;
  pv.last_log_term = 0;  // n2 has the leader's no-op: this log is behind
  c.node(1).on_message(2, pv);
  replies = c.in_flight<PreVoteReply>();
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second->vote_granted);
}

TEST_CASE(
    "Thesis §9.6: an isolated server with pre_vote does not raise its term, and rejoins "
    "without deposing the leader; without pre_vote it does",
    "[raft][prevote]") {
  for (bool pre_vote : {false, true}) {
    RaftOptions options = base_options();
    options.pre_vote = pre_vote;
    Cluster c(5, options, 7);
    c.start_all();
    c.run_until(2 * kSecond_us);
    auto leader = c.leader();
    REQUIRE(leader);
    const int64_t term = c.node(*leader).current_term();
    const NodeId loner = (*leader + 1) % 5;
    c.isolate(loner);
    c.run_until(5 * kSecond_us);
    INFO("pre_vote " << pre_vote);
    if (pre_vote) {
      CHECK(c.node(loner).current_term() == term);
    } else {
      CHECK(c.node(loner).current_term() > term + 5);
    }
    c.heal();
    c.run_until(7 * kSecond_us);
    REQUIRE(c.leader());
    if (pre_vote) {
      CHECK(*c.leader() == *leader);
      CHECK(c.node(*leader).current_term() == term);
    } else {
      CHECK(c.node(*c.leader()).current_term() > term + 5);  // the old term was disrupted
    }
    CHECK(c.checker().violations().empty());
  }
}

// ---- Check quorum (thesis §6.2) --------------------------------------------------------------

TEST_CASE(
    "Thesis §6.2: with check_quorum a leader that hears from no majority for an election "
    "timeout steps down; without it, it stays leader",
    "[raft][checkquorum]") {
  for (bool check_quorum : {false, true}) {
    RaftOptions options = base_options();
    options.check_quorum = check_quorum;
    Cluster c(5, options, 3);
    c.start_all();
    c.run_until(2 * kSecond_us);
    auto leader = c.leader();
    REQUIRE(leader);
    c.partition({*leader, (*leader + 1) % 5});
    c.run_until(2 * kSecond_us + options.election_timeout_min_us + options.heartbeat_interval_us);
    INFO("check_quorum " << check_quorum);
    CHECK((c.node(*leader).role() == RaftRole::Leader) == !check_quorum);
    // Another leader is elected on the majority side either way.
    c.run_until(4 * kSecond_us);
    auto other = c.leader();
    REQUIRE(other);
    CHECK(*other != *leader);
    CHECK(c.checker().violations().empty());
  }
}

TEST_CASE("Thesis §6.2: a leader that keeps its majority stays leader with check_quorum",
          "[raft][checkquorum]") {
  RaftOptions options = base_options();
  options.check_quorum = true;
  Cluster c(5, options, 5);
  c.start_all();
  c.run_until(1 * kSecond_us);
  auto leader = c.leader();
  REQUIRE(leader);
  const int64_t term = c.node(*leader).current_term();
  c.partition({(*leader + 1) % 5, (*leader + 2) % 5});  // the leader keeps 3 of 5
  c.run_until(5 * kSecond_us);
  CHECK(c.leader() == leader);
  CHECK(c.node(*leader).current_term() == term);
}

// ---- Disruptive servers (thesis §4.2.3) -------------------------------------------------------

TEST_CASE(
    "Thesis §4.2.3: within the minimum election timeout of hearing from a leader, a server "
    "ignores RequestVote: no new term, no vote",
    "[raft][disruptive]") {
  RaftOptions options = base_options();
  options.ignore_disruptive_votes = true;
  Cluster c(3, options);
  c.start_all();
  c.advance(options.election_timeout_min_us);
  c.elect(0);
  c.settle();
  RequestVote rv = request_vote({.term = 9, .candidate = 2, .last_index = 9, .last_term = 9});
  c.node(1).on_message(2, rv);
  CHECK(c.node(1).current_term() == 1);
  CHECK(c.node(1).voted_for() == 0);  // still its term-1 vote for n1
  auto replies = c.in_flight<RequestVoteReply>();
  REQUIRE(replies.size() == 1);
  CHECK_FALSE(replies[0].second->vote_granted);
  // The leader itself also ignores it.
  c.node(0).on_message(2, rv);
  CHECK(c.node(0).role() == RaftRole::Leader);
  c.drop();
  // Once the minimum election timeout has passed without the leader, the vote is granted.
  c.advance(options.election_timeout_min_us);
  c.node(1).on_message(2, rv);
  CHECK(c.node(1).current_term() == 9);
  CHECK(c.node(1).voted_for() == 2);
}

TEST_CASE("Thesis §4.2.3: without the rule, a higher-term RequestVote deposes a healthy leader",
          "[raft][disruptive]") {
  Cluster c(3, base_options());
  c.start_all();
  c.elect(0);
  c.settle();
  RequestVote rv = request_vote({.term = 9, .candidate = 2});
  c.node(0).on_message(2, rv);
  CHECK(c.node(0).role() == RaftRole::Follower);
  CHECK(c.node(0).current_term() == 9);
}

// ---- Lease reads (thesis §6.4.1) ---------------------------------------------------------------

TEST_CASE(
    "Thesis §6.4.1: with lease_reads the leader answers reads from its state machine while "
    "its lease holds, and through the log after it lapses",
    "[raft][lease]") {
  RaftOptions options = base_options();
  options.lease_reads = true;
  options.ignore_disruptive_votes = true;
  options.clock_drift_bound_ppm = 100000;  // 10%
  CHECK(options.lease_duration_us() == 150 * kMillisecond_us * 10 / 11);
  Cluster c(3, options);
  c.start_all();
  c.advance(options.election_timeout_min_us);
  c.elect(0);
  CHECK_FALSE(c.node(0).lease_valid());  // no entry of its term committed yet
  c.settle();                            // the no-op commits; the round is acknowledged
  const Time_us round_start_us = c.now_us();
  REQUIRE(c.node(0).lease_valid());
  auto write = c.request(lin::OpKind::Write, "", "5");
  c.client(0, write);
  c.settle();
  const size_t log_size = c.node(0).log().size();
  auto read = c.request(lin::OpKind::Read, "");
  c.client(0, read);
  auto response = c.response(0, read.op_id);
  REQUIRE(response);  // answered at once
  CHECK(response->value == std::optional<std::string>("5"));
  CHECK(c.node(0).log().size() == log_size);
  // Let the lease run out with the followers silent.
  c.isolate(0);
  c.advance(round_start_us + options.lease_duration_us() - c.now_us() - 1);
  CHECK(c.node(0).lease_valid());
  c.advance(1);
  CHECK_FALSE(c.node(0).lease_valid());
  auto late = c.request(lin::OpKind::Read, "");
  c.client(0, late);
  CHECK_FALSE(c.response(0, late.op_id));  // waits for the log
  CHECK(c.node(0).log().size() == log_size + 1);
}

// ---- Parameters --------------------------------------------------------------------------------

TEST_CASE("Raft parameters: durations, per-node overrides, toggles, and clear errors",
          "[raft][params]") {
  SECTION("defaults") {
    Params p = raft_params({});
    auto options = read_raft_options(p, 3);
    REQUIRE(options.size() == 3);
    CHECK(options[0].election_timeout_min_us == 150 * kMillisecond_us);
    CHECK(options[0].election_timeout_max_us == 300 * kMillisecond_us);
    CHECK(options[0].heartbeat_interval_us == 50 * kMillisecond_us);
    CHECK_FALSE(options[0].pre_vote);
    CHECK(options[0].leader_noop);
  }
  SECTION("per-node overrides script who times out first") {
    Params p = raft_params({{"election_timeout_min", ParamValue::of_string("200ms")},
                            {"n3.election_timeout_min", ParamValue::of_string("100ms")},
                            {"n3.election_timeout_max", ParamValue::of_string("100ms")},
                            {"pre_vote", ParamValue::of_bool(true)},
                            {"bugs.vote_before_persist", ParamValue::of_bool(true)}});
    auto options = read_raft_options(p, 3);
    CHECK(options[0].election_timeout_min_us == 200 * kMillisecond_us);
    CHECK(options[2].election_timeout_min_us == 100 * kMillisecond_us);
    CHECK(options[2].election_timeout_max_us == 100 * kMillisecond_us);
    CHECK(options[2].pre_vote);
    CHECK(options[1].bugs.vote_before_persist);
  }
  SECTION("max below min names the key") {
    Params p = raft_params({{"n2.election_timeout_max", ParamValue::of_string("100ms")}});
    try {
      read_raft_options(p, 3);
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      CHECK(e.path() == "params.raft.n2.election_timeout_max");
    }
  }
  SECTION("a node outside the cluster is an unknown key") {
    Params p = raft_params({{"n4.election_timeout_min", ParamValue::of_string("100ms")}});
    CHECK_THROWS_AS(read_raft_options(p, 3), InputError);
  }
  SECTION("lease reads imply the disruptive-server rule, which cannot be turned off with them") {
    Params p = raft_params({{"lease_reads", ParamValue::of_bool(true)}});
    CHECK(read_raft_options(p, 3)[0].ignore_disruptive_votes);
    Params q = raft_params({{"lease_reads", ParamValue::of_bool(true)},
                            {"ignore_disruptive_votes", ParamValue::of_bool(false)}});
    CHECK_THROWS_AS(read_raft_options(q, 3), InputError);
  }
  SECTION("heartbeat must be shorter than the election timeout") {
    Params p = raft_params({{"heartbeat_interval", ParamValue::of_string("150ms")}});
    CHECK_THROWS_AS(read_raft_options(p, 3), InputError);
  }
}

// ---- Candidate timeouts (Raft Refloated, Howard et al., ACM SIGOPS OSR 49(1), 2015) -----------

TEST_CASE(
    "Raft Refloated, fixed reduction: a candidate draws its election timeout from the candidate "
    "range, a follower from the election range",
    "[raft][refloated]") {
  RaftOptions options = base_options();
  options.election_timeout_min_us = 150 * kMillisecond_us;
  options.election_timeout_max_us = 300 * kMillisecond_us;
  options.candidate_timeout_min_us = 40 * kMillisecond_us;
  options.candidate_timeout_max_us = 60 * kMillisecond_us;
  Cluster c(3, options);
  c.start_all();
  for (NodeId id : {0, 1, 2}) {
    const auto delay = c.timer_delay(id, kTagElection);
    REQUIRE(delay);
    CHECK(*delay >= 150 * kMillisecond_us);
    CHECK(*delay <= 300 * kMillisecond_us);
  }
  c.isolate(0);
  for (int election = 0; election < 5; ++election) {
    REQUIRE(c.fire(0, kTagElection));
    REQUIRE(c.node(0).role() == RaftRole::Candidate);
    const auto delay = c.timer_delay(0, kTagElection);
    REQUIRE(delay);
    CHECK(*delay >= 40 * kMillisecond_us);
    CHECK(*delay <= 60 * kMillisecond_us);  // no backoff: the reduced range every time
  }
  // Back to a follower (a leader of a later term is heard): the follower range again.
  c.node(0).on_message(1, append_entries({.term = 20, .leader = 1}));
  REQUIRE(c.node(0).role() == RaftRole::Follower);
  const auto delay = c.timer_delay(0, kTagElection);
  REQUIRE(delay);
  CHECK(*delay >= 150 * kMillisecond_us);
}

TEST_CASE(
    "Raft Refloated, binary exponential backoff: each failed election doubles the candidate "
    "timeout, up to the cap, and hearing a leader or winning resets it",
    "[raft][refloated]") {
  RaftOptions options = base_options();
  options.election_timeout_min_us = 100 * kMillisecond_us;
  options.election_timeout_max_us = 100 * kMillisecond_us;
  options.candidate_backoff = true;
  Cluster c(3, options);
  c.start_all();
  c.isolate(0);
  Time_us expected = 100 * kMillisecond_us;
  for (int election = 0; election < 4; ++election) {
    REQUIRE(c.fire(0, kTagElection));
    REQUIRE(c.node(0).role() == RaftRole::Candidate);
    CHECK(c.node(0).failed_elections() == election);
    CHECK(c.timer_delay(0, kTagElection) == expected);
    expected *= 2;
  }
  SECTION("the doubling stops at the cap") {
    for (int election = 4; election < kCandidateBackoffDoublingsMax + 3; ++election) {
      REQUIRE(c.fire(0, kTagElection));
    }
    CHECK(c.node(0).failed_elections() == kCandidateBackoffDoublingsMax + 2);
    CHECK(c.timer_delay(0, kTagElection) ==
          (Time_us{100} << kCandidateBackoffDoublingsMax) * kMillisecond_us);
  }
  SECTION("an AppendEntries from a current leader resets it") {
    c.node(0).on_message(1, append_entries({.term = 20, .leader = 1}));
    CHECK(c.node(0).failed_elections() == 0);
    CHECK(c.timer_delay(0, kTagElection) == 100 * kMillisecond_us);
    REQUIRE(c.fire(0, kTagElection));
    CHECK(c.timer_delay(0, kTagElection) == 100 * kMillisecond_us);
  }
  SECTION("a won election resets it") {
    c.drop();
    c.heal();
    c.elect(0);
    REQUIRE(c.node(0).role() == RaftRole::Leader);
    CHECK(c.node(0).failed_elections() == 0);
  }
}

TEST_CASE("Without the Refloated options a candidate draws from the election range, unchanged",
          "[raft][refloated]") {
  RaftOptions options = base_options();
  options.election_timeout_min_us = 100 * kMillisecond_us;
  options.election_timeout_max_us = 100 * kMillisecond_us;
  Cluster c(3, options);
  c.start_all();
  c.isolate(0);
  for (int election = 0; election < 3; ++election) {
    REQUIRE(c.fire(0, kTagElection));
    CHECK(c.timer_delay(0, kTagElection) == 100 * kMillisecond_us);
  }
  CHECK(c.node(0).failed_elections() == 2);
}

TEST_CASE("Raft Refloated's candidate timeout parameters", "[raft][refloated][params]") {
  SECTION("absent: the election range, no backoff") {
    Params p = raft_params({});
    auto options = read_raft_options(p, 3);
    CHECK(options[0].candidate_timeout_min_us == 0);
    CHECK(options[0].candidate_timeout_max_us == 0);
    CHECK_FALSE(options[0].candidate_backoff);
    CHECK(options[0].candidate_timeout_range_us(3) ==
          std::pair(150 * kMillisecond_us, 300 * kMillisecond_us));
  }
  SECTION("set: the reduced range, doubled by the backoff") {
    Params p = raft_params({{"candidate_timeout_min", ParamValue::of_string("50ms")},
                            {"candidate_timeout_max", ParamValue::of_string("75ms")},
                            {"candidate_backoff", ParamValue::of_bool(true)}});
    auto options = read_raft_options(p, 3);
    CHECK(options[1].candidate_timeout_range_us(0) ==
          std::pair(50 * kMillisecond_us, 75 * kMillisecond_us));
    CHECK(options[1].candidate_timeout_range_us(2) ==
          std::pair(200 * kMillisecond_us, 300 * kMillisecond_us));
  }
  SECTION("a candidate range upside down names the key") {
    Params p = raft_params({{"candidate_timeout_max", ParamValue::of_string("100ms")}});
    try {
      read_raft_options(p, 3);  // min defaults to election_timeout_min, 150ms
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      CHECK(e.path() == "params.raft.candidate_timeout_max");
    }
  }
}
