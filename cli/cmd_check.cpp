// `ballot check [DIR|FILE]...`: every scenario's expectations and golden hashes, as CI runs them.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "algorithms/registry.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "sim/input_error.h"

namespace ballot::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> paths;  // directories of scenarios and scenario files
  bool fail_fast = false;
  RunLimits limits;
  bool quiet = false;
};

// Runs one (scenario, algorithm, seed); prints one line; true when everything held. A run made
// only for its golden hash is judged on safety and that hash, not on the other expectations.
bool check_one(const std::string& file, const std::string& algorithm, uint64_t seed,
               bool golden_only, const RunLimits& limits, Progress& progress) {
  const Scenario s =
      load_scenario(file, {"algorithm=\"" + algorithm + "\"", "seed=" + std::to_string(seed)});
  const RunReport report = run_scenario(s, nullptr, limits);
  throw_if_cut(report);
  const Verdict verdict = judge_run(report);
  bool ok = true;
  std::string detail;
  for (const Failure& f : verdict.failures) {
    if (golden_only && !f.safety && f.what.rfind("golden.", 0) != 0) continue;
    ok = false;
    detail += "\n      " + f.text;
  }
  if (verdict.violations_expected && verdict.safety_violations > 0)
    detail = "  (" + std::to_string(verdict.safety_violations) + " expected safety violation" +
             (verdict.safety_violations == 1 ? "" : "s") + ")" + detail;
  progress.clear();  // the line printed next must not run into it
  std::printf("%s %-40s %-6s seed %-6llu %s%s\n", ok ? "ok    " : "FAILED",
              std::filesystem::path(file).filename().string().c_str(), algorithm.c_str(),
              static_cast<unsigned long long>(seed), hash_hex(report.result.trace_hash).c_str(),
              detail.c_str());
  if (!ok)
    std::printf("      reproduce with: %s\n", repro_command(file, algorithm, seed, {}).c_str());
  return ok;
}

int check(const CheckOptions& o) {
  namespace fs = std::filesystem;
  // In the order given; a directory's *.json files sorted by name.
  std::vector<fs::path> files;
  for (const std::string& path : o.paths) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      files.emplace_back(path);
      continue;
    }
    if (!fs::is_directory(path, ec)) {
      std::fprintf(stderr, "ballot: %s: not a scenario file or a directory of scenarios\n",
                   path.c_str());
      return kExitBadInput;
    }
    std::vector<fs::path> in_dir;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.path().extension() == ".json") in_dir.push_back(entry.path());
    std::sort(in_dir.begin(), in_dir.end());
    if (in_dir.empty()) {
      std::fprintf(stderr, "ballot: %s: no scenario files (*.json)\n", path.c_str());
      return kExitBadInput;
    }
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  // Runs per file, for the progress line: one, plus the other algorithms and golden entries.
  uint64_t total = 0;
  for (const fs::path& p : files) {
    try {
      const Scenario s = load_scenario(p.string());
      total += 1 + s.expect_by_algorithm.size() + s.golden.size();
      total -= s.expect_by_algorithm.count(s.algorithm) +
               s.golden.count(s.algorithm + "/" + std::to_string(s.seed));
    } catch (const InputError&) {
      ++total;  // reported when its turn comes
    }
  }
  Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "check");
  int passed = 0, failed = 0;
  // Counts one finished run and redraws the progress line.
  auto count = [&](bool ok) {
    ok ? ++passed : ++failed;
    std::fflush(stdout);
    progress.runs(static_cast<uint64_t>(passed + failed), total, static_cast<uint64_t>(failed));
  };
  for (const fs::path& p : files) {
    const std::string file = p.string();
    try {
      const Scenario s = load_scenario(file);
      count(check_one(file, s.algorithm, s.seed, false, o.limits, progress));
      // A lesson that states what other algorithms do (expect.by_algorithm) is checked with
      // each of them too, under the same seed.
      for (const auto& [algo, expectations] : s.expect_by_algorithm) {
        if (algo == s.algorithm) continue;
        if (find_algorithm(algo) == nullptr)
          throw InputError("expect.by_algorithm." + algo, "unknown algorithm '" + algo + "'");
        count(check_one(file, algo, s.seed, false, o.limits, progress));
      }
      // Golden hashes recorded for other algorithms and seeds of the same scenario.
      for (const auto& [key, hash] : s.golden) {
        const auto slash = key.find('/');
        const std::string algo = key.substr(0, slash);
        const uint64_t seed = std::stoull(key.substr(slash + 1));
        if (algo == s.algorithm && seed == s.seed) continue;
        if (find_algorithm(algo) == nullptr)
          throw InputError("golden." + key, "unknown algorithm '" + algo + "'");
        count(check_one(file, algo, seed, true, o.limits, progress));
      }
    } catch (const InputError& e) {
      progress.clear();
      print_input_error(file, e);
      return kExitBadInput;
    }
    if (failed > 0 && o.fail_fast) break;
  }
  progress.clear();
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run scenarios (files, or every *.json in a directory) with their own algorithm and seed; "
      "check their expectations and golden trace hashes. Exit 1 if any fails.");
  cmd->add_option("paths", o->paths,
                  "Scenario files and directories of them (default: the shipped scenarios/)");
  cmd->add_flag("--fail-fast", o->fail_fast, "Stop at the first scenario that fails");
  add_limit_options(cmd, o->limits);
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->callback([o, &action] {
    action = [o] {
      CheckOptions resolved = *o;
      if (resolved.paths.empty()) resolved.paths.push_back(default_scenario_dir());
      return check(resolved);
    };
  });
}

}  // namespace ballot::cli
