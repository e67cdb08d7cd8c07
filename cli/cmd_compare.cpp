// `ballot compare SCENARIO --algos bully,raft --seeds 1..20 [--format table|md|csv|json]`
//
// Every seed runs every algorithm under the identical fault schedule (the nemesis and scripted
// faults draw only from the seed) and the identical offered workload; the table aggregates each
// metric over the seeds: min, median and max (and p99, nearest rank, from 100 samples on). Every
// run is judged by judge_run, like `ballot sweep` and `ballot check`: exit 1 when any fails.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/commands.h"
#include "cli/plot.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/save_failures.h"
#include "cli/seeds.h"
#include "cli/sweep_report.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

struct CompareOptions {
  std::string file;
  std::string algos = "bully,raft";
  std::string seeds = "1..20";
  std::string format = "table";
  bool quiet = false;
  bool coverage = false;  // per algorithm, the situations its runs reached
  std::vector<std::string> sets;
  std::string variant;        // --variant NAME ("" : the file without one)
  std::string save_failures;  // directory for the failing runs as scenarios ("": none)
  std::string plot;           // --plot FILE.svg|FILE.png ("": none)
  std::string plot_script;    // --plot-script: keep the gnuplot script here ("": none)
  RunLimits limits;
};

enum class Unit { Duration, Count, Share, Safety };

struct Column {
  const char* key;    // metric name (or a derived name)
  const char* label;  // for people
  Unit unit;
  const char* meaning;  // the legend: one sentence
};

// The compared quantities, in table order.
const std::vector<Column>& columns() {
  static const std::vector<Column> all = {
      {"violations", "safety violations", Unit::Safety,
       "checker violations (two leaders in one term, a committed entry lost, ...): the runs that "
       "had any, and how many in all; \"no checker\" where no safety checker exists (Bully makes "
       "no safety promise: read its damage rows)"},
      {"first_leader_us", "time to first leader", Unit::Duration,
       "when a majority first followed one leader (a run that never elected one gives no sample)"},
      {"leader_loss_per_loss_us", "leader loss (per loss)", Unit::Duration,
       "from the moment the leader could no longer lead (crashed, paused, or cut off from a "
       "majority) until a leader a majority follows can lead again; one sample per loss"},
      {"leader_loss_total_us", "leader loss (total)", Unit::Duration,
       "the run's leader losses added up"},
      {"client_unavailable_max_us", "client unavailable (longest)", Unit::Duration,
       "the longest stretch in which clients had a write in flight and no write succeeded"},
      {"client_unavailable_us", "client unavailable (total)", Unit::Duration,
       "time during which a write that never succeeded was in flight and no write had succeeded "
       "since its call"},
      {"belief_downtime_per_loss_us", "belief downtime per loss", Unit::Duration,
       "from the moment the followers stopped following the leader until a majority follows a "
       "new one; one sample per loss (starts late: followers notice a lost leader only at their "
       "timeouts)"},
      {"belief_unavailable_us", "no acknowledged leader", Unit::Duration,
       "total time no leader was followed by a majority, from time 0 (by the nodes' beliefs)"},
      {"split_brain_us", "split-brain time", Unit::Duration,
       "total time two or more nodes believed they led"},
      {"leader_changes", "leader changes", Unit::Count,
       "how often the leader a majority follows changed"},
      {"messages_sent", "messages", Unit::Count, "messages sent by all nodes"},
      {"client_ok", "client ops ok", Unit::Count, "client operations acknowledged"},
      {"client_fail", "client ops failed", Unit::Count,
       "client operations that certainly did not take effect"},
      {"client_info", "client ops unknown", Unit::Count,
       "client operations whose outcome is unknown (timed out)"},
      {"latency_p50_us", "client latency p50", Unit::Duration,
       "the run's median latency of acknowledged client operations"},
      {"latency_p99_us", "client latency p99", Unit::Duration,
       "the run's 99th-percentile latency of acknowledged client operations"},
      {"linearizable", "linearizable (runs)", Unit::Share,
       "share of runs whose client history is linearizable (undecided runs give no sample)"},
      {"lost_writes", "lost acknowledged writes", Unit::Count,
       "acknowledged writes (any kind) that their key's last read shows neither themselves nor "
       "anything written after them"},
      {"job_duplicates", "duplicate job runs", Unit::Count, "job periods run more than once"},
      {"job_missed", "missed job periods", Unit::Count, "job periods nobody ran"},
      {"job_late_runs", "late job runs", Unit::Count,
       "job runs more than one period after their period's slot"},
      {"job_lateness_max_us", "job lateness (max)", Unit::Duration,
       "the run's largest delay of a period's first run after its slot"},
      {"id_duplicates", "duplicate ids", Unit::Count, "ids handed out more than once"},
  };
  return all;
}

