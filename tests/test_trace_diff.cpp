// The trace diff library (sim/tracediff/): first divergence, events without a counterpart on
// either side, identical runs, and the summary, on hand-made traces.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/tracediff/trace_diff.h"

using namespace ballot::tracediff;

namespace {

// Keeps the lines alive for the views of a DiffRun.
struct Run {
  std::vector<std::string> lines;
  std::string footer;
  bool has_footer = true;
  DiffRun view() const {
    DiffRun r;
    r.algorithm = "bully";
    r.seed = 1;
    r.scenario_json = R"({"nodes":3})";
    for (const std::string& l : lines) r.lines.push_back(l);
    if (has_footer) r.footer = footer;
    return r;
  }
};

// Event lines from "t k rest" triples; indices are filled in.
Run run(const std::vector<std::string>& events, const std::string& footer = R"({"footer":true})") {
  Run r;
  for (size_t i = 0; i < events.size(); ++i)
    r.lines.push_back("{\"i\":" + std::to_string(i) + "," + events[i] + "}");
  r.footer = footer;
  return r;
}

}  // namespace

TEST_CASE("trace diff: identical runs have no divergence and no unmatched events") {
  const Run a = run({R"("t":0,"k":"start","n":1)", R"("t":5,"k":"send","n":1,"type":"Ping")"});
  const TraceDiff d = diff_runs(a.view(), a.view());
  CHECK(d.identical());
  CHECK(d.first == 2);
  CHECK(d.unmatched_a.empty());
  CHECK(d.unmatched_b.empty());
  CHECK(divergence_text(d) == "identical runs");
  CHECK(d.a.sent_by_type.at("Ping") == 1);
}

TEST_CASE("trace diff: the first differing event, and what has no counterpart on each side") {
  // B inserts an event at t=5 (its later lines shift by one index) and changes the one at t=9.
  const Run a = run({R"("t":0,"k":"start","n":1)", R"("t":5,"k":"send","n":1,"type":"Ping")",
                     R"("t":7,"k":"timer","n":2)", R"("t":9,"k":"role","n":2,"role":"leader")"});
  const Run b = run({R"("t":0,"k":"start","n":1)", R"("t":5,"k":"note","n":3)",
                     R"("t":5,"k":"send","n":1,"type":"Ping")", R"("t":7,"k":"timer","n":2)",
                     R"("t":9,"k":"role","n":3,"role":"leader")"});
  const TraceDiff d = diff_runs(a.view(), b.view());
  CHECK(d.divergence == TraceDiff::Divergence::Event);
  CHECK(d.first == 1);
  CHECK(d.divergence_us() == 5);
  CHECK(d.fields == "k, n, type");  // same "i" and "t"
  // The send and the timer pair up although their indices differ; the role events do not.
  CHECK(d.unmatched_a == std::vector<uint32_t>{3});
  CHECK(d.unmatched_b == std::vector<uint32_t>{1, 4});
  CHECK(divergence_text(d) == "first divergence: event #1 at 5us, differs in: k, n, type");
  REQUIRE(d.a.leaders.size() == 1);
  CHECK(d.a.leaders[0].node == 2);
  CHECK(d.b.leaders[0].node == 3);
}

TEST_CASE("trace diff: a run that is a prefix of the other") {
  const Run a = run(
      {R"("t":0,"k":"start","n":1)", R"("t":4,"k":"timer","n":1)", R"("t":8,"k":"timer","n":1)"});
  Run b = run({R"("t":0,"k":"start","n":1)"});
  b.has_footer = false;
  const TraceDiff d = diff_runs(a.view(), b.view());
  CHECK(d.divergence == TraceDiff::Divergence::Prefix);
  CHECK(d.a_longer);
  CHECK(d.first == 1);
  CHECK(d.divergence_us() == 4);
  CHECK(d.unmatched_a == std::vector<uint32_t>{1, 2});
  CHECK(d.unmatched_b.empty());
  CHECK(divergence_text(d) == "first divergence: event #1 at 4us, B ends after 1 events");
  CHECK(d.b.damage.empty());  // no footer: unknown
}

TEST_CASE("trace diff: equal lines at one instant pair in order, the extra one is unmatched") {
  const Run a = run(
      {R"("t":3,"k":"timer","n":1)", R"("t":3,"k":"timer","n":1)", R"("t":3,"k":"timer","n":2)"});
  const Run b = run({R"("t":3,"k":"timer","n":2)", R"("t":3,"k":"timer","n":1)"});
  const TraceDiff d = diff_runs(a.view(), b.view());
  CHECK(d.first == 0);
  CHECK(d.unmatched_a.size() == 1);  // one of A's two n1 timers
  CHECK(d.unmatched_b.empty());
}

TEST_CASE("trace diff: the same events with different footers") {
  const Run a =
      run({R"("t":0,"k":"start","n":1)"}, R"({"footer":true,"end_us":10,"violations":[]})");
  const Run b = run({R"("t":0,"k":"start","n":1)"},
                    R"({"footer":true,"end_us":20,"violations":[{"checker":"x"}]})");
  const TraceDiff d = diff_runs(a.view(), b.view());
  CHECK(d.divergence == TraceDiff::Divergence::Footer);
  CHECK(d.fields == "end_us, violations");
  CHECK(d.unmatched_a.empty());
  CHECK(d.b.end_us == 20);
  CHECK(d.b.damage.at("violations") == 1);
}

TEST_CASE("trace diff: facts handed over are used instead of reading the lines again") {
  const Run a = run({R"("t":0,"k":"start","n":1)", R"("t":5,"k":"send","n":1,"type":"Ping")"});
  DiffRun with = a.view();
  with.facts = {EventFacts{0, 1, 0, "start", "", ""}, EventFacts{5, 1, 0, "send", "", "Pong"}};
  const TraceDiff d = diff_runs(with, a.view());
  CHECK(d.a.sent_by_type.count("Pong") == 1);
  CHECK(d.b.sent_by_type.count("Ping") == 1);
  // Facts of the wrong length are ignored.
  with.facts.pop_back();
  CHECK(diff_runs(with, a.view()).a.sent_by_type.count("Ping") == 1);
}
