// Situations (sim/api/situation.h): each algorithm's table is well formed and is what its docs page
// lists; shipped scenarios reach the situations their lessons are about; expect.reached fails a run
// that does not reach a listed situation, and names an unknown one as bad input
// (tests/data/scenario/bad_situations.txt).
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"
#include "support/datadriven.h"

using namespace ballot;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string scenario_path(const std::string& name) {
  return std::string(BALLOT_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

// How often a run of the shipped scenario `name` (its own algorithm and seed) reached `situation`.
int64_t times_reached(const std::string& name, const std::string& situation) {
  const RunReport report = run_scenario(load_scenario(scenario_path(name)));
  const AlgorithmInfo* algo = find_algorithm(report.scenario.algorithm);
  REQUIRE(algo != nullptr);
  const int id = find_situation(*algo, situation);
  REQUIRE(id >= 0);
  return report.times_reached(static_cast<size_t>(id));
}

}  // namespace

TEST_CASE("every algorithm names its situations once, in snake_case, each with a sentence") {
  for (const AlgorithmInfo& algo : algorithms()) {
    INFO(algo.name);
    CHECK_FALSE(algo.situations.empty());
    std::set<std::string_view> names;
    for (size_t i = 0; i < algo.situations.size(); ++i) {
      const Situation& s = algo.situations[i];
      INFO(s.name);
      CHECK(names.insert(s.name).second);
      CHECK(find_situation(algo, s.name) == static_cast<int>(i));
      CHECK(s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
            std::string_view::npos);
      CHECK(s.definition.size() > 20);
      CHECK(s.definition.back() == '.');
      CHECK(s.definition.find('|') == std::string_view::npos);  // a Markdown table cell
    }
    CHECK(find_situation(algo, "no_such_situation") == -1);
  }
}

TEST_CASE("docs/<algorithm>.md holds the table of situations generated from the algorithm's") {
  for (const AlgorithmInfo& algo : algorithms()) {
    INFO(algo.name);
    const std::string doc =
        read_text(std::string(BALLOT_SOURCE_DIR) + "/docs/" + algo.name + ".md");
    const std::string begin = "<!-- situations:", end = "<!-- end situations -->";
    const size_t a = doc.find(begin);
    REQUIRE(a != std::string::npos);
    const size_t body = doc.find('\n', a) + 1;
    const size_t b = doc.find(end, body);
    REQUIRE(b != std::string::npos);
    INFO("regenerate with: ballot list situations --algo " + algo.name + " --markdown");
    CHECK(doc.substr(body, b - body) == situations_markdown(algo));
  }
}

TEST_CASE("shipped scenarios reach the situations their lessons are about") {
  CHECK(times_reached("raft-split-vote", "split_vote") > 0);
  CHECK(times_reached("raft-figure8", "follower_log_truncated") > 0);
  CHECK(times_reached("raft-figure8", "old_term_committed_indirectly") > 0);
  CHECK(times_reached("raft-figure8", "old_term_committed_by_count") == 0);
  CHECK(times_reached("raft-figure8-bug", "old_term_committed_by_count") > 0);
  CHECK(times_reached("raft-partition-check-quorum", "check_quorum_step_down") > 0);
  CHECK(times_reached("raft-partition-check-quorum", "leader_deposed_uncommitted") > 0);
  CHECK(times_reached("raft-partition-check-quorum", "pre_vote_refused") > 0);
  CHECK(times_reached("raft-rejoin-high-term", "stale_leader_rejected") > 0);
  CHECK(times_reached("paxos-dueling-proposers", "dueling_proposers") > 0);
  CHECK(times_reached("paxos-new-leader-lags", "value_adopted_from_promise") > 0);
  CHECK(times_reached("paxos-bug-ignore-accepted", "accepted_value_ignored") > 0);
  CHECK(times_reached("paxos-new-leader-lags", "accepted_value_ignored") == 0);
  CHECK(times_reached("lease-pause-fenced", "fencing_rejection") > 0);
  CHECK(times_reached("lease-pause-fenced", "write_after_expiry") > 0);
  CHECK(times_reached("lease-service-crash", "service_restart_honours_lease") > 0);
  CHECK(times_reached("bully-partition", "coordinator_deposed") > 0);
}

TEST_CASE("situations are counted beside the trace: the run and its hash are those of the golden") {
  // raft-figure8.json records its golden hash; counting situations must not move it.
  const RunReport report = run_scenario(load_scenario(scenario_path("raft-figure8")));
  bool golden_checked = false;
  for (const ExpectationResult& e : report.expectations)
    if (e.metric == "trace_hash") golden_checked = e.ok;
  CHECK(golden_checked);
  const SituationCount& c = report.result.situations.at(
      static_cast<size_t>(find_situation(*find_algorithm("raft"), "follower_log_truncated")));
  CHECK(c.count > 0);
  CHECK(c.first_us > 0);
  CHECK(c.first_node != kNoNode);
}

TEST_CASE(
    "expect.reached fails a run that does not reach a listed situation, judged by judge_run") {
  const std::string file = scenario_path("raft-split-vote");
  const RunReport reached = run_scenario(load_scenario(file, {R"(expect.reached=["split_vote"])"}));
  CHECK(judge_run(reached).ok());
  bool listed = false;
  for (const ExpectationResult& e : reached.expectations)
    if (e.path == "expect.reached[0]") listed = e.ok && e.wanted == "reached split_vote";
  CHECK(listed);

  const RunReport missed = run_scenario(
      load_scenario(file, {R"(expect.reached=["split_vote", "follower_log_truncated"])"}));
  const Verdict verdict = judge_run(missed);
  REQUIRE(verdict.failures.size() == 1);
  CHECK_FALSE(verdict.failures[0].safety);
  CHECK(verdict.failures[0].what == "expect.reached[1]");
  CHECK(verdict.failures[0].text ==
        "expect.reached[1]: wanted reached follower_log_truncated, got not reached");

  // Per algorithm: Paxos's own names under by_algorithm, judged only when Paxos runs.
  const RunReport paxos = run_scenario(load_scenario(
      file, {R"(expect.by_algorithm.paxos.reached=["dueling_proposers"])", "algorithm=\"paxos\""}));
  CHECK_FALSE(paxos.expectations.empty());
  const RunReport raft = run_scenario(
      load_scenario(file, {R"(expect.by_algorithm.paxos.reached=["dueling_proposers"])"}));
  CHECK(judge_run(raft).ok());
}

TEST_CASE("bad expect.reached input, from tests/data/scenario/bad_situations.txt") {
  const auto cases = testkit::read_data_cases(std::string(BALLOT_SOURCE_DIR) +
                                              "/tests/data/scenario/bad_situations.txt");
  REQUIRE_FALSE(cases.empty());
  for (const testkit::DataCase& c : cases) {
    INFO(c.where());
    REQUIRE(c.command == "validate");
    const std::string text = R"({"nodes": 3, "duration": "1s", )" + c.input + "}";
    try {
      validate_algorithm_names(parse_scenario(text, "test"));
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(e.path() == c.expect("path"));
      CHECK_THAT(e.what(), Catch::Matchers::Contains(c.expect("error")));
    }
  }
}
