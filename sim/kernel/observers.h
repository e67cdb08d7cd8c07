// Observers that every run has: leadership (leader intervals, split brain, downtime, one leader
// per epoch) and traffic (messages and bytes by type).
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/api/trace.h"

namespace ballot {

// Every metric name a run can report (expectations in scenarios are validated against it).
// Units last: *_us are microseconds of virtual time; final_leader is 1-based (0 = none).
const std::vector<std::string>& metric_names();

// The per-type counter map is keyed by the type's text (never by address).

// A period during which one node believed it led, from its role reports.
struct LeaderInterval {
  NodeId node = kNoNode;
  int64_t epoch = 0;
  Time_us begin_us = 0;
  Time_us end_us = kNever_us;           // kNever_us while it still leads at the end
  Time_us acknowledged_us = kNever_us;  // when a majority (itself included) first followed it
};

// A change of the acknowledged leader (the leader a majority follows, itself included) or of
// whether it can lead (live, and in touch with a majority of live, running nodes).
struct AvailabilityChange {
  Time_us time_us = 0;
  NodeId acknowledged = kNoNode;  // kNoNode: no leader a majority follows
  bool serving = false;           // the acknowledged leader can lead
};

struct SplitBrainInterval {
  Time_us begin_us = 0;
  Time_us end_us = 0;
  std::vector<NodeId> leaders;  // everyone who believed it led at some point in the interval
};

class LeadershipObserver : public Observer {
 public:
  LeadershipObserver(int32_t cluster_size, bool has_epochs);
  void on_event(const TraceEvent& ev) override;
  bool wants(EventKind kind) const override {
    return kind == EventKind::Role || kind == EventKind::Crash || kind == EventKind::Start ||
           kind == EventKind::Restart || kind == EventKind::Pause || kind == EventKind::Resume ||
           kind == EventKind::Fault;
  }
  void on_finish(Time_us end_us) override;
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;

  const std::vector<LeaderInterval>& leader_intervals() const { return intervals_; }
  const std::vector<SplitBrainInterval>& split_brains() const { return split_brains_; }
  // Belief downtime after each belief leader loss: from the moment the followers stop following
  // the acknowledged leader until a majority acknowledges a new one.
  const std::vector<Time_us>& downtimes_us() const { return downtimes_us_; }
  // Leader loss as clients feel it, one entry per loss: from the moment the acknowledged leader
  // could no longer lead (crashed, paused, or cut off from a majority of live, running nodes,
  // itself included) until an acknowledged leader can lead again.
  const std::vector<Time_us>& leader_losses_us() const { return leader_losses_us_; }
  // Every change of the acknowledged leader or of its ability to lead, in event order (the
  // per-fault recovery times of cli/runner.cpp are measured on it).
  const std::vector<AvailabilityChange>& availability_changes() const { return changes_; }
  // The nodes that can talk both ways with `node` now (the network's view). Without it every
  // node reaches every other.
  void set_connectivity(std::function<std::vector<NodeId>(NodeId)> component_of) {
    component_of_ = std::move(component_of);
  }

 private:
  struct NodeView {
    bool up = true;  // not crashed (a paused node still believes what it believed)
    Role role = Role::Follower;
    int64_t epoch = 0;
    NodeId leader = kNoNode;
    int open_interval = -1;  // index into intervals_ while it believes it leads
  };
  void set_view(const TraceEvent& ev, NodeId node, Role role, int64_t epoch, NodeId leader,
                bool up);
  void update_global(const TraceEvent& ev);
  int32_t followers_of(NodeId leader) const;
  bool can_lead(NodeId leader) const;
  void update_ability(Time_us t);

