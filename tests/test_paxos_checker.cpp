// The Paxos safety checker on hand-built fact sequences: each property must be reported where it
// is broken, and nothing where it holds.
#include <catch2/catch.hpp>

#include <deque>

#include "algorithms/paxos/checker.h"
#include "support/paxos.h"

using namespace paxos_test;

namespace {

// Feeds facts to a checker of a 3-node cluster as if each came from a node's Context::record.
class Feed {
 public:
  Feed() : checker(3) {}
  void propose(NodeId node, int64_t slot, int64_t ballot, const Value& value) {
    auto f = std::make_unique<ProposeFact>();
    f->slot = slot;
    f->ballot = ballot;
    f->value = value;
    record(node, std::move(f));
  }
  void accept(NodeId node, int64_t slot, int64_t ballot, const Value& value) {
    auto f = std::make_unique<AcceptFact>();
    f->slot = slot;
    f->ballot = ballot;
    f->value = value;
    record(node, std::move(f));
  }
  void learn(NodeId node, int64_t slot, const Value& value) {
    auto f = std::make_unique<LearnFact>();
    f->slot = slot;
    f->value = value;
    record(node, std::move(f));
  }
  void apply(NodeId node, int64_t slot, const Value& value) {
    auto f = std::make_unique<ApplyFact>();
    f->slot = slot;
    f->value = value;
    record(node, std::move(f));
  }
  void crash(NodeId node) {
    TraceEvent ev;
    ev.index = next_index_++;
    ev.kind = EventKind::Crash;
    ev.node = node;
    checker.on_event(ev);
  }
  std::string violations() const {
    std::string text;
    for (const Violation& v : checker.violations()) text += v.checker + ": " + v.message + "\n";
    return text;
  }

  PaxosSafetyChecker checker;

 private:
  void record(NodeId node, std::unique_ptr<Message> fact) {
    TraceEvent ev;
    ev.index = next_index_++;
    ev.time_us = static_cast<Time_us>(ev.index) * kMillisecond_us;
    ev.kind = EventKind::Record;
    ev.node = node;
    ev.payload = fact.get();
    facts_.push_back(std::move(fact));
    checker.on_event(ev);
  }
  uint64_t next_index_ = 0;
  std::deque<std::unique_ptr<Message>> facts_;
};

const Value kA = put("x", "A", 1, 1);
const Value kB = put("x", "B", 2, 5);

}  // namespace

TEST_CASE("Paxos checker: two values chosen in one slot by majorities of two ballots is reported",
          "[paxos][checker]") {
  Feed feed;
  feed.propose(0, 1, 1, kA);
  feed.accept(0, 1, 1, kA);
  feed.accept(1, 1, 1, kA);  // A chosen in ballot 1 (2 of 3)
  feed.propose(1, 1, 5, kB);
  feed.accept(1, 1, 5, kB);
  CHECK(feed.checker.count(PaxosSafetyChecker::kAgreement) == 0);  // one acceptance: not chosen
  feed.accept(2, 1, 5, kB);                                        // B chosen in ballot 5
  CHECK(feed.checker.count(PaxosSafetyChecker::kAgreement) == 1);
  REQUIRE(feed.checker.violations().size() == 1);
  CHECK(feed.checker.violations()[0].checker == "agreement");
  // The acceptors whose acceptance completed each majority.
  CHECK(feed.checker.violations()[0].nodes == std::vector<NodeId>{1, 2});
  CHECK(feed.checker.violations()[0].message.find("two values chosen in slot 1") !=
        std::string::npos);
}

TEST_CASE("Paxos checker: the same value chosen again in a higher ballot is no violation",
          "[paxos][checker]") {
  Feed feed;
  feed.propose(0, 1, 1, kA);
  feed.accept(0, 1, 1, kA);
  feed.accept(1, 1, 1, kA);
  // The next leader found A in its promises and proposed it again (phase 2(a)).
  feed.propose(1, 1, 5, kA);
  feed.accept(1, 1, 5, kA);
  feed.accept(2, 1, 5, kA);
  feed.learn(0, 1, kA);
  feed.apply(0, 1, kA);
  CHECK(feed.violations() == "");
  CHECK(feed.checker.chosen_slots() == 1);
}

TEST_CASE("Paxos checker: a value accepted by a minority is not chosen", "[paxos][checker]") {
  Feed feed;
  feed.propose(0, 1, 1, kA);
  feed.accept(0, 1, 1, kA);  // only n1
  feed.propose(1, 1, 5, kB);
  feed.accept(1, 1, 5, kB);
  feed.accept(2, 1, 5, kB);
  // Duplicated acceptances count once.
  feed.accept(2, 1, 5, kB);
  CHECK(feed.violations() == "");
  CHECK(feed.checker.chosen_slots() == 1);
}

TEST_CASE("Paxos checker: two values in one (slot, ballot) are reported", "[paxos][checker]") {
  Feed feed;
  feed.propose(0, 1, 1, kA);
  feed.propose(0, 1, 1, kB);
  CHECK(feed.checker.count(PaxosSafetyChecker::kOneValuePerBallot) == 1);
  feed.accept(1, 1, 1, kA);
  feed.accept(2, 1, 1, kB);
  CHECK(feed.checker.count(PaxosSafetyChecker::kOneValuePerBallot) == 2);
}

TEST_CASE("Paxos checker: validity: an accepted value must have been proposed there",
          "[paxos][checker]") {
  Feed feed;
  feed.accept(1, 1, 1, kA);
  CHECK(feed.checker.count(PaxosSafetyChecker::kValidity) == 1);
  feed.propose(0, 2, 1, kA);
  feed.accept(1, 2, 1, kB);
  CHECK(feed.checker.count(PaxosSafetyChecker::kValidity) == 2);
  feed.accept(2, 2, 1, kA);
  CHECK(feed.checker.count(PaxosSafetyChecker::kValidity) == 2);
}

TEST_CASE("Paxos checker: learning a value that is not the chosen one is reported",
          "[paxos][checker]") {
  Feed feed;
  feed.learn(2, 1, kA);  // nothing chosen yet
  CHECK(feed.checker.count(PaxosSafetyChecker::kLearnedChosen) == 1);
  feed.propose(0, 2, 1, kA);
  feed.accept(0, 2, 1, kA);
  feed.accept(1, 2, 1, kA);
  feed.learn(2, 2, kB);
  CHECK(feed.checker.count(PaxosSafetyChecker::kLearnedChosen) == 2);
  feed.learn(2, 2, kA);
  CHECK(feed.checker.count(PaxosSafetyChecker::kLearnedChosen) == 2);
}

TEST_CASE("Paxos checker: slots are applied in order: a crash starts the state machine over",
          "[paxos][checker]") {
  Feed feed;
  feed.apply(0, 1, kA);
  feed.apply(0, 3, kA);
  CHECK(feed.checker.count(PaxosSafetyChecker::kLearnedChosen) == 1);
  feed.crash(1);
  feed.apply(1, 1, kA);
  CHECK(feed.checker.count(PaxosSafetyChecker::kLearnedChosen) == 1);
}

TEST_CASE("Paxos checker: its metrics count every violation by property", "[paxos][checker]") {
  Feed feed;
  feed.accept(1, 1, 1, kA);
  std::map<std::string, int64_t> metrics;
  feed.checker.add_metrics(metrics);
  CHECK(metrics.at("paxos_validity_violations") == 1);
  CHECK(metrics.at("paxos_agreement_violations") == 0);
  CHECK(metrics.size() == 4);
}
