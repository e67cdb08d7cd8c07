#include "sim/kernel/network.h"

#include <algorithm>
// Boost.Graph 1.74's edge iterators trip GCC 12's -Wmaybe-uninitialized at -O2 (a false
// positive inside Boost); silence it for these headers only. Clang has no such warning.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <functional>
#include <limits>

#include "sim/api/require.h"

namespace ballot {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, Time_us>>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;
constexpr Time_us kUnreachable_us = std::numeric_limits<Time_us>::max();
}  // namespace

struct Network::Topology {
  Graph graph;
};

struct Network::Routes {
  uint64_t version = UINT64_MAX;
  std::vector<Time_us> dist_us;  // kUnreachable_us where no path is up
};

namespace {
// Edges of the topology as undirected pairs with a latency.
std::vector<TopologySpec::Edge> topology_edges(int32_t n, const TopologySpec& topology) {
  std::vector<TopologySpec::Edge> edges;
  switch (topology.kind) {
    case TopologySpec::Kind::FullMesh:
      for (NodeId a = 0; a < n; ++a)
        for (NodeId b = a + 1; b < n; ++b) edges.push_back({a, b, 0});
      break;
    case TopologySpec::Kind::Ring:
      if (n == 2) edges.push_back({0, 1, 0});
      if (n > 2)
        for (NodeId a = 0; a < n; ++a) edges.push_back({a, (a + 1) % n, 0});
      break;
    case TopologySpec::Kind::Star:
      for (NodeId a = 0; a < n; ++a)
        if (a != topology.center) edges.push_back({topology.center, a, 0});
      break;
    case TopologySpec::Kind::Explicit:
      edges = topology.edges;
      break;
  }
  return edges;
}
}  // namespace

Network::Network(int32_t n, const TopologySpec& topology, const LinkModel& link, Rng rng)
    : n_(n),
      full_mesh_(topology.kind == TopologySpec::Kind::FullMesh),
      link_(link),
      rng_(rng),
      cuts_(static_cast<size_t>(n) * static_cast<size_t>(n), 0),
      extra_delay_us_(static_cast<size_t>(n), 0),
      extra_loss_(static_cast<size_t>(n), 0.0),
      topology_(std::make_unique<Topology>()) {
  topology_->graph = Graph(static_cast<size_t>(n));
  for (const auto& e : topology_edges(n, topology)) {
    // Each undirected link is two directed edges, so one-way cuts can remove one of them.
    boost::add_edge(static_cast<size_t>(e.a), static_cast<size_t>(e.b), e.latency_us,
                    topology_->graph);
    boost::add_edge(static_cast<size_t>(e.b), static_cast<size_t>(e.a), e.latency_us,
                    topology_->graph);
  }
  if (link_.fifo) fifo_last_us_.assign(cuts_.size(), 0);
}

Network::~Network() = default;

void Network::add_cut(NodeId from, NodeId to, int delta) {
  uint16_t& c = cuts_[index(from, to)];
  BALLOT_REQUIRE(delta > 0 ? c <= UINT16_MAX - delta : c >= -delta,
                 "a link's cut count stays within [0, 65535]");
  c = static_cast<uint16_t>(c + delta);
  ++version_;
}

void Network::clear_cuts() {
  std::fill(cuts_.begin(), cuts_.end(), 0);
  ++version_;
}

void Network::remove_drop_rules(uint64_t owner) {
  std::erase_if(drop_rules_, [owner](const DropRule& r) { return r.owner == owner; });
}

void Network::add_extra_delay(NodeId node, Time_us delay_us) {
  if (node == kNoNode)
    extra_delay_all_us_ += delay_us;
  else
    extra_delay_us_[static_cast<size_t>(node)] += delay_us;
  any_extra_ = true;
}

void Network::add_extra_loss(NodeId node, double loss) {
  if (node == kNoNode)
    extra_loss_all_ += loss;
  else
    extra_loss_[static_cast<size_t>(node)] += loss;
  any_extra_ = true;
}

void Network::clear_all_faults() {
  clear_cuts();
  drop_rules_.clear();
  std::fill(extra_delay_us_.begin(), extra_delay_us_.end(), 0);
  std::fill(extra_loss_.begin(), extra_loss_.end(), 0.0);
  extra_delay_all_us_ = 0;
  extra_loss_all_ = 0;
  any_extra_ = false;
}

