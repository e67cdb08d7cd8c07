// The viewer and captions anchored to events: the caption the banner shows at the cursor
// (caption_at) follows the anchored event when a parameter changes, in a trace file written by an
// in-process run, and a caption whose event never happens is not shown.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "viz/inprocess.h"
#include "viz/trace_model.h"
#include "viz/trace_query.h"

using namespace ballot::viz;

namespace {

const std::string kFile = std::string(BALLOT_SOURCE_DIR) + "/scenarios/raft-election-timing.json";

// When n5 (node 5) first reported the candidate role, from the model's own events.
Time_us first_candidacy(const TraceModel& m) {
  REQUIRE(m.nodes.size() == 5);
  for (const RoleBand& b : m.nodes[4].bands)
    if (b.role == Role::Candidate) return b.begin_us;
  return -1;
}

const Caption* caption_with(const TraceModel& m, const std::string& text) {
  for (const Caption& c : m.captions)
    if (c.text == text) return &c;
  return nullptr;
}

}  // namespace

TEST_CASE("the viewer shows an anchored caption at its event after a parameter change",
          "[viz][captions]") {
  Time_us at[2] = {0, 0};
  const char* timeouts[2] = {"100ms", "170ms"};
  for (int k = 0; k < 2; ++k) {
    const std::string t = timeouts[k];
    const std::vector<std::string> sets = {
        "params.raft.n5.election_timeout_min=" + t, "params.raft.n5.election_timeout_max=" + t,
        R"(captions[1]={"on": {"role": "candidate", "node": "n5"}, "text": "n5 stands", "pause": true})",
        R"(captions[3]={"on": {"role": "leader", "node": "n1", "epoch": 99}, "text": "never"})"};
    const InProcessRun run = run_in_process(kFile, std::nullopt, std::nullopt, sets);
    // The viewer opening the trace as a file sees what the in-process run saw.
    const std::string path = "test_viz_captions_" + std::to_string(k) + ".jsonl";
    {
      std::ofstream out(path, std::ios::binary);
      out << run.trace;
    }
    const auto m = load_trace_file(path);
    std::remove(path.c_str());
    const Time_us candidate = first_candidacy(*m);
    REQUIRE(candidate > 0);
    const Caption* c = caption_with(*m, "n5 stands");
    REQUIRE(c != nullptr);
    CHECK(c->t_us == candidate);
    CHECK(c->pause);  // paired with the header's entry, which says it pauses
    // At the cursor: the anchored caption from its event on, the one before it just before.
    CHECK(caption_at(*m, candidate) == c);
    const Caption* before = caption_at(*m, candidate - 1);
    REQUIRE(before != nullptr);
    CHECK(before->text != "n5 stands");
    // The caption whose event never happened is nowhere.
    CHECK(caption_with(*m, "never") == nullptr);
    at[k] = candidate;
  }
  CHECK(at[0] != at[1]);
}

TEST_CASE("caption_at: the last caption at or before the cursor", "[viz][captions]") {
  const InProcessRun run = run_in_process(kFile, std::nullopt, std::nullopt, {});
  const auto m = parse_trace(run.trace, run.label);
  REQUIRE(m->captions.size() == 3);
  CHECK(caption_at(*m, -1) == nullptr);
  CHECK(caption_at(*m, 0) == &m->captions[0]);
  CHECK(caption_at(*m, m->captions[1].t_us - 1) == &m->captions[0]);
  CHECK(caption_at(*m, m->captions[1].t_us) == &m->captions[1]);
  CHECK(caption_at(*m, m->end_us) == &m->captions[2]);
}
