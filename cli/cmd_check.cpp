// `ballot check [DIR|FILE]...`: every scenario's expectations and golden hashes, as CI runs them;
// with --update-golden it records the golden entries anew, with --trace-dir it keeps the traces
// of the runs that fail.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "algorithms/registry.h"
#include "cli/caption_report.h"
#include "cli/commands.h"
#include "cli/golden.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/save_failures.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

namespace fs = std::filesystem;

struct CheckOptions {
  std::vector<std::string> paths;  // directories of scenarios and scenario files
  bool fail_fast = false;
  RunLimits limits;
  bool quiet = false;
  bool update_golden = false;  // record golden entries instead of failing on them
  std::string trace_dir;       // where the traces of failing runs go (empty: nowhere)
  std::string save_failures;   // where the failing runs go as scenarios (empty: nowhere)
  std::string variant;         // --variant NAME: only that variant of each file ("" : all)
};

// "raft/7": the key of a golden entry; keys read from a file are normalised ("raft/07").
std::string golden_key(const std::string& algorithm, uint64_t seed) {
  return algorithm + "/" + std::to_string(seed);
}
std::string normalised_key(const std::string& key) {
  const auto slash = key.find('/');
  return golden_key(key.substr(0, slash), std::stoull(key.substr(slash + 1)));
}

// Where the trace of a failing run goes: DIR/<scenario file stem>[.<variant>].<algorithm>.seed<N>
// .jsonl.
fs::path trace_path(const std::string& dir, const std::string& file, const std::string& variant,
                    const std::string& algorithm, uint64_t seed) {
  return fs::path(dir) / (fs::path(file).stem().string() + (variant.empty() ? "" : "." + variant) +
                          "." + algorithm + ".seed" + std::to_string(seed) + ".jsonl");
}

// Runs the scenario again (the same run: it is deterministic), writing its trace.
void keep_trace(const CheckOptions& o, const Scenario& s, const std::string& file) {
  const fs::path path = trace_path(o.trace_dir, file, s.variant, s.algorithm, s.seed);
  std::ofstream out(path, std::ios::binary);
  if (out) run_scenario(s, &out, o.limits);
  out.close();
  if (!out) {
    std::printf("      could not write the trace to %s\n", path.string().c_str());
    return;
  }
  std::printf("      trace: %s\n", path.string().c_str());
}

// Prints what differs between the golden entry's summary and this run's, under its failure.
void print_golden_difference(const Scenario& s, const std::string& key, const GoldenRecord& got,
                             const std::string& file) {
  for (const std::string& line : golden_mismatch_lines(s, key, got))
    std::printf("        %s\n", line.c_str());
  std::error_code ec;
  const fs::path path = fs::absolute(file, ec);
  std::printf("      if the change is meant: ballot check --update-golden %s\n",
              shell_quote(ec ? file : path.lexically_normal().string()).c_str());
}

struct Checked {
  bool ok = false;
  std::string key;  // algorithm/seed
  GoldenRecord record;
};

