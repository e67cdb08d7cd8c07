// The trace diff library (sim/tracediff/): first divergence, events without a counterpart on
// either side, identical runs, and the summary, on hand-made traces.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/tracediff/loose_diff.h"
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

// ---- the looser comparison of the viewer's marks (loose_diff.h) ----

TEST_CASE("loose diff: an event's content leaves out its index, time, message id and times") {
  const EventContent send = event_content(R"({"i":4,"t":10,"k":"send","n":1,"to":2,"id":7,)"
                                          R"("type":"Ping","msg":{"term":3,"sent_us":10}})");
  // Later, another index and message id, its sent_us as far from its time: the same content.
  const EventContent later = event_content(R"({"i":9,"t":25,"k":"send","n":1,"to":2,"id":12,)"
                                           R"("type":"Ping","msg":{"term":3,"sent_us":25}})");
  CHECK(send.key == later.key);
  CHECK(send.t == 10);
  CHECK(later.t == 25);
  CHECK_FALSE(send.caption);
  // A field of the message, the receiver, a sent_us at another distance: another content.
  CHECK(send.key != event_content(R"({"i":4,"t":10,"k":"send","n":1,"to":2,"id":7,)"
                                  R"("type":"Ping","msg":{"term":4,"sent_us":10}})")
                        .key);
  CHECK(send.key != event_content(R"({"i":4,"t":10,"k":"send","n":1,"to":3,"id":7,)"
                                  R"("type":"Ping","msg":{"term":3,"sent_us":10}})")
                        .key);
  CHECK(send.key != event_content(R"({"i":4,"t":10,"k":"send","n":1,"to":2,"id":7,)"
                                  R"("type":"Ping","msg":{"term":3,"sent_us":9}})")
                        .key);
  // A timer armed for the same span later is the same; for another span it is not.
  CHECK(event_content(R"({"i":1,"t":5,"k":"arm","n":2,"tag":1,"due":150})").key ==
        event_content(R"({"i":3,"t":8,"k":"arm","n":2,"tag":1,"due":153})").key);
  CHECK(event_content(R"({"i":1,"t":5,"k":"arm","n":2,"tag":1,"due":150})").key !=
        event_content(R"({"i":1,"t":5,"k":"arm","n":2,"tag":1,"due":151})").key);
  // `id` is a sequence number only for messages: the unique id an `id` event hands out counts.
  CHECK(event_content(R"({"i":1,"t":5,"k":"id","n":2,"id":40})").key !=
        event_content(R"({"i":1,"t":5,"k":"id","n":2,"id":41})").key);
  // So is an operation's number (numbered in invocation order): the rest of it counts.
  CHECK(event_content(R"({"i":1,"t":5,"k":"invoke","op":7,"client":2,"f":"append","key":"k0",)"
                      R"("value":"x9;","node":5})")
            .key == event_content(R"({"i":1,"t":5,"k":"invoke","op":8,"client":2,"f":"append",)"
                                  R"("key":"k0","value":"x9;","node":5})")
                        .key);
  CHECK(event_content(R"({"i":1,"t":5,"k":"return","op":7,"client":2,"f":"get","key":"k0",)"
                      R"("outcome":"ok","value":"x9;"})")
            .key != event_content(R"({"i":1,"t":5,"k":"return","op":7,"client":2,"f":"get",)"
                                  R"("key":"k0","outcome":"ok","value":"x8;"})")
                        .key);
  CHECK(event_content(R"({"i":1,"t":5,"k":"caption","text":"x"})").caption);
  // Whitespace between tokens does not count; a string's escapes and nested values do.
  const EventContent spaced =
      event_content(R"( { "i" : 4 , "t" : 10 , "k" : "send" , "n" : 1 , "to" : 2 , "id" : 7 ,)"
                    R"( "type" : "Ping" , "msg" : { "term" : 3 , "sent_us" : 10 } } )");
  CHECK(spaced.key == send.key);
  CHECK(spaced.t == 10);
  CHECK(event_content(R"({"i":1,"t":5,"k":"note","n":2,"text":"a"b"})").key !=
        event_content(R"({"i":1,"t":5,"k":"note","n":2,"text":"a"c"})").key);
  CHECK(event_content(R"({"i":1,"t":5,"k":"x","n":2,"l":[1,[2,3]]})").key !=
        event_content(R"({"i":1,"t":5,"k":"x","n":2,"l":[[1,2],3]})").key);
  // Not an object: the line as it is.
  CHECK(event_content("[1,2]").key != event_content("[1,3]").key);
}

