// Paxos safety, checked on the trace from the facts a PaxosNode records ("propose", "accept",
// "learn", "apply"):
//
//   agreement           no two different values are chosen for one slot. A value is chosen in a
//                       slot when a majority of acceptors have accepted it in the same ballot
//                       ("Paxos Made Simple", §2.1: "only a single value is chosen").
//   one_value_per_ballot  no two acceptors accept different values in one (slot, ballot): a
//                       proposer proposes one value per ballot and slot (§2.2).
//   validity            only a value that has been proposed may be chosen (§2.1): every accepted
//                       value was proposed in that (slot, ballot) by the ballot's proposer.
//   learned_chosen      a node learns only the value that is chosen in that slot (§2.3), and
//                       applies slots in order.
//
// The checker decides "chosen" from the acceptors' facts, independently of what any node believes.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "algorithms/paxos/messages.h"
#include "sim/api/trace.h"

namespace ballot::paxos {

class PaxosSafetyChecker final : public Observer {
 public:
  enum Property : int { kAgreement, kOneValuePerBallot, kValidity, kLearnedChosen, kPropertyCount };
  static const char* property_name(Property property);

  explicit PaxosSafetyChecker(int32_t cluster_size);
  void on_event(const TraceEvent& ev) override;
  bool wants(EventKind kind) const override {
    return kind == EventKind::Record || kind == EventKind::Crash;
  }
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;
  int64_t count(Property property) const { return counts_[property]; }
  // Slots the checker has seen chosen (for tests).
  int64_t chosen_slots() const { return static_cast<int64_t>(chosen_.size()); }

 private:
  struct Sighting {
    Value value;
    uint64_t digest = 0;
    NodeId node = kNoNode;
    uint64_t event_index = 0;
    int64_t ballot = 0;
  };
  // The acceptances of one (slot, ballot).
  struct Votes {
    Sighting first;          // the first acceptance seen
    std::set<NodeId> nodes;  // acceptors that accepted first.value
  };

  void on_propose(const TraceEvent& ev, const ProposeFact& fact);
  void on_accept(const TraceEvent& ev, const AcceptFact& fact);
  void on_learn(const TraceEvent& ev, const LearnFact& fact);
  void on_apply(const TraceEvent& ev, const ApplyFact& fact);
  void report(Property property, const TraceEvent& ev, std::vector<NodeId> nodes,
              std::string message);

  int32_t cluster_size_;
  std::map<std::pair<int64_t, int64_t>, Sighting> proposed_;  // (slot, ballot) -> proposal
  std::map<std::pair<int64_t, int64_t>, Votes> votes_;        // (slot, ballot) -> acceptances
  std::map<int64_t, Sighting> chosen_;                        // slot -> the first value chosen
  std::vector<int64_t> last_applied_;                         // per node; 0 after a crash
  std::array<int64_t, kPropertyCount> counts_{};
};

// The observers AlgorithmInfo::checkers returns for Paxos.
std::vector<std::unique_ptr<Observer>> paxos_checkers(int32_t cluster_size);

}  // namespace ballot::paxos