// Runs one (scenario, algorithm, seed); prints one line; ok when everything held. A run made
// only for its golden hash is judged on safety and that hash, not on the other expectations.
// When updating goldens, a golden hash that differs is not a failure (it is recorded).
Checked check_one(const CheckOptions& o, const std::string& file, const std::string& variant,
                  const std::string& algorithm, uint64_t seed, bool golden_only,
                  Progress& progress) {
  const Scenario s = load_scenario(
      file, {"algorithm=\"" + algorithm + "\"", "seed=" + std::to_string(seed)}, variant);
  const RunReport report = run_scenario(s, nullptr, o.limits);
  throw_if_cut(report);
  const Verdict verdict = judge_run(report);
  Checked c;
  c.ok = true;
  c.key = golden_key(algorithm, seed);
  c.record = golden_record(report);
  bool golden_failed = false;
  std::string detail;
  for (const Failure& f : verdict.failures) {
    const bool golden = f.what.rfind("golden.", 0) == 0;
    if (golden_only && !f.safety && !golden) continue;
    if (golden && o.update_golden) continue;
    golden_failed = golden_failed || golden;
    c.ok = false;
    detail += "\n      " + f.text;
  }
  if (verdict.violations_expected && verdict.safety_violations > 0)
    detail = "  (" + std::to_string(verdict.safety_violations) + " expected safety violation" +
             (verdict.safety_violations == 1 ? "" : "s") + ")" + detail;
  progress.clear();  // the line printed next must not run into it
  // A variant's runs name it after the file: "05-figure8.json [buggy]".
  const std::string label =
      fs::path(file).filename().string() + (variant.empty() ? "" : " [" + variant + "]");
  std::printf("%s %-40s %-6s seed %-6llu %s%s\n", c.ok ? "ok    " : "FAILED", label.c_str(),
              algorithm.c_str(), static_cast<unsigned long long>(seed), c.record.hash.c_str(),
              detail.c_str());
  if (golden_failed) print_golden_difference(s, c.key, c.record, file);
  // The fault-effect audit, one line per run: the scripted faults that did nothing (a nemesis's
  // inert faults are routine, as in sweep and compare; `ballot run` lists every one).
  std::string inert;
  for (const FiredFault& f : report.faults)
    if (f.effect.inert() && scripted_index(f))
      inert += (inert.empty() ? "" : ", ") + fault_label(f);
  if (!inert.empty()) std::printf("      warning: did nothing (inert): %s\n", inert.c_str());
  for (const std::string& w : caption_warnings(report))
    std::printf("      warning: %s\n", w.c_str());
  if (!c.ok) {
    std::printf("      reproduce with: %s\n",
                repro_command(file, algorithm, seed, {}, variant).c_str());
    if (!o.trace_dir.empty()) keep_trace(o, s, file);
    // Golden hashes alone are not a failure to save (the saved scenario has none).
    bool judged = false;
    for (const Failure& f : verdict.failures)
      judged |= f.what.rfind("golden.", 0) != 0 && (!golden_only || f.safety);
    if (!o.save_failures.empty() && judged)
      std::printf("      %s\n", saved_line(save_failure(o.save_failures, file, algorithm, seed, {},
                                                        o.limits, "ballot check", variant))
                                    .c_str());
  }
  return c;
}

// Which variant of its file `s` was read as: its index in "variants", -1 for the file itself.
int variant_index(const Scenario& s) {
  for (size_t i = 0; i < s.variants.size(); ++i)
    if (s.variants[i].name == s.variant) return static_cast<int>(i);
  return -1;
}

// The JSON path of the golden object `s` is judged by: "golden", or "variants[1].golden".
std::string golden_path(const Scenario& s) {
  const int i = variant_index(s);
  return i < 0 ? "golden" : "variants[" + std::to_string(i) + "].golden";
}

// Rewrites the file's golden entries (a variant's: its own "golden") with the records of this
// check's runs, when any differs; prints what changed. Returns the number of entries changed.
int update_golden(const std::string& file, const Scenario& s,
                  const std::map<std::string, GoldenRecord>& records) {
  const std::string where = golden_path(s);
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::pair<std::string, GoldenRecord>> entries;
  std::vector<std::string> report;
  int changed = 0;
  for (const std::string& key : golden_keys_in_order(text, variant_index(s))) {
    const auto found = records.find(normalised_key(key));
    if (found == records.end()) throw InputError(where + "." + key, "this entry was not run");
    const GoldenRecord& now = found->second;
    entries.emplace_back(key, now);
    const std::string& old_hash = s.golden.at(key);
    const auto old_summary = s.golden_summary.find(key);
    const bool same_summary =
        old_summary != s.golden_summary.end() &&
        nlohmann::json::parse(old_summary->second) == nlohmann::json::parse(now.summary);
    if (old_hash == now.hash && same_summary) continue;
    ++changed;
    std::string line =
        "updated " + fs::path(file).filename().string() + " " + where + "." + key + ": ";
    if (old_hash != now.hash)
      line += "hash " + old_hash + " -> " + now.hash;
    else
      line += "hash unchanged, summary " +
              std::string(old_summary == s.golden_summary.end() ? "recorded" : "updated");
    report.push_back(line);
    if (old_summary != s.golden_summary.end())
      for (const std::string& d : golden_summary_diff(old_summary->second, now.summary))
        report.push_back("    " + d);
  }
  if (changed == 0) return 0;
  const std::string rewritten = rewrite_golden(text, entries, variant_index(s));
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << rewritten;
  out.close();
  if (!out) throw InputError("", "cannot write the updated golden entries to the file");
  for (const std::string& line : report) std::printf("%s\n", line.c_str());
  return changed;
}