TEST_CASE("loose diff: runs that differ only by a time shift have nothing unmatched") {
  // B does everything of A, from the election on 3 units later (the order across nodes changes,
  // and so do the message ids and the due times, by as much).
  const Run a = run({R"("t":0,"k":"start","n":1)", R"("t":0,"k":"start","n":2)",
                     R"("t":1,"k":"arm","n":1,"tag":1,"due":11)", R"("t":4,"k":"timer","n":2)",
                     R"("t":10,"k":"role","n":1,"role":"leader","epoch":1,"leader":1)",
                     R"("t":10,"k":"send","n":1,"to":2,"id":1,"type":"Hi","msg":{}})",
                     R"("t":12,"k":"deliver","n":2,"from":1,"id":1,"type":"Hi"})"});
  const Run b = run({R"("t":0,"k":"start","n":1)", R"("t":0,"k":"start","n":2)",
                     R"("t":4,"k":"arm","n":1,"tag":1,"due":14)", R"("t":4,"k":"timer","n":2)",
                     R"("t":13,"k":"role","n":1,"role":"leader","epoch":1,"leader":1)",
                     R"("t":13,"k":"send","n":1,"to":2,"id":5,"type":"Hi","msg":{}})",
                     R"("t":15,"k":"deliver","n":2,"from":1,"id":5,"type":"Hi"})"});
  const TraceDiff exact = diff_runs(a.view(), b.view());
  REQUIRE_FALSE(exact.unmatched_a.empty());  // the exact alignment pairs nothing after t=0
  const LooseDiff d = loose_diff(a.view(), b.view());
  CHECK(d.unmatched_a.empty());
  CHECK(d.unmatched_b.empty());
  CHECK_FALSE(d.has_divergence);
  CHECK(d.shifted == 4);
  CHECK(d.first_shifted_a == 2);
  CHECK(d.first_shifted_b_us == 4);
  CHECK(d.max_shift_us == 3);
  // B does them later: A's are late until then, B's never.
  REQUIRE(d.late_a.size() == 4);
  CHECK(d.late_a[0].event == 2);
  CHECK(d.late_a[0].counterpart_us == 4);
  CHECK(d.late_a[3].event == 6);
  CHECK(d.late_a[3].counterpart_us == 15);
  CHECK(d.late_b.empty());
  CHECK(loose_divergence_text(d, exact) ==
        "the same events, 4 of them at other times (the first: A's event #2 at 1us, B's #2 at "
        "4us)");
}

TEST_CASE("loose diff: one extra event among shifted copies of it is the one left out") {
  // Heartbeats every 10 in A; B's come 2 later and B has one more, at 27, between them.
  std::vector<std::string> ea, eb;
  for (int t = 10; t <= 60; t += 10) ea.push_back("\"t\":" + std::to_string(t) + R"(,"k":"hb")");
  for (int t = 12; t <= 62; t += 10) {
    eb.push_back("\"t\":" + std::to_string(t) + R"(,"k":"hb")");
    if (t == 22) eb.push_back(R"("t":27,"k":"hb")");
  }
  const Run a = run(ea), b = run(eb);
  const LooseDiff d = loose_diff(a.view(), b.view());
  CHECK(d.unmatched_a.empty());
  CHECK(d.unmatched_b == std::vector<uint32_t>{2});  // the one at 27, not the last one
  REQUIRE(d.has_divergence);
  CHECK_FALSE(d.divergence_in_a);
  CHECK(d.divergence_event == 2);
  CHECK(d.divergence_us == 27);
  CHECK(d.divergence_kind == "hb");
  CHECK(d.shifted == 6);
  CHECK(loose_divergence_text(d, diff_runs(a.view(), b.view())) ==
        "first divergence: B's event #2 (hb) at 27us has no counterpart in A");
}

