#include "algorithms/paxos/checker.h"
#include "algorithms/kit/dispatch.h"

namespace ballot::paxos {

namespace {

// Only the first few violations of each property are kept in full; all are counted.
constexpr int64_t kViolationsKeptPerProperty = 10;

std::string where(int64_t slot, int64_t ballot) {
  return "slot " + std::to_string(slot) + " ballot b" + std::to_string(ballot);
}

}  // namespace

const char* PaxosSafetyChecker::property_name(Property property) {
  switch (property) {
    case kAgreement:
      return "agreement";
    case kOneValuePerBallot:
      return "one_value_per_ballot";
    case kValidity:
      return "validity";
    case kLearnedChosen:
      return "learned_chosen";
    case kPropertyCount:
      break;
  }
  return "?";
}

PaxosSafetyChecker::PaxosSafetyChecker(int32_t cluster_size)
    : cluster_size_(cluster_size), last_applied_(static_cast<size_t>(cluster_size), 0) {}

void PaxosSafetyChecker::report(Property property, const TraceEvent& ev, std::vector<NodeId> nodes,
                                std::string message) {
  if (++counts_[property] > kViolationsKeptPerProperty) return;
  violation(Violation{property_name(property), ev.index, ev.time_us, std::move(nodes),
                      std::move(message)});
}

void PaxosSafetyChecker::add_metrics(std::map<std::string, int64_t>& metrics) const {
  for (int p = 0; p < kPropertyCount; ++p) {
    metrics[std::string("paxos_") + property_name(static_cast<Property>(p)) + "_violations"] =
        counts_[p];
  }
}

void PaxosSafetyChecker::on_event(const TraceEvent& ev) {
  if (ev.node < 0 || ev.node >= cluster_size_) return;
  if (ev.kind == EventKind::Crash) {
    last_applied_[static_cast<size_t>(ev.node)] = 0;  // the state machine is volatile
    return;
  }
  if (ev.kind != EventKind::Record || ev.payload == nullptr) return;
  if (auto* p = kit::message_as<ProposeFact>(ev.payload)) {
    on_propose(ev, *p);
  } else if (auto* a = kit::message_as<AcceptFact>(ev.payload)) {
    on_accept(ev, *a);
  } else if (auto* l = kit::message_as<LearnFact>(ev.payload)) {
    on_learn(ev, *l);
  } else if (auto* ap = kit::message_as<ApplyFact>(ev.payload)) {
    on_apply(ev, *ap);
  }
}

void PaxosSafetyChecker::on_propose(const TraceEvent& ev, const ProposeFact& fact) {
  const Sighting seen{fact.value, fact.value.digest(), ev.node, ev.index, fact.ballot};
  auto [it, inserted] = proposed_.emplace(std::make_pair(fact.slot, fact.ballot), seen);
  if (inserted || it->second.digest == seen.digest) return;
  report(kOneValuePerBallot, ev, {it->second.node, ev.node},
         node_name(ev.node) + " proposed " + fact.value.describe() + " in " +
             where(fact.slot, fact.ballot) + " after proposing " + it->second.value.describe() +
             " there (event " + std::to_string(it->second.event_index) + ")");
}

// Counts the acceptances of each (slot, ballot); the one that completes a majority chooses the
// value, which must then be the value chosen in every other ballot of that slot.
void PaxosSafetyChecker::on_accept(const TraceEvent& ev, const AcceptFact& fact) {
  const auto key = std::make_pair(fact.slot, fact.ballot);
  const Sighting seen{fact.value, fact.value.digest(), ev.node, ev.index, fact.ballot};
  auto proposal = proposed_.find(key);
  if (proposal == proposed_.end() || proposal->second.digest != seen.digest) {
    report(kValidity, ev, {ev.node},
           node_name(ev.node) + " accepted " + fact.value.describe() + " in " +
               where(fact.slot, fact.ballot) + ", which " +
               (proposal == proposed_.end()
                    ? std::string("nobody proposed")
                    : "was not proposed there (" + proposal->second.value.describe() + " was)"));
  }
  auto [it, inserted] = votes_.emplace(key, Votes{seen, {}});
  Votes& votes = it->second;
  if (votes.first.digest != seen.digest) {
    report(kOneValuePerBallot, ev, {votes.first.node, ev.node},
           node_name(ev.node) + " accepted " + fact.value.describe() + " in " +
               where(fact.slot, fact.ballot) + ", but " + node_name(votes.first.node) +
               " accepted " + votes.first.value.describe() + " there (event " +
               std::to_string(votes.first.event_index) + ")");
    return;
  }
  const size_t before = votes.nodes.size();
  votes.nodes.insert(ev.node);
  const size_t majority = static_cast<size_t>(cluster_size_ / 2 + 1);
  if (before >= majority || votes.nodes.size() < majority) return;
  // Chosen now, in this ballot.
  auto [c, first] = chosen_.emplace(fact.slot, seen);
  if (first || c->second.digest == seen.digest) return;
  report(kAgreement, ev, {c->second.node, ev.node},
         "two values chosen in slot " + std::to_string(fact.slot) + ": " +
             c->second.value.describe() + " in ballot b" + std::to_string(c->second.ballot) +
             " (majority complete at event " + std::to_string(c->second.event_index) + "), and " +
             fact.value.describe() + " in ballot b" + std::to_string(fact.ballot) +
             " (majority complete here)");
}

void PaxosSafetyChecker::on_learn(const TraceEvent& ev, const LearnFact& fact) {
  auto c = chosen_.find(fact.slot);
  if (c == chosen_.end()) {
    report(kLearnedChosen, ev, {ev.node},
           node_name(ev.node) + " learned " + fact.value.describe() + " in slot " +
               std::to_string(fact.slot) + ", where no value is chosen yet");
  } else if (c->second.digest != fact.value.digest()) {
    report(kLearnedChosen, ev, {ev.node, c->second.node},
           node_name(ev.node) + " learned " + fact.value.describe() + " in slot " +
               std::to_string(fact.slot) + ", but " + c->second.value.describe() +
               " was chosen there first (ballot b" + std::to_string(c->second.ballot) + ")");
  }
}

void PaxosSafetyChecker::on_apply(const TraceEvent& ev, const ApplyFact& fact) {
  int64_t& last = last_applied_[static_cast<size_t>(ev.node)];
  if (fact.slot != last + 1) {
    report(kLearnedChosen, ev, {ev.node},
           node_name(ev.node) + " applied slot " + std::to_string(fact.slot) + " after slot " +
               std::to_string(last));
  }
  last = fact.slot;
}

std::vector<std::unique_ptr<Observer>> paxos_checkers(int32_t cluster_size) {
  std::vector<std::unique_ptr<Observer>> checkers;
  checkers.push_back(std::make_unique<PaxosSafetyChecker>(cluster_size));
  return checkers;
}

}  // namespace ballot::paxos
