// Node sets in partition groups and link cuts (sim/kernel/node_set.h): names, ranges, "majority"
// and "minority", and selectors resolved when the fault fires, so that a scenario keeps its meaning
// under --set nodes=N.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sim/api/input_error.h"
#include "sim/kernel/node_set.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/probe.h"

using namespace ballot;
using namespace ballot::test;

namespace {

using Sets = std::vector<std::vector<NodeId>>;
using Fill = NodeSetSpec::Fill;

NodeSetSpec fixed(std::vector<NodeId> nodes) {
  NodeSetSpec s;
  s.nodes = std::move(nodes);
  return s;
}
NodeSetSpec fill(Fill f, std::vector<Selector> selectors = {}) {
  NodeSetSpec s;
  s.fill = f;
  s.selectors = std::move(selectors);
  return s;
}
NodeSetSpec select(std::vector<Selector> selectors) {
  return fill(Fill::None, std::move(selectors));
}

ClusterView view(int32_t n, NodeId leader) {
  ClusterView v;
  v.n = n;
  v.leader = leader;
  v.follower.assign(static_cast<size_t>(n), true);
  if (leader != kNoNode) v.follower[static_cast<size_t>(leader)] = false;
  return v;
}

Sets resolve(const std::vector<NodeSetSpec>& sets, const ClusterView& v, uint64_t seed = 7) {
  Rng rng(seed);
  return resolve_node_sets(sets, v, rng);
}

// The partition groups a scenario's first fault resolves to when read.
Sets groups_of(const std::string& groups_json, int nodes) {
  const Scenario s = parse_scenario(
      R"({"nodes": )" + std::to_string(nodes) +
          R"(, "faults": [{"at": "1s", "kind": "partition", "groups": )" + groups_json + "}]}",
      "test.json");
  REQUIRE(s.faults.size() == 1);
  return s.faults[0].groups;
}

void require_error(const std::string& fault_json, const std::string& path,
                   const std::string& phrase) {
  const std::string text = R"({"nodes": 5, "faults": [)" + fault_json + "]}";
  INFO("input: " << text);
  try {
    parse_scenario(text, "test.json");
    FAIL("parsed without an error; expected " << path << ": " << phrase);
  } catch (const InputError& e) {
    INFO("got " << e.path() << ": " << e.what());
    CHECK(e.path() == path);
    CHECK(std::string(e.what()).find(phrase) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("node sets: fixed nodes stay as named", "[node_set]") {
  CHECK(resolve({fixed({0, 1}), fixed({4})}, view(5, 2)) == Sets{{0, 1}, {4}});
}

TEST_CASE("node sets: majority and minority scale with the cluster", "[node_set]") {
  CHECK(resolve({fill(Fill::Majority), fill(Fill::Minority)}, view(5, kNoNode)) ==
        Sets{{0, 1, 2}, {3, 4}});
  CHECK(resolve({fill(Fill::Minority), fill(Fill::Majority)}, view(7, kNoNode)) ==
        Sets{{4, 5, 6}, {0, 1, 2, 3}});
  // A fill tops up around what is already named elsewhere.
  CHECK(resolve({fixed({0}), fill(Fill::Majority)}, view(5, kNoNode)) == Sets{{0}, {1, 2, 3}});
  CHECK(majority_size(4) == 3);
  CHECK(minority_size(4) == 1);
  CHECK(minority_size(1) == 0);
}

TEST_CASE("node sets: the leader on the minority side, at any size", "[node_set]") {
  const std::vector<NodeSetSpec> sets = {fill(Fill::Minority, {Selector::Leader})};
  CHECK(resolve(sets, view(5, 1)) == Sets{{1, 4}});
  CHECK(resolve(sets, view(7, 1)) == Sets{{1, 5, 6}});
  CHECK(resolve(sets, view(7, 6)) == Sets{{4, 5, 6}});
  // No leader: the set is just a minority.
  CHECK(resolve(sets, view(5, kNoNode)) == Sets{{3, 4}});
}

TEST_CASE("node sets: a selector takes its node from another set's fixed part", "[node_set]") {
  CHECK(resolve({select({Selector::Leader}), fixed({0, 1})}, view(3, 0)) == Sets{{0}, {1}});
  // The other set may end up empty.
  CHECK(resolve({select({Selector::Leader}), fixed({2})}, view(3, 2)) == Sets{{2}, {}});
}

TEST_CASE("node sets: random selectors are drawn from the seed and avoid taken nodes",
          "[node_set]") {
  const std::vector<NodeSetSpec> sets = {select({Selector::Leader}),
                                         select({Selector::RandomFollower})};
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    const Sets out = resolve(sets, view(5, 3), seed);
    CHECK(out[0] == std::vector<NodeId>{3});
    REQUIRE(out[1].size() == 1);
    CHECK(out[1][0] != 3);
    CHECK(resolve(sets, view(5, 3), seed) == out);  // same seed, same draw
  }
  // Every follower is drawn for some seed.
  std::vector<bool> seen(5, false);
  for (uint64_t seed = 1; seed <= 200; ++seed)
    seen[static_cast<size_t>(resolve(sets, view(5, 3), seed)[1][0])] = true;
  CHECK(seen == std::vector<bool>{true, true, true, false, true});

  const Sets majority = resolve({select({Selector::RandomMajority})}, view(7, kNoNode));
  CHECK(majority[0].size() == 4);
  CHECK(std::is_sorted(majority[0].begin(), majority[0].end()));
}

TEST_CASE("node sets: one draw per single pick whatever the outcome", "[node_set]") {
  // With no follower left, random_follower still consumes its draw, so what is drawn after it
  // does not depend on who leads.
  ClusterView none = view(2, kNoNode);
  none.follower = {false, false};
  Rng a(11), b(11);
  CHECK(resolve_node_sets({select({Selector::RandomFollower})}, none, a) == Sets{{}});
  resolve_node_sets({select({Selector::RandomFollower})}, view(2, kNoNode), b);
  CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("scenario groups: ranges and fractions are resolved when read", "[node_set][scenario]") {
  CHECK(groups_of(R"(["majority", "minority"])", 5) == Sets{{0, 1, 2}, {3, 4}});
  CHECK(groups_of(R"(["majority", "minority"])", 7) == Sets{{0, 1, 2, 3}, {4, 5, 6}});
  CHECK(groups_of(R"([["n1..n2"], ["n3", "n5"]])", 5) == Sets{{0, 1}, {2, 4}});
  CHECK(groups_of(R"(["n2..n4"])", 5) == Sets{{1, 2, 3}});
  // The old form is unchanged.
  CHECK(groups_of(R"([["n4", "n5"], ["n1", "n2", "n3"]])", 5) == Sets{{3, 4}, {0, 1, 2}});
}

TEST_CASE("scenario groups and link cuts: selectors wait for the fault", "[node_set][scenario]") {
  const Scenario s = parse_scenario(R"({"nodes": 5, "faults": [
      {"at": "1s", "kind": "partition", "groups": [["leader", "minority"]]},
      {"at": "2s", "kind": "link_cut", "from": "leader", "to": ["majority"], "both": true},
      {"at": "3s", "kind": "link_cut", "from": "n1..n2", "to": "n5"}]})",
                                    "test.json");
  REQUIRE(s.faults.size() == 3);
  CHECK(s.faults[0].groups.empty());
  REQUIRE(s.faults[0].group_sets.size() == 1);
  CHECK(s.faults[0].group_sets[0].selectors == std::vector<Selector>{Selector::Leader});
  CHECK(s.faults[1].link_set_form);
  CHECK(s.faults[1].link_sets.size() == 2);
  CHECK(s.faults[2].link_set_form);
  CHECK(s.faults[2].from_nodes == std::vector<NodeId>{0, 1});
  CHECK(s.faults[2].to_nodes == std::vector<NodeId>{4});
}

TEST_CASE("scenario node sets: bad input names the element", "[node_set][scenario]") {
  const std::string p = R"({"at": "1s", "kind": "partition", "groups": )";
  require_error(p + R"([["n3..n1"]]})", "faults[0].groups[0][0]", "runs backwards");
  require_error(p + R"([["n4..n6"]]})", "faults[0].groups[0][0]", "goes past the last node");
  require_error(p + R"(["majority", "majority"]})", "faults[0].groups[1]",
                "two \"majority\" sets cannot be disjoint");
  require_error(p + R"([["majority", "minority"]]})", "faults[0].groups[0][1]",
                "at most one of \"majority\" and \"minority\"");
  require_error(p + R"([["leader", "leader"]]})", "faults[0].groups[0][1]", "listed twice");
  require_error(p + R"([["n1..n3"], ["n2"]]})", "faults[0].groups[1][0]",
                "node 'n2' is already in faults[0].groups[0]: groups must be disjoint");
  require_error(p + R"([["n1"], []]})", "faults[0].groups[1]", "got an empty list");
  require_error(p + R"([["most"]]})", "faults[0].groups[0][0]", "a range like \"n1..n3\"");
  require_error(R"({"at": "1s", "kind": "link_cut", "from": "n1..n3", "to": ["n3"]})",
                "faults[0].to", "node 'n3' is already in faults[0].from");
  require_error(R"({"at": "1s", "kind": "link_cut", "from": "n2", "to": "n2"})", "faults[0].to",
                "from and to are the same node");
  // Flaps and drops still take single nodes.
  require_error(R"({"at": "1s", "kind": "flap", "from": "leader", "to": "n2", "period": "1s"})",
                "faults[0].from", "the selector 'leader' is not allowed here");
}

TEST_CASE("a partition with the leader on the minority side cuts it off at any size",
          "[node_set][faults]") {
  // The probe's n1 reports itself leader; ["leader", "minority"] is {n1, n5} at 5 nodes and
  // {n1, n6, n7} at 7: n1 then reaches n5 (or n7) and not n2.
  for (int nodes : {5, 7}) {
    ProbeLog log;
    const Scenario scenario =
        parse_scenario(R"({"nodes": )" + std::to_string(nodes) + R"(, "duration": "3s",
          "network": {"latency": {"dist": "constant", "value": "10ms"}},
          "faults": [{"at": "1s", "duration": "1s", "kind": "partition",
                      "groups": [["leader", "minority"]]}]})",
                       "test.json");
    Simulator sim(scenario, probe_factory(log, {}), true);
    LogClock clock(log);
    sim.watch(&clock);
    sim.run();
    auto count = [&log](NodeId to, NodeId from) {
      return std::count_if(log.deliveries.begin(), log.deliveries.end(), [&](const auto& d) {
        return d.to == to && d.from == from && d.at_us >= 1010 * kMillisecond_us &&
               d.at_us < 2000 * kMillisecond_us;
      });
    };
    INFO(nodes << " nodes");
    CHECK(count(nodes - 1, 0) > 0);  // the last node is on the leader's side
    CHECK(count(1, 0) == 0);         // n2 is on the majority side
    CHECK(count(0, 1) == 0);
    CHECK(count(2, 1) > 0);
  }
}
