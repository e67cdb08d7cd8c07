// judge_run on hand-built reports: which safety violations a scenario expects, and the order of
// the failures (safety violations first) that run, compare, sweep and check all print.
#include <catch2/catch.hpp>

#include "cli/runner.h"

using namespace ballot;

namespace {

Expectation on_violations(std::optional<int64_t> eq, std::optional<int64_t> min,
                          std::optional<int64_t> max) {
  Expectation e;
  e.metric = "violations";
  e.path = "expect.violations";
  e.eq = eq;
  e.min = min;
  e.max = max;
  return e;
}

// A raft run with `violations` checker violations and one failed expectation on id_duplicates.
RunReport report_with(size_t violations) {
  RunReport r;
  r.scenario.algorithm = "raft";
  for (size_t i = 0; i < violations; ++i) {
    Violation v;
    v.checker = "election_safety";
    v.message = "two leaders in term " + std::to_string(i + 1);
    r.result.violations.push_back(v);
  }
  r.expectations.push_back({"expect.id_duplicates", "id_duplicates", "== 0", "2", false});
  r.expectations.push_back({"expect.lost_writes", "lost_writes", "== 0", "0", true});
  return r;
}

}  // namespace

TEST_CASE("judge_run: safety violations first, then every failed expectation", "[verdict]") {
  const RunReport r = report_with(3);
  const Verdict v = judge_run(r);
  REQUIRE(v.failures.size() == 4);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(v.failures[i].safety);
    CHECK(v.failures[i].text == "[election_safety] two leaders in term " + std::to_string(i + 1));
  }
  CHECK_FALSE(v.failures[3].safety);
  CHECK(v.failures[3].text == "expect.id_duplicates: wanted == 0, got 2");
  CHECK(v.safety_violations == 3);
  CHECK_FALSE(v.violations_expected);
  CHECK(v.summary() == "3 safety violations, 1 failed expectation");
  CHECK_FALSE(r.ok());
}

TEST_CASE("judge_run: which bounds on violations expect them", "[verdict]") {
  struct Case {
    const char* name;
    std::optional<int64_t> eq, min, max;
    bool expected;
  };
  const Case cases[] = {
      {"== 0", 0, std::nullopt, std::nullopt, false},
      {"<= 0", std::nullopt, std::nullopt, 0, false},
      {">= 1", std::nullopt, 1, std::nullopt, true},
      {"== 2", 2, std::nullopt, std::nullopt, true},
      {"<= 5", std::nullopt, std::nullopt, 5, true},
  };
  for (const Case& c : cases) {
    for (bool by_algorithm : {false, true}) {
      INFO(c.name << (by_algorithm ? " under by_algorithm" : ""));
      RunReport r = report_with(2);
      r.expectations.clear();
      const Expectation e = on_violations(c.eq, c.min, c.max);
      if (by_algorithm)
        r.scenario.expect_by_algorithm["raft"].push_back(e);
      else
        r.scenario.expect.push_back(e);
      const Verdict v = judge_run(r);
      CHECK(v.violations_expected == c.expected);
      CHECK(v.safety_violations == 2);
      CHECK(v.ok() == c.expected);
      CHECK(v.failures.size() == (c.expected ? 0u : 2u));
    }
  }
  SECTION("no expectation on violations: none are expected") {
    RunReport r = report_with(1);
    r.expectations.clear();
    CHECK_FALSE(judge_run(r).violations_expected);
    CHECK_FALSE(judge_run(r).ok());
  }
  SECTION("another algorithm's expectation does not count") {
    RunReport r = report_with(1);
    r.expectations.clear();
    r.scenario.expect_by_algorithm["paxos"].push_back(on_violations(std::nullopt, 1, std::nullopt));
    CHECK_FALSE(judge_run(r).violations_expected);
  }
  SECTION("a common 0 and a by_algorithm min 1 contradict: none are expected") {
    RunReport r = report_with(1);
    r.expectations.clear();
    r.scenario.expect.push_back(on_violations(0, std::nullopt, std::nullopt));
    r.scenario.expect_by_algorithm["raft"].push_back(on_violations(std::nullopt, 1, std::nullopt));
    CHECK_FALSE(judge_run(r).violations_expected);
  }
}

TEST_CASE("judge_run: a clean run passes", "[verdict]") {
  RunReport r = report_with(0);
  r.expectations.clear();
  const Verdict v = judge_run(r);
  CHECK(v.ok());
  CHECK(v.summary().empty());
  CHECK(r.ok());
}
