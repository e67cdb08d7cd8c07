// A scenario: everything that determines a run besides the seed (docs/scenario-format.md).
// Plain data; parsing lives in the reader (sim/scenario/scenario_read.h) so nlohmann stays out of
// here.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/history.h"
#include "sim/api/node_api.h"
#include "sim/api/params.h"
#include "sim/api/rng.h"
#include "sim/api/time.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/node_set.h"

namespace ballot {

// One-way message delay, sampled per message from the network stream.
struct LatencyModel {
  enum class Dist { Constant, Uniform, Normal, Exponential, Lognormal, Pareto };
  Dist dist = Dist::Uniform;
  Time_us constant_us = 1000;              // constant
  Time_us min_us = 1000, max_us = 5000;    // uniform
  double mean_us = 2000, stddev_us = 500;  // normal, exponential (mean)
  double mu = 7.6, sigma = 0.5;            // lognormal of the delay in µs
  double scale_us = 1000, shape = 2.0;     // pareto
  // The "min" of every distribution but uniform (whose min is min_us), as
  // docs/scenario-format.md defines it per distribution: normal is truncated at it (conditioned
  // on X > floor), exponential and lognormal are shifted by it, pareto is truncated at it (its
  // scale becomes max(scale, floor)), a constant must not lie below it.
  Time_us floor_us = 0;

