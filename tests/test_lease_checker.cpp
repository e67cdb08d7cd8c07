// The fencing checker on hand-made fact sequences: where it must report a violation and where it
// must not.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "algorithms/lease/checker.h"
#include "algorithms/lease/messages.h"

using namespace ballot;
using namespace ballot::lease;

namespace {

struct Op {
  int64_t token;
  bool write;
  bool accepted;
  bool fencing = true;
};

// Feeds the storage facts in order (as the lock node n1 would record them) and returns the checker.
FencingChecker check(const std::vector<Op>& ops) {
  FencingChecker checker;
  uint64_t index = 0;
  for (const Op& op : ops) {
    StorageFact fact;
    fact.from = static_cast<NodeId>(op.token % 3 + 1);
    fact.token = op.token;
    fact.write = op.write;
    fact.accepted = op.accepted;
    fact.fencing = op.fencing;
    fact.key = "k";
    TraceEvent ev;
    ev.index = index++;
    ev.time_us = static_cast<Time_us>(ev.index) * 1000;
    ev.kind = EventKind::Record;
    ev.node = 0;
    ev.payload = &fact;
    checker.on_event(ev);
  }
  return checker;
}

int64_t metric(const FencingChecker& checker, const std::string& name) {
  std::map<std::string, int64_t> metrics;
  checker.add_metrics(metrics);
  return metrics.at(name);
}

}  // namespace

TEST_CASE("Fencing checker: increasing or equal tokens are fine", "[lease][checker]") {
  const FencingChecker c =
      check({{1, true, true}, {1, true, true}, {2, false, true}, {2, true, true}, {5, true, true}});
  CHECK(c.violations().empty());
  CHECK(metric(c, "fencing_stale_writes_accepted") == 0);
}

TEST_CASE("Fencing checker: a stale write accepted with fencing on is a violation",
          "[lease][checker]") {
  const FencingChecker c = check({{1, true, true}, {2, true, true}, {1, true, true}});
  REQUIRE(c.violations().size() == 1);
  const Violation& v = c.violations()[0];
  CHECK(v.checker == "fencing_respected");
  CHECK(v.event_index == 2);
  CHECK(v.message.find("token 1 after accepting token 2") != std::string::npos);
  CHECK(v.message.find("although fencing is on") != std::string::npos);
  CHECK(c.stale_accepted_fenced() == 1);
  CHECK(metric(c, "fencing_stale_writes_accepted") == 1);
}

TEST_CASE("Fencing checker: a load raises the bar for later writes", "[lease][checker]") {
  // The successor's load (not a write) carries token 2; the old holder's write after it is stale.
  const FencingChecker c = check({{1, true, true}, {2, false, true}, {1, true, true}});
  REQUIRE(c.violations().size() == 1);
  CHECK(c.violations()[0].event_index == 2);
}

TEST_CASE("Fencing checker: with fencing off, stale writes are reported as the damage",
          "[lease][checker]") {
  const FencingChecker c = check({{1, true, true, false},
                                  {2, true, true, false},
                                  {1, true, true, false},
                                  {1, true, true, false}});
  REQUIRE(c.violations().size() == 2);
  CHECK(c.violations()[0].message.find("fencing is off") != std::string::npos);
  CHECK(c.stale_accepted_unfenced() == 2);
  CHECK(c.stale_accepted_fenced() == 0);
  CHECK(metric(c, "fencing_stale_writes_accepted") == 2);
}

TEST_CASE("Fencing checker: refused operations and stale reads are not violations",
          "[lease][checker]") {
  const FencingChecker c =
      check({{3, true, true}, {1, true, false}, {2, true, false}, {2, false, true, false}});
  CHECK(c.violations().empty());
  CHECK(c.rejected() == 2);
  CHECK(metric(c, "fencing_rejected_ops") == 2);
}
