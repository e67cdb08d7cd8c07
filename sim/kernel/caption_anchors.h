// Captions anchored to events (scenario "captions" with "on"): an observer that watches the run
// for each anchor's event and says when its nth occurrence happens, so that the kernel shows the
// caption then (plus its offset). docs/scenario-format.md#captions defines what each anchor
// matches; the kernel's part is in sim/kernel/event_loop.cpp (caption_anchored).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/api/trace.h"
#include "sim/kernel/scenario.h"

namespace ballot {

class CaptionAnchorWatch final : public Observer {
 public:
  // `fault_spec(instance)`: the fault instance's spec (its path says whether it is a scripted
  // fault, and which). `fired(caption)`: the anchor of
  // scenario caption `caption` has just fired (called at most once per caption). `others`: the
  // run's other observers, whose violations a violation anchor waits for; they must come before
  // this one in the order observers see events.
  CaptionAnchorWatch(const Scenario& scenario, std::function<const FaultSpec*(uint64_t)> fault_spec,
                     std::function<void(size_t)> fired, std::vector<const Observer*> others);

  // True when the scenario has a caption anchored to an event (the watch is needed).
  static bool needed(const Scenario& scenario);

  bool wants(EventKind kind) const override;
  void on_event(const TraceEvent& ev) override;

 private:
  struct Pending {
    size_t caption = 0;
    const CaptionAnchor* anchor = nullptr;
    int64_t nth = 1;
    int64_t seen = 0;
    std::vector<bool> committed;  // commit anchors: the nodes that already committed the index
    bool done = false;
  };
  struct LastRole {
    bool known = false;
    Role role = Role::Follower;
    int64_t epoch = 0;
  };
  // A fault beginning or ending at this event: the event's own, and a heal's begin also ends
  // every network fault in force (without an end event of theirs).
  struct FaultChange {
    const FaultSpec* spec = nullptr;
    bool end = false;
  };
  // How many occurrences of `p`'s event `ev` is (0, 1, or more for several violations or faults
  // at once).
  int64_t occurrences(Pending& p, const TraceEvent& ev, const std::vector<Violation>& fresh,
                      const std::vector<FaultChange>& faults);
  std::vector<FaultChange> fault_changes(const TraceEvent& ev);

  std::vector<Pending> pending_;
  std::function<const FaultSpec*(uint64_t)> fault_spec_;
  std::vector<uint64_t> network_faults_;  // network fault instances in force, which a heal ends
  std::function<void(size_t)> fired_;
  std::vector<const Observer*> others_;
  std::vector<size_t> violations_seen_;  // per other observer
  bool watch_violations_ = false;
  std::vector<LastRole> last_role_;  // per node: its previous role event since it booted
  int32_t nodes_ = 0;
};

}  // namespace ballot
