// Node ids inside message fields mean the same as `n`, `to` and `from`: 1-based, 0 for none
// (docs/trace-format.md). Trace format 1 wrote Raft's candidate_id and leader_id 0-based.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/runner.h"

namespace {

std::string run_trace(const std::string& scenario) {
  std::ostringstream out;
  ballot::run_scenario(
      ballot::load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/" + scenario), &out, {});
  return out.str();
}

}  // namespace

TEST_CASE("Raft's candidate_id and leader_id in a trace are the 1-based n of the sender",
          "[trace]") {
  // A pre-vote scenario sends PreVote as well as RequestVote and AppendEntries.
  for (const char* scenario : {"raft-split-vote.json", "raft-rejoin-prevote.json"}) {
    INFO(scenario);
    std::istringstream lines(run_trace(scenario));
    std::string line;
    int checked = 0;
    while (std::getline(lines, line)) {
      const nlohmann::json ev = nlohmann::json::parse(line);
      if (ev.value("k", "") != "send") continue;
      const std::string type = ev.at("type").get<std::string>();
      const char* key = type == "RequestVote" || type == "PreVote" ? "candidate_id"
                        : type == "AppendEntries"                  ? "leader_id"
                                                                   : nullptr;
      if (key == nullptr) continue;
      INFO(line);
      CHECK(ev.at("msg").at(key).get<int64_t>() == ev.at("n").get<int64_t>());
      ++checked;
    }
    CHECK(checked > 0);
  }
}