// Below this many samples a p99 is just the maximum: cells show min / median / max only.
constexpr size_t kMinSamplesForP99 = 100;

struct Stats {
  size_t n = 0;
  double min = 0, median = 0, max = 0, mean = 0, p99 = 0;
};

Stats stats(std::vector<double> values) {
  Stats s;
  s.n = values.size();
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  auto rank = [&values](double q) {
    const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    return values[std::min(values.size() - 1, k == 0 ? 0 : k - 1)];
  };
  s.min = values.front();
  s.median = rank(0.5);
  s.p99 = rank(0.99);
  s.max = values.back();
  return s;
}

double percentile_us(std::vector<Time_us> v, double q) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return static_cast<double>(v[std::min(v.size() - 1, k == 0 ? 0 : k - 1)]);
}

// Per algorithm: for each column, the values over seeds (downtimes pooled over all losses).
using Samples = std::map<std::string, std::vector<double>>;

void collect(const RunReport& report, Samples& samples) {
  const auto& m = report.result.metrics;
  for (const Column& c : columns()) {
    const std::string key = c.key;
    if (key == "violations") {
      samples[key].push_back(static_cast<double>(report.result.violations.size()));
      continue;
    }
    if (key == "belief_downtime_per_loss_us") {
      for (Time_us d : report.result.downtimes_us) samples[key].push_back(static_cast<double>(d));
      continue;
    }
    if (key == "leader_loss_per_loss_us") {
      for (Time_us d : report.result.leader_losses_us)
        samples[key].push_back(static_cast<double>(d));
      continue;
    }
    if (key == "latency_p50_us" || key == "latency_p99_us") {
      std::vector<Time_us> latencies;
      for (const lin::Op& op : report.result.history.ops)
        if (op.outcome == lin::Outcome::Ok) latencies.push_back(op.ret - op.call);
      const double p = percentile_us(latencies, key == "latency_p50_us" ? 0.5 : 0.99);
      if (p >= 0) samples[key].push_back(p);
      continue;
    }
    auto it = m.find(key);
    if (it == m.end()) continue;
    if (key == "first_leader_us" && it->second < 0) continue;  // never elected: no sample
    if (key == "linearizable" && it->second < 0) continue;     // undecided within the budget
    samples[key].push_back(static_cast<double>(it->second));
  }
}

std::string show(double v, Unit unit) {
  char buffer[32];
  switch (unit) {
    case Unit::Duration:
      if (v == 0) return "0s";
      if (v >= 1e6)
        std::snprintf(buffer, sizeof buffer, "%.2fs", v / 1e6);
      else if (v >= 1e3)
        std::snprintf(buffer, sizeof buffer, "%.1fms", v / 1e3);
      else
        std::snprintf(buffer, sizeof buffer, "%.0fus", v);
      return buffer;
    case Unit::Count:
    case Unit::Safety:
      std::snprintf(buffer, sizeof buffer, v == std::floor(v) ? "%.0f" : "%.1f", v);
      return buffer;
    case Unit::Share:
      std::snprintf(buffer, sizeof buffer, "%.0f%%", v * 100);
      return buffer;
  }
  return "";
}

// A run that fails its scenario's expectations or violates safety it did not expect.
struct FailedRun {
  std::string algorithm;
  uint64_t seed = 0;
  std::string repro;
  std::string summary;               // "27 safety violations, 1 failed expectation"
  std::vector<std::string> reasons;  // safety violations first
  std::string saved;                 // --save-failures: where it went, or why not
};

// A run whose safety violations the scenario expects (a lesson that demonstrates a bug).
struct ExpectedViolations {
  std::string algorithm;
  uint64_t seed = 0;
  std::string repro;
  size_t violations = 0;
};

