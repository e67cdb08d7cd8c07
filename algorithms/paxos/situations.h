// The situations a Multi-Paxos run can reach (sim/api/situation.h): one table, in the order of the
// enum. Each is reported by PaxosNode (node.cpp) at the rule that realises it.
#pragma once
#include <array>

#include "sim/api/situation.h"

namespace ballot::paxos {

enum class Reached : SituationId {
  DuelingProposers,
  Phase1TimedOut,
  OldBallotRefused,
  ValueAdoptedFromPromise,
  AcceptedValueIgnored,
  GapFilledWithNoop,
  LeaderChange,
  FollowerCaughtUp,
};

inline constexpr std::array<Situation, 8> kSituations = {{
    {"dueling_proposers",
     "A proposer (candidate or leader) abandoned its ballot because a higher one was promised: a "
     "Nack from an acceptor (2.2), or a higher Prepare reaching its own acceptor."},
    {"phase1_timed_out",
     "A candidate's election timeout elapsed before a majority promised its ballot, so it tried a "
     "higher one."},
    {"old_ballot_refused",
     "An acceptor refused a Prepare, Accept or Heartbeat of a ballot below its promise and told "
     "the proposer so (a Nack)."},
    {"value_adopted_from_promise",
     "A new leader proposed, for a slot, the highest-numbered value the Promises reported instead "
     "of a value of its own (phase 2a)."},
    {"accepted_value_ignored",
     "A new leader proposed a no-op in a slot for which the Promises reported an accepted value "
     "(only with bugs.ignore_accepted_in_promises)."},
    {"gap_filled_with_noop",
     "A new leader proposed a no-op for a slot below the highest one reported, for which no value "
     "was reported, so that later slots can be applied (3)."},
    {"leader_change",
     "A follower started following a leader of a higher ballot than the leader it had followed."},
    {"follower_caught_up",
     "A leader sent a catch-up Decide to a follower whose reply showed it was behind: missing a "
     "value it cannot learn from the watermark."},
}};

}  // namespace ballot::paxos
