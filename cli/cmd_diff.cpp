// `ballot diff A.jsonl B.jsonl`: aligns two traces event by event, names the first divergence
// (event index, time, the fields that differ) and summarises how the runs differ: leader
// intervals, damage and violations, messages sent by type. Exit 0 identical, 1 different, 2 bad
// input.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/trace_load.h"
#include "sim/tracediff/trace_diff.h"

namespace ballot::cli {

namespace {

using tracediff::LeaderInterval;
using tracediff::TraceDiff;
using tracediff::us_text;

struct DiffOptions {
  std::string a, b;
  int max_intervals = 12;
};

std::string describe(const LoadedTrace& t, const std::string& path) {
  return path + " (" + t.header.algorithm + ", seed " + std::to_string(t.header.seed) + ", " +
         std::to_string(t.events.size()) + " events" + (t.footer ? "" : ", no footer: truncated") +
         ")";
}

// The run as the diff library takes it: the lines, and the footer written out again.
tracediff::DiffRun diff_run(const LoadedTrace& t, std::string& footer_text) {
  tracediff::DiffRun run;
  run.algorithm = t.header.algorithm;
  run.seed = t.header.seed;
  run.scenario_json = t.header.scenario_json;
  run.lines.assign(t.lines.begin(), t.lines.end());
  // The lines are parsed already: hand over what the summary needs rather than read them again.
  run.facts.reserve(t.events.size());
  for (const auto& e : t.events) {
    tracediff::EventFacts f;
    auto integer = [&](const char* key) {
      const auto it = e.find(key);
      return it != e.end() && it->is_number_integer() ? it->get<int64_t>() : int64_t{0};
    };
    auto text = [&](const char* key) {
      const auto it = e.find(key);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    f.t = integer("t");
    f.n = integer("n");
    f.epoch = integer("epoch");
    f.k = text("k");
    f.role = text("role");
    f.type = text("type");
    run.facts.push_back(std::move(f));
  }
  if (t.footer) {
    footer_text = t.footer->dump();
    run.footer = footer_text;
  }
  return run;
}

void print_intervals(const char* label, const std::vector<LeaderInterval>& v, int max) {
  std::printf("  %s:", label);
  if (v.empty()) std::printf(" none");
  int shown = 0;
  for (const LeaderInterval& l : v) {
    if (shown++ == max) {
      std::printf(" ... and %zu more", v.size() - static_cast<size_t>(max));
      break;
    }
    std::printf(" n%lld@%lld [%s, %s)", static_cast<long long>(l.node),
                static_cast<long long>(l.epoch), us_text(l.from_us).c_str(),
                us_text(l.to_us).c_str());
  }
  std::printf("\n");
}

int diff_traces(const DiffOptions& o) {
  const std::optional<LoadedTrace> a = load_trace(o.a);
  if (!a) return kExitBadInput;
  const std::optional<LoadedTrace> b = load_trace(o.b);
  if (!b) return kExitBadInput;
  std::printf("A: %s\nB: %s\n", describe(*a, o.a).c_str(), describe(*b, o.b).c_str());
  std::string footer_a, footer_b;
  const TraceDiff d = tracediff::diff_runs(diff_run(*a, footer_a), diff_run(*b, footer_b));

  // Header: what ran.
  if (!d.same_algorithm)
    std::printf("algorithm: A %s, B %s\n", a->header.algorithm.c_str(),
                b->header.algorithm.c_str());
  if (!d.same_seed)
    std::printf("seed: A %llu, B %llu\n", static_cast<unsigned long long>(a->header.seed),
                static_cast<unsigned long long>(b->header.seed));
  if (!d.same_scenario)
    std::printf("scenario: the headers' scenarios differ in: %s\n", d.scenario_fields.c_str());

  const size_t first = d.first;
  switch (d.divergence) {
    case TraceDiff::Divergence::None:
      std::printf("identical: the same %zu events and footer\n", a->events.size());
      return kExitOk;
    case TraceDiff::Divergence::Footer:
      std::printf("events identical (%zu); the footers differ in: %s\n", a->events.size(),
                  d.fields.c_str());
      break;
    case TraceDiff::Divergence::Event: {
      const int64_t ta = d.a_us, tb = d.b_us;
      std::printf("first divergence: event %zu at %s", first, us_text(std::min(ta, tb)).c_str());
      if (ta != tb) std::printf(" (A at %s, B at %s)", us_text(ta).c_str(), us_text(tb).c_str());
      std::printf(" (t=%lld us)\n  differs in: %s\n  A: %s\n  B: %s\n",
                  static_cast<long long>(std::min(ta, tb)), d.fields.c_str(),
                  a->lines[first].c_str(), b->lines[first].c_str());
      break;
    }
    case TraceDiff::Divergence::Prefix: {
      const bool a_longer = d.a_longer;
      const LoadedTrace& longer = a_longer ? *a : *b;
      const size_t common = std::min(a->events.size(), b->events.size());
      std::printf(
          "first divergence: event %zu at %s (t=%lld us): %s ends after %zu events, %s "
          "goes on\n  %s: %s\n",
          first, us_text(d.a_us).c_str(), static_cast<long long>(d.a_us), a_longer ? "B" : "A",
          common, a_longer ? "A" : "B", a_longer ? "A" : "B", longer.lines[first].c_str());
      break;
    }
  }

  // Summary of the differences.
  std::printf("summary:\n");
  std::printf("  events: A %zu, B %zu; identical prefix %zu; end A %s, B %s\n", a->events.size(),
              b->events.size(), first, us_text(d.a.end_us).c_str(), us_text(d.b.end_us).c_str());
  const auto &la = d.a.leaders, &lb = d.b.leaders;
  if (la == lb) {
    std::printf("  leader intervals: the same (%zu)\n", la.size());
  } else {
    std::printf("  leader intervals (node@epoch [from, to)): A %zu, B %zu\n", la.size(), lb.size());
    print_intervals("A", la, o.max_intervals);
    print_intervals("B", lb, o.max_intervals);
  }
  const auto &da = d.a.damage, &db = d.b.damage;
  if (da == db) {
    std::printf("  damage and violations: the same");
    for (const auto& [k, v] : da) std::printf(" %s %lld", k.c_str(), static_cast<long long>(v));
    std::printf("\n");
  } else {
    std::printf("  damage and violations:");
    for (const char* k : {"lost_writes", "job_duplicates", "id_duplicates", "violations"}) {
      auto ia = da.find(k), ib = db.find(k);
      std::printf(" %s A %s B %s;", k, ia == da.end() ? "?" : std::to_string(ia->second).c_str(),
                  ib == db.end() ? "?" : std::to_string(ib->second).c_str());
    }
    std::printf("\n");
  }
  const auto &ma = d.a.sent_by_type, &mb = d.b.sent_by_type;
  std::map<std::string, std::pair<int64_t, int64_t>> types;
  for (const auto& [k, v] : ma) types[k].first = v;
  for (const auto& [k, v] : mb) types[k].second = v;
  std::printf("  messages sent by type (A B B-A):%s\n", ma == mb ? " the same" : "");
  for (const auto& [type, c] : types)
    if (c.first != c.second)
      std::printf("    %-24s %8lld %8lld %+8lld\n", type.c_str(), static_cast<long long>(c.first),
                  static_cast<long long>(c.second), static_cast<long long>(c.second - c.first));
  return kExitFailed;
}

}  // namespace

void add_diff_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<DiffOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff",
      "Compare two traces: the first event where they diverge (index, time, fields) and a "
      "summary (leader intervals, damage, messages by type). Exit 0 identical, 1 different.");
  cmd->add_option("a", o->a, "First trace (ballot run --trace)")->required();
  cmd->add_option("b", o->b, "Second trace")->required();
  cmd->add_option("--max-intervals", o->max_intervals,
                  "Leader intervals listed per run when they differ")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([o, &action] { action = [o] { return diff_traces(*o); }; });
}

}  // namespace ballot::cli
