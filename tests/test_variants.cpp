// Scenario variants (docs/scenario-format.md#variants): the reader's checks, with the JSON path of
// each error; a variant is exactly its overrides given by hand (same trace hash); its expect,
// captions and golden replace the file's.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

using namespace ballot;

namespace {

std::string lesson(const std::string& name) {
  return std::string(BALLOT_SOURCE_DIR) + "/scenarios/lessons/" + name;
}

// A small scenario with `variants` as its "variants" value.
std::string with_variants(const std::string& variants) {
  return R"({"nodes": 3, "algorithm": "raft", "duration": "1s",
             "expect": {"violations": 0},
             "captions": [{"at": "0s", "text": "base"}],
             "golden": {"raft/1": "0123456789abcdef"},
             "variants": )" +
         variants + "}";
}

// The InputError parsing `text` as `variant` throws, as "path: message".
std::string error_of(const std::string& text, const std::string& variant = "") {
  try {
    (void)parse_scenario(text, "test.json", {}, variant);
  } catch (const InputError& e) {
    return e.path() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("variants: the reader names, lists and applies them", "[variants]") {
  const std::string text = with_variants(R"([
      {"name": "slow", "description": "a slower network",
       "set": ["network.latency.max=20ms", "params.raft.pre_vote=true"],
       "expect": {"violations": {"min": 1}},
       "captions": [{"at": "10ms", "text": "slow"}],
       "golden": {"raft/1": "fedcba9876543210"}},
      {"name": "no-golden", "set": ["seed=7"]}])");
  const Scenario base = parse_scenario(text, "test.json");
  CHECK(base.variant.empty());
  REQUIRE(base.variants.size() == 2);
  CHECK(base.variants[0].name == "slow");
  CHECK(base.variants[0].description == "a slower network");
  CHECK(base.variants[1].name == "no-golden");
  CHECK(base.captions.at(0).text == "base");
  CHECK(base.golden.at("raft/1") == "0123456789abcdef");

  const Scenario slow = parse_scenario(text, "test.json", {}, "slow");
  CHECK(slow.variant == "slow");
  CHECK(slow.network.latency.max_us == 20000);
  CHECK(slow.params.at("raft").at("pre_vote").b);
  REQUIRE(slow.captions.size() == 1);
  CHECK(slow.captions[0].text == "slow");
  REQUIRE(slow.expect.size() == 1);
  CHECK(slow.expect[0].min == 1);
  CHECK(slow.golden.at("raft/1") == "fedcba9876543210");
  // The resolved document is the variant, without the list of variants.
  CHECK(slow.resolved_json.find("variants") == std::string::npos);
  CHECK(parse_scenario(slow.resolved_json, "again").network.latency.max_us == 20000);

  // Without its own expect and captions a variant keeps the file's; without a golden it has none
  // (the file's hashes are of another run).
  const Scenario plain = parse_scenario(text, "test.json", {}, "no-golden");
  CHECK(plain.seed == 7);
  CHECK(plain.captions.at(0).text == "base");
  CHECK(plain.expect.size() == 1);
  CHECK(plain.golden.empty());

  // "base" names the file without a variant.
  const Scenario named_base = parse_scenario(text, "test.json", {}, "base");
  CHECK(named_base.variant.empty());
  CHECK(named_base.resolved_json == base.resolved_json);

  // The command line's --set comes after the variant's.
  CHECK(parse_scenario(text, "test.json", {"network.latency.max=30ms"}, "slow")
            .network.latency.max_us == 30000);
}

TEST_CASE("variants: bad input names its JSON path", "[variants]") {
  CHECK(error_of(with_variants(R"([{"name": "a"}, {"name": "a"}])")) ==
        "variants[1].name: duplicate variant name 'a': it is already variants[0]'s");
  CHECK(error_of(with_variants(R"([{"name": "Buggy"}])")) ==
        "variants[0].name: expected a name of lowercase letters, digits and '-', got \"Buggy\"");
  CHECK(error_of(with_variants(R"([{"name": "base"}])")) ==
        "variants[0].name: the name 'base' is reserved: it names the file without a variant");
  CHECK(error_of(with_variants(R"([{"description": "x"}])")) ==
        "variants[0]: missing required field 'name'");
  CHECK(error_of(with_variants(R"([{"name": "a", "sett": []}])"))
            .rfind("variants[0].sett: unknown key 'sett' (did you mean 'set'?)", 0) == 0);
  CHECK(error_of(with_variants(R"({"name": "a"})")) ==
        "variants: expected a list of variants, got an object");
  CHECK(error_of(with_variants(R"([{"name": "a", "set": "seed=2"}])"))
            .rfind("variants[0].set: expected a list of overrides", 0) == 0);
  // An override's syntax and path are checked whether or not the variant is asked for.
  CHECK(error_of(with_variants(R"([{"name": "a"}, {"name": "b", "set": ["seed=1", "sed=2"]}])")) ==
        "variants[1].set[1]: sed=2: unknown key 'sed' (did you mean 'seed'?)");
  CHECK(error_of(with_variants(R"([{"name": "a", "set": ["noequals"]}])")) ==
        "variants[0].set[0]: noequals: expected path=value, like seed=7 or faults[0].at=3s");
  // A value the reader refuses: the variant's override is named, with the field it set.
  CHECK(error_of(with_variants(R"([{"name": "a", "set": ["nodes=0"]}])"), "a") ==
        "variants[0].set[0]: nodes=0: nodes: expected an integer in [1, 1000], got 0");
  // A section the variant replaced: the path inside the variant.
  CHECK(error_of(with_variants(R"([{"name": "a", "expect": {"split_brain": 0}}])"), "a")
            .rfind("variants[0].expect.split_brain: unknown metric 'split_brain'", 0) == 0);
  CHECK(error_of(with_variants(R"([{"name": "a", "captions": [{"at": "2s", "text": "x"}]}])"), "a")
            .rfind("variants[0].captions[0].at: ", 0) == 0);
  // Names asked for that do not exist.
  CHECK(error_of(with_variants(R"([{"name": "a"}, {"name": "b"}])"), "c") ==
        ": --variant c: no such variant (the file's variants: a, b; base is the file without one)");
  CHECK(error_of(R"({"nodes": 3})", "a") == ": --variant a: the file declares no variants");
}

TEST_CASE("variants: a variant runs exactly as its overrides given by hand", "[variants]") {
  const std::string file = lesson("04-election-restriction.json");
  const Scenario base = load_scenario(file);
  const Scenario buggy = load_scenario(file, {}, "buggy");
  const Scenario by_hand = load_scenario(file, {"params.raft.bugs.vote_without_log_check=true"});
  const RunReport base_run = run_scenario(base);
  const RunReport buggy_run = run_scenario(buggy);
  const RunReport by_hand_run = run_scenario(by_hand);
  CHECK(buggy_run.result.trace_hash == by_hand_run.result.trace_hash);
  CHECK(buggy_run.result.trace_hash != base_run.result.trace_hash);
  // The variant is judged by its own expectations: the base's would fail on its violations.
  CHECK(judge_run(base_run).ok());
  CHECK(judge_run(buggy_run).ok());
  CHECK_FALSE(judge_run(by_hand_run).ok());
  CHECK(buggy_run.result.metrics.at("violations") > 0);
  // Its golden is its own.
  CHECK(buggy.golden.at("raft/1") != base.golden.at("raft/1"));
}
