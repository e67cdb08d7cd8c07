// Situations: the named points of its protocol an algorithm can reach in a run (a split vote, a
// follower's log truncated, a fencing rejection, ...). Each algorithm lists its own in one table
// (name and a one-sentence definition, AlgorithmInfo::situations) and reports reaching one through
// Context::reached at the rule of the handler that realises it. The kernel counts them per run,
// beside the trace and outside its hash (RunResult::situations); `ballot run` shows them,
// `ballot sweep --coverage` counts them over seeds, and `expect.reached` requires some.
#pragma once
#include <cstdint>
#include <string_view>

namespace ballot {

// An index into the algorithm's table of situations.
using SituationId = uint16_t;

struct Situation {
  std::string_view name;        // "split_vote": lower case, words joined by '_'
  std::string_view definition;  // one sentence, for `ballot list situations` and the docs
};

}  // namespace ballot
