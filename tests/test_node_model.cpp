// The node model of issue 12 beyond the network: timer jitter (scenario "timers") and the disk's
// sync latency (scenario "storage"); docs/scenario-format.md.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "algorithms/raft/messages.h"
#include "cli/runner.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

// Three Raft nodes with one fixed election timeout (no randomness in it) and a constant network:
// every node times out at the same instant, votes for itself, and refuses the others.
std::string lockstep_raft(const std::string& extra) {
  return R"({"nodes": 3, "algorithm": "raft", "duration": "5s", "seed": 3,
    "network": {"latency": {"dist": "constant", "value": "1ms"}},
    "params": {"raft": {"election_timeout_min": "150ms", "election_timeout_max": "150ms",
                        "pre_vote": false}})" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace

TEST_CASE("fixed timeouts split the vote forever without timer jitter", "[model][jitter]") {
  const RunReport plain = run_scenario(parse_scenario(lockstep_raft(""), "t.json"));
  CHECK(plain.result.leader_intervals.empty());
  // With jitter the lockstep breaks and a leader is elected.
  const std::string jitter =
      R"("timers": {"jitter": {"dist": "uniform", "min": 0, "max": "20ms"}})";
  const Scenario s = parse_scenario(lockstep_raft(jitter), "t.json");
  REQUIRE(s.timer_jitter.has_value());
  const RunReport jittered = run_scenario(s);
  CHECK_FALSE(jittered.result.leader_intervals.empty());
  // Deterministic: the jitter comes from the seed.
  CHECK(run_scenario(s).result.trace_hash == jittered.result.trace_hash);
  // A zero jitter is the run without jitter (the jitter streams perturb nothing else).
  const RunReport zero = run_scenario(parse_scenario(
      lockstep_raft(R"("timers": {"jitter": {"dist": "constant", "value": 0}})"), "t.json"));
  CHECK(zero.result.trace_hash == plain.result.trace_hash);
}

namespace {

// What a storage test looks at: RequestVotes delivered, RequestVoteReplies sent, notes.
struct VoteWatch final : Observer {
  struct At {
    Time_us at_us;
    NodeId node, peer;
    bool granted;
  };
  std::vector<At> requests, replies;
  std::vector<std::pair<NodeId, std::string>> notes;
  void on_event(const TraceEvent& ev) override {
    if (ev.kind == EventKind::Note) notes.emplace_back(ev.node, std::string(ev.text));
    if (ev.payload == nullptr) return;
    if (ev.kind == EventKind::Deliver && dynamic_cast<const raft::RequestVote*>(ev.payload))
      requests.push_back({ev.time_us, ev.node, ev.peer, false});
    if (ev.kind == EventKind::Send) {
      if (const auto* r = dynamic_cast<const raft::RequestVoteReply*>(ev.payload))
        replies.push_back({ev.time_us, ev.node, ev.peer, r->vote_granted});
    }
  }
  bool noted(NodeId node, const std::string& phrase) const {
    for (const auto& [n, text] : notes)
      if (n == node && text.find(phrase) != std::string::npos) return true;
    return false;
  }
};

// n1 stands first (fixed 100 ms timeout; the others wait 300 ms); every sync takes 10 ms; the
// network takes 1 ms. So n1's RequestVote leaves at 110 ms, n2 grants it at 111 ms and its vote
// is on disk at 121 ms, when its reply leaves.
std::string storage_raft(const std::string& extra) {
  return R"({"nodes": 3, "algorithm": "raft", "duration": "1s", "seed": 5,
    "network": {"latency": {"dist": "constant", "value": "1ms"}},
    "storage": {"sync": {"dist": "constant", "value": "10ms"}},
    "params": {"raft": {"election_timeout_min": "300ms", "election_timeout_max": "300ms",
                        "pre_vote": false,
                        "n1": {"election_timeout_min": "100ms", "election_timeout_max": "100ms"}}})" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

std::string crash_n2_at(const std::string& at) {
  return R"("faults": [{"at": ")" + at +
         R"(", "duration": "50ms", "kind": "crash", "nodes": ["n2"]}])";
}

}  // namespace

