// `ballot shrink SCENARIO [--seed S] [--algo A] [--set k=v]... [--out FILE] [--force]
// [--budget RUNS] [--no-search]`: a small scenario that fails the way this run fails
// (cli/shrink.h).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/report.h"
#include "cli/shrink.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

struct ShrinkCliOptions {
  ShrinkOptions shrink;
  std::string out;
  bool force = false;
  bool quiet = false;
};

int shrink(ShrinkCliOptions& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(o.shrink.file, ec)) {
    std::fprintf(stderr, "ballot: %s: not a scenario file (expected a JSON scenario)\n",
                 o.shrink.file.c_str());
    return kExitBadInput;
  }
  // Where the result goes: checked before spending any run.
  std::string out = o.out;
  if (out.empty()) {
    Scenario s;
    try {
      std::vector<std::string> overrides = o.shrink.sets;
      if (!o.shrink.algorithm.empty())
        overrides.push_back("algorithm=\"" + o.shrink.algorithm + "\"");
      if (o.shrink.seed_given) overrides.push_back("seed=" + std::to_string(o.shrink.seed));
      s = load_scenario(o.shrink.file, overrides, o.shrink.variant);
    } catch (const InputError& e) {
      print_input_error(o.shrink.file, e);
      return kExitBadInput;
    }
    const std::string name = s.name.empty() ? fs::path(o.shrink.file).stem().string() : s.name;
    out = name + "-shrunk-" + s.algorithm + "-" + std::to_string(s.seed) + ".json";
  }
  if (!o.force && fs::exists(out, ec)) {
    std::fprintf(stderr, "ballot: --out %s: the file exists (use --force to overwrite it)\n",
                 out.c_str());
    return kExitBadInput;
  }
  if (!o.quiet)
    o.shrink.progress = [](const std::string& line) {
      std::fprintf(stderr, "shrink: %s\n", line.c_str());
    };
  const auto started = std::chrono::steady_clock::now();
  ShrinkResult r;
  try {
    r = shrink_failure(o.shrink);
  } catch (const InputError& e) {
    print_input_error(o.shrink.file, e);
    return kExitBadInput;
  } catch (const NotFailing& e) {
    std::fprintf(stderr, "ballot: %s: %s\n", o.shrink.file.c_str(), e.what());
    return kExitBadInput;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << r.scenario_text;
  file.close();
  if (!file) {
    std::fprintf(stderr, "ballot: --out %s: cannot write the file\n", out.c_str());
    return kExitBadInput;
  }
  for (const std::string& note : r.notes) std::fprintf(stderr, "ballot: note: %s\n", note.c_str());
  std::printf("failure kept: %s\n", r.text.c_str());
  if (!r.from_search.empty())
    std::printf("  (the result comes from another run, which fails the same way: %s)\n",
                r.search_text.c_str());
  std::printf("faults %zu -> %zu, operations %zu -> %zu%s, nodes %d -> %d, duration %s -> %s\n",
              r.faults_before, r.faults_after, r.ops_before, r.ops_after,
              r.ops_scripted         ? ""
              : r.had_random_clients ? " (random clients kept)"
                                     : " (kept as they were)",
              r.nodes_before, r.nodes_after, human_duration(r.duration_before).c_str(),
              human_duration(r.duration_after).c_str());
  if (r.searched && !r.from_search.empty())
    std::printf(
        "found by a search: delta debugging of the run itself stopped at %zu faults; %llu "
        "smaller runs of the same scenario searched, %zu failed the same way; the result "
        "comes from %s\n",
        r.own_faults_after, static_cast<unsigned long long>(r.search_runs), r.siblings_failing,
        r.from_search.c_str());
  else if (r.searched)
    std::printf(
        "searched %llu smaller runs of the same scenario (%zu failed the same way): none "
        "shrank below the run's own %zu faults\n",
        static_cast<unsigned long long>(r.search_runs), r.siblings_failing, r.own_faults_after);
  std::printf("%llu runs in %.1fs%s\n", static_cast<unsigned long long>(r.runs), seconds,
              r.budget_exhausted ? " (budget spent: the best found so far)" : "");
  std::printf("wrote %s\n", out.c_str());
  std::printf("check it with: ballot run %s\n", shell_quote(out).c_str());
  return kExitOk;
}

}  // namespace

void add_shrink_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ShrinkCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "shrink",
      "From a failing run, write a small scenario that fails the same way: the nemesis's faults "
      "scripted, then fewer faults, operations, shorter times and fewer nodes; when that leaves "
      "many faults, a smaller run of the same scenario that fails the same way, shrunk.");
  cmd->add_option("scenario", o->shrink.file, "Scenario file (JSON) whose run fails")->required();
  cmd->add_option("--seed", o->shrink.seed, "Root seed (overrides the scenario's \"seed\")")
      ->each([o](const std::string&) { o->shrink.seed_given = true; });
  cmd->add_option("--algo", o->shrink.algorithm,
                  "Algorithm to run (overrides the scenario's \"algorithm\")");
  cmd->add_option("--set", o->shrink.sets,
                  "Override a scenario field: --set path=value; repeatable (kept in the result)");
  cmd->add_option("--variant", o->shrink.variant, kVariantHelp);
  cmd->add_option("--out", o->out,
                  "Where to write the shrunk scenario (default: "
                  "<name>-shrunk-<algo>-<seed>.json in the current directory)");
  cmd->add_flag("--force", o->force, "Overwrite the --out file if it exists");
  cmd->add_option("--budget", o->shrink.budget,
                  "Stop after this many runs and write the best found so far (default 20000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}));
  cmd->add_flag(
      "--no-search", [o](int64_t) { o->shrink.search = false; },
      "Shrink only the run asked for: never search smaller runs of the same scenario "
      "(see docs/cli.md)");
  cmd->add_flag("--quiet", o->quiet, "No progress lines on stderr");
  add_limit_options(cmd, o->shrink.limits);
  cmd->callback([o, &action] { action = [o] { return shrink(*o); }; });
}

}  // namespace ballot::cli