struct Table {
  std::string file;
  std::string name;  // the scenario's name
  int32_t nodes = 0;
  Time_us duration_us = 0;
  std::vector<std::string> sets;
  std::string seeds_text;
  size_t seed_count = 0;
  std::vector<std::string> algos;
  std::map<std::string, Samples> by_algo;
  // Per algorithm, each run's situations reached (with --coverage) and inert scripted faults, in
  // --seeds order (the sweep's outcome type: the same tallies).
  std::map<std::string, std::vector<SweepRun>> runs_by_algo;
  bool coverage = false;
  std::vector<FailedRun> failures;
  std::vector<ExpectedViolations> expected;
  // Per algorithm, each run's damage (kDamageKeys it measured), in --seeds order: --plot's strips.
  std::map<std::string, std::vector<std::pair<uint64_t, std::map<std::string, double>>>>
      damage_by_algo;
};

// The damage --plot draws per seed (rows of the table): safety violations, then what a run did
// to its clients' data and duties.
const std::vector<std::string>& damage_keys() {
  static const std::vector<std::string> keys = {"violations", "lost_writes", "job_duplicates",
                                                "id_duplicates"};
  return keys;
}

// The recovery time --plot draws as a CDF: one sample per leader loss.
constexpr const char* kRecoveryKey = "leader_loss_per_loss_us";

const Column& column(const std::string& key) {
  for (const Column& c : columns())
    if (key == c.key) return c;
  return columns().front();
}

bool any_algo_has(const Table& t, const Column& c) {
  for (const std::string& a : t.algos)
    if (t.by_algo.at(a).count(c.key) != 0) return true;
  return false;
}

// One cell for people, and its sample count ("" when there is no sample).
std::pair<std::string, std::string> cell(const Table& t, const std::string& algo, const Column& c) {
  const auto& samples = t.by_algo.at(algo);
  auto it = samples.find(c.key);
  if (it == samples.end() || it->second.empty()) return {"-", ""};
  const Stats s = stats(it->second);
  const std::string n = std::to_string(s.n);
  if (c.unit == Unit::Safety) {
    // "none" for an algorithm nothing checks would read as a clean bill of health.
    const AlgorithmInfo* info = find_algorithm(algo);
    if (info != nullptr && !has_safety_checker(*info)) return {"no checker", n};
    size_t runs = 0;
    double total = 0;
    for (double v : it->second) {
      runs += v > 0;
      total += v;
    }
    if (runs == 0) return {"none", n};
    return {show(total, c.unit) + " in " + std::to_string(runs) + (runs == 1 ? " run" : " runs"),
            n};
  }
  if (c.unit == Unit::Share)
    return {show(s.mean, c.unit) + " (" +
                std::to_string(static_cast<int>(s.mean * static_cast<double>(s.n) + 0.5)) + "/" +
                n + ")",
            n};
  if (s.n == 1) return {show(s.min, c.unit), n};  // one sample: min, median and max agree
  std::string text = show(s.min, c.unit) + " / " + show(s.median, c.unit) + " / ";
  if (s.n >= kMinSamplesForP99) text += show(s.p99, c.unit) + " / ";
  return {text + show(s.max, c.unit), n};
}

std::string sets_text(const std::vector<std::string>& sets) {
  std::string text;
  for (const std::string& s : sets) text += (text.empty() ? "--set " : " --set ") + s;
  return text;
}

// What shaped the runs (with the algorithms and every --set).
std::string runs_text(const Table& t) {
  return std::to_string(t.nodes) + " nodes, " + human_duration(t.duration_us) +
         " simulated, seeds " + t.seeds_text + " (" + std::to_string(t.seed_count) +
         (t.seed_count == 1 ? " run" : " runs") + " per algorithm)";
}

std::string algos_text(const Table& t) {
  std::string algos;
  for (const std::string& a : t.algos) algos += (algos.empty() ? "" : ", ") + a;
  return "algorithms " + algos;
}

constexpr const char* kCellsText =
    "each cell: min / median / max over its n samples (runs; for per-loss rows, leader losses); "
    "with n >= 100: min / median / p99 / max";

