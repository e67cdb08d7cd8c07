// Fault shapes: which directed links a network fault cuts, and whose messages it slows or makes
// lossy, as pure functions of the cluster size and the fault's (resolved) targets. The fault
// injector (sim/kernel/fault_injector.cpp) applies what these return; tests call them directly.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/kernel/scenario.h"

namespace ballot {

class Rng;

using Link = std::pair<NodeId, NodeId>;  // from -> to: messages that way are cut
using Links = std::vector<Link>;

// Every pair of nodes in different groups, both ways; nodes in no group form one more group.
Links cut_groups(int32_t n, const std::vector<std::vector<NodeId>>& groups);
// Each of `nodes` from every node not among them, both ways.
Links isolate(int32_t n, const std::vector<NodeId>& nodes);
// from -> to, and to -> from when `both`.
Links link_cut(NodeId from, NodeId to, bool both);
// Every link from a node of `from` to a node of `to` (and back when `both`), in that order.
Links link_cut_sets(const std::vector<NodeId>& from, const std::vector<NodeId>& to, bool both);
// Jepsen's bridge over `order`: the first half and the second half cannot talk; the middle node
// (order[size / 2]) sees both.
Links bridge(const std::vector<NodeId>& order);
// Jepsen's majorities ring over `order`: each node sees its nearest neighbours on the ring, enough
// for a majority, and no two nodes see the same majority.
Links majorities_ring(const std::vector<NodeId>& order);

// The links a fault of a cutting kind (partition, isolate, link cut, bridge, majorities ring,
// flap while down) cuts when it begins, from its resolved targets (bridge and majorities ring:
// `nodes` is the full order); empty for every other kind. Self-links never appear.
Links links_cut(int32_t n, const FaultSpec& f);

// The nodes whose messages a delay spike, slow node or loss burst slows or makes lossy; kNoNode
// alone means every message (a spike or burst with no nodes). Empty for every other kind.
std::vector<NodeId> extra_targets(const FaultSpec& f);

// Random orders and picks shared by the nemesis and the selectors (one Fisher-Yates shuffle; the
// number of draws depends only on n).
std::vector<NodeId> shuffled_nodes(int32_t n, Rng& rng);
NodeId random_node(int32_t n, Rng& rng);

}  // namespace ballot
