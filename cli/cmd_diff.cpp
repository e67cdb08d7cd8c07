// `ballot diff A.jsonl B.jsonl`: aligns two traces event by event, names the first divergence
// (event index, time, the fields that differ) and summarises how the runs differ: leader
// intervals, damage and violations, messages sent by type. Exit 0 identical, 1 different, 2 bad
// input.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/trace_load.h"

namespace ballot::cli {

namespace {

using Json = nlohmann::ordered_json;

struct DiffOptions {
  std::string a, b;
  int max_intervals = 12;
};

std::string us_text(int64_t us) {
  char buf[64];
  if (us < 1000) {
    std::snprintf(buf, sizeof buf, "%lldus", static_cast<long long>(us));
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%03lldms", static_cast<long long>(us / 1000),
                  static_cast<long long>(us % 1000));
  }
  return buf;
}

int64_t num(const Json& e, const char* key) {
  return e.contains(key) && e[key].is_number_integer() ? e[key].get<int64_t>() : 0;
}

struct LeaderInterval {
  int64_t node = 0, epoch = 0, from = 0, to = 0;
  bool operator==(const LeaderInterval& o) const {
    return node == o.node && epoch == o.epoch && from == o.from && to == o.to;
  }
};

int64_t end_of(const LoadedTrace& t) {
  int64_t end = t.events.empty() ? 0 : num(t.events.back(), "t");
  if (t.footer) end = std::max(end, num(*t.footer, "end_us"));
  return end;
}

std::vector<LeaderInterval> leader_intervals(const LoadedTrace& t) {
  std::vector<LeaderInterval> out;
  std::map<int64_t, LeaderInterval> open;
  auto close = [&](int64_t node, int64_t at) {
    auto it = open.find(node);
    if (it == open.end()) return;
    it->second.to = at;
    out.push_back(it->second);
    open.erase(it);
  };
  for (const Json& e : t.events) {
    const std::string k = e.value("k", "");
    const int64_t n = num(e, "n"), ts = num(e, "t");
    if (k == "crash") close(n, ts);
    if (k != "role") continue;
    const bool leader = e.value("role", "") == "leader";
    auto it = open.find(n);
    if (it != open.end() && leader && it->second.epoch == num(e, "epoch")) continue;
    close(n, ts);
    if (leader) open[n] = LeaderInterval{n, num(e, "epoch"), ts, 0};
  }
  const int64_t end = end_of(t);
  while (!open.empty()) close(open.begin()->first, end);
  std::sort(out.begin(), out.end(), [](const LeaderInterval& x, const LeaderInterval& y) {
    return x.from != y.from ? x.from < y.from : x.node < y.node;
  });
  return out;
}

std::map<std::string, int64_t> sent_by_type(const LoadedTrace& t) {
  std::map<std::string, int64_t> out;
  for (const Json& e : t.events)
    if (e.value("k", "") == "send") ++out[e.value("type", "")];
  return out;
}

// Damage and violations from the footer (absent footer: unknown).
std::map<std::string, int64_t> damage(const LoadedTrace& t) {
  std::map<std::string, int64_t> out;
  if (!t.footer) return out;
  const Json& f = *t.footer;
  for (const char* key : {"lost_writes", "job_duplicates", "id_duplicates"}) {
    int64_t count = 0;
    if (f.contains("damage") && f["damage"].is_object() && f["damage"].contains(key) &&
        f["damage"][key].is_array())
      count = static_cast<int64_t>(f["damage"][key].size());
    out[key] = count;
  }
  out["violations"] = f.contains("violations") && f["violations"].is_array()
                          ? static_cast<int64_t>(f["violations"].size())
                          : 0;
  return out;
}

std::string describe(const LoadedTrace& t, const std::string& path) {
  return path + " (" + t.header.algorithm + ", seed " + std::to_string(t.header.seed) + ", " +
         std::to_string(t.events.size()) + " events" + (t.footer ? "" : ", no footer: truncated") +
         ")";
}

// The top-level fields of two events that differ, in A's order then B's extra ones.
std::string differing_fields(const Json& a, const Json& b) {
  std::string out;
  auto add = [&](const std::string& key) { out += (out.empty() ? "" : ", ") + key; };
  for (const auto& [key, value] : a.items())
    if (!b.contains(key) || b[key] != value) add(key);
  for (const auto& [key, value] : b.items())
    if (!a.contains(key)) add(key);
  return out;
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
                static_cast<long long>(l.epoch), us_text(l.from).c_str(), us_text(l.to).c_str());
  }
  std::printf("\n");
}

