// The linearizability checker at sweep scale: random register histories (bench/lincheck_gen.h)
// of N operations from C clients, linearizable by construction, and the same histories with one
// read changed to a value it provably cannot see. Prints the distribution of check times (the
// verdict alone, and the verdict with its failing window) and compares every verdict with the
// known one.
//
//   bench_lincheck_scale [--ops N] [--clients C] [--values K] [--seeds S] [--first SEED]
//                        [--max-states N] [--edn-ok FILE] [--edn-bad FILE]
//
// --values 0 gives every write a new value. --edn-ok / --edn-bad write the history of the first
// seed (for `ballot lincheck`) and check nothing else. Exit 1 if any verdict is wrong or missing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/lincheck_gen.h"
#include "sim/lincheck/history_parse.h"
#include "sim/lincheck/lincheck.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace lin = ballot::lin;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Series {
  std::vector<double> ms;
  int wrong = 0;
  int undecided = 0;
  size_t window_ops = 0;
  int not_minimal = 0;  // violations whose window is not claimed minimal
  int violations = 0;
  int cuts = 0;  // violations proved by a time cut
};

// expected: 1 linearizable, 0 not, -1 unknown (counted in `violations`).
void time_one(Series& s, const lin::History& h, int expected, const lin::CheckOptions& options) {
  const auto start = Clock::now();
  const lin::Verdict v = lin::check(h, lin::Model::Register, options);
  s.ms.push_back(ms_since(start));
  s.undecided += v.timed_out;
  s.wrong += expected >= 0 && !v.timed_out && v.linearizable != (expected == 1);
  s.violations += !v.timed_out && !v.linearizable;
  s.cuts += v.window_cut.has_value();
  s.window_ops += v.failing_window.size();
  s.not_minimal += !v.linearizable && !v.timed_out && !v.window_minimal;
}

double at(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

void print(const char* name, const Series& s) {
  std::printf("%-22s %5zu %9.1f %9.1f %9.1f %9.1f %6d %6d %8zu %8d\n", name, s.ms.size(),
              at(s.ms, 0), at(s.ms, 0.5), at(s.ms, 0.9), at(s.ms, 1), s.undecided, s.wrong,
              s.window_ops, s.not_minimal);
}

}  // namespace

int main(int argc, char** argv) {
  lin::gen::Params p;
  int seeds = 20;
  uint64_t first = 1;
  lin::CheckOptions options;
  std::string edn_ok, edn_bad;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const char* val = argv[i + 1];
    if (arg == "--ops")
      p.ops = std::atoi(val);
    else if (arg == "--clients")
      p.clients = std::atoi(val);
    else if (arg == "--values")
      p.values = std::atoi(val);
    else if (arg == "--seeds")
      seeds = std::atoi(val);
    else if (arg == "--first")
      first = std::strtoull(val, nullptr, 10);
    else if (arg == "--max-states")
      options.max_states = std::strtoull(val, nullptr, 10);
    else if (arg == "--edn-ok")
      edn_ok = val;
    else if (arg == "--edn-bad")
      edn_bad = val;
    else {
      std::fprintf(stderr, "bench_lincheck_scale: unknown option %s\n", arg.c_str());
      return 2;
    }
  }
  if (!edn_ok.empty() || !edn_bad.empty()) {
    const lin::History ok = lin::gen::linearizable_history(p, first);
    if (!edn_ok.empty()) std::ofstream(edn_ok) << lin::to_edn(ok);
    if (!edn_bad.empty()) {
      size_t r = 0;
      auto bad = lin::gen::with_bad_read(ok, first, &r);
      if (!bad) {
        std::fprintf(stderr, "bench_lincheck_scale: no bad read found for seed %llu\n",
                     static_cast<unsigned long long>(first));
        return 1;
      }
      std::ofstream(edn_bad) << lin::to_edn(*bad);
      std::printf("bad read: op %zu\n", r);
    }
    return 0;
  }
  lin::CheckOptions verdict_only = options;
  verdict_only.max_window_steps = 0;
  Series ok_s, bad_s, bad_w, any_s;
  int no_bad = 0;
  for (uint64_t seed = first; seed < first + static_cast<uint64_t>(seeds); ++seed) {
    const lin::History ok = lin::gen::linearizable_history(p, seed);
    time_one(ok_s, ok, 1, verdict_only);
    time_one(any_s, lin::gen::with_changed_read(ok, seed, nullptr), -1, verdict_only);
    const auto bad = lin::gen::with_bad_read(ok, seed, nullptr);
    if (!bad) {
      ++no_bad;
      continue;
    }
    time_one(bad_s, *bad, 0, verdict_only);
    time_one(bad_w, *bad, 0, options);
  }
  std::printf("%d ops, %d clients, %s, seeds %llu..%llu, max_states %llu\n", p.ops, p.clients,
              p.values > 0 ? (std::to_string(p.values) + " values").c_str() : "unique values",
              static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + static_cast<uint64_t>(seeds) - 1),
              static_cast<unsigned long long>(options.max_states));
  std::printf("%-22s %5s %9s %9s %9s %9s %6s %6s %8s %8s\n", "histories", "n", "min ms", "median",
              "p90", "max ms", "undec", "wrong", "win ops", "not min");
  print("ok (verdict)", ok_s);
  print("one bad read (verdict)", bad_s);
  print("one bad read (+window)", bad_w);
  print("one changed read", any_s);
  std::printf(
      "changed read: %d of %zu not linearizable (expected verdict unknown), %d by a time cut\n",
      any_s.violations, any_s.ms.size(), any_s.cuts);
  if (no_bad) std::printf("(%d seeds had no provably bad read to inject)\n", no_bad);
  const int failures =
      ok_s.wrong + ok_s.undecided + bad_s.wrong + bad_s.undecided + bad_w.wrong + bad_w.undecided;
  return failures == 0 ? 0 : 1;
}
