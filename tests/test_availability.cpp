// Availability as users feel it: leader loss measured from the moment the leader could no longer
// lead, and client-observed unavailability, against the belief-based figures.
#include <catch2/catch.hpp>
#include <string>

#include "cli/runner.h"
#include "sim/kernel/observers.h"
#include "support/leadership_feed.h"

using namespace ballot;

namespace {
constexpr Time_us ms = kMillisecond_us;

using Feed = testkit::LeadershipFeed;

lin::Op write(int32_t process, int64_t call, int64_t ret, lin::Outcome outcome) {
  lin::Op op;
  op.process = process;
  op.kind = lin::OpKind::Append;
  op.key = "k";
  op.value = "x" + std::to_string(call) + ";";
  op.call = call;
  op.ret = outcome == lin::Outcome::Info ? lin::kPendingReturn : ret;
  op.outcome = outcome;
  return op;
}
}  // namespace

TEST_CASE(
    "leader loss starts when the partition cuts the leader off, not at the followers' timeout",
    "[availability]") {
  // n1 leads n1..n5; a 2/3 partition at 2s leaves n1 with n2; the followers notice at 2.13s and
  // n3 is acknowledged at 2.14s.
  Feed f(5);
  bool partitioned = false;
  f.obs.set_connectivity([&partitioned](NodeId i) {
    if (!partitioned) return std::vector<NodeId>{0, 1, 2, 3, 4};
    return i <= 1 ? std::vector<NodeId>{0, 1} : std::vector<NodeId>{2, 3, 4};
  });
  f.elect(100 * ms, 0, 1, {1, 2, 3, 4});
  partitioned = true;
  f.send(2000 * ms, EventKind::Fault, kNoNode);
  f.send(2130 * ms, EventKind::Role, 2, Role::Candidate, 2);
  f.send(2130 * ms, EventKind::Role, 3, Role::Follower, 2);  // voted for n3, no leader yet
  f.send(2130 * ms, EventKind::Role, 4, Role::Follower, 2);
  f.elect(2140 * ms, 2, 2, {3, 4});
  const auto m = f.finish(5000 * ms);
  CHECK(m.at("leader_loss_count") == 1);
  CHECK(m.at("leader_loss_total_us") == 140 * ms);
  CHECK(m.at("leader_loss_max_us") == 140 * ms);
  REQUIRE(f.obs.leader_losses_us().size() == 1);
  // The followers only stopped following at 2.13s: the belief figure is 10ms.
  CHECK(m.at("belief_downtime_max_us") == 10 * ms);
  CHECK(m.at("belief_leader_losses") == 1);
}

TEST_CASE("a paused leader is a leader loss even when nobody stops believing in it",
          "[availability]") {
  Feed f(3);
  f.elect(10 * ms, 0, 1, {1, 2});
  f.send(2000 * ms, EventKind::Pause, 0);
  f.send(4500 * ms, EventKind::Resume, 0);
  const auto m = f.finish(7000 * ms);
  CHECK(m.at("belief_leader_losses") == 0);
  CHECK(m.at("belief_downtime_total_us") == 0);
  CHECK(m.at("leader_loss_count") == 1);
  CHECK(m.at("leader_loss_total_us") == 2500 * ms);
}

TEST_CASE("a leader without a live majority cannot lead", "[availability]") {
  // Two of five followers crash, then a third pauses: the leader still reaches everyone but only
  // two live nodes (itself included) answer.
  Feed f(5);
  f.elect(10 * ms, 0, 1, {1, 2, 3, 4});
  f.send(1000 * ms, EventKind::Crash, 3);
  f.send(1000 * ms, EventKind::Crash, 4);
  auto early = f.obs.leader_losses_us();
  CHECK(early.empty());
  f.send(1500 * ms, EventKind::Pause, 2);
  f.send(1800 * ms, EventKind::Resume, 2);
  const auto m = f.finish(3000 * ms);
  CHECK(m.at("leader_loss_count") == 1);
  CHECK(m.at("leader_loss_total_us") == 300 * ms);
}