const Network::Routes& Network::routes_from(NodeId from) {
  if (route_cache_.empty()) route_cache_.resize(static_cast<size_t>(n_));
  Routes& routes = route_cache_[static_cast<size_t>(from)];
  if (routes.version == version_) return routes;
  // Links that are up: a directed edge u->v is usable unless u->v is cut.
  auto up = [this](const Edge& e) {
    const auto& g = topology_->graph;
    return !is_cut(static_cast<NodeId>(boost::source(e, g)),
                   static_cast<NodeId>(boost::target(e, g)));
  };
  boost::filtered_graph<Graph, std::function<bool(const Edge&)>> g(topology_->graph, up);
  routes.dist_us.assign(static_cast<size_t>(n_), kUnreachable_us);
  boost::dijkstra_shortest_paths(g, static_cast<size_t>(from),
                                 boost::distance_map(routes.dist_us.data())
                                     .distance_inf(kUnreachable_us)
                                     .distance_zero(Time_us{0}));
  routes.version = version_;
  return routes;
}

bool Network::can_reach(NodeId from, NodeId to) {
  if (from == to) return true;
  if (is_cut(from, to)) return false;  // an end-to-end cut (partitions cut every pair)
  if (full_mesh_) return true;
  return routes_from(from).dist_us[static_cast<size_t>(to)] != kUnreachable_us;
}

std::vector<NodeId> Network::mutual_component(NodeId from) {
  std::vector<NodeId> component;
  for (NodeId other = 0; other < n_; ++other)
    if (can_reach(from, other) && can_reach(other, from)) component.push_back(other);
  return component;
}

Time_us Network::client_delay_us() {
  return link_.latency.sample_us(rng_);
}

Fate Network::route(NodeId from, NodeId to, std::string_view msg_type) {
  Fate fate;
  Time_us path_latency_us = 0;
  if (from != to) {
    if (is_cut(from, to)) {
      fate.drop_reason = "partition";
      return fate;
    }
    if (!full_mesh_) {
      const Time_us d = routes_from(from).dist_us[static_cast<size_t>(to)];
      if (d == kUnreachable_us) {
        fate.drop_reason = "no_route";
        return fate;
      }
      path_latency_us = d;
    }
  }
  for (const DropRule& rule : drop_rules_) {
    if ((rule.from == kNoNode || rule.from == from) && (rule.to == kNoNode || rule.to == to) &&
        (rule.msg_type.empty() || rule.msg_type == msg_type) && rng_.bernoulli(rule.probability)) {
      fate.drop_reason = "selective_drop";
      fate.rule_owner = rule.owner;
      return fate;
    }
  }
  double loss = link_.loss;
  Time_us extra_us = 0;
  if (any_extra_) {
    const double extra = extra_loss_all_ + extra_loss_[static_cast<size_t>(from)] +
                         extra_loss_[static_cast<size_t>(to)];
    loss = 1.0 - (1.0 - loss) * (1.0 - std::clamp(extra, 0.0, 1.0));
    extra_us = extra_delay_all_us_ + extra_delay_us_[static_cast<size_t>(from)] +
               extra_delay_us_[static_cast<size_t>(to)];
    fate.extra_loss = extra > 0.0;
    fate.extra_delay = extra_us > 0;
  }
  if (loss > 0.0 && rng_.bernoulli(loss)) {
    fate.drop_reason = "loss";
    return fate;
  }
  fate.delay_us = path_latency_us + extra_us + (from == to ? 0 : link_.latency.sample_us(rng_));
  if (link_.duplicate > 0.0 && rng_.bernoulli(link_.duplicate)) {
    fate.duplicate = true;
    fate.duplicate_delay_us = path_latency_us + extra_us + link_.latency.sample_us(rng_);
  }
  if (link_.fifo) {
    // A FIFO link never lets a later message arrive first: equal times keep send order because
    // the event queue breaks ties by sequence number.
    Time_us& last_us = fifo_last_us_[index(from, to)];
    const Time_us arrive_us = std::max(fifo_now_us_ + fate.delay_us, last_us);
    fate.delay_us = arrive_us - fifo_now_us_;
    last_us = arrive_us;
    if (fate.duplicate) {
      const Time_us dup_us = std::max(fifo_now_us_ + fate.duplicate_delay_us, last_us);
      fate.duplicate_delay_us = dup_us - fifo_now_us_;
      last_us = dup_us;
    }
  }
  return fate;
}

}  // namespace ballot
