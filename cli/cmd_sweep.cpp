// `ballot sweep SCENARIO --seeds A..B [--algo A] [--jobs N] [--shard K/N] [--json]`
// Runs one scenario over many seeds; every failing seed gets its one-line repro.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/seeds.h"
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
  std::vector<std::string> sets;
  std::vector<std::string> stats;  // metrics to summarise over seeds
  RunLimits limits;
};

struct Outcome {
  bool ok = true;
  std::string why;                   // judge_run's summary: "27 safety violations, ..."
  std::vector<std::string> reasons;  // every failure, safety violations first
  size_t safety = 0;                 // how many of the reasons are safety violations
  size_t violations = 0;             // every safety violation, expected or not
  std::string hash;
  std::map<std::string, int64_t> metrics;
  std::vector<Time_us> downtimes_us;
  std::vector<Time_us> leader_losses_us;
};

// These pool every loss of every seed (belief leader losses, leader losses); other names are run
// metrics.
constexpr const char* kDowntimePerLoss = "belief_downtime_per_loss_us";
constexpr const char* kLeaderLossPerLoss = "leader_loss_per_loss_us";

std::vector<double> samples_of(const std::string& metric,
                               const std::vector<std::optional<Outcome>>& outcomes) {
  std::vector<double> values;
  for (const auto& out : outcomes) {
    if (metric == kDowntimePerLoss) {
      for (Time_us d : out->downtimes_us) values.push_back(static_cast<double>(d));
      continue;
    }
    if (metric == kLeaderLossPerLoss) {
      for (Time_us d : out->leader_losses_us) values.push_back(static_cast<double>(d));
      continue;
    }
    auto it = out->metrics.find(metric);
    if (it != out->metrics.end()) values.push_back(static_cast<double>(it->second));
  }
  std::sort(values.begin(), values.end());
  return values;
}

// Nearest-rank percentile of sorted values.
double rank(const std::vector<double>& sorted, double q) {
  const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, k == 0 ? 0 : k - 1)];
}

std::string show(const std::string& metric, double v) {
  const bool duration = metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_us") == 0;
  if (duration) return human_duration(static_cast<Time_us>(std::llround(v)));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, v == std::floor(v) ? "%.0f" : "%.2f", v);
  return buffer;
}

Outcome run_seed(const SweepOptions& o, const std::string& algorithm, uint64_t seed) {
  std::vector<std::string> overrides = o.sets;
  if (!algorithm.empty()) overrides.push_back("algorithm=\"" + algorithm + "\"");
  overrides.push_back("seed=" + std::to_string(seed));
  const RunReport report = run_scenario(load_scenario(o.file, overrides), nullptr, o.limits);
  throw_if_cut(report);
  const Verdict verdict = judge_run(report);
  Outcome out;
  out.ok = verdict.ok();
  out.hash = hash_hex(report.result.trace_hash);
  out.metrics = report.result.metrics;
  out.downtimes_us = report.result.downtimes_us;
  out.leader_losses_us = report.result.leader_losses_us;
  out.why = verdict.summary();
  out.violations = verdict.safety_violations;
  for (const Failure& f : verdict.failures) {
    out.reasons.push_back(f.text);
    out.safety += f.safety;
  }
  return out;
}