TEST_CASE("with a disk a vote reply leaves only once the vote is on disk", "[model][storage]") {
  const Scenario s = parse_scenario(storage_raft(""), "t.json");
  REQUIRE(s.storage_sync.has_value());
  VoteWatch w;
  const RunReport r = run_scenario_watched(s, &w);
  CHECK(r.result.violations.empty());
  CHECK_FALSE(r.result.leader_intervals.empty());
  REQUIRE_FALSE(w.requests.empty());
  // The candidate's own term and vote are on disk before its RequestVote leaves.
  CHECK(w.requests.front().at_us == 111 * kMillisecond_us);
  int granted = 0;
  for (const auto& reply : w.replies) {
    if (!reply.granted) continue;
    ++granted;
    Time_us asked_us = -1;
    for (const auto& q : w.requests)
      if (q.node == reply.node && q.peer == reply.peer && q.at_us <= reply.at_us)
        asked_us = q.at_us;
    REQUIRE(asked_us >= 0);
    CHECK(reply.at_us >= asked_us + 10 * kMillisecond_us);
  }
  CHECK(granted > 0);
  CHECK(w.noted(1, "sync: on disk in 10ms"));
  // Deterministic.
  CHECK(run_scenario(s).result.trace_hash == r.result.trace_hash);
}

TEST_CASE("a crash during a sync loses the write and the reply waiting for it",
          "[model][storage]") {
  SECTION("crash at 115 ms: the vote was not on disk") {
    VoteWatch w;
    run_scenario_watched(parse_scenario(storage_raft(crash_n2_at("115ms")), "t.json"), &w);
    for (const auto& reply : w.replies)
      if (reply.node == 1) CHECK(reply.at_us > 115 * kMillisecond_us + 50 * kMillisecond_us);
    // n2 comes back from the disk as it was before the vote: term 0, nothing to recover.
    CHECK_FALSE(w.noted(1, "recovered term"));
  }
  SECTION("crash at 125 ms: the vote was on disk and was sent") {
    VoteWatch w;
    run_scenario_watched(parse_scenario(storage_raft(crash_n2_at("125ms")), "t.json"), &w);
    bool sent = false;
    for (const auto& reply : w.replies)
      sent |= reply.node == 1 && reply.granted && reply.at_us == 121 * kMillisecond_us;
    CHECK(sent);
    CHECK(w.noted(1, "recovered term 1, voted_for n1"));
  }
  SECTION("bugs.vote_before_persist still loses a vote already sent") {
    VoteWatch w;
    const std::string text = storage_raft(crash_n2_at("125ms"));
    run_scenario_watched(
        parse_scenario(text, "t.json", {"params.raft.bugs.vote_before_persist=true"}), &w);
    bool sent = false;
    for (const auto& reply : w.replies) sent |= reply.node == 1 && reply.granted;
    CHECK(sent);
    CHECK(w.noted(1, "recovered term 1, voted_for none"));
  }
}

TEST_CASE("no storage model and a zero one leave runs as they were", "[model][storage]") {
  const std::string plain = storage_raft("");
  std::string without = plain;
  const std::string disk = R"("storage": {"sync": {"dist": "constant", "value": "10ms"}},)";
  without.erase(without.find(disk), disk.size());
  const uint64_t base = run_scenario(parse_scenario(without, "t.json")).result.trace_hash;
  std::string zero = plain;
  zero.replace(zero.find("\"10ms\"}}"), 6, "0");
  // A zero-latency disk still notes its syncs, so only the timing is compared: every message
  // leaves when it did without a disk model.
  VoteWatch a, b;
  run_scenario_watched(parse_scenario(without, "t.json"), &a);
  run_scenario_watched(parse_scenario(zero, "t.json"), &b);
  REQUIRE(a.replies.size() == b.replies.size());
  for (size_t i = 0; i < a.replies.size(); ++i) CHECK(a.replies[i].at_us == b.replies[i].at_us);
  CHECK(base != 0);
}

