// Running a scenario end to end: build the algorithm's nodes and checkers, run, judge the
// expectations, and write the trace file (header, events, footer). Shared by the CLI, the
// viewer, the tests and the benchmarks.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "cli/fault_log.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

namespace ballot {

struct ExpectationResult {
  std::string path;    // "expect.split_brain_us"
  std::string metric;  // "split_brain_us", or "trace_hash" for a golden hash
  std::string wanted;  // ">= 100ms", "== 0", "== 0123456789abcdef"
  std::string got;     // "3.2s", "not measured"
  bool ok = false;
};

// Guard rails for big runs (docs/cli.md): a runaway scenario stops with a valid, cut trace
// instead of running for hours or filling a disk.
inline constexpr uint64_t kDefaultMaxEvents = 50'000'000;
inline constexpr uint64_t kDefaultMaxTraceBytes = uint64_t{2} << 30;  // 2 GiB
struct RunLimits {
  uint64_t max_events = kDefaultMaxEvents;
  // Checked after each event line when a trace is written (header and newlines included).
  uint64_t max_trace_bytes = kDefaultMaxTraceBytes;
  // Count the trace's bytes even when none is written (replay re-cuts a run cut by size).
  bool count_trace_bytes = false;
  // Not a limit: false skips the trace hash when nothing reads it (sweep). It is still computed
  // when a trace is written or the scenario has a golden hash for the run's algorithm and seed.
  bool trace_hash = true;
  // Not a limit: name every message a fault dropped (FaultEffect::messages; `ballot shrink`).
  bool record_dropped_messages = false;
};
// "50000000", "50M", "2G", "512Ki", "2GiB": a positive count with an optional suffix (K, M, G, T
// are powers of 1000; Ki, Mi, Gi, Ti powers of 1024; a trailing B is allowed). Throws
// InputError(flag, ...) otherwise.
uint64_t parse_limit(const std::string& text, const std::string& flag);
// "50M", "2Gi": the short form parse_limit reads back (exact).
std::string show_limit(uint64_t value);

// Where a lost write was erased: the event at which the node that acknowledged it took another
// node's state that lacked it (Bully: a higher coordinator's Coordinator or Replicate message).
struct Erasure {
  uint64_t event = 0;  // trace index of the delivery
  Time_us time_us = 0;
  NodeId node = kNoNode;  // the node that had acknowledged the write
  NodeId from = kNoNode;  // whose state replaced it
};

struct RunReport {
  Scenario scenario;  // as run (algorithm and seed resolved)
  RunResult result;
  std::vector<ExpectationResult> expectations;
  std::vector<FiredFault> faults;  // every fault that fired, in order
  bool has_epochs = false;
  // A safety checker watched the run (has_safety_checker): without one, "no violations" means
  // nothing was checked, not that nothing went wrong.
  bool safety_checked = true;
  // The linearizability checker's verdict on the client history (when there is one).
  bool checked_linearizability = false;
  bool linearizable = false;
  bool lincheck_timed_out = false;
  std::vector<uint64_t> lincheck_failing_ops;  // op ids (1-based, as in the trace)
  bool lincheck_window_minimal = false;        // failing_ops is a minimal failing window
  std::string lincheck_explanation;
  // The acknowledged writes that were lost (find_lost_writes): op ids, 1-based; who acknowledged
  // each is in result.op_served.
  std::vector<uint64_t> lost_write_ops;
  // For the lost writes whose erasure the algorithm makes visible (Bully only), by op id.
  std::map<uint64_t, Erasure> lost_write_erased;
  // Set when a limit stopped the run before the scenario's duration: "max_events" or
  // "max_trace_bytes", and the limit's value. The trace footer records it as "cut".
  std::string cut_limit;
  uint64_t cut_value = 0;
  // The algorithm's situations (AlgorithmInfo::situations); result.situations counts them by id.
  std::vector<Situation> situations;

  // How often the run reached situation `id` (0 when never).
  int64_t times_reached(size_t id) const {
    return id < result.situations.size() ? result.situations[id].count : 0;
  }