void print_table(std::ostream& out, const Table& t) {
  out << "ballot compare " << t.file << "\n";
  out << runs_text(t) << "\n" << algos_text(t) << "\n";
  for (const std::string& set : t.sets) out << "--set " << set << "\n";
  out << "each cell: min / median / max over its n samples (runs; for per-loss rows, leader "
         "losses);\n"
         "with n >= 100: min / median / p99 / max\n";
  std::vector<const Column*> rows;
  size_t label_width = 0;
  for (const Column& c : columns()) {
    if (!any_algo_has(t, c)) continue;
    rows.push_back(&c);
    label_width = std::max(label_width, std::string(c.label).size());
  }
  // Each algorithm's column is as wide as its widest cell, so cells never run into each other.
  constexpr size_t kGap = 3;
  constexpr size_t kLineWidth = 100;
  struct Width {
    size_t cell = 0, n = 1;
  };
  std::vector<Width> widths(t.algos.size());
  for (size_t i = 0; i < t.algos.size(); ++i) {
    widths[i].cell = t.algos[i].size();
    for (const Column* c : rows) {
      const auto [text, n] = cell(t, t.algos[i], *c);
      widths[i].cell = std::max(widths[i].cell, text.size());
      widths[i].n = std::max(widths[i].n, n.size());
    }
  }
  auto pad = [](const std::string& s, size_t width) {
    return s + std::string(width > s.size() ? width - s.size() : 0, ' ');
  };
  auto pad_left = [](const std::string& s, size_t width) {
    return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
  };
  auto emit = [&out](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << "\n";
  };
  // As many algorithms side by side as fit in 100 columns (at least one); the rest follow in
  // further blocks, each repeating the row names.
  size_t first = 0;
  while (first < t.algos.size()) {
    size_t last = first + 1;
    size_t used = label_width + kGap + widths[first].cell + 2 + widths[first].n;
    while (last < t.algos.size() &&
           used + kGap + widths[last].cell + 2 + widths[last].n <= kLineWidth) {
      used += kGap + widths[last].cell + 2 + widths[last].n;
      ++last;
    }
    out << "\n";
    std::string header = pad("", label_width);
    for (size_t i = first; i < last; ++i)
      header += std::string(kGap, ' ') + pad(t.algos[i], widths[i].cell) + "  " +
                pad_left("n", widths[i].n);
    emit(header);
    for (const Column* c : rows) {
      std::string line = pad(c->label, label_width);
      for (size_t i = first; i < last; ++i) {
        const auto [text, n] = cell(t, t.algos[i], *c);
        line +=
            std::string(kGap, ' ') + pad(text, widths[i].cell) + "  " + pad_left(n, widths[i].n);
      }
      emit(line);
    }
    first = last;
  }
  // The legend, wrapped under its own column.
  out << "\n";
  const size_t indent = label_width + kGap;
  for (const Column* c : rows) {
    std::string line = pad(c->label, label_width) + std::string(kGap, ' ');
    std::istringstream words(c->meaning);
    bool first_word = true;
    for (std::string word; words >> word; first_word = false) {
      if (!first_word && line.size() + 1 + word.size() > kLineWidth) {
        emit(line);
        line = std::string(indent - 1, ' ');
      }
      line += (first_word ? "" : " ") + word;
    }
    emit(line);
  }
}

// metrics as rows, algorithms as columns, human units: a table a course page can use.
void print_markdown(std::ostream& out, const Table& t) {
  out << "Scenario `" << t.file << "`" << (t.name.empty() ? "" : " (" + t.name + ")") << ": "
      << runs_text(t) << ", " << algos_text(t);
  if (!t.sets.empty()) out << "; `" << sets_text(t.sets) << "`";
  out << ".\n\n";
  std::string header = "| |", rule = "|---|";
  for (const std::string& a : t.algos) {
    header += " " + a + " |";
    rule += "---|";
  }
  out << header << "\n" << rule << "\n";
  for (const Column& c : columns()) {
    if (!any_algo_has(t, c)) continue;
    out << "| " << c.label << " |";
    for (const std::string& a : t.algos) {
      const auto [text, n] = cell(t, a, c);
      out << " " << text << (n.empty() || c.unit == Unit::Share ? "" : " (n=" + n + ")") << " |";
    }
    out << "\n";
  }
  out << "\n" << char(std::toupper(kCellsText[0])) << (kCellsText + 1) << ".\n\n";
  for (const Column& c : columns())
    if (any_algo_has(t, c)) out << "- **" << c.label << "**: " << c.meaning << ".\n";
}

