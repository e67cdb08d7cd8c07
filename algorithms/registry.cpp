#include "algorithms/registry.h"

#include "algorithms/all.h"  // generated: algorithms/<name>/<name>.h of every algorithm folder
#include "sim/kernel/nemesis.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

namespace ballot {

const std::vector<AlgorithmInfo>& algorithms() {
  // The registration: one line per algorithm, in the order `ballot list algorithms` shows them.
  static const std::vector<AlgorithmInfo> all = {
      bully::bully_algorithm(),
      raft_algorithm(),
      paxos_algorithm(),
      lease::lease_algorithm(),
  };
  return all;
}

NodeFactory make_node_factory(const AlgorithmInfo& algo, const Scenario& scenario) {
  auto found = scenario.params.find(algo.name);
  Params params("params." + algo.name, found == scenario.params.end()
                                           ? std::map<std::string, ParamValue>{}
                                           : found->second);
  return algo.make(params, scenario.nodes);
}

AlgorithmInfo::SwarmParams swarm_params(const AlgorithmInfo& algo, const Scenario& scenario) {
  if (!scenario.nemesis.swarm || !algo.swarm) return {};
  Rng rng = Rng(scenario.seed).substream("swarm/params");
  auto found = scenario.params.find(algo.name);
  return algo.swarm(found == scenario.params.end() ? AlgorithmInfo::SwarmParams{} : found->second,
                    rng);
}

Scenario resolve_swarm(const AlgorithmInfo& algo, const Scenario& scenario) {
  Scenario r = draw_swarm(scenario);
  for (auto& [key, value] : swarm_params(algo, scenario)) r.params[algo.name][key] = value;
  return r;
}

std::unique_ptr<Simulator> make_simulator(const AlgorithmInfo& algo, const Scenario& scenario) {
  // The Simulator keeps its own copy of the resolved scenario (its draw_swarm then draws nothing).
  const Scenario resolved = resolve_swarm(algo, scenario);
  auto sim =
      std::make_unique<Simulator>(resolved, make_node_factory(algo, resolved), algo.has_epochs);
  if (algo.checkers) {
    for (auto& checker : algo.checkers(scenario.nodes)) sim->add_checker(std::move(checker));
  }
  return sim;
}

int find_situation(const AlgorithmInfo& algo, std::string_view name) {
  for (size_t i = 0; i < algo.situations.size(); ++i)
    if (algo.situations[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string situations_markdown(const AlgorithmInfo& algo) {
  std::string out = "| situation | reached when |\n|---|---|\n";
  for (const Situation& s : algo.situations)
    out += "| `" + std::string(s.name) + "` | " + std::string(s.definition) + " |\n";
  return out;
}

const AlgorithmInfo* find_algorithm(const std::string& name) {
  for (const AlgorithmInfo& info : algorithms())
    if (info.name == name) return &info;
  return nullptr;
}

}  // namespace ballot