  bool violated() const { return !result.violations.empty(); }
  bool expectations_hold() const;
  // Everything holds: judge_run(*this) finds no failure.
  bool ok() const;
};

// One reason a run fails.
struct Failure {
  bool safety = false;  // a checker's violation the scenario did not expect
  std::string what;     // the checker ("election_safety") or the expectation's path
  std::string text;     // "[election_safety] two leaders in term 9: n4 and n2",
                        // "expect.lost_writes: wanted == 0, got 3"
};

// The judgement of one run: run, compare, sweep and check all use judge_run, so a run fails
// (or passes) the same way everywhere.
struct Verdict {
  std::vector<Failure> failures;  // safety violations first (in trace order), then expectations
  size_t safety_violations = 0;   // every checker violation, expected or not
  // The scenario demonstrates a bug: its expectations on `violations` admit a positive count
  // ("violations": {"min": 1}); "violations": 0 or no expectation means none are expected.
  bool violations_expected = false;
  bool ok() const { return failures.empty(); }
  // "27 safety violations, 1 failed expectation" (empty when ok).
  std::string summary() const;
};

// Safety violations fail the run unless the scenario expects them; every expectation that does
// not hold (golden hashes included) fails it too.
Verdict judge_run(const RunReport& report);

// Runs `scenario` with its algorithm and seed. When `trace_out` is given, the whole trace is
// written to it: header line, one line per event, footer line. `watcher` (not owned, optional)
// sees every event too, e.g. to show progress. Throws InputError for an unknown algorithm or bad
// parameters (path "algorithm" or "params.<algorithm>.<key>").
// Fills every fired fault's recovery times and target_was_leader (FiredFault) from the run's
// availability changes and client history. run_scenario calls it.
void measure_recovery(RunReport& report);

RunReport run_scenario(const Scenario& scenario, std::ostream* trace_out = nullptr,
                       const RunLimits& limits = {}, Observer* watcher = nullptr);
// The same, with an extra observer that sees every event (not owned); no trace is written.
RunReport run_scenario_watched(const Scenario& scenario, Observer* watcher,
                               const RunLimits& limits = {});
// For commands that write no trace (sweep, compare, check): a run cut by a limit is bad input
// for them; throws InputError naming the flag and how to raise it.
void throw_if_cut(const RunReport& report);
// "the run stopped at the event limit (--max-events 50M) after N events, at 1.2s simulated;
// raise it with --max-events" (empty when the run was not cut).
std::string cut_message(const RunReport& report);

// Every algorithm the scenario names must be registered: "algorithm", the keys of
// expect.by_algorithm, the algorithm half of golden keys and of params; and the params of the
// algorithms not running are validated against their own options. Every name in expect.reached
// must be a situation of the algorithm running, and every one in expect.by_algorithm.A.reached a
// situation of A. Throws InputError naming the JSON path, with the closest known name.
// run_scenario calls it first.
void validate_algorithm_names(const Scenario& scenario);

// Acknowledged writes of every kind (put, append, write, cas) that the last successful read of
// their key, invoked after the write returned, shows neither themselves nor anything that may have
// been written after them: an append's token is missing and no put may have come in between; a
// put's value does not begin the read (appends may follow it), a write's or cas's value is not
// the read, and the read is no later write's value either (one that did not end before the write
// began, and was not known to fail). Only a non-linearizable history can have any.
int64_t count_lost_writes(const lin::History& history);
// The same writes: their op ids (1-based, as in the trace), in history order.
std::vector<uint64_t> find_lost_writes(const lin::History& history);

// Client-observed unavailability from the writes in a client history (write, cas, put, append):
// a window is a stretch in which some write was in flight (from its call until it returned, or
// until its timeout when its outcome is unknown) and no write succeeded (returned ok, or a cas
// answered that its compare did not match). `max_us` is the longest window. `total_us` is the
// time during which a write that never succeeded was in flight and no write had succeeded since
// its call, so ordinary latency in a healthy run adds nothing.
struct ClientUnavailability {
  Time_us total_us = 0;
  Time_us max_us = 0;
};
ClientUnavailability client_unavailability(const lin::History& history, Time_us timeout_us,
                                           Time_us end_us);

// The damage a run did, for people: "77 lost writes, 38 duplicate job runs, 38 duplicate ids"
// (only the kinds that happened; empty when none did). A count below 0 means not measured.
std::string damage_summary(int64_t lost_writes, int64_t job_duplicates, int64_t id_duplicates);
// The same from a run's metrics (lost_writes, job_duplicates, id_duplicates).
std::string damage_summary(const std::map<std::string, int64_t>& metrics);

// A word as a POSIX shell reads it back unchanged: plain when it is only letters, digits and
// _-./:=,+@%, else in single quotes.
std::string shell_quote(const std::string& word);
// The one command that reproduces a run (the file and every --set value shell-quoted), with
// `--variant NAME` when the run was a variant's.
std::string repro_command(const std::string& file, const std::string& algorithm, uint64_t seed,
                          const std::vector<std::string>& sets, const std::string& variant = "");

// The help text of `--variant NAME`, the same on every command that takes it.
inline constexpr const char* kVariantHelp =
    "Read the scenario as its variant NAME (an entry of its \"variants\": overrides applied "
    "before --set, its own expectations, captions and goldens); 'ballot list variants FILE' "
    "lists them";

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
