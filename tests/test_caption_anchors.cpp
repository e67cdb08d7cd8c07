// Captions anchored to events (scenario "captions" with "on"; docs/scenario-format.md#captions):
// the reader's checks, the kernel's resolution during the run, the golden summary and the CLI's
// report and warnings. The viewer's side is in tests/test_viz_captions.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/caption_report.h"
#include "cli/golden.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

using namespace ballot;

namespace {

std::string source(const std::string& relative) {
  return std::string(BALLOT_SOURCE_DIR) + "/" + relative;
}

// Five nodes, two faults, a caption list to fill in.
const char* kBase = R"({"nodes": 5, "algorithm": "raft", "duration": "3s",
  "faults": [{"at": "1s", "duration": "1s", "kind": "partition", "groups": [["n1"], ["n2", "n3", "n4", "n5"]]},
             {"at": "2500ms", "kind": "crash", "nodes": ["n2"]}]})";

Scenario parse_with(const std::vector<std::string>& sets) {
  return parse_scenario(kBase, "base.json", sets);
}

// The path and message of the error parsing kBase with `sets` gives.
std::pair<std::string, std::string> error_of(const std::vector<std::string>& sets) {
  try {
    parse_with(sets);
  } catch (const InputError& e) {
    return {e.path(), e.what()};
  }
  FAIL("no error for " << sets.back());
  return {};
}

std::string caption(const std::string& body) {
  return "captions[0]=" + body;
}

// Records every event a run emits (time, kind, node, role, fault phase): what the anchors are
// checked against, independently of the watch that resolves them.
struct Probe final : Observer {
  struct Seen {
    Time_us t = 0;
    EventKind kind = EventKind::Note;
    NodeId node = kNoNode;
    Role role = Role::Follower;
    std::string text, phase;
    uint64_t tag = 0;
    nlohmann::json record;  // a record event's trace line
  };
  std::vector<Seen> seen;
  void on_event(const TraceEvent& ev) override {
    seen.push_back({ev.time_us, ev.kind, ev.node, ev.role, std::string(ev.text),
                    std::string(ev.phase), ev.tag,
                    ev.kind == EventKind::Record ? nlohmann::json::parse(event_to_json(ev))
                                                 : nlohmann::json()});
  }
  // The time of the first record of `type` whose fact's `field` satisfies `ok` (kNever_us: none).
  template <typename Pred>
  Time_us first_fact(const std::string& type, const std::string& field, Pred ok) const {
    for (const Seen& s : seen)
      if (s.kind == EventKind::Record && s.record.at("type") == type &&
          ok(s.record.at("fact").at(field).get<int64_t>()))
        return s.t;
    return kNever_us;
  }
  // The time of the first role event with this role at this node (kNever_us: none).
  Time_us first_role(NodeId node, Role role) const {
    for (const Seen& s : seen)
      if (s.kind == EventKind::Role && s.node == node && s.role == role) return s.t;
    return kNever_us;
  }
  // When the caption with this text was emitted (kNever_us: it was not).
  Time_us caption(const std::string& text) const {
    for (const Seen& s : seen)
      if (s.kind == EventKind::Caption && s.text == text) return s.t;
    return kNever_us;
  }
};

const std::string kElection = "scenarios/raft-election-timing.json";

}  // namespace