TEST_CASE("a loss still open at the end counts until the end", "[availability]") {
  Feed f(3);
  f.elect(10 * ms, 0, 1, {1, 2});
  f.send(1000 * ms, EventKind::Crash, 0);
  const auto m = f.finish(3000 * ms);
  CHECK(m.at("leader_loss_total_us") == 2000 * ms);
}

TEST_CASE("client unavailability: longest window and windows with a write that never succeeded",
          "[availability]") {
  lin::History h;
  h.ops.push_back(write(0, 0, 5 * ms, lin::Outcome::Ok));
  h.ops.push_back(write(1, 10 * ms, 14 * ms, lin::Outcome::Ok));
  // A write that times out (500ms) and one that waits until the leader is back at 640ms.
  h.ops.push_back(write(2, 20 * ms, 0, lin::Outcome::Info));
  h.ops.push_back(write(0, 30 * ms, 640 * ms, lin::Outcome::Ok));
  h.ops.push_back(write(1, 700 * ms, 705 * ms, lin::Outcome::Ok));
  // A failed write counts only until another write succeeds (at 705ms).
  h.ops.push_back(write(2, 700 * ms, 800 * ms, lin::Outcome::Fail));
  // A read does not make anything available.
  lin::Op read;
  read.kind = lin::OpKind::Get;
  read.key = "k";
  read.call = 100 * ms;
  read.ret = 101 * ms;
  read.outcome = lin::Outcome::Ok;
  h.ops.push_back(read);
  const ClientUnavailability u = client_unavailability(h, 500 * ms, 10'000 * ms);
  CHECK(u.max_us == 620 * ms);  // from 20ms until the write returned at 640ms
  // The timed-out write counts from its call to its timeout (nothing succeeded meanwhile), the
  // failed one for 5ms; the ordinary 5ms and 4ms waits do not count.
  CHECK(u.total_us == 505 * ms);
}

TEST_CASE("client unavailability is zero for a healthy history", "[availability]") {
  lin::History h;
  for (int64_t i = 0; i < 10; ++i)
    h.ops.push_back(write(0, i * 10 * ms, i * 10 * ms + 3 * ms, lin::Outcome::Ok));
  const ClientUnavailability u = client_unavailability(h, 500 * ms, 1000 * ms);
  CHECK(u.total_us == 0);
  CHECK(u.max_us == 3 * ms);
}

TEST_CASE("raft under the shipped 3/2 partition: leader loss covers what clients waited",
          "[availability]") {
  const Scenario s = load_scenario(
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json", {"algorithm=\"raft\""});
  const RunReport r = run_scenario(s);
  const auto& m = r.result.metrics;
  // The partition starts at 2s; the new leader is acknowledged at about 2.14s.
  REQUIRE(r.result.leader_losses_us.size() == 1);
  CHECK(m.at("leader_loss_max_us") >= 140 * ms);
  CHECK(m.at("leader_loss_max_us") < 200 * ms);
  // The followers noticed late: the belief figure is much smaller.
  CHECK(m.at("belief_downtime_max_us") < 20 * ms);
  // Clients whose writes went to the cut-off leader waited out their 500ms timeout.
  CHECK(m.at("client_unavailable_max_us") >= 500 * ms);
  CHECK(m.at("client_unavailable_us") >= 500 * ms);
  CHECK(m.at("client_unavailable_us") < 2 * kSecond_us);
}

