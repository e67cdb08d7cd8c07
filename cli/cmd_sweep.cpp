// `ballot sweep SCENARIO --seeds A..B [--algo A] [--jobs N] [--shard K/N] [--json]
// [--save-failures DIR]`: runs one scenario over many seeds; every failing seed gets its one-line
// repro, on stderr as soon as it fails and in the summary at the end (cli/sweep_report.h).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/commands.h"
#include "cli/plot.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/save_failures.h"
#include "cli/seeds.h"
#include "cli/sweep_report.h"
#include "sim/api/input_error.h"
#include "sim/api/params.h"
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
  std::string variant;             // --variant NAME ("" : the file without one)
  std::vector<std::string> stats;  // metrics to summarise over seeds
  std::vector<std::string> where;  // conditions a run must meet to count in the stats
  std::string save_failures;       // directory for the failing runs as scenarios ("": none)
  std::string plot;                // --plot FILE.svg|FILE.png ("": none)
  std::string plot_script;         // --plot-script: keep the gnuplot script here ("": none)
  RunLimits limits;
};

// ---- --where: which runs the stats count (docs/cli.md) ----
//   COND  := ["!"] NAME | NAME OP VALUE        OP := == != < <= > >=
//   NAME  := a run metric | faults[i].FIELD    VALUE := an integer, or a duration for *_us
//   FIELD := target_was_leader | fired | recovered | at_us | recovery_leader_us | recovery_write_us
// A name the run did not measure (a fault that never fired, never recovered) makes it false.
struct Condition {
  std::string text;
  bool negate = false;
  std::string name;
  int fault = -1;     // faults[i]: i; -1 for a run metric
  std::string field;  // of the fault
  std::string op;     // "" for a plain truth value
  int64_t value = 0;
};

const std::vector<std::string>& fault_fields() {
  static const std::vector<std::string> fields = {
      "target_was_leader", "fired", "recovered", "at_us", kRecoveryLeader, kRecoveryWrite};
  return fields;
}

// "faults[2].recovery_leader_us" -> {2, "recovery_leader_us"}; nullopt when not of that form.
std::optional<std::pair<int, std::string>> fault_name(const std::string& name) {
  if (name.rfind("faults[", 0) != 0) return std::nullopt;
  const size_t close = name.find("].");
  if (close == std::string::npos || close == 7 || close > 12) return std::nullopt;
  const std::string digits = name.substr(7, close - 7);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::make_pair(std::atoi(digits.c_str()), name.substr(close + 2));
}

// Checks a name for --where or --stats: a metric, or a field of a scripted fault the scenario has.
void check_name(const std::string& name, const std::string& flag, size_t faults, bool for_stats) {
  if (const auto f = fault_name(name)) {
    const auto& fields = fault_fields();
    // --stats takes the fields that are times; --where every field.
    const bool known =
        for_stats
            ? f->second == "at_us" || f->second == kRecoveryLeader || f->second == kRecoveryWrite
            : std::find(fields.begin(), fields.end(), f->second) != fields.end();
    if (!known)
      throw InputError(flag, "unknown field '" + f->second + "' of " +
                                 name.substr(0, name.find(']') + 1) + " (expected " +
                                 (for_stats ? "one of: at_us, recovery_leader_us, recovery_write_us"
                                            : "one of: target_was_leader, fired, recovered, at_us, "
                                              "recovery_leader_us, recovery_write_us") +
                                 ")");
    if (static_cast<size_t>(f->first) >= faults)
      throw InputError(flag, "'" + name + "': the scenario has " + std::to_string(faults) +
                                 " scripted fault(s)");
    return;
  }
  const auto& known = metric_names();
  if (std::find(known.begin(), known.end(), name) == known.end())
    throw InputError(flag, "unknown metric '" + name + "' (see docs/cli.md; or faults[i].FIELD)");
}

Condition parse_condition(const std::string& text, size_t faults) {
  Condition c;
  c.text = text;
  const std::string flag = "--where";
  auto trim = [](std::string t) {
    const size_t a = t.find_first_not_of(' '), b = t.find_last_not_of(' ');
    return a == std::string::npos ? std::string() : t.substr(a, b - a + 1);
  };
  const size_t at = text.find_first_of("=!<>", 1);
  std::string name = trim(at == std::string::npos ? text : text.substr(0, at));
  if (at != std::string::npos) {
    const size_t len = at + 1 < text.size() && text[at + 1] == '=' ? 2 : 1;
    c.op = text.substr(at, len);
    if (c.op == "=" || c.op == "!")
      throw InputError(flag, "'" + text +
                                 "': expected NAME, !NAME or NAME OP VALUE with OP one of "
                                 "== != < <= > >=");
    const std::string value = trim(text.substr(at + len));
    const bool duration = name.size() > 3 && name.compare(name.size() - 3, 3, "_us") == 0;
    try {
      if (value.empty() || value.find_first_not_of("-0123456789") != std::string::npos) {
        if (!duration) throw InputError(flag, "");
        c.value = parse_duration_us(value, flag);
      } else {
        c.value = std::stoll(value);
      }
    } catch (const std::exception&) {
      throw InputError(flag, "'" + text + "': expected an integer" +
                                 (duration ? std::string(" or a duration like 100ms") : "") +
                                 " after " + c.op + ", got '" + value + "'");
    }
  } else if (!name.empty() && name[0] == '!') {
    c.negate = true;
    name = trim(name.substr(1));
  }
  if (name.empty())
    throw InputError(flag, "'" + text + "': expected a condition like faults[0].target_was_leader");
  check_name(name, flag, faults, false);
  c.name = name;
  if (const auto f = fault_name(name)) {
    c.fault = f->first;
    c.field = f->second;
  }
  return c;
}

