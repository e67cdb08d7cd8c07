// The virtual network: topology (Boost.Graph, kept out of this header), per-link delay, loss and
// duplication, and the fault state (cuts, selective drops, delay and loss additions).
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/api/rng.h"
#include "sim/api/time.h"
#include "sim/kernel/scenario.h"

namespace ballot {

// What happens to one message.
struct Fate {
  std::string_view drop_reason;  // empty when delivered
  Time_us delay_us = 0;
  bool duplicate = false;
  Time_us duplicate_delay_us = 0;
  // For the fault-effect audit (not traced): the drop rule's owner on a selective drop; whether
  // fault-added loss was in force on a loss drop, or fault-added delay on a delivery.
  uint64_t rule_owner = 0;
  bool extra_loss = false;
  bool extra_delay = false;
};

// A message-type-selective drop rule in force.
struct DropRule {
  uint64_t owner = 0;    // the fault instance that installed it
  std::string msg_type;  // "" = any
  NodeId from = kNoNode, to = kNoNode;
  double probability = 1.0;
};

class Network {
 public:
  Network(int32_t n, const TopologySpec& topology, const LinkModel& link, Rng rng);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Decides the fate of a message sent now; draws from the network stream.
  Fate route(NodeId from, NodeId to, std::string_view msg_type);
  // Delay for a client request or response (clients reach every node: no cuts apply).
  Time_us client_delay_us();

  // Directed cuts are counted, so overlapping faults compose: a link is down while any cuts it.
  void add_cut(NodeId from, NodeId to, int delta);
  bool is_cut(NodeId from, NodeId to) const { return cuts_[index(from, to)] != 0; }
  void clear_cuts();
  // Can `from` reach `to` now (through the topology, around cuts)?
  bool can_reach(NodeId from, NodeId to);
  // Nodes that can reach `from` and that it can reach (its strongly connected component is what
  // a request-reply protocol can use), from a graph search over the links that are up.
  std::vector<NodeId> mutual_component(NodeId from);

  void add_drop_rule(DropRule rule) { drop_rules_.push_back(std::move(rule)); }
  void remove_drop_rules(uint64_t owner);
  void add_extra_delay(NodeId node, Time_us delay_us);  // kNoNode = every message
  void add_extra_loss(NodeId node, double loss);        // kNoNode = every message; negative removes
  void clear_all_faults();

  int32_t size() const { return n_; }

 private:
  size_t index(NodeId from, NodeId to) const {
    return static_cast<size_t>(from) * static_cast<size_t>(n_) + static_cast<size_t>(to);
  }
  // Hop latency and reachability from `from` over links that are up; cached per source until the
  // fault state changes. Full mesh skips this (every pair is one hop).
  struct Routes;
  const Routes& routes_from(NodeId from);

  int32_t n_;
  bool full_mesh_;
  LinkModel link_;
  Rng rng_;
  std::vector<uint16_t> cuts_;
  std::vector<DropRule> drop_rules_;
  std::vector<Time_us> extra_delay_us_;  // per node
  Time_us extra_delay_all_us_ = 0;
  std::vector<double> extra_loss_;  // per node
  double extra_loss_all_ = 0;
  bool any_extra_ = false;
  std::vector<Time_us> fifo_last_us_;  // per ordered pair, only when link_.fifo
  Time_us fifo_now_us_ = 0;
  uint64_t version_ = 0;  // bumped on every cut change
  struct Topology;
  std::unique_ptr<Topology> topology_;
  std::vector<Routes> route_cache_;

 public:
  // The simulator tells the network the current time (for FIFO links).
  void set_now(Time_us now_us) { fifo_now_us_ = now_us; }
};

}  // namespace ballot
