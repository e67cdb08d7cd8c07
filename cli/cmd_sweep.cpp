// `ballot sweep SCENARIO --seeds A..B [--algo A] [--jobs N] [--shard K/N] [--json]
// [--save-failures DIR]`: runs one scenario over many seeds; every failing seed gets its one-line
// repro, on stderr as soon as it fails and in the summary at the end (cli/sweep_report.h).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/save_failures.h"
#include "cli/seeds.h"
#include "cli/sweep_report.h"
#include "sim/api/input_error.h"
#include "sim/kernel/observers.h"

namespace ballot::cli {

namespace {

struct SweepOptions {
  std::string file;
  std::string seeds;
  std::string algorithm;
  std::string shard;
  unsigned jobs = 1;
  bool json = false;
  bool quiet = false;
  bool coverage = false;  // count the situations reached (print_sweep's coverage table)
  std::vector<std::string> sets;
  std::vector<std::string> stats;  // metrics to summarise over seeds
  std::string save_failures;       // directory for the failing runs as scenarios ("": none)
  RunLimits limits;
};

// One seed's run, judged; the samples of the --stats metrics kept.
SweepRun run_seed(const SweepOptions& o, const std::string& algorithm, size_t index,
                  uint64_t seed) {
  std::vector<std::string> overrides = o.sets;
  if (!algorithm.empty()) overrides.push_back("algorithm=\"" + algorithm + "\"");
  overrides.push_back("seed=" + std::to_string(seed));
  const RunReport report = run_scenario(load_scenario(o.file, overrides), nullptr, o.limits);
  throw_if_cut(report);
  const Verdict verdict = judge_run(report);
  SweepRun out;
  out.index = index;
  out.seed = seed;
  out.ok = verdict.ok();
  out.why = verdict.summary();
  out.violations = verdict.safety_violations;
  for (const Failure& f : verdict.failures) {
    out.reasons.push_back(f.text);
    out.safety += f.safety;
  }
  for (const std::string& m : o.stats) {
    std::vector<int64_t>& samples = out.samples[m];
    if (m == kDowntimePerLoss) {
      for (Time_us d : report.result.downtimes_us) samples.push_back(d);
    } else if (m == kLeaderLossPerLoss) {
      for (Time_us d : report.result.leader_losses_us) samples.push_back(d);
    } else {
      auto it = report.result.metrics.find(m);
      if (it != report.result.metrics.end()) samples.push_back(it->second);
    }
    if (samples.empty()) out.samples.erase(m);
  }
  if (o.coverage)
    for (size_t id = 0; id < report.situations.size(); ++id)
      if (const int64_t times = report.times_reached(id); times > 0)
        out.reached[std::string(report.situations[id].name)] = times;
  return out;
}

int sweep(const SweepOptions& o) {
  std::vector<uint64_t> seeds;
  std::vector<size_t> indexes;  // each seed's place in the whole --seeds list
  std::string algorithm = o.algorithm;
  size_t seed_count = 0;
  try {
    seeds = parse_seed_range(o.seeds, "--seeds");
    seed_count = seeds.size();
    for (size_t i = 0; i < seeds.size(); ++i) indexes.push_back(i);
    if (!o.shard.empty()) {
      // K/N: this process takes every N-th seed starting at the K-th (1-based).
      const auto slash = o.shard.find('/');
      auto number = [](const std::string& t) -> int64_t {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos)
          return 0;
        return std::atoll(t.c_str());
      };
      const int64_t k = slash == std::string::npos ? 0 : number(o.shard.substr(0, slash));
      const int64_t n = slash == std::string::npos ? 0 : number(o.shard.substr(slash + 1));
      if (n < 1 || k < 1 || k > n)
        throw InputError("--shard", "expected K/N with 1 <= K <= N, got '" + o.shard + "'");
      std::vector<uint64_t> mine;
      std::vector<size_t> mine_at;
      for (size_t i = static_cast<size_t>(k - 1); i < seeds.size(); i += static_cast<size_t>(n)) {
        mine.push_back(seeds[i]);
        mine_at.push_back(i);
      }
      seeds = mine;
      indexes = mine_at;
    }
    for (const std::string& m : o.stats) {
      const auto& known = metric_names();
      if (m != kDowntimePerLoss && m != kLeaderLossPerLoss &&
          std::find(known.begin(), known.end(), m) == known.end())
        throw InputError("--stats", "unknown metric '" + m + "' (see docs/cli.md, or " +
                                        kLeaderLossPerLoss + ", " + kDowntimePerLoss + ")");
    }
    // Validate the scenario (and algorithm) once, up front.
    std::vector<std::string> overrides = o.sets;
    if (!algorithm.empty()) overrides.push_back("algorithm=\"" + algorithm + "\"");
    const Scenario first = load_scenario(o.file, overrides);
    validate_algorithm_names(first);
    print_warnings(first);
    algorithm = first.algorithm;
  } catch (const InputError& e) {
    if (e.path().rfind("--", 0) == 0)
      std::fprintf(stderr, "ballot: %s: %s\n", e.path().c_str(), e.what());
    else
      print_input_error(o.file, e);
    return kExitBadInput;
  }
  if (!o.save_failures.empty() && !prepare_failure_dir(o.save_failures)) return kExitBadInput;
  // Runs are independent: parallelism across seeds never touches one run's determinism.
  std::vector<std::optional<SweepRun>> outcomes(seeds.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> bad_input{false};
  std::string bad_input_text;
  Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "sweep");
  std::mutex tell;  // one failure's lines at a time on stderr
  std::atomic<uint64_t> done{0}, failed_runs{0};
  auto worker = [&] {
    for (size_t i = next++; i < seeds.size(); i = next++) {
      try {
        SweepRun run = run_seed(o, algorithm, indexes[i], seeds[i]);
        if (!run.ok) {
          if (!o.save_failures.empty())
            run.saved = saved_line(save_failure(o.save_failures, o.file, algorithm, seeds[i],
                                                o.sets, o.limits, "ballot sweep"));
          // Told at once, not only at the end: a long sweep's first failure is worth a look.
          std::lock_guard<std::mutex> lock(tell);
          progress.clear();
          std::fprintf(stderr, "ballot: seed %llu failed (%s): %s\n",
                       static_cast<unsigned long long>(seeds[i]), run.why.c_str(),
                       repro_command(o.file, algorithm, seeds[i], o.sets).c_str());
          if (!run.saved.empty()) std::fprintf(stderr, "ballot:   %s\n", run.saved.c_str());
        }
        const uint64_t failed_so_far = failed_runs += run.ok ? 0 : 1;
        outcomes[i] = std::move(run);
        progress.runs(++done, seeds.size(), failed_so_far);
      } catch (const InputError& e) {
        if (!bad_input.exchange(true)) bad_input_text = e.path() + ": " + e.what();
        return;
      }
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, 64));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  progress.clear();
  if (bad_input) {
    std::fprintf(stderr, "ballot: %s: %s\n", o.file.c_str(), bad_input_text.c_str());
    return kExitBadInput;
  }
  std::vector<SweepRun> runs;
  runs.reserve(outcomes.size());
  for (std::optional<SweepRun>& r : outcomes) runs.push_back(std::move(*r));
  const SweepHeader header{o.file, algorithm, o.seeds, o.sets, o.stats, o.coverage};
  return print_sweep(header, runs, o.json, o.shard, seed_count);
}

}  // namespace

