// CPU time of the trace diff library on two trace files: diff_runs() (what `ballot diff` and
// the viewer's summary use) and loose_diff() (the viewer's marks), each REPEAT times, the
// minimum printed. The files are read as they are (header first, footer last), not checked:
// give it traces `ballot run --trace` or make_big_trace wrote.
//
//   bench_trace_diff A.jsonl B.jsonl [REPEAT=3]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "sim/tracediff/loose_diff.h"
#include "sim/tracediff/trace_diff.h"

namespace {

struct File {
  std::string text;
  ballot::tracediff::DiffRun run;
};

bool load(const char* path, File& f) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  f.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::vector<std::string_view> lines;
  std::string_view rest = f.text;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (!line.empty()) lines.push_back(line);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (lines.empty()) return false;
  size_t end = lines.size();
  if (lines.back().find("\"footer\":true") != std::string_view::npos) {
    f.run.footer = lines.back();
    --end;
  }
  f.run.lines.assign(lines.begin() + 1, lines.begin() + static_cast<std::ptrdiff_t>(end));
  return true;
}

double cpu_s() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: bench_trace_diff A.jsonl B.jsonl [REPEAT=3]\n");
    return 2;
  }
  const int repeat = argc == 4 ? std::max(1, std::atoi(argv[3])) : 3;
  File a, b;
  if (!load(argv[1], a) || !load(argv[2], b)) {
    std::fprintf(stderr, "bench_trace_diff: cannot read %s or %s\n", argv[1], argv[2]);
    return 2;
  }
  double exact_s = 1e30, loose_s = 1e30;
  size_t exact_unmatched = 0, loose_unmatched = 0, shifted = 0;
  for (int r = 0; r < repeat; ++r) {
    double t0 = cpu_s();
    const ballot::tracediff::TraceDiff d = ballot::tracediff::diff_runs(a.run, b.run);
    exact_s = std::min(exact_s, cpu_s() - t0);
    exact_unmatched = d.unmatched_a.size() + d.unmatched_b.size();
    t0 = cpu_s();
    const ballot::tracediff::LooseDiff l = ballot::tracediff::loose_diff(a.run, b.run);
    loose_s = std::min(loose_s, cpu_s() - t0);
    loose_unmatched = l.unmatched_a.size() + l.unmatched_b.size();
    shifted = l.shifted;
  }
  std::printf("events: A %zu, B %zu\n", a.run.lines.size(), b.run.lines.size());
  std::printf("diff_runs:  %.3f s CPU (min of %d), %zu events without a counterpart\n", exact_s,
              repeat, exact_unmatched);
  std::printf(
      "loose_diff: %.3f s CPU (min of %d), %zu events without a counterpart, %zu pairs "
      "shifted in time\n",
      loose_s, repeat, loose_unmatched, shifted);
  return 0;
}
