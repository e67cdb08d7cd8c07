// Times the linearizability checker on the Jepsen histories in tests/data/linearizability: the
// whole etcd set (102 non-empty logs) and each key-value file. Parsing is timed apart from
// checking; each row reports the best of several runs, and every verdict is compared with the known
// one. Both wall time and process CPU time are shown: on a shared machine CPU time is the steadier
// of the two.
//
//   bench_lincheck [--runs N] [data-dir]     (default: the repository's tests/data/linearizability)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "sim/lincheck/history_parse.h"
#include "sim/lincheck/lincheck.h"

namespace {

using Clock = std::chrono::steady_clock;
using ballot::lin::History;

// The README's 23 linearizable etcd logs; 095 is empty and skipped.
const std::set<int> kEtcdLinearizable = {2,  5,  7,  18, 25, 31, 38, 45, 48,  49,  51, 53,
                                         56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102};
constexpr int kEtcdEmpty = 95;
constexpr int kEtcdLast = 102;

struct Case {
  std::string name;
  History history;
  ballot::lin::Model model;
  bool expected;
};

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double cpu_ms_since(std::clock_t start) {
  return 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

std::string etcd_path(const std::string& dir, int i) {
  char name[32];
  std::snprintf(name, sizeof name, "etcd_%03d.log", i);
  return dir + "/etcd/" + name;
}

History load(const std::string& path) {
  auto parsed = ballot::lin::parse_history_file(path);
  if (auto* error = std::get_if<ballot::lin::ParseError>(&parsed)) {
    std::fprintf(stderr, "bench_lincheck: %s:%lld: %s\n", error->file.c_str(),
                 static_cast<long long>(error->line), error->message.c_str());
    std::exit(2);
  }
  return std::get<History>(std::move(parsed));
}

struct Row {
  std::string name;
  size_t files = 0;
  size_t ops = 0;
  double parse_ms = 0;
  double check_ms = 0;      // wall, best run: the verdict alone
  double check_cpu_ms = 0;  // process CPU, best run
  double window_ms = 0;     // wall, best run: the verdict and a minimal failing window
  size_t window_ops = 0;    // operations in all the failing windows
  int wrong = 0;            // verdicts differing from the known ones
  int timed_out = 0;
  int not_minimal = 0;  // windows whose shrinking ran out of budget
};

// Checks every case `runs` times; the row keeps the fastest total.
Row measure(const std::string& name, const std::vector<Case>& cases, double parse_ms, int runs) {
  Row row{name, cases.size(), 0, parse_ms, 1e300, 1e300, 1e300, 0, 0, 0, 0};
  for (const Case& c : cases) row.ops += c.history.ops.size();
  ballot::lin::CheckOptions verdict_only;
  verdict_only.max_window_steps = 0;
  for (int run = 0; run < runs; ++run) {
    int wrong = 0, timed_out = 0;
    auto start = Clock::now();
    const std::clock_t cpu_start = std::clock();
    for (const Case& c : cases) {
      const auto verdict = ballot::lin::check(c.history, c.model, verdict_only);
      wrong += verdict.linearizable != c.expected;
      timed_out += verdict.timed_out;
    }
    row.check_ms = std::min(row.check_ms, ms_since(start));
    row.check_cpu_ms = std::min(row.check_cpu_ms, cpu_ms_since(cpu_start));
    row.wrong = wrong;
    row.timed_out = timed_out;
    int not_minimal = 0;
    size_t window_ops = 0;
    start = Clock::now();
    for (const Case& c : cases) {
      const auto verdict = ballot::lin::check(c.history, c.model);
      wrong += verdict.linearizable != c.expected;
      not_minimal += !verdict.linearizable && !verdict.window_minimal;
      window_ops += verdict.failing_window.size();
    }
    row.window_ms = std::min(row.window_ms, ms_since(start));
    row.wrong = wrong;
    row.not_minimal = not_minimal;
    row.window_ops = window_ops;
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  std::string dir = BALLOT_SOURCE_DIR "/tests/data/linearizability";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      dir = arg;
    }
  }

  std::vector<Row> rows;
  std::vector<Case> etcd;
  auto start = Clock::now();
  for (int i = 0; i <= kEtcdLast; ++i) {
    if (i == kEtcdEmpty) continue;
    etcd.push_back({etcd_path(dir, i), load(etcd_path(dir, i)), ballot::lin::Model::Register,
                    kEtcdLinearizable.count(i) > 0});
  }
  rows.push_back(measure("etcd (102 logs)", etcd, ms_since(start), runs));

  for (const char* name : {"c01-ok", "c01-bad", "c10-ok", "c10-bad", "c50-ok", "c50-bad"}) {
    const std::string path = dir + "/kv/" + name + ".txt";
    start = Clock::now();
    std::vector<Case> one{{path, load(path), ballot::lin::Model::KeyValue,
                           std::string(name).find("-ok") != std::string::npos}};
    rows.push_back(measure(std::string("kv/") + name, one, ms_since(start), runs));
  }

  std::printf("%-16s %6s %7s %9s %9s %9s %10s %7s %8s\n", "histories", "files", "ops", "parse ms",
              "check ms", "check cpu", "+window ms", "win ops", "verdicts");
  int failures = 0;
  for (const Row& r : rows) {
    std::printf("%-16s %6zu %7zu %9.2f %9.2f %9.2f %10.2f %7zu %8s\n", r.name.c_str(), r.files,
                r.ops, r.parse_ms, r.check_ms, r.check_cpu_ms, r.window_ms, r.window_ops,
                r.wrong == 0 && r.timed_out == 0 && r.not_minimal == 0 ? "ok" : "WRONG");
    failures += r.wrong + r.timed_out + r.not_minimal;
  }
  std::printf(
      "check ms (wall) and check cpu (process CPU time, ms): the verdict alone; +window ms "
      "(wall):\n"
      "the verdict and a minimal failing window for each violation; win ops: their operations.\n"
      "Best of %d runs.\n",
      runs);
  return failures == 0 ? 0 : 1;
}
