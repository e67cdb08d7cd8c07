// Fault times written as ranges (draw_fault_times, sim/kernel/nemesis.h;
// docs/scenario-format.md#faults): drawn per seed from a stream of their own, deterministic,
// within the range, and a scenario without ranges draws nothing.
#include <catch2/catch.hpp>

#include <set>

#include "cli/runner.h"
#include "sim/kernel/nemesis.h"

using namespace ballot;

namespace {

const char* kRanged = R"({"nodes": 5, "duration": "6s", "algorithm": "raft",
  "faults": [
    {"at": {"min": "3s", "max": "3.05s"}, "kind": "crash", "nodes": ["leader"]},
    {"at": "1s", "duration": {"min": "100ms", "max": "300ms"}, "kind": "pause", "nodes": ["n1"]},
    {"at": "2s", "duration": "50ms", "kind": "pause", "nodes": ["n2"]}]})";

}  // namespace

TEST_CASE("a fault time range is read as its bounds and drawn uniformly per seed") {
  const Scenario s = parse_scenario(kRanged, "t.json");
  REQUIRE(s.faults.size() == 3);
  CHECK(s.faults[0].at_us == 3 * kSecond_us);
  CHECK(s.faults[0].at_max_us == 3050 * kMillisecond_us);
  CHECK(s.faults[1].duration_us == 100 * kMillisecond_us);
  CHECK(s.faults[1].duration_max_us == 300 * kMillisecond_us);
  CHECK(s.faults[2].at_max_us == kNever_us);
  CHECK(s.faults[2].duration_max_us == kNever_us);

  std::set<Time_us> ats;
  int early = 0, late = 0;
  for (uint64_t seed = 1; seed <= 1000; ++seed) {
    Scenario base = s;
    base.seed = seed;
    const Scenario a = draw_fault_times(base), b = draw_fault_times(base);
    REQUIRE(a.faults.size() == 3);
    CHECK(a.faults[0].at_us == b.faults[0].at_us);
    CHECK(a.faults[1].duration_us == b.faults[1].duration_us);
    CHECK(a.faults[0].at_us >= 3 * kSecond_us);
    CHECK(a.faults[0].at_us <= 3050 * kMillisecond_us);
    CHECK(a.faults[1].duration_us >= 100 * kMillisecond_us);
    CHECK(a.faults[1].duration_us <= 300 * kMillisecond_us);
    // The ranges are gone and the fixed values untouched.
    CHECK(a.faults[0].at_max_us == kNever_us);
    CHECK(a.faults[1].duration_max_us == kNever_us);
    CHECK(a.faults[1].at_us == kSecond_us);
    CHECK(a.faults[2].at_us == 2 * kSecond_us);
    CHECK(a.faults[2].duration_us == 50 * kMillisecond_us);
    ats.insert(a.faults[0].at_us);
    (a.faults[0].at_us < 3025 * kMillisecond_us ? early : late) += 1;
  }
  // Uniform over 50001 µs: 1000 draws are nearly all different and split about evenly.
  CHECK(ats.size() > 980);
  CHECK(early > 400);
  CHECK(late > 400);
}

TEST_CASE("a range of one value draws that value, and no range draws nothing") {
  Scenario s = parse_scenario(
      R"({"faults": [{"at": {"min": "2s", "max": "2s"}, "kind": "crash", "nodes": ["n1"]}]})",
      "t.json");
  CHECK(draw_fault_times(s).faults[0].at_us == 2 * kSecond_us);
  const Scenario plain = parse_scenario(
      R"({"faults": [{"at": "2s", "duration": "1s", "kind": "crash", "nodes": ["n1"]}]})",
      "t.json");
  for (uint64_t seed : {1u, 2u, 77u}) {
    Scenario p = plain;
    p.seed = seed;
    const Scenario d = draw_fault_times(p);
    CHECK(d.faults[0].at_us == 2 * kSecond_us);
    CHECK(d.faults[0].duration_us == kSecond_us);
  }
}

TEST_CASE("a run fires a ranged fault at the drawn time and reports the range") {
  Scenario s = parse_scenario(kRanged, "t.json");
  std::set<Time_us> fired;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    s.seed = seed;
    const Scenario drawn = draw_fault_times(s);
    const RunReport r = run_scenario(s);
    bool found = false;
    for (const FiredFault& f : r.faults) {
      if (f.source != "faults[0]") continue;
      found = true;
      CHECK(f.begin_us == drawn.faults[0].at_us);
      REQUIRE(f.at_range_us.has_value());
      CHECK(f.at_range_us->first == 3 * kSecond_us);
      CHECK(f.at_range_us->second == 3050 * kMillisecond_us);
      CHECK_FALSE(f.duration_range_us.has_value());
      fired.insert(f.begin_us);
    }
    CHECK(found);
    for (const FiredFault& f : r.faults) {
      if (f.source != "faults[1]") continue;
      REQUIRE(f.duration_range_us.has_value());
      CHECK(f.end_us - f.begin_us == drawn.faults[1].duration_us);
    }
    // The same seed runs the same.
    CHECK(run_scenario(s).result.trace_hash == r.result.trace_hash);
  }
  CHECK(fired.size() == 5);
}