  int32_t n_;
  bool has_epochs_;
  std::vector<NodeView> views_;
  std::vector<LeaderInterval> intervals_;
  std::vector<SplitBrainInterval> split_brains_;
  std::vector<Time_us> downtimes_us_;
  std::map<int64_t, NodeId> leader_of_epoch_;
  NodeId acknowledged_leader_ = kNoNode;  // the leader a majority follows now, if any
  int64_t acknowledged_epoch_ = 0;
  int64_t leader_losses_ = 0;
  NodeId last_ack_node_ = kNoNode;  // the last leader a majority acknowledged
  int64_t last_ack_epoch_ = 0;
  Time_us first_leader_us_ = kNever_us;
  Time_us lost_since_us_ = 0;  // start of the current period without an acknowledged leader
  bool had_acknowledged_ = false;
  Time_us unavailable_us_ = 0;
  int64_t leader_changes_ = 0;
  Time_us now_us_ = 0;
  Time_us end_us_ = 0;
  // Ability to lead (the network's and the nodes' state, not the nodes' beliefs).
  std::function<std::vector<NodeId>(NodeId)> component_of_;
  std::vector<bool> paused_;
  bool serving_ = false;  // the acknowledged leader can lead
  bool had_served_ = false;
  Time_us serving_lost_us_ = 0;
  std::vector<Time_us> leader_losses_us_;
  std::vector<AvailabilityChange> changes_;
};

class TrafficObserver : public Observer {
 public:
  void on_event(const TraceEvent& ev) override;
  bool wants(EventKind kind) const override {
    return kind == EventKind::Send || kind == EventKind::Deliver || kind == EventKind::Drop;
  }
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;

  struct Counts {
    int64_t sent = 0, delivered = 0, dropped = 0, bytes_sent = 0;
  };
  // By message type, in name order.
  const std::map<std::string, Counts, std::less<>>& by_type() const { return by_type_; }

 private:
  Counts& counts_for(std::string_view type);
  std::map<std::string, Counts, std::less<>> by_type_;
  Counts total_;
  // The types seen so far, by the address of their static name: a run has a handful of message
  // types, so a short scan finds one without comparing names (never ordered by address).
  struct Seen {
    std::string_view type;
    Counts* counts;
  };
  std::vector<Seen> seen_;
};

// Damage done by leaders who should not have acted: scheduled-job periods run twice (or never),
// unique ids handed out twice. Counts only the duties the scenario enables.
// Who did something, in which of their epochs, and when.
struct Occurrence {
  NodeId node = kNoNode;
  int64_t epoch = 0;  // the node's epoch at the time (its last role report)
  Time_us time_us = 0;
};
// A job period run again, or an id handed out again: `what` is the period or the id, `first`
// its first occurrence and `again` the repeat.
struct Duplicate {
  int64_t what = 0;
  Occurrence first, again;
};

class DamageObserver : public Observer {
 public:
  DamageObserver(Time_us job_period_us, Time_us id_interval_us, Time_us start_us)
      : job_period_us_(job_period_us), id_interval_us_(id_interval_us), start_us_(start_us) {}
  void on_event(const TraceEvent& ev) override;
  bool wants(EventKind kind) const override {
    return kind == EventKind::Job || kind == EventKind::Id || kind == EventKind::Role;
  }
  void on_finish(Time_us end_us) override { end_us_ = end_us; }
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;

  // Period -> how many times it ran (by anyone).
  const std::map<int64_t, int64_t>& job_runs() const { return job_runs_; }
  // Period -> how late its first run was after the period's slot (start + period * job_period;
  // a run on a fast clock, before its slot, is 0 late).
  const std::map<int64_t, Time_us>& job_lateness_us() const { return lateness_us_; }
  // Every repeat, in trace order: job_duplicates and id_duplicates count these.
  const std::vector<Duplicate>& job_duplicate_runs() const { return job_dups_; }
  const std::vector<Duplicate>& id_duplicate_issues() const { return id_dups_; }

 private:
  Time_us job_period_us_, id_interval_us_, start_us_;
  Time_us end_us_ = 0;
  std::map<int64_t, int64_t> job_runs_;
  std::map<int64_t, Time_us> lateness_us_;
  int64_t late_runs_ = 0;  // runs more than one period after their slot
  std::map<int64_t, int64_t> ids_;
  std::map<NodeId, int64_t> epoch_of_;  // from role reports
  std::map<int64_t, Occurrence> first_job_, first_id_;
  std::vector<Duplicate> job_dups_, id_dups_;
};

}  // namespace ballot
