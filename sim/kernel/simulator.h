// The discrete-event kernel: one run of one scenario with one seed.
//
// Events are ordered by (time, sequence number assigned when scheduled), so equal times run
// first-in first-out, never in heap or address order. Everything random comes from named
// sub-streams of the root seed: "network", "faults", "fault-targets", "fault-times", "swarm",
// "workload", "node/<i>".
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/api/history.h"
#include "sim/api/node_api.h"
#include "sim/api/trace.h"
#include "sim/kernel/observers.h"
#include "sim/kernel/scenario.h"

namespace ballot {

// What one fault instance did (the fault-effect audit; counted by the kernel, not traced, so it
// leaves the trace and its hash alone). Network faults: messages dropped while a link it cut was
// down, by its drop rule, or lost while its loss burst was in force (which may include the link's
// own loss), and messages delivered with its extra delay. Node faults: nodes crashed or paused,
// handler calls held back while paused, clock offset applied (µs, summed over nodes). Heal: the
// network faults it ended. A fault with all zero did nothing: it is inert. A drop_message drops
// one message or none.
//
// One dropped message, named so that a drop_message fault drops exactly it: the nth message of
// `type` from -> to, counted from the start of the run (every send counts).
struct DroppedMessage {
  NodeId from = kNoNode, to = kNoNode;
  std::string type;
  int64_t nth = 0;
  Time_us sent_us = 0;
};

struct FaultEffect {
  uint64_t fault = 0;  // the fault instance (1, 2, ... as in the trace's fault events)
  int64_t dropped = 0;
  int64_t delayed = 0;
  int64_t duplicated = 0;  // no fault kind duplicates today (duplication is the link model's)
  int64_t nodes_stopped = 0;
  int64_t handlers_not_run = 0;
  Time_us clock_offset_us = 0;
  int64_t faults_ended = 0;
  // The messages it dropped, only when Simulator::record_dropped_messages() asked for them (for
  // `ballot shrink`, which replaces a broad network fault by the single drops it effected).
  std::vector<DroppedMessage> messages;
  bool inert() const {
    return dropped == 0 && delayed == 0 && duplicated == 0 && nodes_stopped == 0 &&
           handlers_not_run == 0 && clock_offset_us == 0 && faults_ended == 0;
  }
};

// How often a run reached one situation of its algorithm (sim/api/situation.h), and where first.
// Counted by the kernel beside the trace (Context::reached), so not covered by the trace hash.
struct SituationCount {
  int64_t count = 0;
  Time_us first_us = 0;
  NodeId first_node = kNoNode;
};

// When a scenario caption was shown (kNever_us: not shown, or not before the run ended) and, for
// one anchored to an event, when its anchor fired (kNever_us: it never did).
struct CaptionTime {
  Time_us anchor_us = kNever_us;
  Time_us shown_us = kNever_us;
};

struct RunResult {
  Time_us end_us = 0;
  uint64_t events = 0;
  uint64_t trace_hash = 0;
  bool trace_hashed = true;    // false after Simulator::set_trace_hash(false): trace_hash is 0
  bool stopped_early = false;  // by set_max_events / stop_after_step, before the duration
  std::map<std::string, int64_t> metrics;
  std::vector<Violation> violations;
  lin::History history;
  std::vector<FaultEffect> fault_effects;  // per fault instance, in firing order
  std::vector<FaultSpec> fault_schedule;   // scripted faults and the nemesis's draws, in time order
  std::vector<LeaderInterval> leader_intervals;
  std::vector<SplitBrainInterval> split_brains;
  std::vector<Time_us> downtimes_us;             // belief downtime per belief leader loss
  std::vector<Time_us> leader_losses_us;         // per leader loss (the leader could not lead)
  std::vector<AvailabilityChange> availability;  // the acknowledged leader and its ability
  std::map<std::string, TrafficObserver::Counts, std::less<>> traffic_by_type;
  // Per client op (by op id - 1): the node whose answer completed it, its epoch then, and when
  // (node kNoNode: it timed out).
  std::vector<Occurrence> op_served;
  std::vector<Duplicate> job_duplicates;  // every repeated job run, in trace order
  std::vector<Duplicate> id_duplicates;   // every repeated id
  // By SituationId of the algorithm's table; situations past the last one reached may be missing.
  std::vector<SituationCount> situations;
  std::vector<CaptionTime> captions;  // per scenario caption, in the scenario's order
};

class Simulator {
 public:
  // `make_node` builds a node for a context (at boot and at every restart).
  Simulator(const Scenario& scenario, std::function<std::unique_ptr<Node>(Context&)> make_node,
            bool has_epochs);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Checkers owned by the run (their violations and metrics join the result).
  void add_checker(std::unique_ptr<Observer> checker);
  // Observers owned by the caller (a trace file writer, a test's probe); they see every event.
  void watch(Observer* observer);

  // Runs to the scenario's duration and returns the result. Call once.
  RunResult run();
  // A guard rail for runaway runs: the run stops at the first step that would begin once
  // `max_events` events have been emitted (the step in progress completes, so a few more may
  // follow). Deterministic: the same limit cuts the same run at the same event.
  void set_max_events(uint64_t max_events);
  // Whether to compute the trace hash (default: yes). Without it a run is the same event for
  // event, with the same metrics, violations and history; only RunResult::trace_hash is left 0
  // (and trace_hashed false). For sweeps, which read no hash unless a golden one is checked;
  // folding every message's fields into the hash is a sixth of a Raft run's work.
  void set_trace_hash(bool on);
  // Stops the run after the step in progress (an observer's limit, such as the trace size).
  void stop_after_step() { set_max_events(0); }
  // The fault-effect audit also names each message a fault dropped (FaultEffect::messages). Costs
  // a count per send; changes nothing the run shows (nor its hash). Call before run().
  void record_dropped_messages();

  // For tests: the leadership observer of this run.
  const LeadershipObserver& leadership() const;
  // For tests: the live node object (null while crashed).
  Node* node(NodeId id) const;
  bool is_crashed(NodeId id) const;
  bool is_paused(NodeId id) const;
  Time_us local_time(NodeId id) const;

  // For tests of the kernel's own invariants (docs/ARCHITECTURE.md) only: breaks one the way a
  // kernel bug would, so that a test sees its check fire. Called from an observer during run();
  // the run then aborts with the invariant's message. TimeBackwards queues an event before now;
  // Crash and Pause flip the node's state in the middle of dispatching to it (call on its
  // Deliver event); TimerEarly moves the deadline of the node's pending timers one second later
  // without moving their queue entries.
  enum class Breakage { TimeBackwards, Crash, Pause, TimerEarly };
  void break_for_test(Breakage what, NodeId node);

 private:
  struct Impl;
  // The scenario the run uses: the caller's, with a swarm nemesis resolved (draw_swarm) and fault
  // times written as ranges drawn (draw_fault_times).
  std::unique_ptr<const Scenario> scenario_;
  std::unique_ptr<Impl> impl_;
};

// Writes each event as one JSON line to a stream (the trace body; the CLI adds header and footer).
class TraceLineWriter : public Observer {
 public:
  explicit TraceLineWriter(std::ostream& out) : out_(out) {}
  void on_event(const TraceEvent& ev) override;

 private:
  std::ostream& out_;
  std::string line_;  // reused for every line
};

}  // namespace ballot