// One row per algorithm, one column per quantity and statistic (raw numbers, microseconds), for
// spreadsheets.
void print_csv(std::ostream& out, const Table& t) {
  std::vector<std::string> header = {"algorithm"};
  for (const Column& c : columns())
    for (const char* stat : {"n", "min", "median", "max", "mean", "p99"})
      header.push_back(std::string(c.key) + "_" + stat);
  auto row = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cells[i];
    out << "\n";
  };
  row(header);
  for (const std::string& a : t.algos) {
    std::vector<std::string> cells = {a};
    const auto& samples = t.by_algo.at(a);
    for (const Column& c : columns()) {
      auto it = samples.find(c.key);
      const bool has = it != samples.end() && !it->second.empty();
      const Stats s = has ? stats(it->second) : Stats{};
      auto number = [&](double v) {
        char buffer[32];
        // Whole numbers (microseconds, counts) exactly; shares and means to six digits.
        std::snprintf(buffer, sizeof buffer, v == std::floor(v) ? "%.0f" : "%.6g", v);
        return has ? std::string(buffer) : std::string("");
      };
      cells.push_back(has ? std::to_string(s.n) : "");
      for (double v : {s.min, s.median, s.max, s.mean}) cells.push_back(number(v));
      cells.push_back(s.n >= kMinSamplesForP99 ? number(s.p99) : "");
    }
    row(cells);
  }
}

nlohmann::json table_json(const Table& t) {
  nlohmann::json j;
  j["scenario"] = t.file;
  j["name"] = t.name;
  j["nodes"] = t.nodes;
  j["duration_us"] = t.duration_us;
  j["sets"] = t.sets;
  j["seeds"] = t.seeds_text;
  j["runs_per_algorithm"] = t.seed_count;
  j["algorithms"] = nlohmann::json::array();
  for (const std::string& a : t.algos) {
    nlohmann::json row;
    row["algorithm"] = a;
    for (const Column& c : columns()) {
      auto it = t.by_algo.at(a).find(c.key);
      if (it == t.by_algo.at(a).end() || it->second.empty()) continue;
      const Stats s = stats(it->second);
      row[c.key] = {
          {"samples", s.n}, {"min", s.min}, {"median", s.median}, {"max", s.max}, {"mean", s.mean}};
      if (s.n >= kMinSamplesForP99) row[c.key]["p99"] = s.p99;
    }
    const std::vector<SweepRun>& runs = t.runs_by_algo.at(a);
    row["inert_faults"] = nlohmann::json::array();
    for (const InertCount& c : count_inert(runs))
      row["inert_faults"].push_back({{"fault", c.fault},
                                     {"kind", c.kind},
                                     {"runs", c.runs},
                                     {"first_seed", c.first_seed},
                                     {"text", inert_count_text(c, runs.size())}});
    if (t.coverage) {
      nlohmann::json situations = nlohmann::json::array(), never = nlohmann::json::array();
      for (const CoverageRow& c : coverage_rows(a, runs)) {
        if (c.seeds == 0) never.push_back(c.name);
        situations.push_back(
            {{"name", c.name},
             {"seeds", c.seeds},
             {"share", c.share},
             {"count", c.count},
             {"first_seed", c.reached ? nlohmann::json(c.first_seed) : nlohmann::json(nullptr)}});
      }
      row["coverage"] = {{"situations", situations}, {"never_reached", never}};
    }
    j["algorithms"].push_back(row);
  }
  j["failures"] = nlohmann::json::array();
  for (const FailedRun& f : t.failures) {
    nlohmann::json row = {{"algorithm", f.algorithm},
                          {"seed", f.seed},
                          {"why", f.summary},
                          {"reasons", f.reasons},
                          {"repro", f.repro}};
    if (!f.saved.empty()) row["saved"] = f.saved;
    j["failures"].push_back(row);
  }
  j["expected_violations"] = nlohmann::json::array();
  for (const ExpectedViolations& e : t.expected)
    j["expected_violations"].push_back({{"algorithm", e.algorithm},
                                        {"seed", e.seed},
                                        {"violations", e.violations},
                                        {"repro", e.repro}});
  j["ok"] = t.failures.empty();
  return j;
}