TEST_CASE("the Raft checker knows a crash loses log writes still on their way to disk",
          "[model][storage]") {
  // n2 truncates and appends index 149 in term 17, starts its sync, and crashes before it is on
  // disk: it never acknowledged the entry, which n1 commits with the others. Back with its older
  // entry, n2 truncates it again on n1's word: no committed entry was deleted.
  const Scenario s = load_scenario(
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/nemesis-swarm.json",
      {"algorithm=raft", "seed=8", R"(storage.sync={"dist":"exponential","mean":"3ms"})",
       R"(nemesis.kinds=["crash","disk_loss","partition","pause"])"});
  const RunReport r = run_scenario(s);
  for (const auto& v : r.result.violations) FAIL_CHECK(v.checker << ": " << v.message);
  CHECK(r.result.violations.empty());
}

// ---- per-node settings ("timers.nodes", "storage.nodes") ----

namespace {

// When each node's timers fire.
struct TimerWatch final : Observer {
  std::vector<std::vector<Time_us>> fired = std::vector<std::vector<Time_us>>(3);
  void on_event(const TraceEvent& ev) override {
    if (ev.kind == EventKind::Timer) fired[static_cast<size_t>(ev.node)].push_back(ev.time_us);
  }
};

std::string without_disk(std::string text) {
  const std::string disk = R"("storage": {"sync": {"dist": "constant", "value": "10ms"}},)";
  text.erase(text.find(disk), disk.size());
  return text;
}

}  // namespace

TEST_CASE("per-node timer jitter delays only the named node's timers", "[model][jitter]") {
  const std::string only_n3 =
      R"("timers": {"nodes": {"n3": {"jitter": {"dist": "uniform", "min": "1ms", "max": "20ms"}}}})";
  const Scenario s = parse_scenario(lockstep_raft(only_n3), "t.json");
  CHECK_FALSE(s.timer_jitter.has_value());
  REQUIRE(s.timer_jitter_of(2) != nullptr);
  CHECK(s.timer_jitter_of(0) == nullptr);
  CHECK(s.timer_jitter_of(1) == nullptr);
  TimerWatch w;
  const RunReport r = run_scenario_watched(s, &w);
  // n1 and n2 time out exactly when they asked to; n3 (its timer drawn >= 1 ms late) does not.
  REQUIRE_FALSE(w.fired[0].empty());
  REQUIRE_FALSE(w.fired[1].empty());
  CHECK(w.fired[0].front() == 150 * kMillisecond_us);
  CHECK(w.fired[1].front() == 150 * kMillisecond_us);
  if (!w.fired[2].empty()) CHECK(w.fired[2].front() != 150 * kMillisecond_us);
  // n3 out of step breaks the tie: it votes for the first candidate to reach it.
  CHECK_FALSE(r.result.leader_intervals.empty());
  // The same as a scenario-wide jitter that n1 and n2 turn off (null, or an entry without it):
  // each node draws from its own stream.
  const std::string wide_but_n1_n2 =
      R"("timers": {"jitter": {"dist": "uniform", "min": "1ms", "max": "20ms"},
                    "nodes": {"n1": {"jitter": null}, "n2": {}}})";
  const Scenario t = parse_scenario(lockstep_raft(wide_but_n1_n2), "t.json");
  CHECK(t.timer_jitter_of(0) == nullptr);
  CHECK(t.timer_jitter_of(1) == nullptr);
  CHECK(t.timer_jitter_of(2) != nullptr);
  CHECK(run_scenario(t).result.trace_hash == r.result.trace_hash);
  // Without any jitter the lockstep stays.
  CHECK(run_scenario(parse_scenario(lockstep_raft(""), "t.json")).result.leader_intervals.empty());
}