TEST_CASE("caption anchors: the reader takes the vocabulary", "[captions][scenario]") {
  const Scenario s =
      parse_with({R"(captions=[{"on": {"role": "candidate", "node": "n5", "epoch": 2}, "text": "a"},
                    {"on": {"commit": 2}, "nth": 3, "offset": "20ms", "text": "b"},
                    {"on": {"fault": 2, "phase": "end"}, "text": "c"},
                    {"on": {"fault_kind": "partition", "phase": "end"}, "text": "d", "pause": true},
                    {"on": {"crash": "any"}, "text": "e"},
                    {"on": {"violation": "any"}, "text": "f"},
                    {"on": {"op": 3, "outcome": "ok"}, "text": "g"},
                    {"at": "1s", "text": "h"}])"});
  REQUIRE(s.captions.size() == 8);
  using K = CaptionAnchor::Kind;
  const CaptionAnchor& role = *s.captions[0].on;
  CHECK(role.kind == K::Role);
  CHECK(role.role == Role::Candidate);
  CHECK(role.node == 4);
  CHECK(role.epoch == 2);
  CHECK(s.captions[0].nth == 1);
  CHECK(s.captions[0].offset_us == 0);
  CHECK(s.captions[1].on->kind == K::Commit);
  CHECK(s.captions[1].on->index == 2);
  CHECK(s.captions[1].on->node == kNoNode);
  CHECK(s.captions[1].nth == 3);
  CHECK(s.captions[1].offset_us == 20 * kMillisecond_us);
  CHECK(s.captions[2].on->fault == 2);
  CHECK(s.captions[2].on->end);
  CHECK(s.captions[3].on->fault_kind == FaultKind::Partition);
  CHECK(s.captions[3].pause);
  CHECK(s.captions[4].on->kind == K::Crash);
  CHECK(s.captions[4].on->node == kNoNode);
  CHECK(s.captions[5].on->checker.empty());
  CHECK(s.captions[6].on->op == 3);
  CHECK(s.captions[6].on->outcome == lin::Outcome::Ok);
  CHECK_FALSE(s.captions[7].on.has_value());
  CHECK(s.captions[7].at_us == kSecond_us);
  CHECK(s.captions[2].path == "captions[2]");
  // The resolved scenario (what the trace header stores) reads back the same.
  const Scenario again = parse_scenario(s.resolved_json, "again.json");
  REQUIRE(again.captions.size() == 8);
  CHECK(again.captions[1].on->text == s.captions[1].on->text);
  CHECK(again.captions[1].offset_us == s.captions[1].offset_us);
}

TEST_CASE("caption anchors: a malformed anchor is an error naming its path",
          "[captions][scenario]") {
  struct Case {
    std::string set, path, message;
  };
  const std::vector<Case> cases = {
      {caption(R"({"on": {"rol": "candidate"}, "text": "x"})"), "captions[0].on.rol",
       "did you mean 'role'?"},
      {caption(R"({"at": "1s", "on": {"crash": "n1"}, "text": "x"})"), "captions[0].on",
       "'at' (a time) or 'on' (an event), not both"},
      {caption(R"({"text": "x"})"), "captions[0]", "missing required field 'at' (a time) or 'on'"},
      {caption(R"({"on": {"role": "leader", "crash": "n1"}, "text": "x"})"), "captions[0].on.crash",
       "an anchor names one event: got both 'role' and 'crash'"},
      {caption(R"({"on": {"node": "n1"}, "text": "x"})"), "captions[0].on",
       "missing the event to anchor to"},
      {caption(R"({"on": {"commit": 2, "epoch": 1}, "text": "x"})"), "captions[0].on.epoch",
       "field 'epoch' does not belong to a commit anchor (commit takes: node)"},
      {caption(R"({"on": {"role": "candidat"}, "text": "x"})"), "captions[0].on.role",
       "unknown role 'candidat' (did you mean 'candidate'?)"},
      {caption(R"({"on": {"role": "leader", "node": "n9"}, "text": "x"})"), "captions[0].on.node",
       "unknown node 'n9'"},
      {caption(R"({"on": {"fault": 3}, "text": "x"})"), "captions[0].on.fault",
       "expected an integer in [1, 2]"},
      {caption(R"({"on": {"fault": 1, "phase": "ending"}, "text": "x"})"), "captions[0].on.phase",
       "unknown phase 'ending' (did you mean 'end'?)"},
      {caption(R"({"on": {"fault_kind": "partiton"}, "text": "x"})"), "captions[0].on.fault_kind",
       "did you mean 'partition'?"},
      {caption(R"({"on": {"commit": 0}, "text": "x"})"), "captions[0].on.commit",
       "expected an integer >= 1, got 0"},
      {caption(R"({"on": {"op": "first"}, "text": "x"})"), "captions[0].on.op",
       "expected an operation id"},
      {caption(R"({"on": {"op": "any", "outcome": "okay"}, "text": "x"})"),
       "captions[0].on.outcome", "unknown outcome 'okay' (did you mean 'ok'?)"},
      {caption(R"({"on": {"crash": "n1"}, "nth": 0, "text": "x"})"), "captions[0].nth",
       "expected an integer in [1, 1000000]"},
      {caption(R"({"on": {"crash": "n1"}, "offset": "-5ms", "text": "x"})"), "captions[0].offset",
       "non-negative"},
      {caption(R"({"at": "1s", "nth": 2, "text": "x"})"), "captions[0].nth",
       "belongs to a caption anchored to an event"},
      {caption(R"({"on": "n5 candidate", "text": "x"})"), "captions[0].on",
       "expected an anchor object"},
      {caption(R"({"on": {"crash": "n1"}, "ofset": "1s", "text": "x"})"), "captions[0].ofset",
       "did you mean 'offset'?"},
      // --set paths into an anchor are checked against the same schema.
      {R"(captions[0].on.rolle="leader")", "captions[0].on.rolle", "did you mean 'role'?"},
  };
  for (const Case& c : cases) {
    INFO(c.set);
    const auto [path, message] = error_of({c.set});
    CHECK(path == c.path);
    CHECK_THAT(message, Catch::Contains(c.message));
  }
  // A fault anchor by position needs faults.
  try {
    parse_scenario(R"({"captions": [{"on": {"fault": 1}, "text": "x"}]})", "f.json");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.path() == "captions[0].on.fault");
    CHECK_THAT(std::string(e.what()), Catch::Contains("no faults to anchor to"));
  }
}

