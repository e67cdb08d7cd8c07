// Damage counters on hand-built runs with known answers: duplicate and missed job periods,
// duplicate ids, lost acknowledged writes.
#include <catch2/catch.hpp>

#include "cli/runner.h"
#include "sim/kernel/observers.h"
#include "sim/lincheck/lincheck.h"

using namespace ballot;

namespace {
TraceEvent duty(EventKind kind, NodeId node, uint64_t value) {
  TraceEvent ev;
  ev.kind = kind;
  ev.node = node;
  ev.tag = value;
  return ev;
}

lin::Op op(lin::OpKind kind, const std::string& key, std::optional<std::string> value, int64_t call,
           int64_t ret, lin::Outcome outcome = lin::Outcome::Ok) {
  lin::Op o;
  o.kind = kind;
  o.key = key;
  o.value = std::move(value);
  o.call = call;
  o.ret = ret;
  o.outcome = outcome;
  return o;
}
}  // namespace

TEST_CASE("job periods run twice or never are counted", "[damage]") {
  // Period 100 µs from 0 to 500 µs: periods 0..4 are due.
  DamageObserver d(100, 0, 0);
  for (auto [node, period] :
       std::vector<std::pair<NodeId, uint64_t>>{{0, 0}, {0, 1}, {1, 1}, {2, 1}, {0, 3}})
    d.on_event(duty(EventKind::Job, node, period));
  d.on_finish(500);
  std::map<std::string, int64_t> m;
  d.add_metrics(m);
  CHECK(m.at("job_runs") == 5);
  CHECK(m.at("job_duplicates") == 2);    // period 1 ran three times
  CHECK(m.at("job_missed") == 2);        // periods 2 and 4
  CHECK(m.count("id_duplicates") == 0);  // ids not enabled: not measured
}

TEST_CASE("job lateness per period and late runs", "[damage]") {
  // Period 100 us from 1000 us: slot of period k is 1000 + 100k. Periods 0..2 run on time (+5),
  // period 3 runs 150 late, periods 4 and 5 run in one burst at 1900 (500 and 400 late), and
  // period 5 runs again at 1905 (a duplicate, late too). A run before its slot is 0 late.
  DamageObserver d(100, 0, 1000);
  auto run = [&d](Time_us t, uint64_t period) {
    TraceEvent ev = duty(EventKind::Job, 0, period);
    ev.time_us = t;
    d.on_event(ev);
  };
  run(1005, 0);
  run(1105, 1);
  run(1195, 2);  // 5 early
  run(1450, 3);
  run(1900, 4);
  run(1900, 5);
  run(1905, 5);
  d.on_finish(2000);
  std::map<std::string, int64_t> m;
  d.add_metrics(m);
  CHECK(m.at("job_late_runs") == 4);  // 150, 500, 400 and 405 are more than one period late
  CHECK(m.at("job_missed") == 4);     // periods 6..9 of the 10 due
  CHECK(m.at("job_duplicates") == 1);
  // Per period (first runs): 5, 5, 0, 150, 500, 400 -> sorted 0 5 5 150 400 500.
  CHECK(m.at("job_lateness_p50_us") == 5);
  CHECK(m.at("job_lateness_p99_us") == 500);
  CHECK(m.at("job_lateness_max_us") == 500);
}

TEST_CASE("ids handed out twice are counted", "[damage]") {
  DamageObserver d(0, 100, 0);
  for (uint64_t id : {1, 2, 2, 2, 3}) d.on_event(duty(EventKind::Id, 0, id));
  d.on_finish(1000);
  std::map<std::string, int64_t> m;
  d.add_metrics(m);
  CHECK(m.at("ids_issued") == 5);
  CHECK(m.at("id_duplicates") == 2);
  CHECK(m.count("job_runs") == 0);
}

