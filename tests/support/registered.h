// The node factory of a registered algorithm (algorithms/registry.h), for a ManualCluster: the
// same nodes the kernel runs, built from parameters as a scenario's params.<algorithm> gives them.
#pragma once
#include <map>
#include <stdexcept>
#include <string>

#include "algorithms/registry.h"
#include "manual_cluster.h"

namespace ballot::testkit {

inline MakeNode registered_node(const std::string& algorithm, int32_t n,
                                std::map<std::string, ParamValue> params = {}) {
  const AlgorithmInfo* algo = find_algorithm(algorithm);
  if (algo == nullptr) throw std::invalid_argument("no algorithm '" + algorithm + "'");
  Params p("params." + algorithm, std::move(params));
  return algo->make(p, n);
}

}  // namespace ballot::testkit
