// The faults that fired in a run, scripted or from the nemesis, with their resolved targets and
// their ends: collected from the trace's fault events by an observer, so the kernel needs no
// bookkeeping of its own for it. `ballot run` prints them (text and --json).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/api/trace.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

namespace ballot {

struct FiredFault {
  uint64_t id = 0;  // the fault instance in the trace's fault events (1, 2, ...)
  Time_us begin_us = 0;
  std::string kind;              // "partition", "crash", ...
  std::string source;            // the scenario's "faults[2]", or "nemesis"
  std::string selector;          // "leader", "random_minority", ... when the scenario named one
  std::string detail_json;       // the fault event's resolved `detail` object, as in the trace
  std::vector<NodeId> affected;  // crash, disk_loss, pause: the nodes it actually stopped
  bool instant = false;          // heal, clock_jump: nothing to end
  Time_us end_us = kNever_us;    // kNever_us: in force until the end of the run
  uint64_t healed_by = 0;        // ended early by this heal fault (0: ended by its duration)
  int64_t flaps = 0;             // flap: how many times the link went down or up after the begin
  FaultEffect effect;            // what it did (the kernel's fault-effect audit)
  // A scripted fault whose `at` / `duration` the file wrote as a range: the range the run drew
  // begin_us / the duration from (min, max); absent otherwise.
  std::optional<std::pair<Time_us, Time_us>> at_range_us, duration_range_us;
  // Recovery from this fault (measure_recovery, cli/runner.h; docs/cli.md): from its begin until
  // a leader a majority follows can lead, and until the first write invoked at or after its begin
  // succeeds; absent when that never happened before the run ended.
  std::optional<Time_us> recovery_leader_us, recovery_write_us;
  // Its resolved `nodes` included the leader a majority followed just before it began.
  bool target_was_leader = false;
  // The fencing device's number in the detail's node lists (nodes + 1, as the trace writes it;
  // docs/stonith.md), 0 without a device: named "stonith" for people and in scripted faults.
  int64_t device = 0;
};

// Watches fault events (and the crashes and pauses a fault causes at once).
class FaultLog : public Observer {
 public:
  bool wants(EventKind kind) const override;
  void on_event(const TraceEvent& ev) override;
  // The fired faults, with source and selector looked up in the run's fault schedule (instance
  // k is the k-th entry: faults fire in schedule order).
  std::vector<FiredFault> take(const std::vector<FaultSpec>& schedule);

 private:
  std::vector<FiredFault> faults_;
  size_t opening_ = 0;  // 1 + index of the fault that just began (its node effects follow it)
};

// A node of a fault's detail (1-based, as the trace writes it) by name: "n3", or "stonith" for the
// fencing device (`device`, 0 for none), as a scenario's faults name it.
std::string fault_node_name(int64_t one_based, int64_t device);

// For people: the resolved targets of a fault ("n1,n2 | n3,n4,n5", "leader = n5", "n1 -> n3").
std::string fault_targets_text(const FiredFault& fault);
// For people: how it ended ("until 6s (heal)", "until the end", "instant").
std::string fault_end_text(const FiredFault& fault);
// For people: what it did ("dropped 37 msgs", "crashed 1 node", "inert").
std::string fault_effect_text(const FiredFault& fault);
// One warning per inert fault: "fault #3 (crash at 5s, faults[2]) did nothing (inert)".
std::vector<std::string> inert_fault_warnings(const std::vector<FiredFault>& faults);
// How those warnings name a fault: "fault #3 (crash at 5s, faults[2])".
std::string fault_label(const FiredFault& fault);
// i for a scripted fault (source "faults[i]"); nullopt for a nemesis fault.
std::optional<size_t> scripted_index(const FiredFault& fault);

}  // namespace ballot
