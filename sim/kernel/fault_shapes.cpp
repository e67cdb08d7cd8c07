#include "sim/kernel/fault_shapes.h"

#include <algorithm>
#include <cstdlib>

#include "sim/api/rng.h"

namespace ballot {

namespace {

void both_ways(Links& out, NodeId a, NodeId b) {
  out.emplace_back(a, b);
  out.emplace_back(b, a);
}

// A node never cuts itself off from itself.
Links without_self_links(Links links) {
  std::erase_if(links, [](const Link& l) { return l.first == l.second; });
  return links;
}

}  // namespace

Links cut_groups(int32_t n, const std::vector<std::vector<NodeId>>& groups) {
  std::vector<int> group_of(static_cast<size_t>(n), -1);
  for (size_t g = 0; g < groups.size(); ++g)
    for (NodeId id : groups[g]) group_of[static_cast<size_t>(id)] = static_cast<int>(g);
  Links out;
  for (NodeId a = 0; a < n; ++a)
    for (NodeId b = 0; b < n; ++b)
      if (a != b && group_of[static_cast<size_t>(a)] != group_of[static_cast<size_t>(b)])
        out.emplace_back(a, b);
  return out;
}

Links isolate(int32_t n, const std::vector<NodeId>& nodes) {
  Links out;
  for (NodeId a : nodes)
    for (NodeId b = 0; b < n; ++b)
      if (std::find(nodes.begin(), nodes.end(), b) == nodes.end()) both_ways(out, a, b);
  return out;
}

Links link_cut(NodeId from, NodeId to, bool both) {
  Links out = {{from, to}};
  if (both) out.emplace_back(to, from);
  return without_self_links(std::move(out));
}

Links link_cut_sets(const std::vector<NodeId>& from, const std::vector<NodeId>& to, bool both) {
  Links out;
  for (NodeId a : from)
    for (NodeId b : to) {
      out.emplace_back(a, b);
      if (both) out.emplace_back(b, a);
    }
  return without_self_links(std::move(out));
}

Links bridge(const std::vector<NodeId>& order) {
  Links out;
  const size_t half = order.size() / 2;
  for (size_t i = 0; i < half; ++i)
    for (size_t j = half + 1; j < order.size(); ++j) both_ways(out, order[i], order[j]);
  return without_self_links(std::move(out));
}

Links majorities_ring(const std::vector<NodeId>& order) {
  Links out;
  const int32_t m = static_cast<int32_t>(order.size());
  const int32_t reach = m / 2 / 2 + (m / 2) % 2;  // ceil((majority - 1) / 2) per side
  for (int32_t i = 0; i < m; ++i)
    for (int32_t j = 0; j < m; ++j) {
      const int32_t d = std::abs(i - j);
      if (i != j && std::min(d, m - d) > reach)
        out.emplace_back(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    }
  return without_self_links(std::move(out));
}

Links links_cut(int32_t n, const FaultSpec& f) {
  switch (f.kind) {
    case FaultKind::Partition:
      return cut_groups(n, f.groups);
    case FaultKind::Isolate:
      return isolate(n, f.nodes);
    case FaultKind::LinkCut:
      return f.link_set_form ? link_cut_sets(f.from_nodes, f.to_nodes, f.both)
                             : link_cut(f.from, f.to, f.both);
    case FaultKind::Bridge:
      return bridge(f.nodes);
    case FaultKind::MajoritiesRing:
      return majorities_ring(f.nodes);
    case FaultKind::Flap:
      return link_cut(f.from, f.to, true);
    case FaultKind::Heal:
    case FaultKind::Drop:
    case FaultKind::DelaySpike:
    case FaultKind::LossBurst:
    case FaultKind::SlowNode:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::ClockDrift:
    case FaultKind::ClockJump:
    case FaultKind::DiskLoss:
    case FaultKind::DropMessage:
      return {};
  }
  return {};
}

std::vector<NodeId> extra_targets(const FaultSpec& f) {
  switch (f.kind) {
    case FaultKind::DelaySpike:
    case FaultKind::LossBurst:
      return f.nodes.empty() ? std::vector<NodeId>{kNoNode} : f.nodes;
    case FaultKind::SlowNode:
      return f.nodes;
    case FaultKind::Partition:
    case FaultKind::Isolate:
    case FaultKind::LinkCut:
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
    case FaultKind::Heal:
    case FaultKind::Drop:
    case FaultKind::Flap:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::ClockDrift:
    case FaultKind::ClockJump:
    case FaultKind::DiskLoss:
    case FaultKind::DropMessage:
      return {};
  }
  return {};
}

std::vector<NodeId> shuffled_nodes(int32_t n, Rng& rng) {
  std::vector<NodeId> order(static_cast<size_t>(n));
  for (NodeId i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[static_cast<size_t>(rng.uniform_int(0, int64_t(i) - 1))]);
  return order;
}

NodeId random_node(int32_t n, Rng& rng) {
  return static_cast<NodeId>(rng.uniform_int(0, n - 1));
}

}  // namespace ballot
