// The pure parts of fault injection: fault shapes (which links a fault cuts, whose messages it
// slows) and the nemesis's schedule generator, called directly without a run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "sim/api/rng.h"
#include "sim/kernel/fault_shapes.h"
#include "sim/kernel/nemesis.h"

using namespace ballot;

namespace {

std::set<Link> as_set(const Links& links) {
  return {links.begin(), links.end()};
}

// What node `a` still hears from (itself included) when `links` are cut.
std::set<NodeId> sees(int32_t n, NodeId a, const Links& links) {
  std::set<NodeId> out;
  for (NodeId b = 0; b < n; ++b)
    if (std::find(links.begin(), links.end(), Link{b, a}) == links.end()) out.insert(b);
  return out;
}

}  // namespace

TEST_CASE("cut_groups cuts every pair in different groups and nodes in no group form one more") {
  const Links links = cut_groups(5, {{0, 1}, {2, 3}});
  CHECK(links.size() == 16);  // 20 ordered pairs, minus 0-1 and 2-3 both ways
  CHECK(as_set(links).size() == links.size());
  CHECK(as_set(links).count({0, 1}) == 0);
  CHECK(as_set(links).count({3, 2}) == 0);
  CHECK(as_set(links).count({0, 4}) == 1);
  CHECK(as_set(links).count({4, 2}) == 1);
  CHECK(cut_groups(3, {{0, 1, 2}}).empty());
}

TEST_CASE("isolate cuts the nodes from every other node both ways and not from each other") {
  CHECK(as_set(isolate(3, {0})) == std::set<Link>{{0, 1}, {1, 0}, {0, 2}, {2, 0}});
  const Links two = isolate(4, {0, 1});
  CHECK(two.size() == 8);
  CHECK(as_set(two).count({0, 1}) == 0);
}

TEST_CASE("link_cut is one way unless both and never cuts a node from itself") {
  CHECK(link_cut(0, 1, false) == Links{{0, 1}});
  CHECK(link_cut(0, 1, true) == Links{{0, 1}, {1, 0}});
  CHECK(link_cut(2, 2, true).empty());
}

TEST_CASE("link_cut_sets cuts every link from one set to the other") {
  CHECK(link_cut_sets({0, 1}, {2}, false) == Links{{0, 2}, {1, 2}});
  CHECK(as_set(link_cut_sets({0}, {1, 2}, true)) == std::set<Link>{{0, 1}, {1, 0}, {0, 2}, {2, 0}});
  FaultSpec f;
  f.kind = FaultKind::LinkCut;
  f.link_set_form = true;
  f.from_nodes = {3, 4};
  f.to_nodes = {0};
  CHECK(links_cut(5, f) == Links{{3, 0}, {4, 0}});
}

TEST_CASE("bridge splits two halves that both see the middle node") {
  const Links links = bridge({4, 3, 2, 1, 0});
  CHECK(links.size() == 8);
  for (const auto& [a, b] : links) {
    CHECK(a != 2);
    CHECK(b != 2);
  }
  CHECK(sees(5, 2, links).size() == 5);  // the bridge node sees everyone
  CHECK(sees(5, 4, links) == std::set<NodeId>{4, 3, 2});
}

TEST_CASE("majorities_ring gives each node a majority and no two nodes the same one") {
  for (int32_t n : {3, 4, 5, 6, 7, 9}) {
    std::vector<NodeId> order;
    for (NodeId i = n - 1; i >= 0; --i) order.push_back(i);
    const Links links = majorities_ring(order);
    std::set<std::set<NodeId>> views;
    for (NodeId a = 0; a < n; ++a) {
      const std::set<NodeId> v = sees(n, a, links);
      CHECK(static_cast<int32_t>(v.size()) * 2 > n);
      views.insert(v);
    }
    if (n >= 5) CHECK(static_cast<int32_t>(views.size()) == n);
  }
}

TEST_CASE("links_cut follows the kind and extra_targets names whom a spike or slow node hits") {
  FaultSpec f;
  f.kind = FaultKind::Crash;
  f.nodes = {0};
  CHECK(links_cut(3, f).empty());
  CHECK(extra_targets(f).empty());
  f.kind = FaultKind::Isolate;
  CHECK(links_cut(3, f) == isolate(3, {0}));
  f.kind = FaultKind::Flap;
  f.from = 1;
  f.to = 2;
  CHECK(links_cut(3, f) == Links{{1, 2}, {2, 1}});
  f.kind = FaultKind::SlowNode;
  CHECK(extra_targets(f) == std::vector<NodeId>{0});
  f.kind = FaultKind::DelaySpike;
  f.nodes.clear();
  CHECK(extra_targets(f) == std::vector<NodeId>{kNoNode});  // every message
  f.kind = FaultKind::LossBurst;
  f.nodes = {2};
  CHECK(extra_targets(f) == std::vector<NodeId>{2});
}

