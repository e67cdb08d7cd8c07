// The fencing checker ("fencing_respected"): the storage never accepts a write carrying a fencing
// token lower than one it has already accepted an operation with.
//
// It reads the storage's facts (StorageFact) and keeps its own record of the highest token
// accepted, so a storage that breaks the rule is caught whatever the storage believes. With
// fencing on, a stale write accepted is a bug in the storage. With fencing off it is the damage the
// lesson shows: reported too, as a violation that says fencing was off, so a scenario can expect
// it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/api/trace.h"

namespace ballot::lease {

class FencingChecker final : public Observer {
 public:
  static constexpr const char* kName = "fencing_respected";

  void on_event(const TraceEvent& ev) override;
  bool wants(EventKind kind) const override { return kind == EventKind::Record; }
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;

  // Writes accepted with a token below the highest accepted before (with fencing on / off).
  int64_t stale_accepted_fenced() const { return stale_accepted_fenced_; }
  int64_t stale_accepted_unfenced() const { return stale_accepted_unfenced_; }
  // Operations the storage refused for a stale token.
  int64_t rejected() const { return rejected_; }

 private:
  int64_t highest_accepted_ = 0;
  uint64_t highest_event_ = 0;  // the event that accepted highest_accepted_
  int64_t stale_accepted_fenced_ = 0;
  int64_t stale_accepted_unfenced_ = 0;
  int64_t rejected_ = 0;
  int64_t reported_ = 0;
};

std::vector<std::unique_ptr<Observer>> lease_checkers(int32_t cluster_size);

}  // namespace ballot::lease
