// The leadership observer on hand-built event streams with known answers.
#include <catch2/catch.hpp>

#include "sim/kernel/observers.h"
#include "support/leadership_feed.h"

using namespace ballot;

namespace {
using Feed = testkit::LeadershipFeed;
}  // namespace

TEST_CASE("first leader, unavailability and downtime after a loss", "[observers]") {
  Feed f(3);
  f.lead(100, 0, 1);       // n1 leads but nobody follows yet: not acknowledged
  f.follow(150, 1, 0, 1);  // now 2 of 3 follow n1: acknowledged at 150
  f.follow(160, 2, 0, 1);
  f.send(1000, EventKind::Crash, 0);  // leader lost at 1000
  f.lead(1300, 1, 2);
  f.follow(1400, 2, 1, 2);  // n2 acknowledged at 1400: downtime 400
  const auto m = f.finish(2000);
  CHECK(m.at("first_leader_us") == 150);
  CHECK(m.at("belief_unavailable_us") == 150 + 400);
  CHECK(m.at("belief_downtime_max_us") == 400);
  CHECK(m.at("belief_leader_losses") == 1);
  CHECK(m.at("leader_changes") == 1);
  CHECK(m.at("final_leader") == 2);  // n2, 1-based
  CHECK(m.at("split_brain_us") == 0);
  CHECK(f.obs.violations().empty());
}

TEST_CASE("split brain: two believers at once, with their interval", "[observers]") {
  Feed f(5, false);
  f.lead(0, 4, 0);
  for (NodeId i = 0; i < 4; ++i) f.follow(1, i, 4, 0);
  f.lead(2000, 1, 0);  // n2 believes it leads too (minority side)
  f.follow(2001, 0, 1, 0);
  f.follow(6000, 1, 4, 0);  // n2 steps down at the heal
  const auto m = f.finish(10000);
  CHECK(m.at("split_brain_us") == 4000);
  CHECK(m.at("split_brain_intervals") == 1);
  REQUIRE(f.obs.split_brains().size() == 1);
  CHECK(f.obs.split_brains()[0].leaders == std::vector<NodeId>{1, 4});
  CHECK(m.at("leaders_at_end") == 1);
  CHECK(m.at("belief_unavailable_us") == 1);
}

TEST_CASE("two leaders in one epoch is a violation; in different epochs it is not", "[observers]") {
  Feed ok(3);
  ok.lead(0, 0, 1);
  ok.lead(10, 1, 2);
  ok.finish(100);
  CHECK(ok.obs.violations().empty());
  Feed bad(3);
  bad.lead(0, 0, 1);
  bad.lead(10, 1, 1);
  bad.finish(100);
  REQUIRE(bad.obs.violations().size() == 1);
  CHECK(bad.obs.violations()[0].checker == "one_leader_per_epoch");
  CHECK(bad.obs.violations()[0].nodes == std::vector<NodeId>{0, 1});
  // Without epochs (Bully) the same stream is not judged.
  Feed bully(3, false);
  bully.lead(0, 0, 1);
  bully.lead(10, 1, 1);
  bully.finish(100);
  CHECK(bully.obs.violations().empty());
}

TEST_CASE("a run that never elects is unavailable throughout", "[observers]") {
  Feed f(3);
  const auto m = f.finish(5000);
  CHECK(m.at("first_leader_us") == -1);
  CHECK(m.at("belief_unavailable_us") == 5000);
  CHECK(m.at("final_leader") == 0);
}