TEST_CASE("lost writes: acknowledged appends missing from a later read", "[damage]") {
  using lin::OpKind;
  lin::History h;
  h.ops.push_back(op(OpKind::Append, "k", "x1;", 0, 10));
  h.ops.push_back(op(OpKind::Append, "k", "x2;", 5, 20));
  h.ops.push_back(op(OpKind::Append, "k", "x3;", 50, 200));  // still running at the read
  h.ops.push_back(op(OpKind::Append, "k", "x4;", 0, INT64_MAX, lin::Outcome::Info));  // unknown
  h.ops.push_back(op(OpKind::Get, "k", "x1;", 100, 110));
  CHECK(count_lost_writes(h) == 1);  // x2 was acknowledged before the read began, and is gone
  // The latest read decides: one that has everything means nothing was lost.
  h.ops.push_back(op(OpKind::Get, "k", "x1;x2;x3;", 300, 310));
  CHECK(count_lost_writes(h) == 0);
  // A put on the key may overwrite tokens legitimately: the key is not judged.
  h.ops.push_back(op(OpKind::Get, "k", "", 400, 410));
  CHECK(count_lost_writes(h) == 3);
  h.ops.push_back(op(OpKind::Put, "k", "", 350, 360));
  CHECK(count_lost_writes(h) == 0);
}

TEST_CASE("lost writes: puts are judged by what may have followed them", "[damage]") {
  using lin::OpKind;
  using lin::Outcome;
  auto lost = [](std::vector<lin::Op> ops) {
    lin::History h;
    h.ops = std::move(ops);
    return count_lost_writes(h);
  };
  // Must report: the read after the put shows a value nobody wrote.
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10), op(OpKind::Get, "k", "b", 20, 30)}) == 1);
  // Must report: the read shows a put that ended before this one began.
  CHECK(lost({op(OpKind::Put, "k", "b", 0, 5), op(OpKind::Put, "k", "a", 10, 20),
              op(OpKind::Get, "k", "b", 30, 40)}) == 1);
  // Must report: the value read belongs to a put that failed (it never took effect).
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10), op(OpKind::Put, "k", "b", 12, 18, Outcome::Fail),
              op(OpKind::Get, "k", "b", 30, 40)}) == 1);
  // Must report: a put that began only after the read ended cannot explain it.
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10), op(OpKind::Get, "k", "b", 20, 30),
              op(OpKind::Put, "k", "b", 40, 50)}) == 1);
  // Must report: the put's value is not where the read begins, though its append is there.
  CHECK(lost({op(OpKind::Put, "k", "a;", 0, 10), op(OpKind::Append, "k", "t;", 12, 18),
              op(OpKind::Get, "k", "t;", 30, 40)}) == 1);
  // Not lost: the read shows the put, with an append after it.
  CHECK(lost({op(OpKind::Put, "k", "a;", 0, 10), op(OpKind::Append, "k", "t;", 12, 18),
              op(OpKind::Get, "k", "a;t;", 30, 40)}) == 0);
  // Not lost: a later put (ok, or of unknown outcome) overwrote it.
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10), op(OpKind::Put, "k", "b", 12, 18),
              op(OpKind::Get, "k", "b", 30, 40)}) == 0);
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10),
              op(OpKind::Put, "k", "b", 5, INT64_MAX, Outcome::Info),
              op(OpKind::Get, "k", "b", 30, 40)}) == 0);
  // Not lost: a concurrent put (it ended after this one began) may have come after it.
  CHECK(lost({op(OpKind::Put, "k", "b", 0, 8), op(OpKind::Put, "k", "a", 5, 10),
              op(OpKind::Get, "k", "b", 30, 40)}) == 0);
  // Not judged: the read began before the put returned.
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 25), op(OpKind::Get, "k", "b", 20, 30)}) == 0);
  // Other keys are independent.
  CHECK(lost({op(OpKind::Put, "k", "a", 0, 10), op(OpKind::Get, "j", "b", 20, 30)}) == 0);
}