int sweep(const SweepOptions& o) {
  std::vector<uint64_t> seeds;
  std::string algorithm = o.algorithm;
  try {
    seeds = parse_seed_range(o.seeds, "--seeds");
    if (!o.shard.empty()) {
      // K/N: this process takes every N-th seed starting at the K-th (1-based).
      const auto slash = o.shard.find('/');
      const int64_t k =
          slash == std::string::npos ? 0 : std::atoll(o.shard.substr(0, slash).c_str());
      const int64_t n =
          slash == std::string::npos ? 0 : std::atoll(o.shard.substr(slash + 1).c_str());
      if (n < 1 || k < 1 || k > n)
        throw InputError("--shard", "expected K/N with 1 <= K <= N, got '" + o.shard + "'");
      std::vector<uint64_t> mine;
      for (size_t i = static_cast<size_t>(k - 1); i < seeds.size(); i += static_cast<size_t>(n))
        mine.push_back(seeds[i]);
      seeds = mine;
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
  // Runs are independent: parallelism across seeds never touches one run's determinism.
  std::vector<std::optional<Outcome>> outcomes(seeds.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> bad_input{false};
  std::string bad_input_text;
  Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "sweep");
  std::atomic<uint64_t> done{0}, failed_runs{0};
  auto worker = [&] {
    for (size_t i = next++; i < seeds.size(); i = next++) {
      try {
        outcomes[i] = run_seed(o, algorithm, seeds[i]);
        const uint64_t failed_so_far = failed_runs += outcomes[i]->ok ? 0 : 1;
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
  int passed = 0, failed = 0;
  size_t expected_runs = 0, expected_violations = 0;
  nlohmann::json failures = nlohmann::json::array();
  for (size_t i = 0; i < seeds.size(); ++i) {
    const Outcome& out = *outcomes[i];
    if (out.ok) {
      ++passed;
      // A lesson that demonstrates a bug: its violations are expected, and still counted.
      if (out.violations > 0) {
        ++expected_runs;
        expected_violations += out.violations;
      }
      continue;
    }
    ++failed;
    const std::string repro = repro_command(o.file, algorithm, seeds[i], o.sets);
    if (o.json) {
      failures.push_back(
          {{"seed", seeds[i]}, {"why", out.why}, {"reasons", out.reasons}, {"repro", repro}});
    } else {
      // Every failure of the run, safety violations first; a long list of those is cut (the
      // repro shows them all), failed expectations are all shown.
      constexpr size_t kMaxSafetyListed = 5;
      std::printf("FAILED seed %llu: %s\n", static_cast<unsigned long long>(seeds[i]),
                  out.why.c_str());
      for (size_t k = 0; k < out.reasons.size(); ++k) {
        if (k < out.safety && k >= kMaxSafetyListed) continue;
        std::printf("    %s\n", out.reasons[k].c_str());
        if (k + 1 == kMaxSafetyListed && out.safety > kMaxSafetyListed)
          std::printf("    ... %zu more safety violations\n", out.safety - kMaxSafetyListed);
      }
      std::printf("  %s\n", repro.c_str());
    }
  }
  nlohmann::json stats = nlohmann::json::object();
  if (!o.stats.empty() && !o.json)
    std::printf("%-22s %7s %10s %10s %10s %10s %10s %10s\n", "metric over seeds", "samples", "min",
                "median", "mean", "p90", "p99", "max");
  for (const std::string& m : o.stats) {
    const std::vector<double> v = samples_of(m, outcomes);
    double sum = 0;
    for (double x : v) sum += x;
    if (v.empty()) {
      if (!o.json) std::printf("%-22s %7d   (no samples)\n", m.c_str(), 0);
      continue;
    }
    const double mean = sum / static_cast<double>(v.size());
    stats[m] = {{"samples", v.size()}, {"min", v.front()},    {"median", rank(v, 0.5)},
                {"mean", mean},        {"p90", rank(v, 0.9)}, {"p99", rank(v, 0.99)},
                {"max", v.back()}};
    if (!o.json)
      std::printf("%-22s %7zu %10s %10s %10s %10s %10s %10s\n", m.c_str(), v.size(),
                  show(m, v.front()).c_str(), show(m, rank(v, 0.5)).c_str(), show(m, mean).c_str(),
                  show(m, rank(v, 0.9)).c_str(), show(m, rank(v, 0.99)).c_str(),
                  show(m, v.back()).c_str());
  }
  if (o.json) {
    std::cout << nlohmann::json{{"scenario", o.file},
                                {"algorithm", algorithm},
                                {"seeds", o.seeds},
                                {"passed", passed},
                                {"failed", failed},
                                {"failures", failures},
                                {"runs_with_expected_violations", expected_runs},
                                {"expected_violations", expected_violations},
                                {"stats", stats}}
                     .dump(2)
              << "\n";
  } else {
    std::printf("%s %s over %zu seeds: %d passed, %d failed", o.file.c_str(), algorithm.c_str(),
                seeds.size(), passed, failed);
    if (expected_runs > 0)
      std::printf("; %zu passed with the safety violations the scenario expects (%zu in all)",
                  expected_runs, expected_violations);
    std::printf("\n");
  }
  return failed == 0 ? kExitOk : kExitFailed;
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
                  "K/N: run only every N-th seed starting at the K-th (for CI)");
  cmd->add_flag("--json", o->json, "Print one JSON object");
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->add_option("--set", o->sets, "Override a scenario field (path=value); repeatable");
  cmd->add_option("--stats", o->stats,
                  "Summarise metrics over the seeds: min, median, mean, p90, p99, max "
                  "(e.g. --stats leader_loss_per_loss_us,client_unavailable_max_us)")
      ->delimiter(',');
  add_limit_options(cmd, o->limits);
  cmd->callback([o, &action] { action = [o] { return sweep(*o); }; });
}

}  // namespace ballot::cli