// --coverage: per algorithm, the situations its runs reached (the sweep's coverage table).
void print_coverage(std::ostream& out, const Table& t, bool markdown) {
  for (const std::string& a : t.algos) {
    const std::vector<SweepRun>& runs = t.runs_by_algo.at(a);
    const std::vector<CoverageRow> rows = coverage_rows(a, runs);
    if (!markdown) {
      out << "\nsituations of " << a << " over " << runs.size() << " runs:\n"
          << coverage_text(rows);
      continue;
    }
    out << "\nSituations of " << a << " over " << runs.size() << " runs:\n\n"
        << "| situation | seeds | share | count | first seed |\n|---|---|---|---|---|\n";
    for (const CoverageRow& c : rows) {
      char share[16];
      std::snprintf(share, sizeof share, "%.1f%%", c.share * 100);
      out << "| `" << c.name << "` | " << c.seeds << " | " << share << " | " << c.count << " | "
          << (c.reached ? std::to_string(c.first_seed) : "-") << " |\n";
    }
  }
}

// The fault-effect audit: per algorithm, each scripted fault that did nothing in some runs, once.
void print_inert(std::ostream& out, const Table& t) {
  for (const std::string& a : t.algos) {
    const std::vector<SweepRun>& runs = t.runs_by_algo.at(a);
    for (const InertCount& c : count_inert(runs))
      out << "warning: " << a << ": " << inert_count_text(c, runs.size()) << "\n";
  }
}

// The runs that failed, each with its repro line, then the runs whose violations the scenario
// expects.
void print_runs(std::ostream& out, const Table& t) {
  const size_t runs = t.seed_count * t.algos.size();
  if (!t.failures.empty()) {
    out << "\nFAILED: " << t.failures.size() << " of " << runs
        << " runs (unexpected safety violations or failed expectations); reproduce with:\n";
    constexpr size_t kMaxReasons = 3;  // the repro shows every one
    for (const FailedRun& f : t.failures) {
      out << "  " << f.repro << "\n      " << f.summary << "\n";
      for (size_t i = 0; i < f.reasons.size() && i < kMaxReasons; ++i)
        out << "      " << f.reasons[i] << "\n";
      if (f.reasons.size() > kMaxReasons)
        out << "      ... " << f.reasons.size() - kMaxReasons << " more\n";
      if (!f.saved.empty()) out << "      " << f.saved << "\n";
    }
  }
  if (!t.expected.empty()) {
    out << "\n"
        << t.expected.size() << " of " << runs
        << " runs show the safety violations the scenario expects:\n";
    for (const ExpectedViolations& e : t.expected)
      out << "  " << e.repro << "   (" << e.violations << " violation"
          << (e.violations == 1 ? "" : "s") << ")\n";
  }
}

