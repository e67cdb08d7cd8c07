// The situations a Bully run can reach (sim/api/situation.h): one table, in the order of the enum.
// Each is reported by BullyNode (bully.cpp) at the rule that realises it.
#pragma once
#include <array>

#include "sim/api/situation.h"

namespace ballot::bully {

enum class Reached : SituationId {
  CoordinatorSuspected,
  HigherNodeAnswered,
  WonUnopposed,
  AnsweredButSilent,
  LowerCoordinatorBullied,
  CoordinatorDeposed,
};

inline constexpr std::array<Situation, 6> kSituations = {{
    {"coordinator_suspected",
     "A follower heard no heartbeat from its coordinator within the failure timeout and held an "
     "election."},
    {"higher_node_answered",
     "An electing node got an Answer from a higher node, which takes the election over (it then "
     "waits for that node's Coordinator message)."},
    {"won_unopposed",
     "An electing node heard no Answer from any higher node within the answer timeout and became "
     "coordinator."},
    {"answered_but_silent",
     "A higher node answered an election but never announced itself within the coordinator "
     "timeout, so the election was held again."},
    {"lower_coordinator_bullied",
     "A node heard a Coordinator message or heartbeat from a lower node that believes it "
     "coordinates (split brain after a partition heals) and bullied it."},
    {"coordinator_deposed",
     "A coordinator yielded to a higher coordinator (its announcement or heartbeat), taking that "
     "node's state in place of its own."},
}};

}  // namespace ballot::bully