TEST_CASE("caption anchors resolve on a real Raft run", "[captions][run]") {
  // raft-election-timing: n5 (100ms timeout) leads first, crashes at 2s (faults[0]); n2 follows.
  const std::vector<std::string> sets = {
      R"(captions[3]={"on": {"role": "candidate", "node": "n5"}, "text": "A"})",
      R"(captions[4]={"on": {"role": "leader"}, "nth": 2, "text": "B"})",
      R"(captions[5]={"on": {"fault": 1}, "offset": "30ms", "text": "C"})",
      R"(captions[6]={"on": {"crash": "n5"}, "text": "D"})",
      R"(captions[7]={"on": {"commit": 1}, "nth": 5, "text": "E"})",
      R"(captions[8]={"on": {"role": "leader", "node": "n1", "epoch": 99}, "text": "never"})",
      R"(captions[9]={"on": {"crash": "n5"}, "offset": "3s", "text": "too late"})",
  };
  const Scenario s = load_scenario(source(kElection), sets);
  Probe probe;
  const RunReport report = run_scenario_watched(s, &probe);
  const std::vector<CaptionTime>& times = report.result.captions;
  REQUIRE(times.size() == 10);

  // A: n5's first candidacy.
  const Time_us candidate = probe.first_role(4, Role::Candidate);
  REQUIRE(candidate != kNever_us);
  CHECK(times[3].anchor_us == candidate);
  CHECK(times[3].shown_us == candidate);
  CHECK(probe.caption("A") == candidate);
  // B: the second node to take the leader role (n2, after n5's crash).
  std::vector<Time_us> leaders;
  for (const Probe::Seen& e : probe.seen)
    if (e.kind == EventKind::Role && e.role == Role::Leader &&
        (leaders.empty() || e.t != leaders.back()))
      leaders.push_back(e.t);
  REQUIRE(leaders.size() >= 2);
  CHECK(times[4].shown_us == leaders[1]);
  CHECK(times[4].shown_us > 2 * kSecond_us);
  // C: faults[0] begins at 2s; the caption 30ms later. D: n5's crash, at the same time.
  CHECK(times[5].anchor_us == 2 * kSecond_us);
  CHECK(times[5].shown_us == 2 * kSecond_us + 30 * kMillisecond_us);
  CHECK(probe.caption("C") == times[5].shown_us);
  CHECK(times[6].shown_us == 2 * kSecond_us);
  // E: the fifth node to commit index 1 (the leader's no-op), after the first leader's election.
  CHECK(times[7].shown_us != kNever_us);
  CHECK(times[7].shown_us > candidate);
  // Never: no caption, a warning naming it; too late: fired, but shown after the end.
  CHECK(times[8].anchor_us == kNever_us);
  CHECK(times[8].shown_us == kNever_us);
  CHECK(probe.caption("never") == kNever_us);
  CHECK(times[9].anchor_us == 2 * kSecond_us);
  CHECK(times[9].shown_us == kNever_us);
  const std::vector<std::string> warnings = cli::caption_warnings(report);
  REQUIRE(warnings.size() == 2);
  CHECK_THAT(warnings[0], Catch::StartsWith("captions[8]: its anchor"));
  CHECK_THAT(warnings[0], Catch::Contains("never happened"));
  CHECK_THAT(warnings[1], Catch::StartsWith("captions[9]: its anchor"));
  CHECK_THAT(warnings[1], Catch::Contains("past the end of the run"));

  // --json lists each caption with when it was shown, and the warnings.
  const nlohmann::json j = cli::report_json(report);
  CHECK(j.at("captions").at(3).at("shown_us") == candidate);
  CHECK(j.at("captions").at(3).at("on") ==
        nlohmann::json::parse(R"({"role":"candidate","node":"n5"})"));
  CHECK(j.at("captions").at(8).at("shown_us").is_null());
  CHECK(j.at("captions").at(0).at("at_us") == 0);
  size_t caption_warning_count = 0;
  for (const auto& w : j.at("warnings"))
    caption_warning_count += w.get<std::string>().rfind("captions[", 0) == 0;
  CHECK(caption_warning_count == 2);

  // Captions change nothing in the run: the hash is the scenario's golden one, and the golden
  // summary counts the events without the captions shown.
  CHECK(hash_hex(report.result.trace_hash) == s.golden.at("raft/1"));
  const nlohmann::json summary = nlohmann::json::parse(golden_record(report).summary);
  size_t shown = 0;
  for (const CaptionTime& t : times) shown += t.shown_us != kNever_us;
  CHECK(shown == 8);
  CHECK(summary.at("events").get<uint64_t>() == report.result.events - shown);
  const RunReport plain = run_scenario(load_scenario(source(kElection)));
  CHECK(summary.at("events") == nlohmann::json::parse(golden_record(plain).summary).at("events"));
}