// --plot: the CDF of leader loss (per loss) per algorithm, then per damage row a strip with a
// mark per seed; the title names the scenario and seeds, and says so when runs had safety
// violations or failed.
PlotFigure plot_figure(const Table& t) {
  PlotFigure f;
  f.title.push_back("ballot compare " + t.file + (t.name.empty() ? "" : " (" + t.name + ")") +
                    ", seeds " + t.seeds_text);
  f.title.push_back(runs_text(t) + (t.sets.empty() ? "" : "; " + sets_text(t.sets)));
  std::string violations;
  for (const std::string& a : t.algos) {
    size_t runs = 0, total = 0;
    for (const auto& [seed, values] : t.damage_by_algo.at(a)) {
      auto it = values.find("violations");
      if (it == values.end() || it->second <= 0) continue;
      ++runs;
      total += static_cast<size_t>(it->second);
    }
    if (runs > 0)
      violations += (violations.empty() ? "" : "; ") + a + " " + std::to_string(total) + " in " +
                    std::to_string(runs) + (runs == 1 ? " run" : " runs");
  }
  if (!violations.empty())
    f.title.push_back("SAFETY VIOLATIONS: " + violations +
                      (t.failures.empty() ? " (expected by the scenario)" : ""));
  if (!t.failures.empty())
    f.title.push_back("FAILED: " + std::to_string(t.failures.size()) + " of " +
                      std::to_string(t.seed_count * t.algos.size()) +
                      " runs (see the table's list of failing runs)");
  PlotPanel cdf;
  cdf.kind = PlotPanel::Kind::Cdf;
  cdf.metric = kRecoveryKey;
  cdf.label = column(kRecoveryKey).label;
  for (const std::string& a : t.algos) {
    PlotCurve curve{a, {}};
    auto it = t.by_algo.at(a).find(kRecoveryKey);
    if (it != t.by_algo.at(a).end()) curve.samples = it->second;
    cdf.curves.push_back(std::move(curve));
  }
  f.panels.push_back(std::move(cdf));
  for (const std::string& key : damage_keys()) {
    PlotPanel strip;
    strip.kind = PlotPanel::Kind::Strip;
    strip.metric = key;
    strip.label = column(key).label;
    bool measured = false;
    for (const std::string& a : t.algos) {
      StripRow row{a, "", {}};
      const AlgorithmInfo* info = find_algorithm(a);
      if (key == "violations" && info != nullptr && !has_safety_checker(*info)) {
        row.note = "no checker";
      } else {
        for (const auto& [seed, values] : t.damage_by_algo.at(a)) {
          auto it = values.find(key);
          if (it != values.end()) row.marks.push_back({seed, it->second});
        }
      }
      measured = measured || !row.marks.empty();
      strip.rows.push_back(std::move(row));
    }
    if (measured) f.panels.push_back(std::move(strip));
  }
  return f;
}

