// Sets of nodes as a scenario names them in partition groups and link-cut ends: fixed nodes
// (names like "n2", ranges like "n1..n3"), selectors resolved when the fault fires ("leader",
// "random_follower", ...), and a size to top the set up to ("majority", "minority"), so that a
// scenario keeps its meaning when `--set nodes=7` changes the cluster (docs/scenario-format.md).
// Pure functions: the kernel calls resolve_node_sets when the fault fires, with what it knows of
// the cluster at that moment; the tests call it directly.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/api/rng.h"

namespace ballot {

// Targets resolved when the fault fires (the nemesis and scripted faults both use these).
enum class Selector { None, Leader, RandomFollower, RandomMinority, RandomMajority, RandomNode };

struct NodeSetSpec {
  enum class Fill : uint8_t { None, Majority, Minority };
  std::vector<NodeId> nodes;        // fixed: named, or expanded from ranges
  std::vector<Selector> selectors;  // resolved when the fault fires, in order
  Fill fill = Fill::None;           // top up to a majority / minority of the cluster
  // Whether the set can only be known when the fault fires.
  bool dynamic() const { return !selectors.empty(); }
};

// A majority of n nodes (n/2 + 1), and the rest (the largest minority).
inline int32_t majority_size(int32_t n) {
  return n / 2 + 1;
}
inline int32_t minority_size(int32_t n) {
  return n - majority_size(n);
}

// The cluster as the fault finds it.
struct ClusterView {
  int32_t n = 0;
  NodeId leader = kNoNode;     // the node leading with the highest epoch; kNoNode when none
  std::vector<bool> follower;  // per node: up and not a leader (random_follower draws from these)
};

// Resolves disjoint sets (partition groups, or a link cut's {from, to}) into node lists, each
// sorted by id. In order:
//  1. selectors, set by set: `leader` is the current leader (nothing when there is none);
//     `random_follower` and `random_node` draw one node, `random_minority` / `random_majority`
//     that many, from the nodes no earlier selector took (one draw from `rng` for each single
//     pick whatever the outcome, so later draws do not depend on who leads). A node a selector
//     takes leaves the fixed part of every other set: the selector names the role, and the role
//     is where the scenario wants it.
//  2. fills, set by set: a "majority" set is topped up to majority_size(n) with the lowest-
//     numbered nodes no set holds, a "minority" set to minority_size(n) with the highest-
//     numbered ones.
// Sets that end up empty stay empty (a partition then simply has fewer sides).
std::vector<std::vector<NodeId>> resolve_node_sets(const std::vector<NodeSetSpec>& sets,
                                                   const ClusterView& view, Rng& rng);

}  // namespace ballot