void add_sweep_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run one scenario over many seeds; print a one-line repro for every failing seed.");
  cmd->add_option("scenario", o->file, "Scenario file (JSON)")->required();
  cmd->add_option("--seeds", o->seeds, "Seeds: A..B (inclusive), or a list 1,5,9")->required();
  cmd->add_option("--algo", o->algorithm, "Algorithm (default: the scenario's)");
  cmd->add_option("--jobs", o->jobs, "Parallel runs (threads; each run stays single-threaded)")
      ->check(CLI::Range(1u, 64u));
  cmd->add_option("--shard", o->shard,
                  "K/N: run only every N-th seed starting at the K-th; with --json the output is "
                  "a part for 'ballot merge' (docs/scale-out.md)");
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_option("--save-failures", o->save_failures,
                  "Write each failing run to this directory as a self-contained scenario "
                  "(faults and operations scripted; created if missing)");
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->add_option("--set", o->sets, "Override a scenario field (path=value); repeatable");
  cmd->add_option("--stats", o->stats,
                  "Summarise metrics over the seeds: min, median, mean, p90, p99, max "
                  "(e.g. --stats leader_loss_per_loss_us,client_unavailable_max_us)")
      ->delimiter(',');
  cmd->add_flag(
      "--coverage", o->coverage,
      "Count the algorithm's situations over the seeds: seeds reaching each, their share, "
      "how often in all, the first seed; then those never reached");
  add_limit_options(cmd, o->limits);
  cmd->callback([o, &action] { action = [o] { return sweep(*o); }; });
}

}  // namespace ballot::cli