TEST_CASE("lost writes: register writes and cas", "[damage]") {
  using lin::OpKind;
  using lin::Outcome;
  auto lost = [](std::vector<lin::Op> ops) {
    lin::History h;
    h.ops = std::move(ops);
    return count_lost_writes(h);
  };
  lin::Op nil_read = op(OpKind::Read, "", std::nullopt, 20, 30);
  // Must report: nothing deletes, yet the read after the write sees nil.
  CHECK(lost({op(OpKind::Write, "", "1", 0, 10), nil_read}) == 1);
  // Must report: the write and the cas after it both vanish behind a value nobody wrote.
  lin::Op cas = op(OpKind::Cas, "", "2", 12, 18);
  cas.expected = "1";
  CHECK(lost({op(OpKind::Write, "", "1", 0, 10), cas, op(OpKind::Read, "", "3", 30, 40)}) == 2);
  // Not lost: the cas wrote over the write, and the read shows the cas.
  CHECK(lost({op(OpKind::Write, "", "1", 0, 10), cas, op(OpKind::Read, "", "2", 30, 40)}) == 0);
  // A failed cas wrote nothing: it explains nothing and is not lost.
  lin::Op failed = cas;
  failed.outcome = Outcome::Fail;
  CHECK(lost({op(OpKind::Write, "", "1", 0, 10), failed, op(OpKind::Read, "", "2", 30, 40)}) == 1);
  CHECK(lost({op(OpKind::Write, "", "1", 0, 10), failed, op(OpKind::Read, "", "1", 30, 40)}) == 0);
}

TEST_CASE("Bully under a 3/2 partition: the checker finds the violation on every seed",
          "[damage][lincheck]") {
  // The split-brain lesson: two primaries acknowledge writes; the old primary's state wins at
  // the heal. The history must be judged not linearizable, and lost writes must be counted.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario s =
        load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json",
                      {"algorithm=\"bully\"", "seed=" + std::to_string(seed)});
    const RunReport r = run_scenario(s);
    INFO("seed " << seed);
    REQUIRE(r.checked_linearizability);
    CHECK_FALSE(r.lincheck_timed_out);
    CHECK_FALSE(r.linearizable);
    CHECK_FALSE(r.lincheck_failing_ops.empty());
    // The window is minimal on the simulator's histories too: its operations contradict each
    // other with every other operation relaxed, and relaxing any one of them resolves it.
    CHECK(r.lincheck_window_minimal);
    std::vector<size_t> window;
    for (uint64_t id : r.lincheck_failing_ops) window.push_back(id - 1);
    const lin::History& h = r.result.history;
    const lin::Model model = lin::infer_model(h);
    lin::CheckOptions decide_only;
    decide_only.max_window_steps = 0;
    CHECK_FALSE(lin::check(lin::relax_outside(h, window), model, decide_only).linearizable);
    for (size_t k = 0; k < window.size(); ++k) {
      std::vector<size_t> smaller = window;
      smaller.erase(smaller.begin() + static_cast<std::ptrdiff_t>(k));
      CHECK(lin::check(lin::relax_outside(h, smaller), model, decide_only).linearizable);
    }
    CHECK(r.result.metrics.at("lost_writes") > 0);
    CHECK(r.result.metrics.at("job_duplicates") > 0);
    CHECK(r.result.metrics.at("id_duplicates") > 0);
  }
}

TEST_CASE("Raft under the same faults: linearizable, nothing lost or duplicated", "[damage]") {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const Scenario s =
        load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json",
                      {"algorithm=\"raft\"", "seed=" + std::to_string(seed)});
    const RunReport r = run_scenario(s);
    INFO("seed " << seed);
    CHECK(r.linearizable);
    CHECK(r.result.violations.empty());
    CHECK(r.result.metrics.at("lost_writes") == 0);
    CHECK(r.result.metrics.at("job_duplicates") == 0);
    CHECK(r.result.metrics.at("id_duplicates") == 0);
    CHECK(r.result.metrics.at("ids_issued") > 20);
  }
}

