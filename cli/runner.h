// Running a scenario end to end: build the algorithm's nodes and checkers, run, judge the
// expectations, and write the trace file (header, events, footer). Shared by the CLI, the
// viewer, the tests and the benchmarks.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/simulator.h"

namespace ballot {

struct ExpectationResult {
  std::string path;    // "expect.split_brain_us"
  std::string metric;  // "split_brain_us", or "trace_hash" for a golden hash
  std::string wanted;  // ">= 100ms", "== 0", "== 0123456789abcdef"
  std::string got;     // "3.2s", "not measured"
  bool ok = false;
};

struct RunReport {
  Scenario scenario;  // as run (algorithm and seed resolved)
  RunResult result;
  std::vector<ExpectationResult> expectations;
  bool has_epochs = false;
  // The linearizability checker's verdict on the client history (when there is one).
  bool checked_linearizability = false;
  bool linearizable = false;
  bool lincheck_timed_out = false;
  std::vector<uint64_t> lincheck_failing_ops;  // op ids (1-based, as in the trace)
  bool lincheck_window_minimal = false;        // failing_ops is a minimal failing window
  std::string lincheck_explanation;

  bool violated() const { return !result.violations.empty(); }
  bool expectations_hold() const;
  // The scenario states how many violations it expects (a lesson that shows a bug): then the
  // violations are judged by that expectation instead of failing the run by themselves.
  bool expects_violations() const;
  // Everything holds: no unexpected violation, every expectation met.
  bool ok() const { return (!violated() || expects_violations()) && expectations_hold(); }
};

// Runs `scenario` with its algorithm and seed. When `trace_out` is given, the whole trace is
// written to it: header line, one line per event, footer line. `watcher` (not owned, optional)
// sees every event too, e.g. to show progress. Throws InputError for an unknown algorithm or bad
// parameters (path "algorithm" or "params.<algorithm>.<key>").
RunReport run_scenario(const Scenario& scenario, std::ostream* trace_out = nullptr,
                       Observer* watcher = nullptr);
// The same, with an extra observer that sees every event (not owned); no trace is written.
RunReport run_scenario_watched(const Scenario& scenario, Observer* watcher);

// Every algorithm the scenario names must be registered: "algorithm", the keys of
// expect.by_algorithm, the algorithm half of golden keys and of params; and the params of the
// algorithms not running are validated against their own options. Throws InputError naming the
// JSON path, with the closest known name. run_scenario calls it first.
void validate_algorithm_names(const Scenario& scenario);

// Acknowledged appends missing from the last successful read of their key (kv workloads): each
// append writes a unique token, so a later read without it proves the write was lost. Keys that
// also saw a put (which may overwrite tokens legitimately) are not judged.
int64_t count_lost_writes(const lin::History& history);

// A word as a POSIX shell reads it back unchanged: plain when it is only letters, digits and
// _-./:=,+@%, else in single quotes.
std::string shell_quote(const std::string& word);
// The one command that reproduces a run (the file and every --set value shell-quoted).
std::string repro_command(const std::string& file, const std::string& algorithm, uint64_t seed,
                          const std::vector<std::string>& sets);

// "1.25s", "412ms", "37us": durations for people (exact to the microsecond).
std::string human_duration(Time_us duration_us);

// How every trace file starts: the first bytes of its header line.
inline constexpr const char* kTraceHeaderStart = "{\"format\":\"ballot-trace\"";
// The header line of a trace (JSON): format, versions, algorithm, seed, resolved scenario.
std::string trace_header(const Scenario& scenario);
// The footer line (JSON): counts, trace hash, metrics, violations, expectations.
std::string trace_footer(const RunReport& report);

inline constexpr const char* kBallotVersion = "0.1.0";

}  // namespace ballot
