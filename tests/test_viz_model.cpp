// The viewer's trace model (viz/trace_model.h, viz/trace_query.h): what the timeline draws, from
// small hand-written traces whose answers are known, and from a real run of a shipped scenario.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "sim/api/input_error.h"
#include "viz/inprocess.h"
#include "viz/trace_model.h"
#include "viz/trace_query.h"

using namespace ballot::viz;

namespace {

const std::string kHeader =
    R"({"format":"ballot-trace","format_version":2,"ballot_version":"0.1.0","file":"t.json","algorithm":"bully","seed":7,)"
    R"("scenario":{"name":"hand","nodes":3,"captions":[{"at":"1ms","text":"look","pause":true}]}})"
    "\n";

std::string footer(int events, int64_t end_us, const std::string& extra = "") {
  return R"({"footer":true,"events":)" + std::to_string(events) + R"(,"end_us":)" +
         std::to_string(end_us) +
         R"(,"trace_hash":"0123456789abcdef","metrics":{"split_brain_us":5})" + extra + "}\n";
}

// Three nodes: n3 leads from the start; n1 crashes at 100 and restarts at 200; n2 leads from
// 300 to 500 (split brain with n3); messages: one delivered, one dropped, one duplicated, one
// still in flight at the end.
std::string small_trace() {
  std::string t = kHeader;
  const char* lines[] = {
      R"({"i":0,"t":0,"k":"start","n":1})",
      R"({"i":1,"t":0,"k":"role","n":1,"role":"follower","epoch":1,"leader":3})",
      R"({"i":2,"t":0,"k":"start","n":2})",
      R"({"i":3,"t":0,"k":"role","n":2,"role":"follower","epoch":1,"leader":3})",
      R"({"i":4,"t":0,"k":"start","n":3})",
      R"({"i":5,"t":0,"k":"role","n":3,"role":"leader","epoch":1,"leader":3})",
      R"({"i":6,"t":10,"k":"send","n":3,"to":1,"id":1,"type":"Heartbeat","msg":{}})",
      R"({"i":7,"t":10,"k":"send","n":3,"to":2,"id":2,"type":"Heartbeat","msg":{}})",
      R"({"i":8,"t":12,"k":"deliver","n":1,"from":3,"id":1,"type":"Heartbeat"})",
      R"({"i":9,"t":12,"k":"send","n":1,"to":3,"id":3,"type":"HeartbeatReply","msg":{}})",
      R"({"i":10,"t":15,"k":"drop","n":2,"from":3,"id":2,"type":"Heartbeat","reason":"partition"})",
      R"({"i":11,"t":20,"k":"send","n":3,"to":2,"id":4,"type":"AppendEntries","msg":{"term":1,"entries":[{"term":1}]}})",
      R"({"i":12,"t":25,"k":"deliver","n":2,"from":3,"id":4,"type":"AppendEntries"})",
      R"({"i":13,"t":26,"k":"deliver","n":2,"from":3,"id":4,"type":"AppendEntries","dup":true})",
      R"({"i":14,"t":30,"k":"send","n":2,"to":3,"id":5,"type":"RequestVoteReply","msg":{"term":2,"vote_granted":true}})",
      R"({"i":15,"t":40,"k":"caption","text":"look"})",
      R"({"i":16,"t":100,"k":"fault","fault":1,"kind":"crash","phase":"begin","detail":{"nodes":[1],"duration_us":100}})",
      R"({"i":17,"t":100,"k":"crash","n":1,"why":"crash"})",
      R"({"i":18,"t":200,"k":"fault","fault":1,"kind":"crash","phase":"end","detail":{"nodes":[1],"duration_us":100}})",
      R"({"i":19,"t":200,"k":"restart","n":1,"why":"crash"})",
      R"({"i":20,"t":200,"k":"role","n":1,"role":"follower","epoch":1,"leader":3})",
      R"({"i":21,"t":250,"k":"fault","fault":2,"kind":"partition","phase":"begin","detail":{"groups":[[1,2],[3]],"duration_us":400,"majority":[]}})",
      R"({"i":22,"t":300,"k":"role","n":2,"role":"candidate","epoch":2,"leader":0})",
      R"({"i":23,"t":300,"k":"role","n":2,"role":"leader","epoch":2,"leader":2})",
      R"({"i":24,"t":310,"k":"record","n":2,"type":"append","fact":{"index":1,"term":1,"command":{"kind":"noop"}}})",
      R"({"i":25,"t":311,"k":"record","n":2,"type":"append","fact":{"index":2,"term":2,"command":{"kind":"noop"}}})",
      R"({"i":26,"t":312,"k":"record","n":2,"type":"commit","fact":{"commit_index":1,"term":1}})",
      R"({"i":27,"t":313,"k":"record","n":2,"type":"truncate","fact":{"from_index":2,"last_index":2}})",
      R"({"i":28,"t":320,"k":"invoke","op":1,"client":0,"f":"write","key":"","value":"7"})",
      R"({"i":29,"t":330,"k":"return","op":1,"client":0,"f":"write","key":"","outcome":"ok","value":"7"})",
      R"({"i":30,"t":340,"k":"invoke","op":2,"client":1,"f":"read","key":""})",
      R"({"i":31,"t":400,"k":"pause","n":3})",
      R"({"i":32,"t":450,"k":"resume","n":3})",
      R"({"i":33,"t":500,"k":"role","n":2,"role":"follower","epoch":2,"leader":3})",
      R"({"i":34,"t":650,"k":"fault","fault":2,"kind":"partition","phase":"end","detail":{"groups":[[1,2],[3]],"duration_us":400,"majority":[1,2,3]}})",
      R"({"i":35,"t":700,"k":"send","n":3,"to":1,"id":6,"type":"Heartbeat","msg":{}})",
  };
  for (const char* l : lines) t += std::string(l) + "\n";
  return t;
}

constexpr int kSmallEvents = 36;

std::string expect_error(const std::string& text) {
  try {
    parse_trace(text, "test");
  } catch (const ballot::InputError& e) {
    return e.path() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("header and footer fields are read", "[viz][model]") {
  auto m = parse_trace(small_trace() + footer(kSmallEvents, 1000), "small");
  CHECK(m->algorithm == "bully");
  CHECK(m->seed == 7);
  CHECK(m->scenario_name == "hand");
  CHECK(m->node_count == 3);
  CHECK(m->events.size() == kSmallEvents);
  CHECK(m->has_footer);
  CHECK_FALSE(m->truncated());
  CHECK(m->end_us == 1000);
  CHECK(m->trace_hash == "0123456789abcdef");
  REQUIRE(m->metrics.size() == 1);
  CHECK(m->metrics[0] == std::make_pair(std::string("split_brain_us"), std::string("5")));
  CHECK(m->line(0) == R"({"i":0,"t":0,"k":"start","n":1})");
}

TEST_CASE("role bands follow role, crash and restart events", "[viz][model]") {
  auto m = parse_trace(small_trace() + footer(kSmallEvents, 1000), "small");
  const auto& n1 = m->nodes[0].bands;
  // follower(3) [0,100) crashed [100,200) follower(3) [200,1000): the zero-length bands at t=0
  // (start then role) and at 200 (restart then role) are superseded at the same instant.
  REQUIRE(n1.size() == 3);
  CHECK(n1[0].role == Role::Follower);
  CHECK(n1[0].leader == 3);
  CHECK(n1[0].begin_us == 0);
  CHECK(n1[0].end_us == 100);
  CHECK(n1[1].role == Role::Crashed);
  CHECK(n1[1].end_us == 200);
  CHECK(n1[2].role == Role::Follower);
  CHECK(n1[2].end_us == 1000);
  const auto& n2 = m->nodes[1].bands;
  // follower [0,300) leader(epoch 2) [300,500) follower [500,1000): the candidate at 300 never
  // held.
  REQUIRE(n2.size() == 3);
  CHECK(n2[1].role == Role::Leader);
  CHECK(n2[1].epoch == 2);
  CHECK(n2[1].leader == 2);
  CHECK(n2[1].begin_us == 300);
  CHECK(n2[1].end_us == 500);

  NodeState s = state_at(*m, 1, 150);
  REQUIRE(s.band != nullptr);
  CHECK(s.band->role == Role::Crashed);
  s = state_at(*m, 2, 499);
  CHECK(s.band->role == Role::Leader);
  s = state_at(*m, 2, 500);
  CHECK(s.band->role == Role::Follower);
  CHECK(state_at(*m, 3, 420).paused);
  CHECK_FALSE(state_at(*m, 3, 450).paused);
  CHECK(m->nodes[2].pauses.size() == 1);
}

TEST_CASE("messages pair sends with deliveries, drops and duplicates", "[viz][model]") {
  auto m = parse_trace(small_trace() + footer(kSmallEvents, 1000), "small");
  REQUIRE(m->messages.size() == 7);  // 6 sends, one duplicated
  auto by_id = [&](int64_t id, bool dup) {
    for (const Message& msg : m->messages)
      if (msg.id == id && msg.duplicate == dup) return msg;
    FAIL("no message " << id);
    return Message{};
  };
  const Message delivered = by_id(1, false);
  CHECK(delivered.fate == Message::Fate::Delivered);
  CHECK(delivered.send_us == 10);
  CHECK(delivered.end_us == 12);
  CHECK(delivered.from == 3);
  CHECK(delivered.to == 1);
  CHECK(delivered.send_event == 6);
  CHECK(delivered.end_event == 8);
  CHECK(m->message_types[delivered.type] == "Heartbeat");
  CHECK(delivered.heartbeat);

  const Message dropped = by_id(2, false);
  CHECK(dropped.fate == Message::Fate::Dropped);
  CHECK(dropped.end_us == 15);
  CHECK(m->drop_reasons[dropped.drop_reason] == "partition");

  // A reply sent back to a heartbeat's sender while handling it is a heartbeat too, and knows
  // its cause.
  const Message reply = by_id(3, false);
  CHECK(reply.heartbeat);
  CHECK(reply.cause_event == 8);
  CHECK(reply.fate == Message::Fate::InFlight);

  CHECK_FALSE(by_id(4, false).heartbeat);  // AppendEntries with an entry
  const Message dup = by_id(4, true);
  CHECK(dup.end_us == 26);
  CHECK(dup.send_event == 11);

  const Message in_flight = by_id(6, false);
  CHECK(in_flight.fate == Message::Fate::InFlight);
  CHECK(in_flight.end_us == 1000);

  CHECK(std::is_sorted(m->messages.begin(), m->messages.end(),
                       [](const Message& a, const Message& b) { return a.send_us < b.send_us; }));
  // The visible window [13, 14] holds the message sent at 12 (in flight to the end) and the drop
  // (sent at 10, lost at 15), not the delivery that ended at 12.
  const IndexRange r = messages_in(*m, 13, 14);
  std::set<int64_t> ids;
  for (size_t i = r.first; i < r.last; ++i)
    if (m->messages[i].end_us >= 13) ids.insert(m->messages[i].id);
  CHECK(ids == std::set<int64_t>{2, 3});

  // n2 granted its vote to n3 (RequestVoteReply at 30), then voted for itself as a candidate at
  // 300: the messages carry vote_granted, so candidacies are votes too.
  REQUIRE(m->nodes[1].votes.size() == 2);
  CHECK(m->nodes[1].votes[0].term == 2);
  CHECK(m->nodes[1].votes[0].candidate == 3);
  CHECK(m->nodes[1].votes[1].t_us == 300);
  CHECK(m->nodes[1].votes[1].candidate == 2);
  // The reply is marked granted; other messages are not answers.
  for (const Message& msg : m->messages)
    CHECK(msg.answer == (msg.id == 5 ? Message::Answer::Granted : Message::Answer::None));
}

TEST_CASE(
    "vote replies are marked granted or refused, pre-votes are not votes, candidates vote "
    "for themselves",
    "[viz][model][votes]") {
  std::string t = kHeader;
  const char* lines[] = {
      R"({"i":0,"t":0,"k":"role","n":1,"role":"follower","epoch":0,"leader":0})",
      R"({"i":1,"t":0,"k":"role","n":2,"role":"follower","epoch":0,"leader":0})",
      R"({"i":2,"t":0,"k":"role","n":3,"role":"follower","epoch":0,"leader":0})",
      R"({"i":3,"t":5,"k":"send","n":2,"to":1,"id":1,"type":"PreVoteReply","msg":{"term":1,"vote_granted":true}})",
      R"({"i":4,"t":10,"k":"role","n":1,"role":"candidate","epoch":1,"leader":0})",
      R"({"i":5,"t":12,"k":"send","n":2,"to":1,"id":2,"type":"RequestVoteReply","msg":{"term":1,"vote_granted":true}})",
      R"({"i":6,"t":12,"k":"send","n":3,"to":1,"id":3,"type":"RequestVoteReply","msg":{"term":1,"vote_granted":false}})",
      R"({"i":7,"t":14,"k":"deliver","n":1,"from":2,"id":2,"type":"RequestVoteReply"})",
      R"({"i":8,"t":15,"k":"drop","n":1,"from":3,"id":3,"type":"RequestVoteReply","reason":"loss"})",
  };
  for (const char* l : lines) t += std::string(l) + "\n";
  auto m = parse_trace(t + footer(9, 20), "votes");
  std::map<int64_t, Message::Answer> answers;
  for (const Message& msg : m->messages) answers[msg.id] = msg.answer;
  CHECK(answers[1] == Message::Answer::Granted);  // a granted pre-vote is still marked
  CHECK(answers[2] == Message::Answer::Granted);
  CHECK(answers[3] == Message::Answer::Refused);
  // n1 voted for itself as candidate in term 1; n2's vote is the RequestVote one, not the pre-vote.
  REQUIRE(m->nodes[0].votes.size() == 1);
  CHECK(m->nodes[0].votes[0].candidate == 1);
  CHECK(m->nodes[0].votes[0].term == 1);
  REQUIRE(m->nodes[1].votes.size() == 1);
  CHECK(m->nodes[1].votes[0].candidate == 1);
  CHECK(m->nodes[1].votes[0].t_us == 12);
  CHECK(m->nodes[2].votes.empty());  // refused
  CHECK(state_at(*m, 1, 11).last_vote->candidate == 1);
  // Bully's candidates answer no votes: no self-votes there.
  auto bully = parse_trace(
      small_trace().substr(0, small_trace().find(R"({"i":14,)")) +
          std::string(
              R"({"i":14,"t":300,"k":"role","n":2,"role":"candidate","epoch":0,"leader":0})") +
          "\n",
      "no votes");
  CHECK(bully->nodes[1].votes.empty());
}

TEST_CASE("split-brain intervals: two or more nodes believe they lead", "[viz][model]") {
  auto m = parse_trace(small_trace() + footer(kSmallEvents, 1000), "small");
  REQUIRE(m->split_brains.size() == 1);
  CHECK(m->split_brains[0].begin_us == 300);
  CHECK(m->split_brains[0].end_us == 500);
  CHECK(m->split_brains[0].leaders == std::vector<int32_t>{2, 3});
  REQUIRE(m->leader_change_events.size() == 2);
  CHECK(m->leader_change_events[1] == 23);
}

TEST_CASE("faults, client ops, captions and log facts", "[viz][model]") {
  auto m = parse_trace(
      small_trace() +
          footer(kSmallEvents, 1000, R"(,"lincheck":{"failing_ops":[2],"window_minimal":true})"),
      "small");
  CHECK(m->lincheck_window_minimal);
  REQUIRE(m->faults.size() == 2);
  CHECK(m->faults[0].kind == "crash");
  CHECK(m->faults[0].span.begin_us == 100);
  CHECK(m->faults[0].span.end_us == 200);
  CHECK(m->faults[1].groups == std::vector<std::vector<int32_t>>{{1, 2}, {3}});
  CHECK(m->faults[1].summary == "partition {n1,n2} | {n3}");
  CHECK(m->faults[1].span.end_us == 650);

  REQUIRE(m->ops.size() == 2);
  CHECK(m->ops[0].outcome == ClientOp::Outcome::Ok);
  CHECK(m->ops[0].label == "write 7 ok");
  CHECK(m->ops[0].short_label == "write ok");
  CHECK(m->ops[0].return_us == 330);
  CHECK(m->ops[1].outcome == ClientOp::Outcome::Pending);
  CHECK(m->ops[1].return_us == 1000);
  CHECK(m->ops[1].blamed);
  CHECK_FALSE(m->ops[0].blamed);
  CHECK(m->client_count == 2);

  REQUIRE(m->captions.size() == 1);
  CHECK(m->captions[0].pause);
  CHECK(m->captions[0].t_us == 40);

  LogView log = log_at(*m, 2, 312);
  REQUIRE(log.entries.size() == 2);
  CHECK(log.entries[1].term == 2);
  CHECK(log.commit_index == 1);
  log = log_at(*m, 2, 313);
  CHECK(log.entries.size() == 1);
  CHECK_FALSE(log_at(*m, 1, 999).any_facts);

  // Navigation lists.
  CHECK(neighbour_in(m->fault_events, 16, +1) == 17);
  CHECK(neighbour_in(m->fault_events, 16, -1) == -1);
  CHECK(neighbour_in_time(*m, m->fault_events, 200, +1) == 21);
  CHECK(neighbour_in_time(*m, m->fault_events, 200, -1) == 17);

  const auto fields = event_fields(*m, 14);
  CHECK(std::find(fields.begin(), fields.end(),
                  std::make_pair(std::string("msg.vote_granted"), std::string("true"))) !=
        fields.end());
  CHECK(fields.front().first == "i");
}

TEST_CASE("a trace without a footer loads and is flagged truncated", "[viz][model]") {
  auto m = parse_trace(small_trace(), "cut");
  CHECK(m->truncated());
  CHECK_FALSE(m->last_line_incomplete);
  CHECK(m->events.size() == kSmallEvents);
  CHECK(m->end_us == 700);  // the last event's time
  // Cut in the middle of a line: what is complete loads.
  std::string text = small_trace();
  text += R"({"i":36,"t":800,"k":"se)";
  m = parse_trace(text, "cut");
  CHECK(m->truncated());
  CHECK(m->last_line_incomplete);
  CHECK(m->events.size() == kSmallEvents);
}

TEST_CASE("corrupt input is an error naming the line and what was expected", "[viz][model]") {
  CHECK(expect_error("") == "line 1: expected the trace header, got an empty file");
  CHECK_THAT(expect_error("hello\n"), Catch::Contains("line 1: expected a ballot trace header"));
  CHECK_THAT(expect_error(R"({"format":"ballot-trace","format_version":1})"
                          "\n"),
             Catch::Contains("line 1: expected \"format_version\": 2"));
  std::string text = small_trace();
  // Corrupt the 5th event (line 6 of the file).
  const size_t at = text.find(R"({"i":4,)");
  text.replace(at, 7, R"({"i":4 ,,)");
  CHECK_THAT(expect_error(text), Catch::StartsWith("line 6: expected one JSON object per line"));
  CHECK_THAT(expect_error(kHeader + R"({"i":0,"t":5,"k":"start","n":1})"
                                    "\n"
                                    R"({"i":1,"t":4,"k":"start","n":2})"
                                    "\n"),
             Catch::StartsWith("line 3: expected \"t\" >= 5"));
  CHECK_THAT(expect_error(kHeader + R"({"i":3,"t":5,"k":"start","n":1})"
                                    "\n"),
             Catch::StartsWith("line 2: expected \"i\": 0"));
  CHECK_THAT(expect_error(kHeader + R"({"i":0,"t":5,"k":"send","n":1,"id":1,"type":"X"})"
                                    "\n"),
             Catch::StartsWith("line 2: expected field \"to\" in a \"send\" event"));
  CHECK_THAT(expect_error(kHeader + "[1,2]\n"),
             Catch::StartsWith("line 2: expected one JSON object"));
  CHECK_THAT(expect_error(small_trace() + footer(kSmallEvents, 1000) +
                          R"({"i":36,"t":0,"k":"x"})"
                          "\n"),
             Catch::Contains("expected nothing after the footer"));
  CHECK_THAT(expect_error(small_trace() + footer(3, 1000)),
             Catch::Contains("expected the footer's \"events\" to be 36"));
}

TEST_CASE("a file that cannot be read is an error without a line", "[viz][model]") {
  try {
    load_trace_file("/nonexistent/trace.jsonl");
    FAIL("no error");
  } catch (const ballot::InputError& e) {
    CHECK(e.path().empty());
    CHECK(std::string(e.what()) == "cannot open the trace file");
  }
}

TEST_CASE("time formatting and parsing", "[viz][query]") {
  CHECK(format_time(0) == "0s");
  CHECK(format_time(2201719) == "2.201719s");
  CHECK(format_time(412000) == "412ms");
  CHECK(format_time(1500) == "1.5ms");
  CHECK(format_time(37) == "37us");
  CHECK(format_tick(2250000, 50000) == "2.25s");
  CHECK(format_tick(3000000, 1000000) == "3s");
  CHECK(format_tick(1500, 500) == "1.5ms");
  CHECK(parse_time("4s") == 4000000);
  CHECK(parse_time("1.5s") == 1500000);
  CHECK(parse_time("250ms") == 250000);
  CHECK(parse_time("37") == 37);
  CHECK_FALSE(parse_time("4 parsecs").has_value());
}

// A real run: the 3/2 partition of scenarios/bully-partition.json, run in-process as
// `ballot-viz scenarios/bully-partition.json --algo bully --seed 1` does.
TEST_CASE("bully-partition run in-process: lanes, split brain and the footer agree",
          "[viz][model][run]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-partition.json";
  const InProcessRun run = run_in_process(file, std::string("bully"), 1, {});
  auto m = parse_trace(run.trace, run.label);
  CHECK(m->node_count == 5);
  CHECK(m->has_footer);
  CHECK(m->algorithm == "bully");
  for (const NodeTrack& n : m->nodes) {
    REQUIRE_FALSE(n.bands.empty());
    // Bands are contiguous and cover the run.
    for (size_t i = 1; i < n.bands.size(); ++i) CHECK(n.bands[i].begin_us == n.bands[i - 1].end_us);
    CHECK(n.bands.back().end_us == m->end_us);
  }
  // The viewer's split-brain intervals are the kernel's: total time equals the footer metric.
  Time_us split_us = 0;
  for (const SplitBrain& s : m->split_brains) split_us += s.end_us - s.begin_us;
  std::string footer_split;
  for (const auto& [name, value] : m->metrics)
    if (name == "split_brain_us") footer_split = value;
  CHECK(std::to_string(split_us) == footer_split);
  REQUIRE(m->split_brains.size() == 1);
  CHECK(m->split_brains[0].leaders == std::vector<int32_t>{2, 5});
  // At 4s, inside the partition: n2 leads one side, n5 the other.
  CHECK(state_at(*m, 2, 4000000).band->role == Role::Leader);
  CHECK(state_at(*m, 5, 4000000).band->role == Role::Leader);
  CHECK(state_at(*m, 1, 4000000).band->leader == 2);
  CHECK(state_at(*m, 3, 4000000).band->leader == 5);
  // Every send is accounted for: delivered + dropped + in flight == sent (+ duplicates).
  size_t sends = 0;
  for (const Event& e : m->events) sends += e.kind == EventKind::Send;
  size_t copies = 0, dups = 0;
  for (const Message& msg : m->messages) {
    ++copies;
    dups += msg.duplicate;
  }
  CHECK(copies - dups == sends);
  // Partition drops carry their reason; heartbeats are recognised.
  bool partition_drop = false;
  for (const Message& msg : m->messages)
    partition_drop |=
        msg.fate == Message::Fate::Dropped && m->drop_reasons[msg.drop_reason] == "partition";
  CHECK(partition_drop);
  REQUIRE(m->faults.size() == 1);
  CHECK(m->faults[0].summary == "partition {n1,n2} | {n3,n4,n5}");
  CHECK(m->captions.size() == 3);
  CHECK(m->captions[1].pause);
  CHECK_FALSE(m->captions[0].pause);
}

TEST_CASE("the fencing device is named stonith in a fault's label", "[viz][model][run]") {
  const std::string file =
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-pause-stonith-unreachable.json";
  const InProcessRun run = run_in_process(file, std::string("bully"), 1, {});
  auto m = parse_trace(run.trace, run.label);
  CHECK(m->node_count == 3);
  REQUIRE(m->faults.size() >= 2);
  CHECK(m->faults[0].summary == "isolate stonith");
  CHECK(m->faults[1].summary == "pause n3");
}

TEST_CASE("a bad scenario or algorithm is an input error", "[viz][run]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-partition.json";
  CHECK_THROWS_AS(run_in_process(file, std::string("no-such-algo"), 1, {}), ballot::InputError);
  CHECK_THROWS_AS(run_in_process("/nonexistent.json", std::nullopt, std::nullopt, {}),
                  ballot::InputError);
}

TEST_CASE("the summary says nothing was checked for bully and names any damage", "[viz][model]") {
  const std::string damaged_footer =
      R"({"footer":true,"events":)" + std::to_string(kSmallEvents) +
      R"(,"end_us":1000,"trace_hash":"0123456789abcdef","metrics":{"lost_writes":77,)"
      R"("job_duplicates":38,"id_duplicates":0}})"
      "\n";
  auto bully = parse_trace(small_trace() + damaged_footer, "bully");
  CHECK_FALSE(safety_checked(*bully));  // no green "No safety violations" for Bully
  CHECK(damage_text(*bully) == "77 lost writes, 38 duplicate job runs");

  std::string raft_trace = small_trace();
  const std::string from = R"("algorithm":"bully")";
  raft_trace.replace(raft_trace.find(from), from.size(), R"("algorithm":"raft")");
  auto raft = parse_trace(raft_trace + footer(kSmallEvents, 1000), "raft");
  CHECK(safety_checked(*raft));
  CHECK(damage_text(*raft).empty());
  auto raft_damaged = parse_trace(raft_trace + damaged_footer, "raft");
  CHECK(safety_checked(*raft_damaged));
  CHECK(damage_text(*raft_damaged) == "77 lost writes, 38 duplicate job runs");
}

TEST_CASE("the footer's damage lists are read, marked in the client lane and listed",
          "[viz][model][damage]") {
  std::string ids;
  for (int i = 0; i < 12; ++i)
    ids +=
        std::string(i == 0 ? "" : ",") + R"({"id":)" + std::to_string(100 + i) +
        R"(,"first":{"node":1,"epoch":1,"time_us":12},"again":{"node":2,"epoch":1,"time_us":25}})";
  const std::string damage =
      R"(,"damage":{"lost_writes":[{"op":1,"f":"write","key":"","value":"7",)"
      R"("acknowledged_by":{"node":2,"epoch":2,"time_us":330},)"
      R"("erased":{"event":33,"time_us":500,"node":2,"from":3}}],)"
      R"("job_duplicates":[{"period":4,"first":{"node":3,"epoch":1,"time_us":100},)"
      R"("again":{"node":2,"epoch":2,"time_us":300}}],"id_duplicates":[)" +
      ids + "]}";
  auto m = parse_trace(small_trace() + footer(kSmallEvents, 1000, damage), "damage");
  REQUIRE(m->lost_writes.size() == 1);
  const LostWrite& w = m->lost_writes[0];
  CHECK(w.op == 1);
  CHECK(w.f == "write");
  CHECK(w.value == "7");
  CHECK(w.acknowledged.node == 2);
  CHECK(w.acknowledged.epoch == 2);
  CHECK(w.acknowledged.t_us == 330);
  CHECK(w.erased_event == 33);
  CHECK(w.erased_node == 2);
  CHECK(w.erased_from == 3);
  CHECK(w.return_event == 29);
  REQUIRE(m->job_duplicates.size() == 1);
  CHECK(m->job_duplicates[0].what == 4);
  CHECK(m->job_duplicates[0].first.node == 3);
  CHECK(m->job_duplicates[0].again.t_us == 300);
  CHECK(m->id_duplicates.size() == 12);
  // The client lane marks the lost write, not the other op.
  REQUIRE(m->ops.size() == 2);
  CHECK(m->ops[0].lost);
  CHECK_FALSE(m->ops[1].lost);

  const std::vector<DamageLine> lines = damage_lines(*m);
  REQUIRE(lines.size() == 1 + 1 + 10 + 1);  // ids bounded at 10, then "2 more"
  CHECK(lines[0].text ==
        "lost write op 1: write =7, acknowledged by n2 (epoch 2) at 330us; erased at 500us "
        "(event 33: n2 took n3's state)");
  CHECK(lines[0].event == 29);  // the op's return
  CHECK(lines[1].text ==
        "duplicate job run, period 4: n3 (epoch 1) at 100us, again n2 (epoch 2) at 300us");
  CHECK(lines[1].event == 22);  // n2's first event at 300us
  CHECK(lines[2].text == "duplicate id 100: n1 (epoch 1) at 12us, again n2 (epoch 1) at 25us");
  CHECK(lines[2].event == 12);
  CHECK(lines.back().text == "2 more duplicate ids");
  CHECK_FALSE(lines.back().target);

  // Without damage in the footer: nothing listed, nothing marked.
  auto clean = parse_trace(small_trace() + footer(kSmallEvents, 1000), "clean");
  CHECK(damage_lines(*clean).empty());
  CHECK_FALSE(clean->ops[0].lost);
}

TEST_CASE("bad damage in the footer is an error naming the field", "[viz][model][damage]") {
  const std::string bad_op =
      R"(,"damage":{"lost_writes":[{"op":"one","acknowledged_by":{"node":2}}]})";
  CHECK_THAT(expect_error(small_trace() + footer(kSmallEvents, 1000, bad_op)),
             Catch::Contains(R"(expected "damage.lost_writes[0].op" to be an integer)"));
  const std::string bad_node =
      R"(,"damage":{"job_duplicates":[{"period":1,"again":{"node":"n2"}}]})";
  CHECK_THAT(expect_error(small_trace() + footer(kSmallEvents, 1000, bad_node)),
             Catch::Contains(R"(expected "damage.job_duplicates[0].again.node" to be an integer)"));
  // The metrics count must agree with the list (an entry deleted by hand is caught).
  std::string trace = small_trace() + footer(kSmallEvents, 1000, R"(,"damage":{"lost_writes":[]})");
  trace.replace(trace.find(R"("split_brain_us":5)"), 18, R"("lost_writes":1)");
  CHECK_THAT(expect_error(trace), Catch::Contains(R"(expected "metrics.lost_writes" to be 0)"));
}

// A real Bully run of scenarios/split-brain-3-2.json: n3 stands in for the majority, n5 keeps the
// minority; after the heal n3 takes n5's state and every write n3 acknowledged meanwhile is lost.
TEST_CASE("split-brain-3-2 under Bully in-process: the footer names each lost write",
          "[viz][model][run][damage]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json";
  const InProcessRun run = run_in_process(file, std::string("bully"), std::nullopt, {});
  auto m = parse_trace(run.trace, run.label);
  REQUIRE(m->has_footer);
  REQUIRE_FALSE(m->lost_writes.empty());
  std::string metric;
  for (const auto& [name, value] : m->metrics)
    if (name == "lost_writes") metric = value;
  CHECK(metric == std::to_string(m->lost_writes.size()));
  size_t marked = 0;
  for (const ClientOp& op : m->ops) marked += op.lost;
  CHECK(marked == m->lost_writes.size());
  for (const LostWrite& w : m->lost_writes) {
    CHECK(w.acknowledged.node == 3);
    CHECK(w.erased_node == 3);
    CHECK(w.erased_from == 5);
    REQUIRE(w.erased_event >= 0);
    REQUIRE(static_cast<size_t>(w.erased_event) < m->events.size());
    CHECK(w.erased_us == m->events[static_cast<size_t>(w.erased_event)].t_us);
    CHECK(m->line(static_cast<uint32_t>(w.erased_event)).find(R"("k":"deliver")") !=
          std::string_view::npos);
  }
  const std::vector<DamageLine> lines = damage_lines(*m);
  REQUIRE_FALSE(lines.empty());
  REQUIRE(lines[0].event >= 0);
  const std::string_view ret = m->line(static_cast<uint32_t>(lines[0].event));
  CHECK(ret.find(R"("k":"return")") != std::string_view::npos);
  CHECK(ret.find(R"("op":)" + std::to_string(m->lost_writes[0].op) + ",") !=
        std::string_view::npos);
}

namespace {

// Every time-stamped thing in `m` ends at or before `t`: what reveal mode promises.
void check_nothing_after(const TraceModel& m, Time_us t) {
  for (const Event& e : m.events) CHECK(e.t_us <= t);
  for (const NodeTrack& n : m.nodes) {
    for (const RoleBand& b : n.bands) CHECK(b.end_us <= t);
    for (const Interval& p : n.pauses) CHECK(p.end_us <= t);
    for (const Vote& v : n.votes) CHECK(v.t_us <= t);
    for (const LogFact& f : n.log_facts) CHECK(f.t_us <= t);
  }
  for (const Message& msg : m.messages) CHECK(msg.end_us <= t);
  for (const Fault& f : m.faults) CHECK(f.span.end_us <= t);
  for (const SplitBrain& s : m.split_brains) CHECK(s.end_us <= t);
  for (const ClientOp& op : m.ops) CHECK(op.return_us <= t);
  for (const Caption& c : m.captions) CHECK(c.t_us <= t);
  CHECK(m.end_us <= t);
  // The footer's verdicts are revealed at the end.
  CHECK_FALSE(m.has_footer);
  CHECK(m.metrics.empty());
  CHECK(m.violations.empty());
  CHECK(m.lost_writes.empty());
  CHECK_FALSE(m.has_lincheck);
}

}  // namespace

TEST_CASE("reveal mode: the prefix up to the cursor holds nothing after it",
          "[viz][model][reveal]") {
  const std::shared_ptr<const TraceModel> full =
      parse_trace(small_trace() + footer(kSmallEvents, 1000), "small");
  for (Time_us t : {Time_us{0}, Time_us{11}, Time_us{26}, Time_us{150}, Time_us{305}, Time_us{335},
                    Time_us{699}}) {
    INFO("cursor " << t);
    const std::shared_ptr<const TraceModel> m = reveal_until(full, t);
    REQUIRE(m != full);
    CHECK(m->revealed());
    CHECK(m->revealed_until_us == t);
    CHECK(m->run_end_us() == 1000);
    CHECK_FALSE(m->truncated());  // a prefix is not a cut trace
    check_nothing_after(*m, t);
    // Everything up to the cursor is there, with the same event numbers.
    size_t upto = 0;
    for (const Event& e : full->events) upto += e.t_us <= t;
    REQUIRE(m->events.size() == upto);
    for (size_t i = 0; i < upto; ++i) CHECK(m->line(static_cast<uint32_t>(i)) == full->line(i));
  }
  // At 150 n1 is crashed; the crash's fault bar ends at the cursor, not at its real end (200).
  const auto at150 = reveal_until(full, 150);
  REQUIRE(at150->faults.size() == 1);
  CHECK(at150->faults[0].span.end_us == 150);
  CHECK(at150->nodes[0].bands.back().role == Role::Crashed);
  // The duplicated AppendEntries (delivered at 25, again at 26) at 25: one copy delivered, the
  // network's duplicate not yet made.
  int copies = 0;
  // Held in a variable: a range-for over a member of a temporary shared_ptr reads freed memory.
  const auto at25 = reveal_until(full, 25);
  for (const Message& msg : at25->messages)
    if (msg.id == 4) {
      ++copies;
      CHECK(msg.fate == Message::Fate::Delivered);
      CHECK_FALSE(msg.duplicate);
    }
  CHECK(copies == 1);
  // Op 1 at 325 is pending.
  const auto at325 = reveal_until(full, 325);
  REQUIRE(at325->ops.size() == 1);
  CHECK(at325->ops[0].outcome == ClientOp::Outcome::Pending);
  CHECK(at325->ops[0].return_us == 325);
  // At or after the end: the whole trace, footer and all.
  CHECK(reveal_until(full, 1000) == full);
  CHECK(reveal_until(full, 5000) == full);
}

TEST_CASE("reveal mode on bully-partition: split brain and messages stop at the cursor",
          "[viz][model][reveal][run]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-partition.json";
  const InProcessRun run = run_in_process(file, std::string("bully"), 1, {});
  const std::shared_ptr<const TraceModel> full = parse_trace(run.trace, run.label);
  REQUIRE_FALSE(full->split_brains.empty());
  const Time_us t = full->split_brains[0].begin_us + 1000;
  const auto m = reveal_until(full, t);
  check_nothing_after(*m, t);
  REQUIRE(m->split_brains.size() == 1);
  CHECK(m->split_brains[0].end_us == t);
  // Some message was in flight at the cursor: it stays in flight, ending at the cursor.
  bool in_flight = false;
  for (const Message& msg : m->messages) in_flight |= msg.fate == Message::Fate::InFlight;
  CHECK(in_flight);
}

TEST_CASE("client operations are labelled with operation, key, value and result",
          "[viz][model][ops]") {
  std::string t = kHeader;
  const char* lines[] = {
      R"({"i":0,"t":1,"k":"invoke","op":1,"client":0,"f":"read","key":"k0"})",
      R"({"i":1,"t":2,"k":"return","op":1,"client":0,"f":"read","key":"k0","outcome":"ok","value":"5"})",
      R"({"i":2,"t":3,"k":"invoke","op":2,"client":1,"f":"cas","key":"k1","expected":"1","value":"2"})",
      R"({"i":3,"t":4,"k":"return","op":2,"client":1,"f":"cas","key":"k1","outcome":"fail"})",
      R"({"i":4,"t":5,"k":"invoke","op":3,"client":0,"f":"write","key":"k0","value":"9"})",
      R"({"i":5,"t":6,"k":"return","op":3,"client":0,"f":"write","key":"k0","outcome":"info","value":"9"})",
      R"({"i":6,"t":7,"k":"invoke","op":4,"client":1,"f":"write","key":"k2","value":"3"})",
  };
  for (const char* l : lines) t += std::string(l) + "\n";
  auto m = parse_trace(t + footer(7, 10), "ops");
  REQUIRE(m->ops.size() == 4);
  CHECK(m->ops[0].label == "read k0 -> 5");
  CHECK(m->ops[0].short_label == "read -> 5");
  CHECK(m->ops[1].label == "cas k1 1->2 fail");
  CHECK(m->ops[1].short_label == "cas fail");
  CHECK(m->ops[2].label == "write k0 9 ?");
  CHECK(m->ops[3].label == "write k2 3");  // pending: no result yet
  CHECK(m->ops[3].short_label == "write");
}

TEST_CASE("reveal mode: moving the cut between two events in place equals cutting again",
          "[viz][model][reveal]") {
  const std::string file = std::string(BALLOT_SOURCE_DIR) + "/scenarios/bully-partition.json";
  const InProcessRun run = run_in_process(file, std::string("bully"), 1, {});
  const std::shared_ptr<const TraceModel> full = parse_trace(run.trace, run.label);
  // Cursors inside the split brain and elsewhere, each moved to just before the next event.
  int extended = 0;
  for (Time_us t : {Time_us{100'000}, full->split_brains[0].begin_us + 1, Time_us{4'000'000},
                    Time_us{7'500'000}}) {
    INFO("cursor " << t);
    std::shared_ptr<TraceModel> moved = cut_prefix(*full, t);
    const auto next = std::upper_bound(full->events.begin(), full->events.end(), t,
                                       [](Time_us x, const Event& e) { return x < e.t_us; });
    REQUIRE(next != full->events.end());
    const Time_us later = next->t_us - 1;
    if (later <= t) continue;
    REQUIRE(extend_prefix(*moved, *full, later));
    ++extended;
    const std::shared_ptr<TraceModel> fresh = cut_prefix(*full, later);
    CHECK(moved->end_us == fresh->end_us);
    CHECK(moved->revealed_until_us == later);
    REQUIRE(moved->nodes.size() == fresh->nodes.size());
    for (size_t n = 0; n < fresh->nodes.size(); ++n) {
      REQUIRE(moved->nodes[n].bands.size() == fresh->nodes[n].bands.size());
      for (size_t b = 0; b < fresh->nodes[n].bands.size(); ++b)
        CHECK(moved->nodes[n].bands[b].end_us == fresh->nodes[n].bands[b].end_us);
      REQUIRE(moved->nodes[n].pauses.size() == fresh->nodes[n].pauses.size());
      for (size_t p = 0; p < fresh->nodes[n].pauses.size(); ++p)
        CHECK(moved->nodes[n].pauses[p].end_us == fresh->nodes[n].pauses[p].end_us);
    }
    REQUIRE(moved->faults.size() == fresh->faults.size());
    for (size_t i = 0; i < fresh->faults.size(); ++i)
      CHECK(moved->faults[i].span.end_us == fresh->faults[i].span.end_us);
    REQUIRE(moved->split_brains.size() == fresh->split_brains.size());
    for (size_t i = 0; i < fresh->split_brains.size(); ++i)
      CHECK(moved->split_brains[i].end_us == fresh->split_brains[i].end_us);
    REQUIRE(moved->messages.size() == fresh->messages.size());
    for (size_t i = 0; i < fresh->messages.size(); ++i)
      CHECK(moved->messages[i].end_us == fresh->messages[i].end_us);
    CHECK(moved->messages_end_max_us == fresh->messages_end_max_us);
    REQUIRE(moved->ops.size() == fresh->ops.size());
    for (size_t i = 0; i < fresh->ops.size(); ++i)
      CHECK(moved->ops[i].return_us == fresh->ops[i].return_us);
    // Past the next event it cannot move in place.
    CHECK_FALSE(extend_prefix(*moved, *full, next->t_us));
    CHECK(moved->revealed_until_us == later);
  }
  CHECK(extended >= 3);
}

TEST_CASE("reveal mode: the CUT and TRUNCATED badges wait for the cursor to reach the end",
          "[viz][model][reveal]") {
  // Stopped by a limit (the footer's "cut"): CUT, but not on a prefix.
  const std::shared_ptr<const TraceModel> cut = parse_trace(
      small_trace() + footer(kSmallEvents, 700, R"(,"cut":{"limit":"max_events","value":36})"),
      "cut");
  REQUIRE(cut->cut_limit == "max_events");
  CHECK(std::string(trace_badge(*cut)) == "CUT");
  for (Time_us t : {Time_us{0}, Time_us{300}, Time_us{699}}) {
    INFO("cursor " << t);
    CHECK(std::string(trace_badge(*reveal_until(cut, t))) == "");
  }
  CHECK(std::string(trace_badge(*reveal_until(cut, 700))) == "CUT");
  // No footer: TRUNCATED, but not on a prefix.
  const std::shared_ptr<const TraceModel> truncated = parse_trace(small_trace(), "truncated");
  CHECK(std::string(trace_badge(*truncated)) == "TRUNCATED");
  CHECK(std::string(trace_badge(*reveal_until(truncated, 400))) == "");
  CHECK(std::string(trace_badge(*reveal_until(truncated, 700))) == "TRUNCATED");
  // A whole run has none.
  CHECK(std::string(trace_badge(*parse_trace(small_trace() + footer(kSmallEvents, 1000), "x"))) ==
        "");
}
