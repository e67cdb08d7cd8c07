#include "cli/sweep_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/commands.h"
#include "cli/runner.h"
#include "cli/seeds.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

using nlohmann::json;

// One sample and the run it came from.
struct Sample {
  double value = 0;
  size_t run = 0;  // index into the runs
};

// Every sample of `metric`, sorted by value, then by the run's place in --seeds (so the seed named
// for a min or max is the first seed that reached it).
std::vector<Sample> samples_of(const std::string& metric, const std::vector<SweepRun>& runs) {
  std::vector<Sample> values;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto it = runs[i].samples.find(metric);
    if (it == runs[i].samples.end()) continue;
    for (int64_t v : it->second) values.push_back({static_cast<double>(v), i});
  }
  std::stable_sort(values.begin(), values.end(),
                   [](const Sample& a, const Sample& b) { return a.value < b.value; });
  return values;
}

// Nearest-rank percentile of sorted values.
double rank(const std::vector<Sample>& sorted, double q) {
  const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, k == 0 ? 0 : k - 1)].value;
}

std::string show(const std::string& metric, double v) {
  const bool duration = metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_us") == 0;
  if (duration) return human_duration(static_cast<Time_us>(std::llround(v)));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, v == std::floor(v) ? "%.0f" : "%.2f", v);
  return buffer;
}

json inert_json(const InertFault& f) {
  return {{"fault", f.fault}, {"kind", f.kind}};
}

json run_json(const SweepRun& r) {
  json j = {{"index", r.index}, {"seed", r.seed}, {"ok", r.ok}, {"violations", r.violations}};
  if (!r.ok) {
    j["why"] = r.why;
    j["reasons"] = r.reasons;
    j["safety"] = r.safety;
  }
  if (!r.samples.empty()) j["samples"] = r.samples;
  if (!r.matched) j["matched"] = false;
  if (!r.reached.empty()) j["reached"] = r.reached;
  if (!r.saved.empty()) j["saved"] = r.saved;
  if (!r.inert.empty()) {
    j["inert"] = json::array();
    for (const InertFault& f : r.inert) j["inert"].push_back(inert_json(f));
  }
  return j;
}

SweepRun run_from_json(const json& j) {
  SweepRun r;
  r.index = j.at("index").get<size_t>();
  r.seed = j.at("seed").get<uint64_t>();
  r.ok = j.at("ok").get<bool>();
  r.violations = j.at("violations").get<size_t>();
  if (!r.ok) {
    r.why = j.at("why").get<std::string>();
    r.reasons = j.at("reasons").get<std::vector<std::string>>();
    r.safety = j.at("safety").get<size_t>();
  }
  if (j.contains("samples"))
    r.samples = j["samples"].get<std::map<std::string, std::vector<int64_t>>>();
  if (j.contains("reached")) r.reached = j["reached"].get<std::map<std::string, int64_t>>();
  if (j.contains("saved")) r.saved = j["saved"].get<std::string>();
  if (j.contains("matched")) r.matched = j["matched"].get<bool>();
  if (j.contains("inert"))
    for (const json& f : j["inert"])
      r.inert.push_back({f.at("fault").get<size_t>(), f.at("kind").get<std::string>()});
  return r;
}

// --coverage: the table on stdout (unless as_json), and its JSON.
json print_coverage(const SweepHeader& h, const std::vector<SweepRun>& runs, bool as_json) {
  const std::vector<CoverageRow> table = coverage_rows(h.algorithm, runs);
  json rows = json::array();
  json never = json::array();
  for (const CoverageRow& c : table) {
    if (c.seeds == 0) never.push_back(c.name);
    rows.push_back({{"name", c.name},
                    {"seeds", c.seeds},
                    {"share", c.share},
                    {"count", c.count},
                    {"first_seed", c.reached ? json(c.first_seed) : json(nullptr)}});
  }
  if (!as_json) std::fputs(coverage_text(table).c_str(), stdout);
  return {{"situations", rows}, {"never_reached", never}};
}

}  // namespace

std::vector<CoverageRow> coverage_rows(const std::string& algorithm,
                                       const std::vector<SweepRun>& runs) {
  std::vector<CoverageRow> rows;
  for (const std::string& name : situation_names(algorithm)) {
    CoverageRow c;
    c.name = name;
    for (const SweepRun& r : runs) {
      auto it = r.reached.find(name);
      if (it == r.reached.end()) continue;
      ++c.seeds;
      c.count += it->second;
      if (!c.reached) {
        c.reached = true;
        c.first_seed = r.seed;
      }
    }
    c.share = runs.empty() ? 0.0 : static_cast<double>(c.seeds) / runs.size();
    rows.push_back(std::move(c));
  }
  return rows;
}