  Time_us sample_us(Rng& rng) const;
};

struct LinkModel {
  LatencyModel latency;
  double loss = 0.0;       // probability a message is lost
  double duplicate = 0.0;  // probability a message is delivered twice
  bool fifo = false;       // per ordered pair, deliveries never overtake each other
};

struct TopologySpec {
  enum class Kind { FullMesh, Ring, Star, Explicit };
  Kind kind = Kind::FullMesh;
  NodeId center = 0;  // star
  struct Edge {
    NodeId a = 0, b = 0;
    Time_us latency_us = 0;  // added to the sampled delay for each hop over this edge
  };
  std::vector<Edge> edges;  // explicit (undirected)
};

// FaultKind and its table: sim/kernel/fault_kinds.h.

struct FaultSpec {
  Time_us at_us = 0;
  Time_us duration_us = 0;  // 0: permanent (until a heal or the end of the run)
  // `at` or `duration` written as a range {"min": ..., "max": ...}: at_us / duration_us hold the
  // minimum until the run draws the value (draw_fault_times, sim/kernel/nemesis.h); kNever_us
  // when the value was written as one time.
  Time_us at_max_us = kNever_us;
  Time_us duration_max_us = kNever_us;
  FaultKind kind = FaultKind::Partition;
  std::vector<std::vector<NodeId>> groups;  // partition (resolved)
  // Partition groups that name selectors ("leader", ...): resolved into `groups` when the fault
  // fires. Empty when every group is fixed when the scenario is read.
  std::vector<NodeSetSpec> group_sets;
  std::vector<NodeId> nodes;            // isolate, crash, pause, clock, spike, loss, slow
  Selector selector = Selector::None;   // instead of `nodes`
  NodeId from = kNoNode, to = kNoNode;  // link cut, flap, drop (kNoNode = any)
  // A link cut whose ends name more than one node, a range, a fraction or a selector: every
  // link from a node of from_nodes to a node of to_nodes is cut. link_sets holds the ends as
  // read when a selector makes them known only when the fault fires.
  bool link_set_form = false;
  std::vector<NodeId> from_nodes, to_nodes;
  std::vector<NodeSetSpec> link_sets;
  bool both = false;     // link cut in both directions
  std::string msg_type;  // drop ("" = every type)
  // A partition that names the fencing device ("stonith") in one of its groups: the device
  // stays linked to device_side (that group's nodes) and is cut from every other node.
  bool device_in_groups = false;
  std::vector<NodeId> device_side;
  double probability = 1.0;  // drop
  double loss = 0.0;         // loss burst
  Time_us delay_us = 0;      // delay spike, slow node
  Time_us period_us = 0;     // flap
  int64_t drift_ppm = 0;     // clock drift
  Time_us jump_us = 0;       // clock jump
  int64_t nth = 0;           // drop_message: the nth message of msg_type from -> to (1-based)
  std::string path;          // JSON path, for messages ("faults[3]")
};

struct NemesisSpec {
  bool enabled = false;
  std::vector<FaultKind> kinds;  // drawn uniformly
  Time_us start_us = 0;
  Time_us stop_us = kNever_us;  // no new fault begins after this; the end of the run by default
  Time_us mean_interval_us = 2 * kSecond_us;  // exponential gaps between fault starts
  Time_us duration_min_us = 500 * kMillisecond_us;
  Time_us duration_max_us = 3 * kSecond_us;
  // Swarm testing: the run's own nemesis settings (which kinds are on, the interval, the
  // duration range, the network's loss and duplication) are drawn from the seed's "swarm"
  // stream within the ranges below before the run starts (draw_swarm, sim/kernel/nemesis.h).
  bool swarm = false;
  // Crashes at a new epoch (set by the swarm draw; docs/scenario-format.md#swarm): when a node
  // reports an epoch (a term, a ballot) above every one it reported before, between start and
  // stop, it crashes with probability epoch_crash, after a delay uniform in [0,
  // epoch_crash_delay_max_us], for a downtime uniform in [epoch_crash_down_min_us,
  // epoch_crash_down_max_us]; drawn from the "faults/epoch" stream. 0: never (the default).
  double epoch_crash = 0.0;
  Time_us epoch_crash_delay_max_us = 0;
  Time_us epoch_crash_down_min_us = kMillisecond_us;
  Time_us epoch_crash_down_max_us = kMillisecond_us;
  // Isolation of a leader at a client request (set by the swarm draw;
  // docs/scenario-format.md#swarm): when a client request reaches a node that reports the Leader
  // role, between start and stop, the node is isolated with probability leader_isolate just before
  // it handles the request (what it sends about it is lost), for a time uniform in
  // [leader_isolate_min_us, leader_isolate_max_us]; drawn from the "faults/leader" stream. 0:
  // never (the default).
  double leader_isolate = 0.0;
  Time_us leader_isolate_min_us = kMillisecond_us;
  Time_us leader_isolate_max_us = kMillisecond_us;
};

// One scripted client operation.
struct ScriptedOp {
  Time_us at_us = 0;
  int32_t client = 0;
  NodeId node = kNoNode;  // send to this node first; kNoNode: the node the client believes leads
  lin::OpKind kind = lin::OpKind::Write;
  std::string key;
  std::optional<std::string> value;
  std::optional<std::string> expected;
};

struct WorkloadSpec {
  std::string model = "register";  // "register" (read/write/cas) or "kv" (get/put/append)
  int32_t clients = 0;             // random clients; 0 = none
  Time_us start_us = 0;
  Time_us stop_us = kNever_us;
  Time_us mean_interval_us = 100 * kMillisecond_us;  // per client, between ops
  int32_t keys = 1;                                  // kv: how many keys
  double read_fraction = 0.5;
  double cas_fraction = 0.0;            // register: cas; kv: append
  Time_us timeout_us = 1 * kSecond_us;  // then the op's outcome is unknown (info)
  std::vector<ScriptedOp> ops;
  // Leader duties on each node's local clock (0 = off): a scheduled job every job_period_us, and
  // a unique id handed out every id_interval_us. They run from duties_start_us to the end.
  // Where clients sit. false ("everywhere", the default): a client reaches every live node.
  // true ("home"): client c lives beside node c mod n and reaches others only where that node
  // can, so a partition cuts clients off too (as it does in a real data centre).
  bool clients_at_home = false;
  Time_us job_period_us = 0;
  Time_us id_interval_us = 0;
  Time_us duties_start_us = 0;
};

// STONITH ("shoot the other node in the head", docs/stonith.md): a fencing device on the network
// that powers off the previous leader when an algorithm asks it to (Context::fence), before the
// new leader acts. It is an endpoint of the network with the id `nodes` (one past the cluster),
// named "stonith" in faults: it can be crashed, paused, isolated or put on one side of a
// partition. It runs no algorithm.
struct StonithSpec {
  bool enabled = false;
  // When the device does not acknowledge within `timeout_us`: false ("wait") asks again and keeps
  // the new leader waiting; true ("proceed") tells the new leader to go on unfenced.
  bool proceed = false;
  Time_us timeout_us = 100 * kMillisecond_us;
};

// The device's id in the network and in fault specs: one past the cluster's nodes.
inline NodeId stonith_device_id(int32_t nodes) {
  return nodes;
}

// An expectation on a metric: `eq`, or a range. Values are integers (µs for *_us metrics).
// `expect.reached` lists situations the run must reach (sim/api/situation.h): one Expectation per
// name, with metric "reached" and the name in `situation` (path "expect.reached[0]"). The reader
// takes any name; the runner checks it against the algorithm's table (validate_algorithm_names).
struct Expectation {
  std::string metric;
  std::optional<int64_t> eq, min, max;
  std::string path;       // "expect.split_brain_us"
  std::string situation;  // metric "reached": the situation's name
};

// What a caption anchored to an event waits for (docs/scenario-format.md#captions): the kind of
// event and the filters that apply to it (kNoNode, nullopt, 0 or "": any).
struct CaptionAnchor {
  enum class Kind { Role, Commit, Fault, Crash, Restart, Pause, Resume, Violation, Op };
  Kind kind = Kind::Role;
  NodeId node = kNoNode;                // role, commit, crash, restart, pause, resume
  Role role = Role::Follower;           // role
  std::optional<int64_t> epoch;         // role
  int64_t index = 0;                    // commit: the log index or slot (from 1)
  int64_t fault = 0;                    // fault: 1-based position in the scenario's faults
  std::optional<FaultKind> fault_kind;  // fault: any fault of this kind (scripted or nemesis)
  bool end = false;                     // fault: its end rather than its beginning
  std::string checker;                  // violation: the checker's name
  uint64_t op = 0;                      // op: the operation's id (1-based, as in the trace)
  std::optional<lin::Outcome> outcome;  // op
  std::string text;                     // the anchor as written (compact JSON), for reports
};

struct Caption {
  Time_us at_us = 0;  // a time caption's time (unused when anchored)
  std::string text;
  bool pause = false;  // the viewer pauses playback here
  // Anchored to an event ("on") instead of a time: shown `offset_us` after the `nth` occurrence.
  std::optional<CaptionAnchor> on;
  int64_t nth = 1;
  Time_us offset_us = 0;
  std::string path;  // "captions[2]", for messages
};

// The name `--variant` takes for the file as written, without any of its variants; no variant may
// be called so.
inline constexpr const char* kBaseVariant = "base";

// One entry of a scenario's "variants" (docs/scenario-format.md#variants): its name and its
// one-sentence description.
struct VariantInfo {
  std::string name;
  std::string description;
};

struct Scenario {
  std::string file;  // where it came from, for messages
  // The variant this scenario was read as ("" for the file without one), and every variant the
  // file declares, in file order.
  std::string variant;
  std::vector<VariantInfo> variants;
  std::string name;
  std::string description;
  int32_t nodes = 3;
  std::string algorithm = "bully";
  uint64_t seed = 1;
  Time_us duration_us = 10 * kSecond_us;
  TopologySpec topology;
  LinkModel network;
  // Timer jitter: added to every node timer's delay when it is set, drawn from the node's own
  // "timer-jitter/<i>" stream. None (the default) leaves timers exact.
  std::optional<LatencyModel> timer_jitter;
  // The disk: how long each Context::sync takes to reach stable storage, drawn per sync from the
  // node's "storage/<i>" stream. While a node's syncs are in flight, what it sends waits for them,
  // and a crash loses every write not yet on disk. None (the default): syncs cost no time.
  std::optional<LatencyModel> storage_sync;
  // Per-node overrides of both ("timers.nodes", "storage.nodes"): a node listed uses its own entry
  // (none when it is null), every other node the scenario-wide one above.
  std::map<NodeId, std::optional<LatencyModel>> timer_jitter_nodes;
  std::map<NodeId, std::optional<LatencyModel>> storage_sync_nodes;
  // What node `id` uses; nullptr for none.
  const LatencyModel* timer_jitter_of(NodeId id) const;
  const LatencyModel* storage_sync_of(NodeId id) const;
  // Per algorithm ("raft" -> its flattened parameters); JSON path "params.<algorithm>".
  std::map<std::string, std::map<std::string, ParamValue>> params;
  std::vector<FaultSpec> faults;
  NemesisSpec nemesis;
  StonithSpec stonith;
  WorkloadSpec workload;
  std::vector<Expectation> expect;                                      // for every algorithm
  std::map<std::string, std::vector<Expectation>> expect_by_algorithm;  // added per algorithm
  // Golden trace hashes: "<algorithm>/<seed>" -> 16 hex digits.
  std::map<std::string, std::string> golden;
  // The readable summary recorded beside a golden hash, as compact JSON text (entries in the older
  // string form have none). Informative: only the hash decides (cli/golden.h).
  std::map<std::string, std::string> golden_summary;
  std::vector<Caption> captions;
  // The scenario as JSON after --set overrides, with algorithm and seed filled in: written into
  // the trace header so that `ballot replay` can re-run exactly this.
  std::string resolved_json;
  // What --set overrides changed that the file did not mean (nodes left out of a partition's
  // groups or a topology's edges): for stderr and --json "warnings", not errors.
  std::vector<std::string> warnings;
};

// Reads a scenario file; applies "--set path=value" overrides (before validation, so an
// override is checked like the file). Throws InputError whose path is the JSON path (the caller
// names the file). A non-empty `variant` reads the file as that variant: its "set" overrides go
// first (before `overrides`), and its expect, captions and golden replace the file's
// (docs/scenario-format.md#variants); an unknown name, or any name on a file without variants, is
// an InputError listing the names.
Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides = {},
                       const std::string& variant = "");
// Checks that `text` is valid JSON with no key repeated in one object and no number out of
// range; otherwise throws InputError naming the JSON path and "at line L, column C" (L counted
// from `first_line`, for tools that read a file a line at a time).
void check_json_text(const std::string& text, size_t first_line = 1);
// The same from text (`file` only labels messages).
Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides = {},
                        const std::string& variant = "");
// `scenario` with another seed: what parsing its text again with a last "--set seed=N" would give
// (resolved_json included), without reading and validating the text again. For sweeps, which
// run one scenario over many seeds (tests/test_scenario.cpp compares the two).
Scenario with_seed(const Scenario& scenario, uint64_t seed);

}  // namespace ballot