TEST_CASE("a slow disk on one node delays its replies only", "[model][storage]") {
  // No disk by default; n2's syncs take 10 ms.
  const std::string slow_n2 =
      R"("storage": {"nodes": {"n2": {"sync": {"dist": "constant", "value": "10ms"}}}})";
  const Scenario s = parse_scenario(without_disk(storage_raft(slow_n2)), "t.json");
  CHECK_FALSE(s.storage_sync.has_value());
  REQUIRE(s.storage_sync_of(1) != nullptr);
  CHECK(s.storage_sync_of(0) == nullptr);
  CHECK(s.storage_sync_of(2) == nullptr);
  VoteWatch w;
  const RunReport r = run_scenario_watched(s, &w);
  CHECK(r.result.violations.empty());
  // n1 has no disk: its RequestVote leaves as it times out, at 100 ms, and arrives at 101 ms.
  REQUIRE_FALSE(w.requests.empty());
  CHECK(w.requests.front().at_us == 101 * kMillisecond_us);
  int n2_replies = 0, n3_replies = 0;
  for (const auto& reply : w.replies) {
    Time_us asked_us = -1;
    for (const auto& q : w.requests)
      if (q.node == reply.node && q.peer == reply.peer && q.at_us <= reply.at_us)
        asked_us = q.at_us;
    REQUIRE(asked_us >= 0);
    if (reply.node == 1) {
      ++n2_replies;
      CHECK(reply.at_us == asked_us + 10 * kMillisecond_us);  // waits for its own disk
    } else if (reply.node == 2) {
      ++n3_replies;
      CHECK(reply.at_us == asked_us);  // no disk: answers at once
    }
  }
  CHECK(n2_replies > 0);
  CHECK(n3_replies > 0);
  CHECK(w.noted(1, "sync: on disk in 10ms"));
  CHECK_FALSE(w.noted(0, "sync:"));
  CHECK_FALSE(w.noted(2, "sync:"));
  // The other way round: a disk everywhere but n3 (null turns it off for n3).
  VoteWatch v;
  run_scenario_watched(
      parse_scenario(storage_raft(""), "t.json", {R"(storage.nodes.n3={"sync": null})"}), &v);
  CHECK(v.noted(0, "sync: on disk in 10ms"));
  CHECK(v.noted(1, "sync: on disk in 10ms"));
  CHECK_FALSE(v.noted(2, "sync:"));
}

TEST_CASE("what waits for the disk of a paused node leaves when it resumes", "[model][storage]") {
  // n2 grants n1's vote at 111 ms; the vote is on disk at 121 ms. n2 is paused from 115 ms.
  const std::string pause =
      R"("faults": [{"at": "115ms", "duration": "50ms", "kind": "pause", "nodes": ["n2"]}])";
  VoteWatch w;
  run_scenario_watched(parse_scenario(storage_raft(pause), "t.json"), &w);
  std::vector<Time_us> n2_to_n1;
  for (const auto& reply : w.replies)
    if (reply.node == 1 && reply.peer == 0 && reply.granted) n2_to_n1.push_back(reply.at_us);
  REQUIRE_FALSE(n2_to_n1.empty());
  // Not at 121 ms, while n2 was paused: at its resume.
  CHECK(n2_to_n1.front() == 165 * kMillisecond_us);
  SECTION("a crash during the pause keeps the sync the disk finished but never sends the reply") {
    const std::string pause_crash =
        R"("faults": [{"at": "115ms", "duration": "50ms", "kind": "pause", "nodes": ["n2"]},
                      {"at": "140ms", "duration": "50ms", "kind": "crash", "nodes": ["n2"]}])";
    VoteWatch c;
    run_scenario_watched(parse_scenario(storage_raft(pause_crash), "t.json"), &c);
    for (const auto& reply : c.replies)
      if (reply.node == 1) CHECK(reply.at_us >= 190 * kMillisecond_us);
    CHECK(c.noted(1, "recovered term 1, voted_for n1"));
  }
}
