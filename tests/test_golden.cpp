// Golden entries (cli/golden.cpp): the readable summary recorded beside a golden hash, what
// `ballot check` prints when it differs, and the in-place rewrite of a file's "golden" object.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/golden.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

using namespace ballot;
using json = nlohmann::json;

namespace {

std::string source(const std::string& relative) {
  return std::string(BALLOT_SOURCE_DIR) + "/" + relative;
}

GoldenRecord record(const std::string& hash, const std::string& summary) {
  return GoldenRecord{hash, summary};
}

}  // namespace

TEST_CASE("a golden summary: events, leader intervals, messages, client outcomes, damage",
          "[golden]") {
  SECTION("raft: epochs, no damage") {
    const Scenario s = load_scenario(source("scenarios/raft-figure8.json"));
    REQUIRE_FALSE(s.captions.empty());
    const RunReport report = run_scenario(s);
    const GoldenRecord r = golden_record(report);
    CHECK(r.hash == hash_hex(report.result.trace_hash));
    const json j = json::parse(r.summary);
    // Captions are not counted: they are not part of what the run did.
    CHECK(j.at("events").get<uint64_t>() == report.result.events - s.captions.size());
    REQUIRE(j.at("leaders").size() == report.result.leader_intervals.size());
    const LeaderInterval& first = report.result.leader_intervals.front();
    CHECK(j.at("leaders")[0] == node_name(first.node) + " epoch " + std::to_string(first.epoch) +
                                    " " + human_duration(first.begin_us) + "-" +
                                    human_duration(first.end_us));
    CHECK(j.at("messages").at("RequestVote").get<int64_t>() ==
          report.result.traffic_by_type.at("RequestVote").sent);
    CHECK(j.at("ops").at("ok").get<int64_t>() + j.at("ops").at("fail").get<int64_t>() +
              j.at("ops").at("info").get<int64_t>() ==
          static_cast<int64_t>(report.result.history.ops.size()));
    CHECK_FALSE(j.contains("damage"));
    CHECK_FALSE(j.contains("violations"));
    // The same run gives the same record, text for text.
    CHECK(golden_record(run_scenario(s)).summary == r.summary);
  }
  SECTION("bully: no epochs, a leader to the end, damage by kind") {
    const Scenario s = load_scenario(source("scenarios/split-brain-3-2.json"), {"algorithm=bully"});
    const json j = json::parse(golden_record(run_scenario(s)).summary);
    CHECK(j.at("leaders")[0] == "n5 0s-end");
    CHECK(j.at("damage").at("lost_writes").get<int64_t>() > 0);
    CHECK(j.at("dropped").get<int64_t>() > 0);
  }
  SECTION("a bug scenario: violations by checker") {
    const Scenario s = load_scenario(source("scenarios/raft-figure8-bug.json"));
    const RunReport report = run_scenario(s);
    REQUIRE_FALSE(report.result.violations.empty());
    const json j = json::parse(golden_record(report).summary);
    int64_t total = 0;
    for (const auto& [checker, n] : j.at("violations").items()) total += n.get<int64_t>();
    CHECK(total == static_cast<int64_t>(report.result.violations.size()));
  }
  SECTION("many leader intervals: the first ones, how many more, the last") {
    RunReport report;
    report.has_epochs = true;
    // Leader intervals to list beyond the cap, made by hand: the rule, not a particular run.
    report.result.leader_intervals.clear();
    for (int i = 0; i < 20; ++i)
      report.result.leader_intervals.push_back(
          {static_cast<NodeId>(i % 5), i + 1, i * kSecond_us, (i + 1) * kSecond_us, kNever_us});
    const json j = json::parse(golden_record(report).summary);
    REQUIRE(j.at("leaders").size() == kGoldenMaxLeaders);
    CHECK(j.at("leaders")[0] == "n1 epoch 1 0s-1s");
    CHECK(j.at("leaders")[kGoldenMaxLeaders - 2] == "... 9 more");
    CHECK(j.at("leaders")[kGoldenMaxLeaders - 1] == "n5 epoch 20 19s-20s");
  }
}

TEST_CASE("golden summary differences name the field and both values", "[golden]") {
  const std::string a =
      R"({"events":10,"leaders":["n1 epoch 1 0s-2s","n2 epoch 2 2s-end"],"messages":{"A":3,"B":4}})";
  CHECK(golden_summary_diff(a, a).empty());
  CHECK(
      golden_summary_diff(
          a,
          R"({"events":11,"leaders":["n1 epoch 1 0s-2s","n3 epoch 2 2s-end"],"messages":{"A":3,"B":4}})") ==
      std::vector<std::string>{
          "events: expected 10, got 11",
          R"(leaders[1]: expected "n2 epoch 2 2s-end", got "n3 epoch 2 2s-end")"});
  CHECK(
      golden_summary_diff(
          a,
          R"({"events":10,"leaders":["n1 epoch 1 0s-2s"],"messages":{"A":3,"C":1},"damage":{"lost_writes":2}})") ==
      std::vector<std::string>{"leaders: expected 2 entries, got 1",
                               R"(leaders[1]: expected "n2 epoch 2 2s-end", got nothing)",
                               "messages.B: expected 4, got nothing",
                               "messages.C: expected nothing, got 1",
                               R"(damage: expected nothing, got {"lost_writes":2})"});
  // Capped, the last line saying how many more.
  const std::vector<std::string> capped =
      golden_summary_diff(R"({"a":1,"b":1,"c":1,"d":1})", R"({"a":2,"b":2,"c":2,"d":2})", 3);
  CHECK(capped == std::vector<std::string>{"a: expected 1, got 2", "b: expected 1, got 2",
                                           "... 2 more differences"});
  CHECK(golden_summary_diff("not json", a) ==
        std::vector<std::string>{"the summaries could not be read"});
}

