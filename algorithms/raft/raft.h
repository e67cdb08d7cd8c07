// Raft (Ongaro & Ousterhout) for ballot: the algorithm's entry in the registry.
//
// The node is algorithms/raft/node.h, its options options.h, its messages and facts messages.h, the
// safety checkers checker.h. docs/raft.md describes the parameters and the rules.
#pragma once
#include "algorithms/registry.h"

namespace ballot {

AlgorithmInfo raft_algorithm();

}  // namespace ballot