int diff_traces(const DiffOptions& o) {
  const std::optional<LoadedTrace> a = load_trace(o.a);
  if (!a) return kExitBadInput;
  const std::optional<LoadedTrace> b = load_trace(o.b);
  if (!b) return kExitBadInput;
  std::printf("A: %s\nB: %s\n", describe(*a, o.a).c_str(), describe(*b, o.b).c_str());

  // Header: what ran.
  if (a->header.algorithm != b->header.algorithm)
    std::printf("algorithm: A %s, B %s\n", a->header.algorithm.c_str(),
                b->header.algorithm.c_str());
  if (a->header.seed != b->header.seed)
    std::printf("seed: A %llu, B %llu\n", static_cast<unsigned long long>(a->header.seed),
                static_cast<unsigned long long>(b->header.seed));
  if (a->header.scenario_json != b->header.scenario_json) {
    const Json sa = Json::parse(a->header.scenario_json, nullptr, false);
    const Json sb = Json::parse(b->header.scenario_json, nullptr, false);
    std::printf("scenario: the headers' scenarios differ in: %s\n",
                sa.is_object() && sb.is_object() ? differing_fields(sa, sb).c_str() : "?");
  }

  const size_t common = std::min(a->events.size(), b->events.size());
  size_t first = common;
  for (size_t i = 0; i < common; ++i)
    if (a->lines[i] != b->lines[i]) {
      first = i;
      break;
    }
  const bool same_events = first == common && a->events.size() == b->events.size();
  const bool same_footer = a->footer == b->footer;
  if (same_events && same_footer) {
    std::printf("identical: the same %zu events and footer\n", a->events.size());
    return kExitOk;
  }
  if (same_events) {
    std::printf("events identical (%zu); the footers differ in: %s\n", a->events.size(),
                a->footer && b->footer ? differing_fields(*a->footer, *b->footer).c_str()
                                       : "presence (one run is truncated)");
  } else if (first < common) {
    const Json& ea = a->events[first];
    const Json& eb = b->events[first];
    const int64_t ta = num(ea, "t"), tb = num(eb, "t");
    std::printf("first divergence: event %zu at %s", first, us_text(std::min(ta, tb)).c_str());
    if (ta != tb) std::printf(" (A at %s, B at %s)", us_text(ta).c_str(), us_text(tb).c_str());
    std::printf(" (t=%lld us)\n  differs in: %s\n  A: %s\n  B: %s\n",
                static_cast<long long>(std::min(ta, tb)), differing_fields(ea, eb).c_str(),
                a->lines[first].c_str(), b->lines[first].c_str());
  } else {
    const bool a_longer = a->events.size() > b->events.size();
    const LoadedTrace& longer = a_longer ? *a : *b;
    const int64_t ts = num(longer.events[first], "t");
    std::printf(
        "first divergence: event %zu at %s (t=%lld us): %s ends after %zu events, %s "
        "goes on\n  %s: %s\n",
        first, us_text(ts).c_str(), static_cast<long long>(ts), a_longer ? "B" : "A", common,
        a_longer ? "A" : "B", a_longer ? "A" : "B", longer.lines[first].c_str());
  }

  // Summary of the differences.
  std::printf("summary:\n");
  std::printf("  events: A %zu, B %zu; identical prefix %zu; end A %s, B %s\n", a->events.size(),
              b->events.size(), first, us_text(end_of(*a)).c_str(), us_text(end_of(*b)).c_str());
  const auto la = leader_intervals(*a), lb = leader_intervals(*b);
  if (la == lb) {
    std::printf("  leader intervals: the same (%zu)\n", la.size());
  } else {
    std::printf("  leader intervals (node@epoch [from, to)): A %zu, B %zu\n", la.size(), lb.size());
    print_intervals("A", la, o.max_intervals);
    print_intervals("B", lb, o.max_intervals);
  }
  const auto da = damage(*a), db = damage(*b);
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
  const auto ma = sent_by_type(*a), mb = sent_by_type(*b);
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
