// Multi-Paxos (Lamport, "Paxos Made Simple", 2001) for ballot: the algorithm's entry in the
// registry.
//
// The node is algorithms/paxos/node.h, its options options.h, its messages and facts messages.h,
// the safety checker checker.h. docs/paxos.md describes the parameters and the rules.
#pragma once
#include "algorithms/registry.h"

namespace ballot {

AlgorithmInfo paxos_algorithm();

}  // namespace ballot
