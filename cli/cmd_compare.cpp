// `ballot compare SCENARIO --algos bully,raft --seeds 1..20 [--format table|md|csv|json]`
//
// Every seed runs every algorithm under the identical fault schedule (the nemesis and scripted
// faults draw only from the seed) and the identical offered workload; the table aggregates each
// metric over the seeds: mean, median and p99 (nearest rank).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/seeds.h"
#include "sim/input_error.h"

namespace ballot::cli {

namespace {

struct CompareOptions {
  std::string file;
  std::string algos = "bully,raft";
  std::string seeds = "1..20";
  std::string format = "table";
  bool quiet = false;
  std::vector<std::string> sets;
};

enum class Unit { Duration, Count, Share };

struct Column {
  const char* key;    // metric name (or a derived name)
  const char* label;  // for people
  Unit unit;
};

// The compared quantities, in table order.
const std::vector<Column>& columns() {
  static const std::vector<Column> all = {
      {"first_leader_us", "time to first leader", Unit::Duration},
      {"downtime_per_loss_us", "downtime per leader loss", Unit::Duration},
      {"unavailable_us", "unavailable (no leader)", Unit::Duration},
      {"split_brain_us", "split-brain time", Unit::Duration},
      {"leader_changes", "leader changes", Unit::Count},
      {"messages_sent", "messages", Unit::Count},
      {"client_ok", "client ops ok", Unit::Count},
      {"client_fail", "client ops failed", Unit::Count},
      {"client_info", "client ops unknown", Unit::Count},
      {"latency_p50_us", "client latency p50", Unit::Duration},
      {"latency_p99_us", "client latency p99", Unit::Duration},
      {"linearizable", "linearizable (seeds)", Unit::Share},
      {"lost_writes", "lost acknowledged writes", Unit::Count},
      {"job_duplicates", "duplicate job runs", Unit::Count},
      {"job_missed", "missed job periods", Unit::Count},
      {"id_duplicates", "duplicate ids", Unit::Count},
  };
  return all;
}

struct Stats {
  size_t n = 0;
  double mean = 0, median = 0, p99 = 0;
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
  s.median = rank(0.5);
  s.p99 = rank(0.99);
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
    if (key == "downtime_per_loss_us") {
      for (Time_us d : report.result.downtimes_us) samples[key].push_back(static_cast<double>(d));
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
      if (v >= 1e6)
        std::snprintf(buffer, sizeof buffer, "%.2fs", v / 1e6);
      else
        std::snprintf(buffer, sizeof buffer, "%.1fms", v / 1e3);
      return buffer;
    case Unit::Count:
      std::snprintf(buffer, sizeof buffer, v == std::floor(v) ? "%.0f" : "%.1f", v);
      return buffer;
    case Unit::Share:
      std::snprintf(buffer, sizeof buffer, "%.0f%%", v * 100);
      return buffer;
  }
  return "";
}

struct Table {
  std::string file;
  std::string seeds_text;
  size_t seed_count = 0;
  std::vector<std::string> algos;
  std::map<std::string, Samples> by_algo;
  std::vector<std::string> failures;  // repro commands of runs with violations
};

// One block of the terminal table: a blank line, a header row, then a row per metric that any
// compared algorithm has.
void print_block(std::ostream& out, const Table& t, const std::vector<std::string>& algos) {
  char line[256];
  out << "\n";
  std::snprintf(line, sizeof line, "%-32s", "");
  out << line;
  for (const std::string& a : algos) {
    std::snprintf(line, sizeof line, " %-26s", a.c_str());
    out << line;
  }
  out << "\n";
  for (const Column& c : columns()) {
    bool any = false;
    for (const std::string& a : t.algos) any |= t.by_algo.at(a).count(c.key) != 0;
    if (!any) continue;
    std::snprintf(line, sizeof line, "%-32s", c.label);
    out << line;
    for (const std::string& a : algos) {
      const auto& samples = t.by_algo.at(a);
      auto it = samples.find(c.key);
      std::string cell = "-";
      if (it != samples.end() && !it->second.empty()) {
        const Stats s = stats(it->second);
        cell = c.unit == Unit::Share
                   ? show(s.mean, c.unit) + " (" + std::to_string(static_cast<int>(s.mean * s.n + 0.5)) +
                         "/" + std::to_string(s.n) + ")"
                   : show(s.mean, c.unit) + " / " + show(s.median, c.unit) + " / " +
                         show(s.p99, c.unit);
      }
      std::snprintf(line, sizeof line, " %-26s", cell.c_str());
      out << line;
    }
    out << "\n";
  }
}

void print_table(std::ostream& final_out, const Table& t) {
  std::ostringstream out;  // padded cells; trailing blanks are trimmed below
  out << "ballot compare " << t.file << "   seeds " << t.seeds_text << " (" << t.seed_count
      << " runs per algorithm)\n";
  out << "each cell: mean / median / p99 over seeds (downtime: over every leader loss)\n";
  // Two algorithms side by side keep a line under 100 columns; more are printed as further
  // blocks below, each with the metric names again.
  constexpr size_t kAlgosPerBlock = 2;
  for (size_t first = 0; first < t.algos.size(); first += kAlgosPerBlock) {
    const size_t last = std::min(t.algos.size(), first + kAlgosPerBlock);
    const std::vector<std::string> block(t.algos.begin() + static_cast<ptrdiff_t>(first),
                                         t.algos.begin() + static_cast<ptrdiff_t>(last));
    print_block(out, t, block);
  }
  std::istringstream lines(out.str());
  for (std::string line_text; std::getline(lines, line_text);) {
    line_text.erase(line_text.find_last_not_of(' ') + 1);
    final_out << line_text << "\n";
  }
}

void print_delimited(std::ostream& out, const Table& t, bool markdown) {
  const std::string sep = markdown ? " | " : ",";
  std::vector<std::string> header = {"algorithm"};
  for (const Column& c : columns()) {
    if (c.unit == Unit::Share) {
      header.push_back(std::string(c.key) + "_share");
      continue;
    }
    for (const char* stat : {"mean", "median", "p99"}) header.push_back(std::string(c.key) + "_" + stat);
  }
  if (markdown) out << "Scenario `" << t.file << "`, seeds " << t.seeds_text << "\n\n";
  auto row = [&](const std::vector<std::string>& cells) {
    if (markdown) out << "| ";
    for (size_t i = 0; i < cells.size(); ++i) out << (i ? sep : "") << cells[i];
    if (markdown) out << " |";
    out << "\n";
  };
  row(header);
  if (markdown) row(std::vector<std::string>(header.size(), "---"));
  for (const std::string& a : t.algos) {
    std::vector<std::string> cells = {a};
    const auto& samples = t.by_algo.at(a);
    for (const Column& c : columns()) {
      auto it = samples.find(c.key);
      const bool has = it != samples.end() && !it->second.empty();
      const Stats s = has ? stats(it->second) : Stats{};
      auto number = [&](double v) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.6g", v);
        return has ? std::string(buffer) : std::string("");
      };
      if (c.unit == Unit::Share) {
        cells.push_back(number(s.mean));
        continue;
      }
      cells.push_back(number(s.mean));
      cells.push_back(number(s.median));
      cells.push_back(number(s.p99));
    }
    row(cells);
  }
}

nlohmann::json table_json(const Table& t) {
  nlohmann::json j;
  j["scenario"] = t.file;
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
      row[c.key] = {{"mean", s.mean}, {"median", s.median}, {"p99", s.p99}, {"samples", s.n}};
    }
    j["algorithms"].push_back(row);
  }
  j["failures"] = t.failures;
  return j;
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
      for (const AlgorithmInfo& info : algorithms()) known += (known.empty() ? "" : ", ") + info.name;
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
    std::fprintf(stderr, "ballot: --seeds: at most %llu runs at once (seeds times algorithms), got "
                 "%zu seeds times %zu algorithms\n", static_cast<unsigned long long>(kMaxSeeds),
                 seeds.size(), t.algos.size());
    return kExitBadInput;
  }
  Progress progress(std::cerr, progress_wanted(o.quiet), steady_seconds, "compare");
  uint64_t done = 0;
  for (uint64_t seed : seeds) {
    for (const std::string& a : t.algos) {
      std::vector<std::string> overrides = o.sets;
      overrides.push_back("algorithm=\"" + a + "\"");
      overrides.push_back("seed=" + std::to_string(seed));
      try {
        const RunReport report = run_scenario(load_scenario(o.file, overrides));
        collect(report, t.by_algo[a]);
        if (report.violated() && !report.expects_violations())
          t.failures.push_back(repro_command(o.file, a, seed, o.sets));
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
  } else if (o.format == "md" || o.format == "csv") {
    print_delimited(std::cout, t, o.format == "md");
  } else {
    print_table(std::cout, t);
  }
  if (!t.failures.empty() && o.format != "json") {
    std::cerr << "\n" << t.failures.size() << " run(s) violated safety; reproduce with:\n";
    for (const std::string& f : t.failures) std::cerr << "  " << f << "\n";
  }
  return kExitOk;
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
  cmd->add_flag("--quiet", o->quiet, "No progress line on stderr (shown only on a terminal)");
  cmd->callback([o, &action] { action = [o] { return compare(*o); }; });
}

}  // namespace ballot::cli