TEST_CASE("lost writes are named by op id", "[damage]") {
  using lin::OpKind;
  lin::History h;
  h.ops.push_back(op(OpKind::Write, "", "1", 0, 10));     // #1: overwritten by #2, not lost
  h.ops.push_back(op(OpKind::Write, "", "2", 20, 30));    // #2: the read shows it
  h.ops.push_back(op(OpKind::Append, "k", "a;", 0, 10));  // #3: in the read
  h.ops.push_back(op(OpKind::Append, "k", "b;", 0, 10));  // #4: missing from the read: lost
  h.ops.push_back(op(OpKind::Read, "", "2", 40, 50));
  h.ops.push_back(op(OpKind::Get, "k", "a;", 40, 50));
  CHECK(find_lost_writes(h) == std::vector<uint64_t>{4});
  // Now the register read shows a value nobody wrote: neither write explains it, both are lost.
  h.ops[4].value = "7";
  CHECK(find_lost_writes(h) == std::vector<uint64_t>{1, 2, 4});
  CHECK(count_lost_writes(h) == 3);
}

TEST_CASE("duplicate job runs and ids name both runners with their epochs", "[damage]") {
  DamageObserver d(100, 100, 0);
  auto at = [&d](EventKind kind, NodeId node, uint64_t value, Time_us t) {
    TraceEvent ev = duty(kind, node, value);
    ev.time_us = t;
    d.on_event(ev);
  };
  TraceEvent role;
  role.kind = EventKind::Role;
  role.node = 0;
  role.epoch = 3;
  d.on_event(role);
  role.node = 2;
  role.epoch = 5;
  d.on_event(role);
  at(EventKind::Job, 0, 7, 700);
  at(EventKind::Job, 2, 7, 710);  // period 7 again, by n3 in epoch 5
  at(EventKind::Job, 2, 8, 800);
  at(EventKind::Id, 0, 42, 720);
  at(EventKind::Id, 2, 42, 730);
  at(EventKind::Id, 1, 42, 740);  // a third issue: a second duplicate; n2 never reported: epoch 0
  d.on_finish(1000);
  std::map<std::string, int64_t> m;
  d.add_metrics(m);
  REQUIRE(d.job_duplicate_runs().size() == 1);
  CHECK(m.at("job_duplicates") == 1);
  const Duplicate& job = d.job_duplicate_runs()[0];
  CHECK(job.what == 7);
  CHECK((job.first.node == 0 && job.first.epoch == 3 && job.first.time_us == 700));
  CHECK((job.again.node == 2 && job.again.epoch == 5 && job.again.time_us == 710));
  REQUIRE(d.id_duplicate_issues().size() == 2);
  CHECK(m.at("id_duplicates") == 2);
  CHECK(d.id_duplicate_issues()[0].again.node == 2);
  CHECK((d.id_duplicate_issues()[1].first.node == 0 && d.id_duplicate_issues()[1].again.node == 1 &&
         d.id_duplicate_issues()[1].again.epoch == 0));
}

// Bully under a 3|2 partition: n5 keeps leading the minority, n3 takes over the majority. After
// the heal n5 (the higher id) wins again and its state replaces n3's backups: every write n3
// acknowledged meanwhile is lost.
TEST_CASE("Bully's split brain: the majority's stand-in coordinator acknowledged the lost writes",
          "[damage]") {
  Scenario s = load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/split-brain-3-2.json");
  s.algorithm = "bully";
  const RunReport report = run_scenario(s);
  const RunResult& r = report.result;
  REQUIRE(!report.lost_write_ops.empty());
  CHECK(static_cast<int64_t>(report.lost_write_ops.size()) == r.metrics.at("lost_writes"));
  REQUIRE(!r.split_brains.empty());
  const SplitBrainInterval& sb = r.split_brains.front();
  for (uint64_t id : report.lost_write_ops) {
    const Occurrence& by = r.op_served.at(id - 1);
    CHECK(by.node == 2);  // n3
    CHECK(by.time_us >= sb.begin_us);
    CHECK(by.time_us <= sb.end_us);
    // Erased when n3, after the heal, took the state of n5 (the higher coordinator).
    auto erased = report.lost_write_erased.find(id);
    REQUIRE(erased != report.lost_write_erased.end());
    CHECK(erased->second.node == 2);
    CHECK(erased->second.from == 4);
    CHECK(erased->second.time_us >= sb.end_us);
    CHECK(erased->second.event < r.events);
  }
}
