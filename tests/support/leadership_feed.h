// A LeadershipObserver fed by hand: start events for every node, then role reports at chosen
// times, for tests with known answers (test_observers.cpp, test_availability.cpp).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "sim/kernel/observers.h"

namespace ballot::testkit {

struct LeadershipFeed {
  LeadershipObserver obs;
  uint64_t index = 0;
  explicit LeadershipFeed(int32_t n, bool epochs = true) : obs(n, epochs) {
    for (NodeId i = 0; i < n; ++i) send(0, EventKind::Start, i);
  }
  void send(Time_us t, EventKind kind, NodeId node, Role role = Role::Follower, int64_t epoch = 0,
            NodeId leader = kNoNode) {
    TraceEvent ev;
    ev.index = index++;
    ev.time_us = t;
    ev.kind = kind;
    ev.node = node;
    ev.role = role;
    ev.epoch = epoch;
    ev.leader = leader;
    obs.on_event(ev);
  }
  void lead(Time_us t, NodeId node, int64_t epoch) {
    send(t, EventKind::Role, node, Role::Leader, epoch, node);
  }
  void follow(Time_us t, NodeId node, NodeId leader, int64_t epoch) {
    send(t, EventKind::Role, node, Role::Follower, epoch, leader);
  }
  // `leader` leads `epoch` and every one of `followers` follows it, all at `t`.
  void elect(Time_us t, NodeId leader, int64_t epoch, const std::vector<NodeId>& followers) {
    lead(t, leader, epoch);
    for (NodeId f : followers) follow(t, f, leader, epoch);
  }
  std::map<std::string, int64_t> finish(Time_us end) {
    obs.on_finish(end);
    std::map<std::string, int64_t> m;
    obs.add_metrics(m);
    return m;
  }
};

}  // namespace ballot::testkit