TEST_CASE("shuffled_nodes is a permutation that depends only on the stream") {
  Rng a(7), b(7);
  const std::vector<NodeId> x = shuffled_nodes(9, a), y = shuffled_nodes(9, b);
  CHECK(x == y);
  std::vector<NodeId> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<NodeId>{0, 1, 2, 3, 4, 5, 6, 7, 8});
}

namespace {

NemesisSpec nemesis_spec() {
  NemesisSpec spec;
  spec.enabled = true;
  spec.kinds = {FaultKind::Partition, FaultKind::Crash, FaultKind::Flap, FaultKind::ClockJump};
  spec.start_us = kSecond_us;
  spec.stop_us = 20 * kSecond_us;
  spec.mean_interval_us = 500 * kMillisecond_us;
  return spec;
}

std::vector<FaultSpec> draw_all(NemesisSchedule& schedule) {
  std::vector<FaultSpec> out;
  while (auto f = schedule.next()) out.push_back(*f);
  return out;
}

}  // namespace

TEST_CASE("the nemesis schedule is the same for the same stream and stays within its spec") {
  const NemesisSpec spec = nemesis_spec();
  NemesisSchedule one(spec, 30 * kSecond_us, 5, Rng(3).substream("faults"));
  NemesisSchedule two(spec, 30 * kSecond_us, 5, Rng(3).substream("faults"));
  const std::vector<FaultSpec> a = draw_all(one), b = draw_all(two);
  REQUIRE(a.size() > 10);
  REQUIRE(a.size() == b.size());
  Time_us last_us = spec.start_us;
  std::set<FaultKind> kinds;
  for (size_t i = 0; i < a.size(); ++i) {
    const FaultSpec& f = a[i];
    CHECK(f.at_us == b[i].at_us);
    CHECK(f.kind == b[i].kind);
    CHECK(f.nodes == b[i].nodes);
    CHECK(f.groups == b[i].groups);
    CHECK(f.at_us > last_us);
    CHECK(f.at_us < spec.stop_us);
    CHECK(f.duration_us >= spec.duration_min_us);
    CHECK(f.duration_us <= spec.duration_max_us);
    CHECK(f.path == "nemesis");
    CHECK(std::find(spec.kinds.begin(), spec.kinds.end(), f.kind) != spec.kinds.end());
    kinds.insert(f.kind);
    last_us = f.at_us;
  }
  CHECK(kinds.size() == spec.kinds.size());
  CHECK_FALSE(one.next().has_value());  // exhausted stays exhausted
}

TEST_CASE("the nemesis stops at the end of the run and draws nothing when disabled") {
  NemesisSpec spec = nemesis_spec();
  NemesisSchedule short_run(spec, 3 * kSecond_us, 5, Rng(3).substream("faults"));
  for (const FaultSpec& f : draw_all(short_run)) CHECK(f.at_us < 3 * kSecond_us);
  spec.enabled = false;
  NemesisSchedule off(spec, 30 * kSecond_us, 5, Rng(3).substream("faults"));
  CHECK_FALSE(off.next().has_value());
}

TEST_CASE("nemesis targets are valid for each kind") {
  Rng rng(11);
  for (int round = 0; round < 50; ++round) {
    FaultSpec p;
    p.kind = FaultKind::Partition;
    draw_targets(5, rng, p);
    REQUIRE(p.groups.size() == 2);
    CHECK(p.groups[0].size() >= 1);
    CHECK(p.groups[0].size() <= 2);  // a minority
    CHECK(p.groups[0].size() + p.groups[1].size() == 5);
    FaultSpec c;
    c.kind = FaultKind::Flap;
    draw_targets(5, rng, c);
    CHECK(c.from != c.to);
    CHECK(c.from >= 0);
    CHECK(c.to < 5);
    CHECK(c.period_us >= 50 * kMillisecond_us);
    FaultSpec k;
    k.kind = FaultKind::Crash;
    draw_targets(5, rng, k);
    REQUIRE(k.nodes.size() == 1);
    CHECK(k.nodes[0] < 5);
  }
}
