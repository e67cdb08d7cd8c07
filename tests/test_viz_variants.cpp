// The viewer's stacked variants (docs/viz.md): two variants of one lesson run in-process, laid out
// as two sections under one time axis, each headed by its variant's name.
#include <catch2/catch.hpp>

#include <string>

#include "viz/inprocess.h"
#include "viz/timeline_layout.h"
#include "viz/trace_model.h"
#include "viz/trace_query.h"

using namespace ballot;
using namespace ballot::viz;

TEST_CASE("viewer: two variants of a lesson stack, each labelled with its name",
          "[viz][variants]") {
  const std::string file =
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/lessons/04-election-restriction.json";
  const InProcessRun base = run_in_process(file, std::nullopt, std::nullopt, {}, "base");
  const InProcessRun buggy = run_in_process(file, std::nullopt, std::nullopt, {}, "buggy");
  const auto a = parse_trace(base.trace, base.label, {}, base.variant);
  const auto b = parse_trace(buggy.trace, buggy.label, {}, buggy.variant);
  CHECK(a->variant == "base");
  CHECK(b->variant == "buggy");
  // Different runs: the buggy one has violations, and its own captions.
  CHECK(a->trace_hash != b->trace_hash);
  CHECK(a->violations.empty());
  CHECK_FALSE(b->violations.empty());
  REQUIRE_FALSE(b->captions.empty());
  CHECK(a->captions.size() != b->captions.size());

  ViewState view;
  fit_all({a.get(), b.get()}, view);
  const Viewport canvas{10.0f, 40.0f, 1280.0f, 720.0f, 16.0f, 30.0f};
  const Layout L = layout_timeline({a.get(), b.get()}, view, canvas);
  REQUIRE(L.sections.size() == 2);
  CHECK(L.sections[0].show_header);
  CHECK(L.sections[1].show_header);
  CHECK(L.sections[1].header_y >= L.sections[0].bottom);
  CHECK(L.sections[0].lanes.size() == 5);
  CHECK(L.sections[1].lanes.size() == 5);
  CHECK(section_title(*a, 0).rfind("A: base   raft seed 1", 0) == 0);
  CHECK(section_title(*b, 1).rfind("B: buggy   raft seed 1", 0) == 0);

  // Reveal mode keeps the label.
  CHECK(reveal_until(b, 300'000)->variant == "buggy");
  // A trace not run as a variant has no variant label.
  const InProcessRun plain = run_in_process(file, std::nullopt, std::nullopt, {});
  const auto p = parse_trace(plain.trace, plain.label);
  CHECK(section_title(*p, 0).rfind("A: raft seed 1", 0) == 0);
  CHECK(p->trace_hash == a->trace_hash);
}

TEST_CASE("viewer: a bad variant is bad input before any window", "[viz][variants]") {
  const std::string file =
      std::string(BALLOT_SOURCE_DIR) + "/scenarios/lessons/04-election-restriction.json";
  CHECK_THROWS_WITH(check_scenario(file, std::nullopt, std::nullopt, {}, "nope"),
                    Catch::Contains("--variant nope: no such variant"));
  CHECK_NOTHROW(check_scenario(file, std::nullopt, std::nullopt, {}, "buggy"));
}

TEST_CASE("viewer: a stacked run's short label names its variant", "[viz][variants]") {
  TraceModel m;
  m.algorithm = "raft";
  CHECK(stack_label(m, 0) == "A: raft");
  m.variant = "buggy";
  CHECK(stack_label(m, 1) == "B: raft [buggy]");
}
