#include "sim/tracediff/trace_diff.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

namespace ballot::tracediff {

namespace {

using Json = nlohmann::ordered_json;

Json parse(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  return j.is_object() ? j : Json::object();
}

int64_t num(const Json& e, const char* key) {
  const auto it = e.find(key);
  return it != e.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string text_of(const Json& e, const char* key) {
  const auto it = e.find(key);
  return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The top-level fields of two objects that differ, in a's order then b's extra ones.
std::string differing_fields(const Json& a, const Json& b) {
  std::string out;
  auto add = [&](const std::string& key) { out += (out.empty() ? "" : ", ") + key; };
  for (const auto& [key, value] : a.items())
    if (!b.contains(key) || b[key] != value) add(key);
  for (const auto& [key, value] : b.items())
    if (!a.contains(key)) add(key);
  return out;
}

// What the summary and the alignment need of one run, parsed once.
struct Parsed {
  std::vector<int64_t> t_us;
  std::optional<Json> footer;
  RunSummary summary;
};

std::vector<LeaderInterval> leader_intervals(const std::vector<Json>& events, int64_t end_us) {
  std::vector<LeaderInterval> out;
  std::map<int64_t, LeaderInterval> open;
  auto close = [&](int64_t node, int64_t at) {
    auto it = open.find(node);
    if (it == open.end()) return;
    it->second.to_us = at;
    out.push_back(it->second);
    open.erase(it);
  };
  for (const Json& e : events) {
    const std::string k = text_of(e, "k");
    const int64_t n = num(e, "n"), ts = num(e, "t");
    if (k == "crash") close(n, ts);
    if (k != "role") continue;
    const bool leader = text_of(e, "role") == "leader";
    auto it = open.find(n);
    if (it != open.end() && leader && it->second.epoch == num(e, "epoch")) continue;
    close(n, ts);
    if (leader) open[n] = LeaderInterval{n, num(e, "epoch"), ts, 0};
  }
  while (!open.empty()) close(open.begin()->first, end_us);
  std::sort(out.begin(), out.end(), [](const LeaderInterval& x, const LeaderInterval& y) {
    return x.from_us != y.from_us ? x.from_us < y.from_us : x.node < y.node;
  });
  return out;
}

std::map<std::string, int64_t> damage(const Json& f) {
  std::map<std::string, int64_t> out;
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

Parsed parse_run(const DiffRun& run) {
  Parsed p;
  std::vector<Json> events;
  events.reserve(run.lines.size());
  p.t_us.reserve(run.lines.size());
  for (std::string_view line : run.lines) {
    events.push_back(parse(line));
    p.t_us.push_back(num(events.back(), "t"));
  }
  if (run.footer) p.footer = Json::parse(run.footer->begin(), run.footer->end(), nullptr, false);
  RunSummary& s = p.summary;
  s.events = run.lines.size();
  s.end_us = p.t_us.empty() ? 0 : p.t_us.back();
  if (p.footer) s.end_us = std::max(s.end_us, num(*p.footer, "end_us"));
  s.leaders = leader_intervals(events, s.end_us);
  if (p.footer) s.damage = damage(*p.footer);
  for (const Json& e : events)
    if (text_of(e, "k") == "send") ++s.sent_by_type[text_of(e, "type")];
  return p;
}

// The line without its index: `{"i":12,"t":...}` -> `"t":...}`.
std::string_view without_index(std::string_view line) {
  if (line.substr(0, 5) != "{\"i\":") return line;
  const size_t comma = line.find(',');
  return comma == std::string_view::npos ? line : line.substr(comma + 1);
}

// Pairs the events of A and B from `first` on. Lines are in time order, and a counterpart has
// the same time, so it is a merge by time; within one instant, equal lines pair in order.
void align(const DiffRun& a, const std::vector<int64_t>& ta, const DiffRun& b,
           const std::vector<int64_t>& tb, size_t first, TraceDiff& out) {
  const uint32_t na = static_cast<uint32_t>(a.lines.size());
  const uint32_t nb = static_cast<uint32_t>(b.lines.size());
  uint32_t ia = static_cast<uint32_t>(first), ib = static_cast<uint32_t>(first);
  std::vector<std::pair<std::string_view, uint32_t>> ga, gb;
  while (ia < na || ib < nb) {
    if (ib == nb || (ia < na && ta[ia] < tb[ib])) {
      out.unmatched_a.push_back(ia++);
      continue;
    }
    if (ia == na || tb[ib] < ta[ia]) {
      out.unmatched_b.push_back(ib++);
      continue;
    }
    const int64_t t = ta[ia];
    ga.clear();
    gb.clear();
    for (; ia < na && ta[ia] == t; ++ia) ga.emplace_back(without_index(a.lines[ia]), ia);
    for (; ib < nb && tb[ib] == t; ++ib) gb.emplace_back(without_index(b.lines[ib]), ib);
    std::sort(ga.begin(), ga.end());
    std::sort(gb.begin(), gb.end());
    size_t x = 0, y = 0;
    const size_t unmatched_a = out.unmatched_a.size(), unmatched_b = out.unmatched_b.size();
    while (x < ga.size() || y < gb.size()) {
      if (y == gb.size() || (x < ga.size() && ga[x].first < gb[y].first)) {
        out.unmatched_a.push_back(ga[x++].second);
      } else if (x == ga.size() || gb[y].first < ga[x].first) {
        out.unmatched_b.push_back(gb[y++].second);
      } else {
        ++x, ++y;
      }
    }
    std::sort(out.unmatched_a.begin() + static_cast<std::ptrdiff_t>(unmatched_a),
              out.unmatched_a.end());
    std::sort(out.unmatched_b.begin() + static_cast<std::ptrdiff_t>(unmatched_b),
              out.unmatched_b.end());
  }
}

}  // namespace

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

TraceDiff diff_runs(const DiffRun& a, const DiffRun& b) {
  TraceDiff d;
  d.same_algorithm = a.algorithm == b.algorithm;
  d.same_seed = a.seed == b.seed;
  d.same_scenario = a.scenario_json == b.scenario_json;
  if (!d.same_scenario) {
    const Json sa = Json::parse(a.scenario_json, nullptr, false);
    const Json sb = Json::parse(b.scenario_json, nullptr, false);
    d.scenario_fields = sa.is_object() && sb.is_object() ? differing_fields(sa, sb) : "?";
  }

  Parsed pa = parse_run(a), pb = parse_run(b);
  d.a = std::move(pa.summary);
  d.b = std::move(pb.summary);

  const size_t common = std::min(a.lines.size(), b.lines.size());
  d.first = common;
  for (size_t i = 0; i < common; ++i)
    if (a.lines[i] != b.lines[i]) {
      d.first = i;
      break;
    }
  const bool same_events = d.first == common && a.lines.size() == b.lines.size();
  if (same_events) {
    if (pa.footer != pb.footer) {
      d.divergence = TraceDiff::Divergence::Footer;
      d.fields = pa.footer && pb.footer ? differing_fields(*pa.footer, *pb.footer)
                                        : "presence (one run is truncated)";
    }
  } else if (d.first < common) {
    d.divergence = TraceDiff::Divergence::Event;
    d.fields = differing_fields(parse(a.lines[d.first]), parse(b.lines[d.first]));
    d.a_us = pa.t_us[d.first];
    d.b_us = pb.t_us[d.first];
  } else {
    d.divergence = TraceDiff::Divergence::Prefix;
    d.a_longer = a.lines.size() > b.lines.size();
    d.a_us = d.b_us = (d.a_longer ? pa.t_us : pb.t_us)[d.first];
  }
  align(a, pa.t_us, b, pb.t_us, d.first, d);
  return d;
}

std::string divergence_text(const TraceDiff& d) {
  switch (d.divergence) {
    case TraceDiff::Divergence::None:
      return "identical runs";
    case TraceDiff::Divergence::Footer:
      return "events identical, footers differ in: " + d.fields;
    case TraceDiff::Divergence::Event:
      return "first divergence: event #" + std::to_string(d.first) + " at " +
             us_text(d.divergence_us()) + ", differs in: " + d.fields;
    case TraceDiff::Divergence::Prefix:
      return "first divergence: event #" + std::to_string(d.first) + " at " +
             us_text(d.divergence_us()) + ", " + (d.a_longer ? "B" : "A") + " ends after " +
             std::to_string(d.first) + " events";
  }
  return {};
}

}  // namespace ballot::tracediff