TEST_CASE("a paused lease holder shows a leader loss", "[availability]") {
  const RunReport r =
      run_scenario(load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/lease-pause.json"));
  const auto& m = r.result.metrics;
  CHECK(m.at("belief_leader_losses") == 0);
  REQUIRE(m.at("leader_loss_count") >= 1);
  // From the pause at 2s until the other candidate holds the lease (after the 1s ttl).
  CHECK(m.at("leader_loss_max_us") >= 500 * ms);
}

TEST_CASE("a job whose periods queue up while no side has a majority is late, not missed",
          "[availability]") {
  // No side of a three-way partition has a majority from 2s to 6s: Multi-Paxos cannot choose the
  // job's slots, and runs the queued periods in one burst after the heal.
  const std::string text = R"({
    "name": "job-no-majority", "nodes": 5, "algorithm": "paxos", "seed": 1, "duration": "8s",
    "network": {"latency": {"dist": "uniform", "min": "1ms", "max": "5ms"}},
    "faults": [{"at": "2s", "duration": "4s", "kind": "partition",
                "groups": [["n1", "n2"], ["n3", "n4"], ["n5"]]}],
    "workload": {"model": "kv", "clients": 0, "job_period": "100ms", "duties_start": "500ms"}
  })";
  const RunReport r = run_scenario(parse_scenario(text, "job-no-majority.json"));
  const auto& m = r.result.metrics;
  CHECK(m.at("job_missed") == 0);
  CHECK(m.at("job_duplicates") == 0);
  // About 40 periods of 100ms ran after the heal, the oldest about 4s late.
  CHECK(m.at("job_late_runs") >= 35);
  CHECK(m.at("job_lateness_max_us") >= 3900 * ms);
  CHECK(m.at("job_lateness_p99_us") >= 3 * kSecond_us);
  CHECK(m.at("job_lateness_p50_us") < 1 * kSecond_us);
  // Leader loss spans the partition: no side could lead.
  CHECK(m.at("leader_loss_max_us") >= 4 * kSecond_us);
}

TEST_CASE("recovery per fault: until a followed leader can lead, and until a new write succeeds",
          "[availability]") {
  // The partition case above: n1 leads, a 2/3 partition at 2s cuts it off, n3 is acknowledged at
  // 2.14s. A write invoked at 1.99s returns at 2.001s (before recovery, but invoked before the
  // fault: it does not count); a read at 2.15s; writes at 2.2s (ok at 2.21s) and 2.18s (ok at
  // 2.25s); a write at 2.19s that fails.
  Feed f(5);
  bool partitioned = false;
  f.obs.set_connectivity([&partitioned](NodeId i) {
    if (!partitioned) return std::vector<NodeId>{0, 1, 2, 3, 4};
    return i <= 1 ? std::vector<NodeId>{0, 1} : std::vector<NodeId>{2, 3, 4};
  });
  f.elect(100 * ms, 0, 1, {1, 2, 3, 4});
  partitioned = true;
  f.send(2000 * ms, EventKind::Fault, kNoNode);
  f.send(2130 * ms, EventKind::Role, 2, Role::Candidate, 2);
  f.send(2130 * ms, EventKind::Role, 3, Role::Follower, 2);
  f.send(2130 * ms, EventKind::Role, 4, Role::Follower, 2);
  f.elect(2140 * ms, 2, 2, {3, 4});
  f.finish(5000 * ms);

  RunReport report;
  report.result.availability = f.obs.availability_changes();
  lin::Op read = write(1, 2150 * ms, 2160 * ms, lin::Outcome::Ok);
  read.kind = lin::OpKind::Get;
  report.result.history.ops = {write(0, 1990 * ms, 2001 * ms, lin::Outcome::Ok), read,
                               write(2, 2180 * ms, 2250 * ms, lin::Outcome::Ok),
                               write(3, 2190 * ms, 2195 * ms, lin::Outcome::Fail),
                               write(1, 2200 * ms, 2210 * ms, lin::Outcome::Ok)};
  FiredFault partition;
  partition.begin_us = 2000 * ms;
  partition.kind = "partition";
  partition.detail_json = R"({"groups": [[1, 2], [3, 4, 5]]})";
  FiredFault crash_follower;  // n4 at 3s: the leader n3 keeps a majority
  crash_follower.begin_us = 3000 * ms;
  crash_follower.kind = "crash";
  crash_follower.detail_json = R"({"nodes": [4]})";
  FiredFault crash_leader;  // n3 (1-based 3) at 4s: hit the leader, and nothing recovers
  crash_leader.begin_us = 4000 * ms;
  crash_leader.kind = "crash";
  crash_leader.detail_json = R"({"nodes": [3]})";
  report.faults = {partition, crash_follower, crash_leader};
  measure_recovery(report);

  const FiredFault& p = report.faults[0];
  REQUIRE(p.recovery_leader_us.has_value());
  CHECK(*p.recovery_leader_us == 140 * ms);
  REQUIRE(p.recovery_write_us.has_value());
  CHECK(*p.recovery_write_us == 210 * ms);  // the write invoked at 2.2s, ok at 2.21s
  CHECK_FALSE(p.target_was_leader);         // a partition names no nodes
  // The feed's stream has no crash events for the two crashes, so the leader stays able: 0.
  const FiredFault& c = report.faults[1];
  REQUIRE(c.recovery_leader_us.has_value());
  CHECK(*c.recovery_leader_us == 0);
  CHECK_FALSE(c.recovery_write_us.has_value());  // no write after 3s
  CHECK_FALSE(c.target_was_leader);              // n4 followed
  CHECK(report.faults[2].target_was_leader);     // n3 led
}

