// The algorithms ballot knows, and how to build their nodes from a scenario's parameters.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/api/node_api.h"
#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/api/situation.h"
#include "sim/api/trace.h"

namespace ballot {

struct Scenario;
class Simulator;

using NodeFactory = std::function<std::unique_ptr<Node>(Context&)>;

struct AlgorithmInfo {
  std::string name;         // "bully", "raft", ...
  std::string description;  // one line for `ballot list algorithms`
  bool has_epochs = false;  // epochs (terms, ballots) are meaningful: check one leader per epoch
  // The types of the messages its nodes send one another, as the trace names them (a
  // drop_message fault's `type` must be one).
  std::vector<std::string> message_types;
  // Reads and validates parameters (Params::finish() included) and returns the node factory.
  // Throws InputError on bad parameters.
  std::function<NodeFactory(Params&, int32_t cluster_size)> make;
  // Algorithm-specific safety checkers (e.g. Raft's log properties); may be empty.
  std::function<std::vector<std::unique_ptr<Observer>>(int32_t cluster_size)> checkers;
  // Swarm testing (docs/scenario-format.md#swarm): draws the algorithm's swarmable parameters
  // from `rng`, within the ranges its page documents, and returns them. A key in `given` (the
  // scenario's params.<name>) is kept as given: it is not returned, though its draws are made all
  // the same, so pinning one key moves no other. Empty: the algorithm draws nothing.
  using SwarmParams = std::map<std::string, ParamValue>;
  std::function<SwarmParams(const SwarmParams& given, Rng& rng)> swarm;
  // The situations its nodes report through Context::reached, indexed by SituationId
  // (sim/api/situation.h): what `ballot list situations`, `sweep --coverage` and expect.reached
  // name.
  std::vector<Situation> situations;
};

// The id of the situation `name` of `algo`, or -1 when it has none of that name.
int find_situation(const AlgorithmInfo& algo, std::string_view name);
// The table of `algo`'s situations in Markdown (situation, reached when), as docs/<algo>.md holds
// it (`ballot list situations --algo A --markdown`; tests/test_situations.cpp keeps them equal).
std::string situations_markdown(const AlgorithmInfo& algo);

const std::vector<AlgorithmInfo>& algorithms();

// Whether any safety checker watches runs of `algo`: one leader per epoch (algorithms with
// epochs) or checkers of its own. Bully has neither (primary-backup makes no safety promise), so
// "no violations" would say nothing about it.
inline bool has_safety_checker(const AlgorithmInfo& algo) {
  return algo.has_epochs || static_cast<bool>(algo.checkers);
}

// The node factory `algo` builds from the scenario's params.<algo.name> section (absent: the
// defaults). Throws InputError on bad parameters.
NodeFactory make_node_factory(const AlgorithmInfo& algo, const Scenario& scenario);
// A simulator running `algo` on `scenario`, with the algorithm's checkers attached. It keeps a
// reference to `scenario`, which must outlive it.
std::unique_ptr<Simulator> make_simulator(const AlgorithmInfo& algo, const Scenario& scenario);
// The parameters a swarm nemesis draws for `algo` on the scenario's seed (AlgorithmInfo::swarm,
// from Rng(seed).substream("swarm/params"), a stream every algorithm shares so that the timing
// keys Raft and Multi-Paxos share are drawn alike); empty without nemesis.swarm.
AlgorithmInfo::SwarmParams swarm_params(const AlgorithmInfo& algo, const Scenario& scenario);
// The scenario a run of `algo` uses: draw_swarm (the nemesis's, network's and clients' settings)
// with swarm_params merged into params.<algo>; a plain copy without nemesis.swarm.
Scenario resolve_swarm(const AlgorithmInfo& algo, const Scenario& scenario);
// nullptr when unknown.
const AlgorithmInfo* find_algorithm(const std::string& name);

}  // namespace ballot