TEST_CASE("rewriting the golden object keeps every other byte of the file", "[golden]") {
  // Odd formatting, braces and quotes inside strings, and "golden" in the middle.
  const std::string before =
      "{\n"
      "  \"name\": \"tricky {\\\"golden\\\": [}\",\n"
      "\t\"nodes\":3,   \"params\": {\"raft\": {\"golden\": 1}},\n"
      "    \"golden\": {\"raft/1\": \"0123456789abcdef\",\n"
      "               \"bully/7\": {\"hash\": \"fedcba9876543210\"}},\n"
      "  \"captions\": [ {\"at\": \"1s\", \"text\": \"}]\"} ]\n"
      "}\n";
  const std::vector<std::pair<std::string, GoldenRecord>> entries = {
      {"raft/1", record("1111111111111111", R"({"events":5,"leaders":["n1 epoch 1 0s-end"]})")},
      {"bully/7", record("2222222222222222", R"({"events":6})")}};
  const std::string after = rewrite_golden(before, entries);
  const std::string expected_golden =
      "{\n"
      "      \"raft/1\": {\n"
      "        \"hash\": \"1111111111111111\",\n"
      "        \"summary\": {\n"
      "          \"events\": 5,\n"
      "          \"leaders\": [\"n1 epoch 1 0s-end\"]\n"
      "        }\n"
      "      },\n"
      "      \"bully/7\": {\n"
      "        \"hash\": \"2222222222222222\",\n"
      "        \"summary\": {\n"
      "          \"events\": 6\n"
      "        }\n"
      "      }\n"
      "    }";
  const size_t at = before.find("{\"raft/1\"");
  const size_t end = before.find("}},\n  \"captions\"") + 2;
  CHECK(after == before.substr(0, at) + expected_golden + before.substr(end));

  // Parsed, only "golden" differs.
  json was = json::parse(before), now = json::parse(after);
  CHECK(now["golden"]["raft/1"]["hash"] == "1111111111111111");
  was.erase("golden");
  now.erase("golden");
  CHECK(was == now);
  // The order of the entries is the file's, and a rewrite of the rewrite changes nothing.
  CHECK(golden_keys_in_order(before) == std::vector<std::string>{"raft/1", "bully/7"});
  CHECK(golden_keys_in_order(after) == std::vector<std::string>{"raft/1", "bully/7"});
  CHECK(rewrite_golden(after, entries) == after);

  SECTION("a long list goes one entry per line") {
    std::string leaders;
    for (int i = 0; i < 8; ++i) leaders += std::string(i ? "," : "") + "\"n1 epoch 1 1.5s-2.25s\"";
    const std::string long_after = rewrite_golden(
        before, {{"raft/1", record("1111111111111111", R"({"leaders":[)" + leaders + "]}")}});
    CHECK(long_after.find("\"leaders\": [\n            \"n1 epoch 1 1.5s-2.25s\",\n") !=
          std::string::npos);
    CHECK(json::parse(long_after)["golden"]["raft/1"]["summary"]["leaders"].size() == 8);
  }
  SECTION("a file with CRLF line ends keeps them") {
    const std::string crlf = "{\r\n  \"nodes\": 3,\r\n  \"golden\": {}\r\n}\r\n";
    const std::string out = rewrite_golden(crlf, entries);
    CHECK(out.rfind("{\r\n  \"nodes\": 3,\r\n  \"golden\": {\r\n    \"raft/1\": {\r\n", 0) == 0);
    size_t bare = 0;
    for (size_t i = 0; i < out.size(); ++i)
      if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r')) ++bare;
    CHECK(bare == 0);
  }
  SECTION("a file without a golden object, or not an object, is refused") {
    CHECK_THROWS_AS(rewrite_golden(R"({"nodes": 3})", entries), InputError);
    CHECK_THROWS_AS(rewrite_golden("[1, 2]", entries), InputError);
    CHECK_THROWS_AS(rewrite_golden("{\"golden\": ", entries), InputError);
    CHECK(golden_keys_in_order(R"({"nodes": 3})").empty());
  }
  SECTION("every shipped scenario survives a rewrite of its golden entries unchanged") {
    // Rewriting with the entries' own hashes changes only their form (hash alone -> object).
    for (const char* name : {"raft-figure8.json", "split-brain-3-2.json", "lease-pause.json"}) {
      INFO(name);
      const std::string text = [&] {
        std::ifstream in(source(std::string("scenarios/") + name));
        std::stringstream b;
        b << in.rdbuf();
        return b.str();
      }();
      const Scenario s = parse_scenario(text, name);
      std::vector<std::pair<std::string, GoldenRecord>> same;
      for (const std::string& key : golden_keys_in_order(text))
        same.emplace_back(key,
                          record(s.golden.at(key),
                                 s.golden_summary.count(key) ? s.golden_summary.at(key) : "{}"));
      const Scenario again = parse_scenario(rewrite_golden(text, same), name);
      CHECK(again.golden == s.golden);
      CHECK(again.resolved_json.size() > 0);
      json a = json::parse(text), b = json::parse(rewrite_golden(text, same));
      a.erase("golden");
      b.erase("golden");
      CHECK(a == b);
    }
  }
}