std::string coverage_text(const std::vector<CoverageRow>& rows) {
  size_t width = std::string("situation").size();
  for (const CoverageRow& c : rows) width = std::max(width, c.name.size());
  std::string text;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %7s %7s %9s  %s\n", static_cast<int>(width), "situation",
                "seeds", "share", "count", "first seed");
  text += line;
  std::string never;
  size_t never_count = 0;
  for (const CoverageRow& c : rows) {
    std::snprintf(line, sizeof line, "%-*s %7zu %6.1f%% %9lld  %s\n", static_cast<int>(width),
                  c.name.c_str(), c.seeds, c.share * 100, static_cast<long long>(c.count),
                  c.reached ? std::to_string(c.first_seed).c_str() : "-");
    text += line;
    if (c.seeds == 0) {
      never += (never.empty() ? "" : ", ") + c.name;
      ++never_count;
    }
  }
  if (never_count == 0)
    text += "all " + std::to_string(rows.size()) + " situations reached\n";
  else
    text += "never reached (" + std::to_string(never_count) + " of " + std::to_string(rows.size()) +
            "): " + never + "\n";
  return text;
}

std::vector<InertFault> inert_scripted_faults(const RunReport& report) {
  std::vector<InertFault> inert;
  for (const FiredFault& f : report.faults)
    if (f.effect.inert())
      if (const auto i = scripted_index(f)) inert.push_back({*i, f.kind});
  std::stable_sort(inert.begin(), inert.end(),
                   [](const InertFault& a, const InertFault& b) { return a.fault < b.fault; });
  return inert;
}

std::vector<InertCount> count_inert(const std::vector<SweepRun>& runs) {
  std::map<size_t, InertCount> by_fault;
  for (const SweepRun& r : runs) {
    for (const InertFault& f : r.inert) {
      InertCount& c = by_fault[f.fault];
      if (c.runs == 0) {
        c.fault = f.fault;
        c.kind = f.kind;
        c.first_seed = r.seed;
      }
      ++c.runs;
    }
  }
  std::vector<InertCount> out;
  for (auto& [fault, c] : by_fault) out.push_back(std::move(c));
  return out;
}

std::string inert_count_text(const InertCount& c, size_t runs) {
  return "faults[" + std::to_string(c.fault) + "] (" + c.kind + ") was inert in " +
         std::to_string(c.runs) + " of " + std::to_string(runs) + (runs == 1 ? " run" : " runs") +
         "; first seed " + std::to_string(c.first_seed);
}

std::vector<std::string> situation_names(const std::string& algorithm) {
  std::vector<std::string> names;
  if (const AlgorithmInfo* algo = find_algorithm(algorithm))
    for (const Situation& s : algo->situations) names.emplace_back(s.name);
  return names;
}

