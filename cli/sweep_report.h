// What `ballot sweep` prints, from the outcome of each seed: shared by sweep and by `ballot merge`,
// which prints the same summary, stats and failure list from the parts of a sharded sweep
// (`sweep --shard K/N --json`), byte for byte as the unsharded sweep would.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ballot {
struct RunReport;
}

namespace ballot::cli {

// A scripted fault (`faults[fault]` of the file) that did nothing in a run: the fault-effect
// audit's "inert".
struct InertFault {
  size_t fault = 0;
  std::string kind;
};

// One seed's outcome: all a summary needs.
struct SweepRun {
  size_t index = 0;  // position of the seed in the whole --seeds list
  uint64_t seed = 0;
  bool ok = true;
  std::string why;                   // judge_run's summary: "27 safety violations, ..."
  std::vector<std::string> reasons;  // every failure, safety violations first
  size_t safety = 0;                 // how many of the reasons are safety violations
  size_t violations = 0;             // every safety violation, expected or not
  std::map<std::string, std::vector<int64_t>> samples;  // per --stats metric
  bool matched = true;  // the run meets every --where condition (else it has no samples)
  std::map<std::string, int64_t> reached;  // --coverage: situations reached, by name (count > 0)
  std::string saved;  // --save-failures: where it went, or why not ("" without the flag)
  std::vector<InertFault> inert;  // the scripted faults that were inert, in the file's order
};

struct SweepHeader {
  std::string file;
  std::string algorithm;
  std::string seeds;  // the --seeds text
  std::vector<std::string> sets;
  std::string variant;             // --variant NAME ("" : the file without one)
  std::vector<std::string> stats;  // --stats metrics, in order
  std::vector<std::string> where;  // --where conditions, in order (all must hold)
  bool coverage = false;           // --coverage: how often each situation was reached
};

// The names of `algorithm`'s situations, in the order of its table (empty when unknown).
std::vector<std::string> situation_names(const std::string& algorithm);

// Per scripted fault that was inert in some runs: in how many, and the first seed (in --seeds
// order) where it was; in the file's order of faults.
struct InertCount {
  size_t fault = 0;
  std::string kind;
  size_t runs = 0;
  uint64_t first_seed = 0;
};
// The scripted faults of a run that were inert (a nemesis's inert faults are routine, such as a
// crash of a node already down, and left out).
std::vector<InertFault> inert_scripted_faults(const RunReport& report);
std::vector<InertCount> count_inert(const std::vector<SweepRun>& runs);
// "faults[2] (crash) was inert in 37 of 1000 runs; first seed 12"
std::string inert_count_text(const InertCount& c, size_t runs);

// --coverage: per situation of the algorithm (in the order of its table), the runs that reached
// it, their share, how often in all, and the first seed (in --seeds order) that did.
struct CoverageRow {
  std::string name;
  size_t seeds = 0;
  double share = 0;
  int64_t count = 0;
  bool reached = false;  // first_seed is set
  uint64_t first_seed = 0;
};
std::vector<CoverageRow> coverage_rows(const std::string& algorithm,
                                       const std::vector<SweepRun>& runs);
// The table for people, then "never reached (K of N): ..." or "all N situations reached"; each
// line ends in a newline.
std::string coverage_text(const std::vector<CoverageRow>& rows);

// These pool every loss of every seed (belief leader losses, leader losses); other --stats names
// are run metrics.
inline constexpr const char* kDowntimePerLoss = "belief_downtime_per_loss_us";
inline constexpr const char* kLeaderLossPerLoss = "leader_loss_per_loss_us";
// Per scripted fault i (docs/cli.md): "faults[i].recovery_leader_us",
// "faults[i].recovery_write_us".
inline constexpr const char* kRecoveryLeader = "recovery_leader_us";
inline constexpr const char* kRecoveryWrite = "recovery_write_us";

// Prints the sweep's result on stdout (text, or one JSON object); `runs` in --seeds order. With a
// `shard` ("K/N"), the JSON object is a part: it carries every run for `ballot merge` as well.
// Returns the exit code (1 when any run failed).
int print_sweep(const SweepHeader& header, const std::vector<SweepRun>& runs, bool json,
                const std::string& shard = "", size_t seed_count = 0);

// Reads the parts (files) and prints the merged sweep like print_sweep; exit 2 with one message
// on stderr for parts that do not make one whole sweep.
int merge_parts(const std::vector<std::string>& files, bool json);

}  // namespace ballot::cli