TEST_CASE("an anchored caption follows its event when a parameter changes", "[captions][run]") {
  // The same lesson with two election timeouts for n5: the caption anchored to n5's candidacy
  // lands on it in each run, where a caption at a fixed time would be right for one only.
  Time_us shown[2] = {0, 0};
  const char* timeouts[2] = {"100ms", "170ms"};
  for (int k = 0; k < 2; ++k) {
    const std::string t = timeouts[k];
    const Scenario s = load_scenario(
        source(kElection),
        {"params.raft.n5.election_timeout_min=" + t, "params.raft.n5.election_timeout_max=" + t,
         R"(captions[1]={"on": {"role": "candidate", "node": "n5"}, "text": "n5 stands"})"});
    Probe probe;
    const RunReport report = run_scenario_watched(s, &probe);
    const Time_us candidate = probe.first_role(4, Role::Candidate);
    REQUIRE(candidate != kNever_us);
    CHECK(report.result.captions[1].shown_us == candidate);
    CHECK(probe.caption("n5 stands") == candidate);
    shown[k] = candidate;
  }
  CHECK(shown[0] != shown[1]);
  CHECK(shown[0] >= 100 * kMillisecond_us);
  CHECK(shown[1] >= 170 * kMillisecond_us);
}

TEST_CASE("caption anchors: fault end, commits and ops on Raft and Paxos runs", "[captions][run]") {
  SECTION("raft: the partition heals, index 2 commits, an op completes") {
    const Scenario s = load_scenario(
        source("scenarios/raft-partition-leader-minority.json"),
        {R"(captions=[{"on": {"fault_kind": "partition", "phase": "end"}, "text": "heal"},
                      {"on": {"commit": 2}, "text": "c2"},
                      {"on": {"op": "any", "outcome": "ok"}, "text": "op"}])"});
    Probe probe;
    const RunReport report = run_scenario_watched(s, &probe);
    Time_us heal = kNever_us;
    for (const Probe::Seen& e : probe.seen)
      if (e.kind == EventKind::Fault && e.text == "partition" && e.phase == "end") heal = e.t;
    REQUIRE(heal == 4 * kSecond_us);
    CHECK(report.result.captions[0].shown_us == heal);
    // The first commit record whose commit index reaches 2, at any node.
    const Time_us c2 = probe.first_fact("commit", "commit_index", [](int64_t i) { return i >= 2; });
    REQUIRE(c2 != kNever_us);
    CHECK(report.result.captions[1].shown_us == c2);
    Time_us first_ok = kNever_us;
    for (const lin::Op& op : report.result.history.ops)
      if (op.outcome == lin::Outcome::Ok) first_ok = std::min(first_ok, op.ret);
    CHECK(report.result.captions[2].shown_us == first_ok);
  }
  SECTION("a heal ends the partition: fault and fault_kind end anchors fire at the heal") {
    const Scenario s = parse_scenario(
        R"({"nodes": 5, "algorithm": "raft", "duration": "3s",
            "faults": [{"at": "1s", "kind": "partition", "groups": [["n1", "n2"], ["n3", "n4", "n5"]]},
                       {"at": "1700ms", "kind": "heal"}],
            "captions": [{"on": {"fault": 1, "phase": "end"}, "text": "by position"},
                         {"on": {"fault_kind": "partition", "phase": "end"}, "text": "by kind"},
                         {"on": {"fault_kind": "heal"}, "text": "heal begins"},
                         {"on": {"fault": 2, "phase": "end"}, "text": "a heal has no end"}]})",
        "heal.json");
    Probe probe;
    const RunReport report = run_scenario_watched(s, &probe);
    // The partition has no end event of its own: the heal ends it.
    for (const Probe::Seen& e : probe.seen)
      CHECK_FALSE((e.kind == EventKind::Fault && e.phase == "end" && e.text == "partition"));
    const Time_us heal = 1700 * kMillisecond_us;
    CHECK(report.result.captions[0].shown_us == heal);
    CHECK(report.result.captions[1].shown_us == heal);
    CHECK(report.result.captions[2].shown_us == heal);
    CHECK(report.result.captions[3].shown_us == kNever_us);
  }
  SECTION("paxos: slot 2 is chosen") {
    const Scenario s = load_scenario(source("scenarios/paxos-partition-leader-minority.json"),
                                     {R"(captions=[{"on": {"commit": 2}, "text": "slot 2"}])"});
    Probe probe;
    const RunReport report = run_scenario_watched(s, &probe);
    const Time_us learned = probe.first_fact("learn", "slot", [](int64_t i) { return i == 2; });
    REQUIRE(learned != kNever_us);
    CHECK(report.result.captions[0].shown_us == learned);
  }
  SECTION("raft figure 8 with the bug: the first violation") {
    const Scenario s = load_scenario(source("scenarios/raft-figure8-bug.json"),
                                     {R"(captions=[{"on": {"violation": "any"}, "text": "first"},
                                    {"on": {"violation": "state_machine_safety"}, "text": "sms"},
                                    {"on": {"violation": "no_such_checker"}, "text": "none"}])"});
    const RunReport report = run_scenario(s);
    REQUIRE_FALSE(report.result.violations.empty());
    CHECK(report.result.captions[0].shown_us == report.result.violations.front().time_us);
    Time_us sms = kNever_us;
    for (const Violation& v : report.result.violations)
      if (v.checker == "state_machine_safety") sms = std::min(sms, v.time_us);
    REQUIRE(sms != kNever_us);
    CHECK(report.result.captions[1].shown_us == sms);
    CHECK(report.result.captions[2].shown_us == kNever_us);
  }
  SECTION("bully has no commits: the anchor never fires") {
    const Scenario s = load_scenario(source("scenarios/bully-partition.json"),
                                     {R"(captions=[{"on": {"commit": 1}, "text": "never"}])"});
    const RunReport report = run_scenario(s);
    CHECK(report.result.captions[0].shown_us == kNever_us);
    REQUIRE(cli::caption_warnings(report).size() == 1);
  }
}