int compare(const CompareOptions& o) {
  Table t;
  t.file = o.file;
  t.seeds_text = o.seeds;
  std::vector<uint64_t> seeds;
  try {
    seeds = parse_seed_range(o.seeds, "--seeds");
  } catch (const InputError& e) {
    std::fprintf(stderr, "ballot: %s: %s\n", e.path().c_str(), e.what());
    return kExitBadInput;
  }
  t.seed_count = seeds.size();
  std::stringstream list(o.algos);
  for (std::string a; std::getline(list, a, ',');) {
    if (a.empty()) continue;
    if (find_algorithm(a) == nullptr) {
      std::string known;
      for (const AlgorithmInfo& info : algorithms())
        known += (known.empty() ? "" : ", ") + info.name;
      std::fprintf(stderr, "ballot: --algos: unknown algorithm '%s' (known: %s)\n", a.c_str(),
                   known.c_str());
      return kExitBadInput;
    }
    t.algos.push_back(a);
  }
  if (t.algos.empty()) {
    std::fprintf(stderr, "ballot: --algos: expected a comma-separated list like bully,raft\n");
    return kExitBadInput;
  }
  if (seeds.size() * t.algos.size() > kMaxSeeds) {
    std::fprintf(stderr,
                 "ballot: --seeds: at most %llu runs at once (seeds times algorithms), got "
                 "%zu seeds times %zu algorithms\n",
                 static_cast<unsigned long long>(kMaxSeeds), seeds.size(), t.algos.size());
    return kExitBadInput;
  }
  if (!o.save_failures.empty() && !prepare_failure_dir(o.save_failures)) return kExitBadInput;
  if (const int code = check_plot_flags(o.plot, o.plot_script); code != kExitOk) return code;
  Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "compare");
  uint64_t done = 0;
  try {
    // What the header shows: the scenario as the runs see it (after every --set).
    const Scenario shaped = load_scenario(o.file, o.sets, o.variant);
    print_warnings(shaped);
    t.name = shaped.name;
    t.nodes = shaped.nodes;
    t.duration_us = shaped.duration_us;
  } catch (const InputError& e) {
    print_input_error(o.file, e);
    return kExitBadInput;
  }
  t.sets = o.sets;
  t.coverage = o.coverage;
  for (const std::string& a : t.algos) {
    t.runs_by_algo[a];
    t.by_algo[a];
    t.damage_by_algo[a];
  }
  for (uint64_t seed : seeds) {
    for (const std::string& a : t.algos) {
      std::vector<std::string> overrides = o.sets;
      overrides.push_back("algorithm=\"" + a + "\"");
      overrides.push_back("seed=" + std::to_string(seed));
      try {
        const RunReport report =
            run_scenario(load_scenario(o.file, overrides, o.variant), nullptr, o.limits);
        throw_if_cut(report);
        collect(report, t.by_algo[a]);
        std::map<std::string, double> damage;
        for (const std::string& key : damage_keys()) {
          if (key == "violations") {
            damage[key] = static_cast<double>(report.result.violations.size());
          } else if (auto it = report.result.metrics.find(key); it != report.result.metrics.end()) {
            damage[key] = static_cast<double>(it->second);
          }
        }
        t.damage_by_algo[a].emplace_back(seed, std::move(damage));
        SweepRun outcome;
        outcome.seed = seed;
        outcome.inert = inert_scripted_faults(report);
        if (o.coverage)
          for (size_t id = 0; id < report.situations.size(); ++id)
            if (const int64_t times = report.times_reached(id); times > 0)
              outcome.reached[std::string(report.situations[id].name)] = times;
        t.runs_by_algo[a].push_back(std::move(outcome));
        const Verdict verdict = judge_run(report);
        const std::string repro = repro_command(o.file, a, seed, o.sets, o.variant);
        if (!verdict.ok()) {
          FailedRun f{a, seed, repro, verdict.summary(), {}, {}};
          for (const Failure& failure : verdict.failures) f.reasons.push_back(failure.text);
          if (!o.save_failures.empty()) {
            f.saved = saved_line(save_failure(o.save_failures, o.file, a, seed, o.sets, o.limits,
                                              "ballot compare", o.variant));
            progress.clear();
            std::fprintf(stderr, "ballot: %s seed %llu: %s\n", a.c_str(),
                         static_cast<unsigned long long>(seed), f.saved.c_str());
          }
          t.failures.push_back(std::move(f));
        } else if (verdict.safety_violations > 0) {
          t.expected.push_back({a, seed, repro, verdict.safety_violations});
        }
        progress.runs(++done, seeds.size() * t.algos.size(), t.failures.size());
      } catch (const InputError& e) {
        progress.clear();
        print_input_error(o.file, e);
        return kExitBadInput;
      }
    }
  }
  progress.clear();
  if (o.format == "json") {
    std::cout << table_json(t).dump(2) << "\n";
  } else if (o.format == "md") {
    print_markdown(std::cout, t);
    if (t.coverage) print_coverage(std::cout, t, true);
    print_runs(std::cerr, t);  // the page gets the table; the runs go to the terminal
    print_inert(std::cerr, t);
  } else if (o.format == "csv") {
    print_csv(std::cout, t);
    print_runs(std::cerr, t);
    print_inert(std::cerr, t);
  } else {
    print_table(std::cout, t);
    if (t.coverage) print_coverage(std::cout, t, false);
    print_runs(std::cout, t);
    print_inert(std::cout, t);
  }
  if (!o.plot.empty())
    if (const int code = draw_plot(plot_figure(t), o.plot, o.plot_script); code != kExitOk)
      return code;
  return t.failures.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Run several algorithms on the same scenario over the same seeds (identical faults and "
      "offered workload) and print one comparison table.");
  cmd->add_option("scenario", o->file, "Scenario file (JSON)")->required();
  cmd->add_option("--algos", o->algos, "Comma-separated algorithms")->capture_default_str();
  cmd->add_option("--seeds", o->seeds, "Seeds: A..B (inclusive), or a list 1,5,9")
      ->capture_default_str();
  cmd->add_option("--format", o->format, "table (terminal), md, csv or json")
      ->check(CLI::IsMember({"table", "md", "csv", "json"}))
      ->capture_default_str();
  cmd->add_option("--set", o->sets, "Override a scenario field (path=value); repeatable");
  cmd->add_option("--variant", o->variant, kVariantHelp);
  cmd->add_option("--save-failures", o->save_failures,
                  "Write each failing run to this directory as a self-contained scenario "
                  "(faults and operations scripted; created if missing)");
  cmd->add_flag("--coverage", o->coverage,
                "Per algorithm, count its situations over the seeds: seeds reaching each, their "
                "share, how often in all, the first seed; then those never reached");
  add_plot_options(cmd, o->plot, o->plot_script,
                   "the CDF of leader loss (per loss) per algorithm, and the damage per seed");
  add_limit_options(cmd, o->limits);
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->callback([o, &action] { action = [o] { return compare(*o); }; });
}

}  // namespace ballot::cli
