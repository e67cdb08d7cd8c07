// `ballot shrink`: from one failing run, a small scenario that fails the same way (docs/cli.md).
// The nemesis's resolved schedule becomes scripted faults and the random clients' operations
// scripted ones; then delta debugging removes faults and operations, replaces network faults by
// the single message drops (drop_message) they effected where that leaves no more faults, shortens
// and moves what is left, cuts the run after the failure and drops nodes. When that leaves many
// faults (a chaotic run, where removing one moves every random draw after it), it searches smaller
// runs of the same scenario (the next seeds, 3 nodes, short runs) for one that fails the same way
// after fewer faults, shrinks the best of those and keeps the smallest result, saying where it
// came from. Every candidate is
// judged with judge_run, so "fails the same way" means what run, compare, sweep and check mean:
// the first failure has the same kind (safety violation or failed expectation) and the same
// checker or expectation path.
#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/runner.h"

namespace ballot {

struct ShrinkOptions {
  std::string file;               // the scenario file
  std::vector<std::string> sets;  // --set overrides, applied first
  std::string variant;            // --variant NAME ("" : the file without one)
  std::string algorithm;          // "" : the scenario's
  bool seed_given = false;
  uint64_t seed = 0;
  uint64_t budget = 20000;  // at most this many runs (the first run included)
  // When delta debugging of the run itself leaves more than kSearchAbove faults, search smaller
  // runs of the same scenario for one that fails the same way and shrink that (--no-search: off).
  bool search = true;
  RunLimits limits;
  // Told of progress ("faults: 120 runs, 7 faults, 40 ops left"); may be empty.
  std::function<void(const std::string&)> progress;
};

struct ShrinkResult {
  std::string scenario_text;  // the shrunk scenario (JSON, one fault/op/caption per line)
  std::string name;           // its "name"
  std::string algorithm;
  uint64_t seed = 0;
  // The failure kept: the first failure of the original run (safety violations first).
  bool safety = false;
  std::string what;               // the checker or the expectation's path
  std::string text;               // the original failure's text
  uint64_t runs = 0;              // runs spent (invalid candidates are not runs)
  bool budget_exhausted = false;  // stopped by --budget: the result is the best found so far
  size_t faults_before = 0, faults_after = 0;
  size_t ops_before = 0, ops_after = 0;
  int32_t nodes_before = 0, nodes_after = 0;
  Time_us duration_before = 0, duration_after = 0;
  bool faults_scripted = false;  // the nemesis's schedule as scripted faults reproduced it
  bool had_nemesis = false;
  bool ops_scripted = false;  // the random clients' operations as scripted ones reproduced it
  bool had_random_clients = false;
  std::vector<std::string> notes;  // for people: what could not be done, and why
  // The search of smaller runs (docs/cli.md, "ballot shrink"): whether it ran, what delta
  // debugging of the run itself had reached, its runs, how many of them failed the same way, and
  // when the result came from one of them, its seed and overrides ("seed 1705 --set nodes=3 ...").
  bool searched = false;
  size_t own_faults_after = 0;
  uint64_t search_runs = 0;
  size_t siblings_failing = 0;
  std::string from_search;
  std::string search_text;  // the failure of the run the result came from, in its own words
};

// The search of smaller runs: when more than this many faults are left, with a nemesis to draw
// from and a budget of at least kSearchMinBudget. A quarter of the budget goes to the run itself,
// then at most half of the rest to the search's runs (it stops early at a run that fails after
// one fault), the rest to shrinking the best kSearchShrunk of the runs that failed the same way.
inline constexpr size_t kSearchAbove = 3;
inline constexpr uint64_t kSearchMinBudget = 1000;
inline constexpr size_t kSearchShrunk = 3;

// The run does not fail: nothing to shrink (the message says why). The CLI exits 2.
class NotFailing : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InputError for a bad scenario or override (as run does), NotFailing when the run passes.
// A run cut by a limit is bad input (throw_if_cut). Throws std::runtime_error if the shrunk
// scenario does not re-check (it then fails differently or its expectation does not hold).
ShrinkResult shrink_failure(const ShrinkOptions& options);

// The versions of the generators a seed drives: bumped whenever the same seed would draw a
// different nemesis schedule (sim/kernel/simulator.cpp, draw_next_nemesis) or random client
// workload. A saved failure records them ("generated_by") beside ballot's version.
inline constexpr int kNemesisGeneratorVersion = 1;
inline constexpr int kWorkloadGeneratorVersion = 1;

// A failing run written as a self-contained scenario (--save-failures of sweep, compare and
// check): the first steps of shrink_failure only. The nemesis's resolved schedule becomes scripted
// faults (the nemesis stays, disabled, as a record), the random clients' operations scripted ones
// where that still fails the same way; the original expectations stay, so the file fails as the
// run did, whatever later happens to the generators or their defaults; golden and captions go;
// "generated_by" records ballot's and the generators' versions and where the run came from.
struct SavedFailure {
  std::string scenario_text;
  bool faults_scripted = false;  // false: the nemesis kept as it was (scripting lost the failure)
  bool ops_scripted = false;
  bool had_nemesis = false;
  bool had_random_clients = false;
  std::string text;  // the failure kept (the first of the run)
  uint64_t runs = 0;
  std::vector<std::string> notes;
};
// `options.budget` and `progress` are not used. Throws InputError for bad input, NotFailing when
// the run passes (golden hashes are not judged: a golden mismatch alone is nothing to save), and
// std::runtime_error if the written file does not fail the same way.
SavedFailure script_failure(const ShrinkOptions& options, const std::string& saved_by);

// The caption of one scripted fault as written in a scenario (JSON text of one element of
// "faults"): "n3 crashes for 200ms", "n1,n2 | n3,n4,n5 split for 1s". Exposed for tests.
std::string fault_caption(const std::string& fault_json);

}  // namespace ballot
