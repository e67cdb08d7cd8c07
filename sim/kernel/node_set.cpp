#include "sim/kernel/node_set.h"

#include <algorithm>

#include "sim/api/require.h"

namespace ballot {
namespace {

constexpr int kNoSet = -1;

// A uniformly drawn index into a non-empty range; one draw whatever the size.
size_t pick(Rng& rng, size_t size) {
  const uint64_t draw = rng.next_u64();
  return size == 0 ? 0 : static_cast<size_t>(draw % size);
}

}  // namespace

std::vector<std::vector<NodeId>> resolve_node_sets(const std::vector<NodeSetSpec>& sets,
                                                   const ClusterView& view, Rng& rng) {
  const int32_t n = view.n;
  BALLOT_REQUIRE(n > 0, "a cluster has at least one node");
  BALLOT_REQUIRE(view.follower.size() == static_cast<size_t>(n), "one follower flag per node");
  // owner[i]: the set that holds node i; taken[i]: a selector put it there.
  std::vector<int> owner(static_cast<size_t>(n), kNoSet);
  std::vector<bool> taken(static_cast<size_t>(n), false);
  for (size_t s = 0; s < sets.size(); ++s)
    for (NodeId id : sets[s].nodes) {
      BALLOT_REQUIRE(id >= 0 && id < n, "a fixed node of a node set is in the cluster");
      BALLOT_REQUIRE(owner[static_cast<size_t>(id)] == kNoSet, "fixed nodes of sets are disjoint");
      owner[static_cast<size_t>(id)] = static_cast<int>(s);
    }
  auto take = [&](NodeId id, size_t s) {
    owner[static_cast<size_t>(id)] = static_cast<int>(s);
    taken[static_cast<size_t>(id)] = true;
  };
  auto free_nodes = [&](bool followers_only) {
    std::vector<NodeId> out;
    for (NodeId i = 0; i < n; ++i)
      if (!taken[static_cast<size_t>(i)] &&
          (!followers_only || view.follower[static_cast<size_t>(i)]))
        out.push_back(i);
    return out;
  };

  for (size_t s = 0; s < sets.size(); ++s)
    for (Selector sel : sets[s].selectors) {
      switch (sel) {
        case Selector::None:
          break;
        case Selector::Leader:
          if (view.leader != kNoNode && !taken[static_cast<size_t>(view.leader)])
            take(view.leader, s);
          break;
        case Selector::RandomFollower:
        case Selector::RandomNode: {
          const std::vector<NodeId> pool = free_nodes(sel == Selector::RandomFollower);
          const size_t i = pick(rng, pool.size());
          if (!pool.empty()) take(pool[i], s);
          break;
        }
        case Selector::RandomMinority:
        case Selector::RandomMajority: {
          std::vector<NodeId> pool = free_nodes(false);
          // Fisher-Yates over the free nodes, as the kernel shuffles for the nemesis.
          for (size_t i = pool.size(); i > 1; --i)
            std::swap(pool[i - 1],
                      pool[static_cast<size_t>(rng.uniform_int(0, static_cast<int64_t>(i) - 1))]);
          const int32_t want =
              sel == Selector::RandomMajority ? majority_size(n) : std::max(1, (n - 1) / 2);
          const size_t count = std::min(pool.size(), static_cast<size_t>(want));
          for (size_t i = 0; i < count; ++i) take(pool[i], s);
          break;
        }
      }
    }

  std::vector<size_t> size(sets.size(), 0);
  for (int o : owner)
    if (o != kNoSet) ++size[static_cast<size_t>(o)];
  for (size_t s = 0; s < sets.size(); ++s) {
    const NodeSetSpec::Fill fill = sets[s].fill;
    if (fill == NodeSetSpec::Fill::None) continue;
    const bool majority = fill == NodeSetSpec::Fill::Majority;
    const size_t want = static_cast<size_t>(majority ? majority_size(n) : minority_size(n));
    for (NodeId k = 0; k < n && size[s] < want; ++k) {
      const NodeId id = majority ? k : n - 1 - k;
      if (owner[static_cast<size_t>(id)] != kNoSet) continue;
      owner[static_cast<size_t>(id)] = static_cast<int>(s);
      ++size[s];
    }
  }

  std::vector<std::vector<NodeId>> out(sets.size());
  for (NodeId i = 0; i < n; ++i)
    if (owner[static_cast<size_t>(i)] != kNoSet)
      out[static_cast<size_t>(owner[static_cast<size_t>(i)])].push_back(i);
  return out;
}

}  // namespace ballot