int check(const CheckOptions& o) {
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
  // What is checked of a file: the variant asked for, or the file and each of its variants.
  auto variants_of = [&](const std::string& file) {
    std::vector<std::string> names{o.variant};
    if (o.variant.empty())
      for (const VariantInfo& v : load_scenario(file).variants) names.push_back(v.name);
    return names;
  };
  // Runs per file and variant, for the progress line: one, plus the other algorithms and golden
  // entries.
  uint64_t total = 0;
  for (const fs::path& p : files) {
    try {
      for (const std::string& variant : variants_of(p.string())) {
        const Scenario s = load_scenario(p.string(), {}, variant);
        total += 1 + s.expect_by_algorithm.size() + s.golden.size();
        total -= s.expect_by_algorithm.count(s.algorithm) +
                 s.golden.count(s.algorithm + "/" + std::to_string(s.seed));
      }
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
  if (!o.trace_dir.empty()) {
    std::error_code ec;
    fs::create_directories(o.trace_dir, ec);
    if (ec || !fs::is_directory(o.trace_dir, ec)) {
      std::fprintf(stderr, "ballot: --trace-dir %s: cannot create the directory\n",
                   o.trace_dir.c_str());
      return kExitBadInput;
    }
  }
  if (!o.save_failures.empty() && !prepare_failure_dir(o.save_failures)) return kExitBadInput;
  int updated = 0, updated_files = 0;
  for (const fs::path& p : files) {
    const std::string file = p.string();
    try {
      bool file_updated = false;
      for (const std::string& variant : variants_of(file)) {
        const Scenario s = load_scenario(file, {}, variant);
        std::map<std::string, GoldenRecord> records;  // by golden key, of every run made here
        auto run = [&](const std::string& algo, uint64_t seed, bool golden_only) {
          Checked c = check_one(o, file, variant, algo, seed, golden_only, progress);
          records[c.key] = std::move(c.record);
          count(c.ok);
        };
        run(s.algorithm, s.seed, false);
        // A lesson that states what other algorithms do (expect.by_algorithm) is checked with
        // each of them too, under the same seed.
        for (const auto& [algo, expectations] : s.expect_by_algorithm) {
          if (algo == s.algorithm) continue;
          if (find_algorithm(algo) == nullptr)
            throw InputError("expect.by_algorithm." + algo, "unknown algorithm '" + algo + "'");
          run(algo, s.seed, false);
        }
        // Golden hashes recorded for other algorithms and seeds of the same scenario.
        for (const auto& [key, hash] : s.golden) {
          const auto slash = key.find('/');
          const std::string algo = key.substr(0, slash);
          const uint64_t seed = std::stoull(key.substr(slash + 1));
          if (algo == s.algorithm && seed == s.seed) continue;
          if (find_algorithm(algo) == nullptr)
            throw InputError(golden_path(s) + "." + key, "unknown algorithm '" + algo + "'");
          run(algo, seed, true);
        }
        if (o.update_golden && !s.golden.empty()) {
          progress.clear();
          const int n = update_golden(file, s, records);
          updated += n;
          file_updated = file_updated || n > 0;
        }
      }
      updated_files += file_updated ? 1 : 0;
    } catch (const InputError& e) {
      progress.clear();
      print_input_error(file, e);
      return kExitBadInput;
    }
    if (failed > 0 && o.fail_fast) break;
  }
  progress.clear();
  std::printf("%d passed, %d failed", passed, failed);
  if (o.update_golden)
    std::printf("; %d golden entr%s updated in %d file%s", updated, updated == 1 ? "y" : "ies",
                updated_files, updated_files == 1 ? "" : "s");
  std::printf("\n");
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
  cmd->add_option("--variant", o->variant,
                  "Check only this variant of each file (default: the file and every variant "
                  "it declares, see docs/scenario-format.md#variants)");
  add_limit_options(cmd, o->limits);
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->add_flag("--update-golden", o->update_golden,
                "Record every golden entry anew (hash and summary) in the scenario files, in "
                "place; print what changed. Other failures still fail");
  cmd->add_option("--trace-dir", o->trace_dir,
                  "Write the trace of each failing run to this directory "
                  "(<scenario>.<algorithm>.seed<N>.jsonl; created if missing)");
  cmd->add_option("--save-failures", o->save_failures,
                  "Write each failing run (a safety violation or failed expectation, not a golden "
                  "hash alone) to this directory as a self-contained scenario; created if missing");
  cmd->callback([o, &action] {
    action = [o] {
      CheckOptions resolved = *o;
      if (resolved.paths.empty()) resolved.paths.push_back(default_scenario_dir());
      return check(resolved);
    };
  });
}

}  // namespace ballot::cli