int print_sweep(const SweepHeader& h, const std::vector<SweepRun>& runs, bool as_json,
                const std::string& shard, size_t seed_count) {
  int passed = 0, failed = 0;
  size_t expected_runs = 0, expected_violations = 0;
  json failures = json::array();
  for (const SweepRun& out : runs) {
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
    const std::string repro = repro_command(h.file, h.algorithm, out.seed, h.sets, h.variant);
    if (as_json) {
      json f = {{"seed", out.seed}, {"why", out.why}, {"reasons", out.reasons}, {"repro", repro}};
      if (!out.saved.empty()) f["saved"] = out.saved;
      failures.push_back(f);
    } else {
      // Every failure of the run, safety violations first; a long list of those is cut (the
      // repro shows them all), failed expectations are all shown.
      constexpr size_t kMaxSafetyListed = 5;
      std::printf("FAILED seed %llu: %s\n", static_cast<unsigned long long>(out.seed),
                  out.why.c_str());
      for (size_t k = 0; k < out.reasons.size(); ++k) {
        if (k < out.safety && k >= kMaxSafetyListed) continue;
        std::printf("    %s\n", out.reasons[k].c_str());
        if (k + 1 == kMaxSafetyListed && out.safety > kMaxSafetyListed)
          std::printf("    ... %zu more safety violations\n", out.safety - kMaxSafetyListed);
      }
      std::printf("  %s\n", repro.c_str());
      if (!out.saved.empty()) std::printf("  %s\n", out.saved.c_str());
    }
  }
  size_t matched = 0;
  for (const SweepRun& r : runs) matched += r.matched;
  json stats = json::object();
  // The metric column fits the longest name ("faults[0].recovery_leader_us"), at least 22 wide.
  int name_width = 22;
  for (const std::string& m : h.stats)
    name_width = std::max(name_width, static_cast<int>(m.size()));
  if (!h.stats.empty() && !as_json)
    std::printf("%-*s %7s %10s %10s %10s %10s %10s %10s  %s\n", name_width, "metric over seeds",
                "samples", "min", "median", "mean", "p90", "p99", "max",
                "min at seed, max at seed");
  for (const std::string& m : h.stats) {
    const std::vector<Sample> v = samples_of(m, runs);
    if (v.empty()) {
      if (!as_json) std::printf("%-*s %7d   (no samples)\n", name_width, m.c_str(), 0);
      continue;
    }
    // Summed in --seeds order, so that a merge of parts sums alike.
    double sum = 0;
    for (const SweepRun& r : runs) {
      auto it = r.samples.find(m);
      if (it != r.samples.end())
        for (int64_t x : it->second) sum += static_cast<double>(x);
    }
    const double mean = sum / static_cast<double>(v.size());
    const Sample& lo = v.front();
    // The first seed (in --seeds order) that reached the maximum.
    size_t first_max = v.size() - 1;
    while (first_max > 0 && v[first_max - 1].value == v.back().value) --first_max;
    const Sample& hi = v[first_max];
    const uint64_t min_seed = runs[lo.run].seed, max_seed = runs[hi.run].seed;
    stats[m] = {{"samples", v.size()},    {"min", lo.value},       {"min_seed", min_seed},
                {"median", rank(v, 0.5)}, {"mean", mean},          {"p90", rank(v, 0.9)},
                {"p99", rank(v, 0.99)},   {"max", v.back().value}, {"max_seed", max_seed}};
    if (!as_json)
      std::printf("%-*s %7zu %10s %10s %10s %10s %10s %10s  %llu, %llu\n", name_width, m.c_str(),
                  v.size(), show(m, lo.value).c_str(), show(m, rank(v, 0.5)).c_str(),
                  show(m, mean).c_str(), show(m, rank(v, 0.9)).c_str(),
                  show(m, rank(v, 0.99)).c_str(), show(m, v.back().value).c_str(),
                  static_cast<unsigned long long>(min_seed),
                  static_cast<unsigned long long>(max_seed));
  }
  json coverage;
  if (h.coverage) coverage = print_coverage(h, runs, as_json);
  // The fault-effect audit: each scripted fault that did nothing in some runs, once.
  const std::vector<InertCount> inert = count_inert(runs);
  json inert_faults = json::array();
  for (const InertCount& c : inert)
    inert_faults.push_back({{"fault", c.fault},
                            {"kind", c.kind},
                            {"runs", c.runs},
                            {"first_seed", c.first_seed},
                            {"text", inert_count_text(c, runs.size())}});
  if (as_json) {
    json out = {{"scenario", h.file},
                {"algorithm", h.algorithm},
                {"seeds", h.seeds},
                {"passed", passed},
                {"failed", failed},
                {"failures", failures},
                {"runs_with_expected_violations", expected_runs},
                {"expected_violations", expected_violations},
                {"stats", stats}};
    if (!h.where.empty())
      out["where"] = {
          {"conditions", h.where}, {"matched", matched}, {"left_out", runs.size() - matched}};
    if (h.coverage) out["coverage"] = coverage;
    out["inert_faults"] = inert_faults;
    if (!shard.empty()) {
      json all = json::array();
      for (const SweepRun& r : runs) all.push_back(run_json(r));
      out["part"] = {{"format", "ballot-sweep-part"},
                     {"version", 1},
                     {"ballot", kBallotVersion},
                     {"shard", shard},
                     {"seed_count", seed_count},
                     {"sets", h.sets},
                     {"stats", h.stats},
                     {"where", h.where},
                     {"coverage", h.coverage},
                     {"runs", all}};
      if (!h.variant.empty()) out["part"]["variant"] = h.variant;
    }
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("%s %s over %zu seeds: %d passed, %d failed", h.file.c_str(), h.algorithm.c_str(),
                runs.size(), passed, failed);
    if (expected_runs > 0)
      std::printf("; %zu passed with the safety violations the scenario expects (%zu in all)",
                  expected_runs, expected_violations);
    std::printf("\n");
    if (!h.where.empty()) {
      std::string conditions;
      for (const std::string& w : h.where) conditions += (conditions.empty() ? "" : " and ") + w;
      std::printf(
          "where %s: %zu of %zu runs matched, %zu left out (--stats counts only the "
          "matched)\n",
          conditions.c_str(), matched, runs.size(), runs.size() - matched);
    }
    for (const InertCount& c : inert)
      std::printf("warning: %s\n", inert_count_text(c, runs.size()).c_str());
  }
  return failed == 0 ? kExitOk : kExitFailed;
}

