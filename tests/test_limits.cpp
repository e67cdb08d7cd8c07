// The guard rails for big runs: --max-events is a cheap check in the kernel's run loop that cuts a
// run deterministically; --max-trace-bytes stops a run once its trace reaches a size; both leave a
// trace whose footer records the cut.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "support/input_error_of.h"

using namespace ballot;

namespace {
Scenario split_brain() {
  return load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json");
}

std::string error_of(const std::string& text) {
  return testkit::input_error_of([&] { parse_limit(text, "--max-events"); });
}
}  // namespace

TEST_CASE("limits are counts with optional decimal or binary suffixes", "[limits]") {
  CHECK(parse_limit("50000000", "--max-events") == 50'000'000);
  CHECK(parse_limit("50M", "--max-events") == 50'000'000);
  CHECK(parse_limit("10k", "--max-events") == 10'000);
  CHECK(parse_limit("2G", "--max-trace-bytes") == 2'000'000'000);
  CHECK(parse_limit("2Gi", "--max-trace-bytes") == uint64_t{2} << 30);
  CHECK(parse_limit("2GiB", "--max-trace-bytes") == uint64_t{2} << 30);
  CHECK(parse_limit("512KiB", "--max-trace-bytes") == 512 * 1024);
  for (const char* bad : {"", "0", "-5", "1.5G", "5X", "M", "12 M", "99999999999999999999"})
    CHECK_THAT(error_of(bad), Catch::StartsWith("--max-events: expected a positive count"));
  CHECK_THAT(error_of("100000000T"),
             Catch::StartsWith("--max-events: expected a count below 2^63"));
  for (uint64_t v : {uint64_t{1}, uint64_t{1000}, uint64_t{1536}, kDefaultMaxEvents,
                     kDefaultMaxTraceBytes, uint64_t{123456789}})
    CHECK(parse_limit(show_limit(v), "x") == v);
  CHECK(show_limit(kDefaultMaxEvents) == "50M");
  CHECK(show_limit(kDefaultMaxTraceBytes) == "2Gi");
}

TEST_CASE("the event limit cuts a run deterministically, after what an uncut run did", "[limits]") {
  const Scenario s = split_brain();
  std::ostringstream full_trace;
  const RunReport full = run_scenario(s, &full_trace);
  REQUIRE(full.cut_limit.empty());
  REQUIRE(full.result.events > 5000);

  RunLimits limits;
  limits.max_events = 3000;
  std::ostringstream a, b;
  const RunReport ra = run_scenario(s, &a, limits);
  const RunReport rb = run_scenario(s, &b, limits);
  CHECK(ra.result.stopped_early);
  CHECK(ra.cut_limit == "max_events");
  CHECK(ra.cut_value == 3000);
  // The step in progress completes: a few events past the limit, never fewer.
  CHECK(ra.result.events >= 3000);
  CHECK(ra.result.events < 3050);
  CHECK(ra.result.end_us < s.duration_us);
  CHECK(ra.result.trace_hash == rb.result.trace_hash);
  CHECK(a.str() == b.str());
  // Cutting changes nothing before the cut: the cut trace's events are the uncut one's prefix.
  const std::string cut = a.str();
  const size_t events_end = cut.rfind("{\"footer\":");
  CHECK(full_trace.str().compare(0, events_end, cut, 0, events_end) == 0);
  CHECK(cut.find(R"("cut":{"limit":"max_events","value":3000})", events_end) != std::string::npos);
  CHECK_THROWS_AS(throw_if_cut(ra), InputError);
  CHECK_NOTHROW(throw_if_cut(full));
  CHECK_THAT(cut_message(ra), Catch::Contains("raise it with --max-events"));
}

TEST_CASE("the trace size limit stops a run once its trace reaches the size", "[limits]") {
  const Scenario s = split_brain();
  RunLimits limits;
  limits.max_trace_bytes = 100'000;
  std::ostringstream out;
  const RunReport r = run_scenario(s, &out, limits);
  CHECK(r.cut_limit == "max_trace_bytes");
  const std::string trace = out.str();
  const size_t footer = trace.rfind("{\"footer\":");
  CHECK(footer >= 100'000);
  CHECK(footer < 110'000);
  // Without a trace file there is nothing to fill: the size limit does not apply...
  CHECK(run_scenario(s, nullptr, limits).cut_limit.empty());
  // ...unless asked to count (replay re-cuts a run that was cut by size).
  limits.count_trace_bytes = true;
  const RunReport counted = run_scenario(s, nullptr, limits);
  CHECK(counted.cut_limit == "max_trace_bytes");
  CHECK(counted.result.trace_hash == r.result.trace_hash);
}

TEST_CASE("no shipped scenario comes near the default limits", "[limits]") {
  // The biggest shipped scenario has about 24 thousand events (of 50 million allowed); its trace
  // is a few megabytes (of 2 GiB).
  const RunReport r = run_scenario(load_scenario(
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/paxos-partition-leader-minority.json"));
  CHECK(r.cut_limit.empty());
  CHECK(r.result.events * 1000 < kDefaultMaxEvents);
}
