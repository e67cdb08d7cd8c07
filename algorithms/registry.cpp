#include "algorithms/registry.h"

#include "algorithms/bully/bully.h"
#include "algorithms/lease/lease.h"
#include "algorithms/paxos/paxos.h"
#include "algorithms/raft/raft.h"

namespace ballot {

const std::vector<AlgorithmInfo>& algorithms() {
  static const std::vector<AlgorithmInfo> all = {
      bully::bully_algorithm(),
      raft_algorithm(),
      paxos_algorithm(),
      lease::lease_algorithm(),
  };
  return all;
}

const AlgorithmInfo* find_algorithm(const std::string& name) {
  for (const AlgorithmInfo& info : algorithms())
    if (info.name == name) return &info;
  return nullptr;
}

}  // namespace ballot