TEST_CASE("recovery per fault on a real run: a crash of the leader until the next one leads",
          "[availability]") {
  // n1 is the only node that can win at first (100ms timeout; n2 200ms, n3 5s); the leader
  // crashes at 1s; n2 takes over. The recovery is the new leader's acknowledgement minus 1s, as
  // the leader intervals say, and the first write invoked after 1s is the scripted one at 1.5s
  // (sent to n2, the new leader).
  const Scenario s = parse_scenario(R"({"nodes": 3, "duration": "3s", "algorithm": "raft",
    "network": {"latency": {"dist": "constant", "value": "1ms"}},
    "params": {"raft": {"n1": {"election_timeout_min": "100ms", "election_timeout_max": "100ms"},
                        "n2": {"election_timeout_min": "200ms", "election_timeout_max": "200ms"},
                        "n3": {"election_timeout_min": "5s", "election_timeout_max": "5s"}}},
    "faults": [{"at": "1s", "kind": "crash", "nodes": ["leader"]}],
    "workload": {"ops": [{"at": "1.5s", "node": "n2", "op": "write", "value": "1"}]}})",
                                    "t.json");
  const RunReport r = run_scenario(s);
  REQUIRE(r.faults.size() == 1);
  const FiredFault& f = r.faults[0];
  CHECK(f.target_was_leader);
  REQUIRE(r.result.leader_intervals.size() == 2);
  CHECK(r.result.leader_intervals[0].node == 0);
  const LeaderInterval& next = r.result.leader_intervals[1];
  CHECK(next.node == 1);
  REQUIRE(f.recovery_leader_us.has_value());
  CHECK(*f.recovery_leader_us == next.acknowledged_us - 1000 * ms);
  // n2 times out 200ms after its last AppendEntries (sent before 1s, 1ms away), then one round
  // trip of votes: between 200ms and 203ms after the crash.
  CHECK(*f.recovery_leader_us > 150 * ms);
  CHECK(*f.recovery_leader_us < 260 * ms);
  REQUIRE(r.result.history.ops.size() == 1);
  const lin::Op& op = r.result.history.ops[0];
  REQUIRE(op.outcome == lin::Outcome::Ok);
  REQUIRE(f.recovery_write_us.has_value());
  CHECK(*f.recovery_write_us == op.ret - 1000 * ms);
  CHECK(op.ret - op.call < 10 * ms);
}