TEST_CASE("loose diff: a genuinely different event is unmatched on both sides") {
  const Run a = run({R"("t":0,"k":"start","n":1)",
                     R"("t":9,"k":"role","n":2,"role":"leader","epoch":1,"leader":2)",
                     R"("t":20,"k":"timer","n":1)"});
  const Run b = run({R"("t":0,"k":"start","n":1)",
                     R"("t":11,"k":"role","n":3,"role":"leader","epoch":1,"leader":3)",
                     R"("t":21,"k":"timer","n":1)"});
  const LooseDiff d = loose_diff(a.view(), b.view());
  CHECK(d.unmatched_a == std::vector<uint32_t>{1});
  CHECK(d.unmatched_b == std::vector<uint32_t>{1});
  REQUIRE(d.has_divergence);
  CHECK(d.divergence_in_a);  // the earlier of the two
  CHECK(d.divergence_us == 9);
  CHECK(d.divergence_node == 2);
  CHECK(d.shifted == 1);  // the timer
  CHECK(loose_divergence_text(d, diff_runs(a.view(), b.view())) ==
        "first divergence: A's event #1 (role, n2) at 9us has no counterpart in B");
}

TEST_CASE("loose diff: captions are never unmatched nor the first divergence") {
  // Only B has captions, one of them where the exact alignment finds the first divergence.
  const Run a = run({R"("t":0,"k":"start","n":1)", R"("t":5,"k":"timer","n":1)"});
  const Run b = run({R"("t":0,"k":"start","n":1)", R"("t":2,"k":"caption","text":"Watch n1")",
                     R"("t":5,"k":"timer","n":1)", R"("t":6,"k":"caption","text":"Done")"});
  const TraceDiff exact = diff_runs(a.view(), b.view());
  CHECK(exact.divergence == TraceDiff::Divergence::Event);
  CHECK(exact.first == 1);
  const LooseDiff d = loose_diff(a.view(), b.view());
  CHECK(d.unmatched_a.empty());
  CHECK(d.unmatched_b.empty());
  CHECK_FALSE(d.has_divergence);
  CHECK(d.shifted == 0);
  CHECK(d.captions_b == 2);
  CHECK(loose_divergence_text(d, exact) ==
        "the same events at the same times (captions, message ids or the order within an "
        "instant differ)");
}

TEST_CASE("loose diff: counts that differ by more than the least-shift limit pair in order") {
  std::vector<std::string> ea, eb;
  const int extra = static_cast<int>(LooseDiff::kMaxSkips) + 1;
  for (int i = 0; i < 5; ++i) ea.push_back("\"t\":" + std::to_string(100 + i) + R"(,"k":"x")");
  for (int i = 0; i < 5 + extra; ++i) eb.push_back("\"t\":" + std::to_string(i) + R"(,"k":"x")");
  const Run a = run(ea), b = run(eb);
  const LooseDiff d = loose_diff(a.view(), b.view());
  CHECK(d.unmatched_a.empty());
  REQUIRE(d.unmatched_b.size() == static_cast<size_t>(extra));
  CHECK(d.unmatched_b.front() == 5);  // the k-th with the k-th: B's extra ones are its last
  CHECK(d.unmatched_b.back() == static_cast<uint32_t>(4 + extra));
  // One fewer extra: the least total shift leaves B's first ones out instead.
  eb.pop_back();
  const LooseDiff near = loose_diff(a.view(), run(eb).view());
  REQUIRE(near.unmatched_b.size() == static_cast<size_t>(extra - 1));
  CHECK(near.unmatched_b.front() == 0);
}
