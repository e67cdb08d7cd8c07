#include "algorithms/lease/checker.h"
#include "algorithms/kit/dispatch.h"

#include "algorithms/lease/messages.h"

namespace ballot::lease {

namespace {

// Only the first few violations are kept in full; all are counted.
constexpr int64_t kViolationsKept = 10;

}  // namespace

void FencingChecker::on_event(const TraceEvent& ev) {
  if (ev.kind != EventKind::Record || ev.payload == nullptr) return;
  const auto* fact = kit::message_as<StorageFact>(ev.payload);
  if (fact == nullptr) return;
  if (!fact->accepted) {
    ++rejected_;
    return;
  }
  if (fact->write && fact->token < highest_accepted_) {
    (fact->fencing ? stale_accepted_fenced_ : stale_accepted_unfenced_) += 1;
    if (++reported_ <= kViolationsKept) {
      std::string message = "the storage accepted a write to '" + fact->key + "' from " +
                            node_name(fact->from) + " with token " + std::to_string(fact->token) +
                            " after accepting token " + std::to_string(highest_accepted_) +
                            " (event " + std::to_string(highest_event_) + ")";
      message += fact->fencing ? ", although fencing is on"
                               : ": fencing is off, so the stale holder's write landed";
      violation(Violation{kName, ev.index, ev.time_us, {ev.node, fact->from}, std::move(message)});
    }
  }
  if (fact->token > highest_accepted_) {
    highest_accepted_ = fact->token;
    highest_event_ = ev.index;
  }
}

void FencingChecker::add_metrics(std::map<std::string, int64_t>& metrics) const {
  metrics["fencing_stale_writes_accepted"] = stale_accepted_fenced_ + stale_accepted_unfenced_;
  metrics["fencing_rejected_ops"] = rejected_;
}

std::vector<std::unique_ptr<Observer>> lease_checkers(int32_t) {
  std::vector<std::unique_ptr<Observer>> checkers;
  checkers.push_back(std::make_unique<FencingChecker>());
  return checkers;
}

}  // namespace ballot::lease