namespace {

// "K/N" -> {K, N}; {0, 0} when malformed.
std::pair<size_t, size_t> shard_of(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return {0, 0};
  try {
    return {std::stoul(text.substr(0, slash)), std::stoul(text.substr(slash + 1))};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

int bad(const std::string& message) {
  std::fprintf(stderr, "ballot: merge: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace

int merge_parts(const std::vector<std::string>& files, bool as_json) {
  SweepHeader header;
  std::string version;  // of the ballot that wrote the first part
  size_t count = 0, n = 0;
  std::vector<std::string> shard_file;  // by K-1: the file that holds shard K
  std::vector<SweepRun> runs;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return bad(file + ": cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    json doc;
    try {
      doc = json::parse(text.str());
    } catch (const json::exception&) {
      return bad(file + ": not JSON (expected the output of 'ballot sweep --shard K/N --json')");
    }
    if (!doc.is_object() || !doc.contains("part") || !doc["part"].is_object() ||
        doc["part"].value("format", "") != "ballot-sweep-part")
      return bad(file +
                 ": not a sweep part (expected the output of 'ballot sweep --shard K/N "
                 "--json')");
    try {
      const json& part = doc["part"];
      if (part.at("version").get<int>() != 1)
        return bad(file + ": part format version " + part["version"].dump() + ", expected 1");
      SweepHeader h;
      h.file = doc.at("scenario").get<std::string>();
      h.algorithm = doc.at("algorithm").get<std::string>();
      h.seeds = doc.at("seeds").get<std::string>();
      h.sets = part.at("sets").get<std::vector<std::string>>();
      h.stats = part.at("stats").get<std::vector<std::string>>();
      if (part.contains("where")) h.where = part["where"].get<std::vector<std::string>>();
      h.coverage = part.value("coverage", false);
      h.variant = part.value("variant", "");
      const auto [k, parts] = shard_of(part.at("shard").get<std::string>());
      const size_t seeds = part.at("seed_count").get<size_t>();
      if (parts == 0 || k == 0 || k > parts)
        return bad(file + ": bad shard " + part["shard"].dump());
      const std::string written_by = part.at("ballot").get<std::string>();
      if (shard_file.empty()) {
        version = written_by;
        header = h;
        n = parts;
        count = seeds;
        shard_file.assign(n, "");
      } else {
        auto differs = [&](const char* what) {
          return bad(file + ": differs from " + files.front() + " in its " + what +
                     ": the parts are not of one sweep");
        };
        if (h.file != header.file) return differs("scenario");
        if (h.algorithm != header.algorithm) return differs("algorithm");
        if (h.seeds != header.seeds || seeds != count) return differs("seeds");
        if (h.sets != header.sets) return differs("--set values");
        if (h.variant != header.variant) return differs("--variant");
        if (h.stats != header.stats) return differs("--stats");
        if (h.where != header.where) return differs("--where");
        if (h.coverage != header.coverage) return differs("--coverage");
        if (parts != n) return differs("shard count (/N)");
        if (written_by != version) return differs("ballot version");
      }
      if (!shard_file[k - 1].empty())
        return bad(file + ": shard " + std::to_string(k) + "/" + std::to_string(n) +
                   " is also in " + shard_file[k - 1]);
      shard_file[k - 1] = file;
      for (const json& r : part.at("runs")) {
        SweepRun run = run_from_json(r);
        if (run.index >= count || run.index % n != k - 1)
          return bad(file + ": run " + std::to_string(run.index) + " is not in shard " +
                     std::to_string(k) + "/" + std::to_string(n));
        runs.push_back(std::move(run));
      }
    } catch (const json::exception& e) {
      return bad(file + ": a malformed part (" + e.what() + ")");
    }
  }
  for (size_t k = 0; k < n; ++k)
    if (shard_file[k].empty())
      return bad("shard " + std::to_string(k + 1) + "/" + std::to_string(n) +
                 " is missing (every part 1/N..N/N is needed)");
  std::sort(runs.begin(), runs.end(),
            [](const SweepRun& a, const SweepRun& b) { return a.index < b.index; });
  for (size_t i = 0; i < runs.size(); ++i)
    if (runs[i].index != i)
      return bad("the parts hold " + std::to_string(runs.size()) + " runs of " +
                 std::to_string(count) + " seeds (a part was cut short?)");
  if (runs.size() != count)
    return bad("the parts hold " + std::to_string(runs.size()) + " runs of " +
               std::to_string(count) + " seeds (a part was cut short?)");
  return print_sweep(header, runs, as_json);
}

}  // namespace ballot::cli
