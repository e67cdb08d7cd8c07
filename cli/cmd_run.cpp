// `ballot run SCENARIO [--algo A] [--seed N] [--trace FILE] [--json] [--set k=v]...`
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/caption_report.h"
#include "cli/commands.h"
#include "cli/golden.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

struct RunOptions {
  std::string file;
  std::string algorithm;
  uint64_t seed = 0;
  bool seed_given = false;
  std::string trace_file;
  bool json = false;
  bool quiet = false;
  std::vector<std::string> sets;
  std::string variant;  // --variant NAME ("" : the file without one)
  RunLimits limits;
};

int run(const RunOptions& o) {
  std::vector<std::string> overrides = o.sets;
  if (!o.algorithm.empty()) overrides.push_back("algorithm=\"" + o.algorithm + "\"");
  if (o.seed_given) overrides.push_back("seed=" + std::to_string(o.seed));
  Scenario scenario;
  RunReport report;
  try {
    scenario = load_scenario(o.file, overrides, o.variant);
    print_warnings(scenario);
    std::ofstream trace;
    if (!o.trace_file.empty()) {
      trace.open(o.trace_file, std::ios::binary | std::ios::trunc);
      if (!trace) {
        std::fprintf(stderr, "ballot: --trace %s: cannot open the file for writing\n",
                     o.trace_file.c_str());
        return kExitBadInput;
      }
    }
    Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "run");
    RunProgress watcher(progress, scenario.duration_us);
    report = run_scenario(scenario, o.trace_file.empty() ? nullptr : &trace, o.limits,
                          progress.enabled() ? &watcher : nullptr);
    progress.clear();
    if (!o.trace_file.empty()) {
      trace.close();
      if (!trace) {
        std::fprintf(stderr, "ballot: --trace %s: writing the trace failed\n",
                     o.trace_file.c_str());
        return kExitInternal;
      }
    }
  } catch (const InputError& e) {
    print_input_error(o.file, e);
    return kExitBadInput;
  }
  const std::string repro =
      repro_command(o.file, scenario.algorithm, scenario.seed, o.sets, o.variant);
  if (o.json) {
    std::cout << report_json(report).dump(2) << '\n';
  } else {
    print_summary(std::cout, report, o.trace_file);
  }
  // The fault-effect audit: a fault that did nothing is a warning (an expectation failure under
  // expect.no_inert_faults).
  for (const std::string& w : inert_fault_warnings(report.faults))
    std::fprintf(stderr, "ballot: %s: warning: %s\n", o.file.c_str(), w.c_str());
  for (const std::string& w : caption_warnings(report))
    std::fprintf(stderr, "ballot: %s: warning: %s\n", o.file.c_str(), w.c_str());
  if (!report.cut_limit.empty()) {
    std::fprintf(stderr, "ballot: %s: %s%s\n", o.file.c_str(), cut_message(report).c_str(),
                 o.trace_file.empty() ? ""
                                      : ("\n  the trace " + o.trace_file +
                                         " is valid up to there; its footer records the cut")
                                            .c_str());
    return kExitBadInput;
  }
  const Verdict verdict = judge_run(report);
  const bool failed = !verdict.ok();
  if (failed)
    std::fprintf(stderr, "FAILED: %s; reproduce with:\n  %s\n", verdict.summary().c_str(),
                 repro.c_str());
  // A golden hash that differs: what changed, from the summary recorded beside it.
  for (const Failure& f : verdict.failures) {
    if (f.what.rfind("golden.", 0) != 0) continue;
    std::fprintf(stderr, "%s differs:\n", f.what.c_str());
    for (const std::string& line : golden_mismatch_lines(
             report.scenario, f.what.substr(std::strlen("golden.")), golden_record(report)))
      std::fprintf(stderr, "  %s\n", line.c_str());
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

void add_run_command(CLI::App& app, Action& action) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run one scenario with one algorithm and seed; print the summary, check expectations.");
  cmd->add_option("scenario", opts->file, "Scenario file (JSON), see docs/scenario-format.md")
      ->required();
  cmd->add_option("--algo", opts->algorithm,
                  "Algorithm to run (overrides the scenario's \"algorithm\"); see 'ballot list "
                  "algorithms'");
  cmd->add_option("--seed", opts->seed, "Root seed (overrides the scenario's \"seed\")")
      ->each([opts](const std::string&) { opts->seed_given = true; });
  cmd->add_option("--trace", opts->trace_file,
                  "Write the trace (JSON Lines: header, events, footer) to this file");
  cmd->add_flag("--json", opts->json, "Print one JSON object instead of the text summary");
  cmd->add_flag("--quiet", opts->quiet,
                "No progress line on stderr (shown only on a terminal, for runs over a second)");
  cmd->add_option("--set", opts->sets,
                  "Override a scenario field: --set path=value (e.g. --set nodes=7, "
                  "--set params.raft.pre_vote=true, --set faults[0].at=2s); repeatable");
  cmd->add_option("--variant", opts->variant, kVariantHelp);
  add_limit_options(cmd, opts->limits);
  cmd->callback([opts, &action] { action = [opts] { return run(*opts); }; });
}

}  // namespace ballot::cli