// The run's value of a name; nullopt when it was not measured.
std::optional<int64_t> value_of(const RunReport& report, int fault, const std::string& field,
                                const std::string& metric) {
  if (fault < 0) {
    auto it = report.result.metrics.find(metric);
    return it == report.result.metrics.end() ? std::nullopt : std::optional<int64_t>(it->second);
  }
  const std::string source = "faults[" + std::to_string(fault) + "]";
  for (const FiredFault& f : report.faults) {
    if (f.source != source) continue;
    if (field == "fired") return 1;
    if (field == "target_was_leader") return f.target_was_leader ? 1 : 0;
    if (field == "recovered") return f.recovery_leader_us ? 1 : 0;
    if (field == "at_us") return f.begin_us;
    if (field == kRecoveryLeader) return f.recovery_leader_us;
    if (field == kRecoveryWrite) return f.recovery_write_us;
  }
  if (field == "fired") return 0;
  return std::nullopt;
}

bool holds(const Condition& c, const RunReport& report) {
  const std::optional<int64_t> v = value_of(report, c.fault, c.field, c.name);
  if (!v) return false;
  if (c.op.empty()) return (*v != 0) != c.negate;
  if (c.op == "==") return *v == c.value;
  if (c.op == "!=") return *v != c.value;
  if (c.op == "<") return *v < c.value;
  if (c.op == "<=") return *v <= c.value;
  if (c.op == ">") return *v > c.value;
  return *v >= c.value;
}

// One seed's run, judged; the samples of the --stats metrics kept.
// `scenario`: the file read once with the --set overrides and the algorithm; each seed runs a
// copy of it with its seed (with_seed: the same as reading the file with "--set seed=N" last).
SweepRun run_seed(const SweepOptions& o, const std::vector<Condition>& where,
                  const Scenario& scenario, size_t index, uint64_t seed) {
  RunLimits limits = o.limits;
  limits.trace_hash = false;  // a sweep prints no hash (a golden one is still checked)
  const RunReport report = run_scenario(with_seed(scenario, seed), nullptr, limits);
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
  out.inert = inert_scripted_faults(report);
  for (const Condition& c : where) out.matched = out.matched && holds(c, report);
  if (!out.matched) return out;
  for (const std::string& m : o.stats) {
    std::vector<int64_t>& samples = out.samples[m];
    if (const auto f = fault_name(m)) {
      if (const auto v = value_of(report, f->first, f->second, m)) samples.push_back(*v);
    } else if (m == kDowntimePerLoss) {
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

// --plot: per --stats metric, the CDF of its samples over the seeds and a strip with a mark per
// sample (per seed; per loss for the per-loss metrics); the title says so when runs had safety
// violations or failed.
PlotFigure plot_figure(const SweepOptions& o, const std::string& algorithm,
                       const std::vector<SweepRun>& runs) {
  PlotFigure f;
  f.title.push_back("ballot sweep " + o.file + " --algo " + algorithm + ", seeds " + o.seeds);
  std::string shape = std::to_string(runs.size()) + (runs.size() == 1 ? " run" : " runs");
  if (!o.shard.empty()) shape += " (shard " + o.shard + ")";
  for (const std::string& set : o.sets) shape += "; --set " + set;
  for (const std::string& w : o.where) shape += "; --where " + w;
  f.title.push_back(shape);
  size_t violating = 0, violations = 0, failed = 0;
  for (const SweepRun& r : runs) {
    violating += r.violations > 0;
    violations += r.violations;
    failed += !r.ok;
  }
  if (violations > 0)
    f.title.push_back("SAFETY VIOLATIONS: " + std::to_string(violations) + " in " +
                      std::to_string(violating) + (violating == 1 ? " run" : " runs"));
  if (failed > 0)
    f.title.push_back("FAILED: " + std::to_string(failed) + " of " + std::to_string(runs.size()) +
                      " runs");
  for (const std::string& m : o.stats) {
    PlotPanel cdf;
    cdf.kind = PlotPanel::Kind::Cdf;
    cdf.metric = cdf.label = m;
    PlotPanel strip = cdf;
    strip.kind = PlotPanel::Kind::Strip;
    PlotCurve curve{algorithm, {}};
    StripRow row{algorithm, "", {}};
    for (const SweepRun& r : runs) {
      auto it = r.samples.find(m);
      if (it == r.samples.end()) continue;
      for (int64_t v : it->second) {
        curve.samples.push_back(static_cast<double>(v));
        row.marks.push_back({r.seed, static_cast<double>(v)});
      }
    }
    cdf.curves.push_back(std::move(curve));
    strip.rows.push_back(std::move(row));
    f.panels.push_back(std::move(cdf));
    f.panels.push_back(std::move(strip));
  }
  return f;
}

int sweep(const SweepOptions& o) {
  std::vector<uint64_t> seeds;
  std::vector<size_t> indexes;  // each seed's place in the whole --seeds list
  std::string algorithm = o.algorithm;
  std::vector<Condition> where;
  size_t seed_count = 0;
  Scenario first;  // read once; every seed runs a copy
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
    // Validate the scenario (and algorithm) once, up front.
    std::vector<std::string> overrides = o.sets;
    if (!algorithm.empty()) overrides.push_back("algorithm=\"" + algorithm + "\"");
    first = load_scenario(o.file, overrides, o.variant);
    for (const std::string& m : o.stats) {
      const auto& known = metric_names();
      if (fault_name(m)) {
        check_name(m, "--stats", first.faults.size(), true);
      } else if (m != kDowntimePerLoss && m != kLeaderLossPerLoss &&
                 std::find(known.begin(), known.end(), m) == known.end()) {
        throw InputError("--stats", "unknown metric '" + m + "' (see docs/cli.md, or " +
                                        kLeaderLossPerLoss + ", " + kDowntimePerLoss +
                                        ", or faults[i].at_us, faults[i]." + kRecoveryLeader +
                                        ", faults[i]." + kRecoveryWrite + ")");
      }
    }
    for (const std::string& w : o.where) where.push_back(parse_condition(w, first.faults.size()));
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
  if (!o.plot.empty() && o.stats.empty()) {
    std::fprintf(stderr, "ballot: --plot: needs --stats M (the metrics to plot over the seeds)\n");
    return kExitBadInput;
  }
  if (const int code = check_plot_flags(o.plot, o.plot_script); code != kExitOk) return code;
#if defined(__GLIBC__)
  // Each run frees everything it allocated, and glibc would hand the top of the heap back to the
  // kernel after every run only to fault it in again in the next one: a tenth of a Raft sweep's
  // CPU time went to that (docs/PERFORMANCE.md, "10,000-seed sweep"). Keep it instead.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
#endif
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
        SweepRun run = run_seed(o, where, first, indexes[i], seeds[i]);
        if (!run.ok) {
          if (!o.save_failures.empty())
            run.saved = saved_line(save_failure(o.save_failures, o.file, algorithm, seeds[i],
                                                o.sets, o.limits, "ballot sweep", o.variant));
          // Told at once, not only at the end: a long sweep's first failure is worth a look.
          std::lock_guard<std::mutex> lock(tell);
          progress.clear();
          std::fprintf(stderr, "ballot: seed %llu failed (%s): %s\n",
                       static_cast<unsigned long long>(seeds[i]), run.why.c_str(),
                       repro_command(o.file, algorithm, seeds[i], o.sets, o.variant).c_str());
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
  const SweepHeader header{o.file,    algorithm, o.seeds, o.sets,
                           o.variant, o.stats,   o.where, o.coverage};
  const int code = print_sweep(header, runs, o.json, o.shard, seed_count);
  if (!o.plot.empty())
    if (const int plotted = draw_plot(plot_figure(o, algorithm, runs), o.plot, o.plot_script);
        plotted != kExitOk)
      return plotted;
  return code;
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
  cmd->add_option("--variant", o->variant, kVariantHelp);
  cmd->add_option("--stats", o->stats,
                  "Summarise metrics over the seeds: min, median, mean, p90, p99, max "
                  "(e.g. --stats leader_loss_per_loss_us,client_unavailable_max_us)")
      ->delimiter(',');
  cmd->add_option("--where", o->where,
                  "Count in --stats only the runs that meet this condition (repeatable: all must "
                  "hold), e.g. faults[0].target_was_leader, '!faults[1].fired', "
                  "'leader_loss_count==1' (docs/cli.md)");
  cmd->add_flag(
      "--coverage", o->coverage,
      "Count the algorithm's situations over the seeds: seeds reaching each, their share, "
      "how often in all, the first seed; then those never reached");
  add_plot_options(cmd, o->plot, o->plot_script,
                   "with --stats, per metric its CDF over the seeds and a mark per seed");
  add_limit_options(cmd, o->limits);
  cmd->callback([o, &action] { action = [o] { return sweep(*o); }; });
}

}  // namespace ballot::cli
