#include "sim/tracediff/trace_diff.h"

#include <algorithm>
#include <cstdint>
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

using Facts = EventFacts;

// Reads the facts of one line without building it: a SAX pass that keeps the top-level values
// of interest (a line that is not valid JSON gives no facts).
class FactsReader : public nlohmann::json_sax<Json> {
 public:
  explicit FactsReader(Facts& f) : f_(f) {}
  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t v) override { return integer(v); }
  bool number_unsigned(number_unsigned_t v) override {
    return integer(v <= static_cast<number_unsigned_t>(INT64_MAX) ? static_cast<int64_t>(v) : 0,
                   v <= static_cast<number_unsigned_t>(INT64_MAX));
  }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& v) override {
    if (depth_ == 1) {
      if (key_ == Key::K) f_.k = v;
      if (key_ == Key::Role) f_.role = v;
      if (key_ == Key::Type) f_.type = v;
    }
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      key_ = k == "t"       ? Key::T
             : k == "n"     ? Key::N
             : k == "epoch" ? Key::Epoch
             : k == "k"     ? Key::K
             : k == "role"  ? Key::Role
             : k == "type"  ? Key::Type
                            : Key::Other;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  enum class Key : uint8_t { Other, T, N, Epoch, K, Role, Type };
  bool value() {
    if (depth_ == 1) key_ = Key::Other;
    return true;
  }
  bool integer(int64_t v, bool ok = true) {
    if (depth_ == 1 && ok) {
      if (key_ == Key::T) f_.t = v;
      if (key_ == Key::N) f_.n = v;
      if (key_ == Key::Epoch) f_.epoch = v;
    }
    return value();
  }
  bool open() {
    if (depth_ == 1) key_ = Key::Other;  // a nested value is not a fact
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  Facts& f_;
  int depth_ = 0;
  Key key_ = Key::Other;
};

Facts facts_of(std::string_view line) {
  Facts f;
  FactsReader reader(f);
  if (!Json::sax_parse(line.begin(), line.end(), &reader)) f = Facts{};
  return f;
}

// What the summary and the alignment need of one run, read once.
struct Parsed {
  std::vector<int64_t> t_us;
  std::optional<Json> footer;
  RunSummary summary;
};

std::vector<LeaderInterval> leader_intervals(const std::vector<Facts>& events, int64_t end_us) {
  std::vector<LeaderInterval> out;
  std::map<int64_t, LeaderInterval> open;
  auto close = [&](int64_t node, int64_t at) {
    auto it = open.find(node);
    if (it == open.end()) return;
    it->second.to_us = at;
    out.push_back(it->second);
    open.erase(it);
  };
  for (const Facts& e : events) {
    if (e.k == "crash") close(e.n, e.t);
    if (e.k != "role") continue;
    const bool leader = e.role == "leader";
    auto it = open.find(e.n);
    if (it != open.end() && leader && it->second.epoch == e.epoch) continue;
    close(e.n, e.t);
    if (leader) open[e.n] = LeaderInterval{e.n, e.epoch, e.t, 0};
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
  std::vector<Facts> read;
  if (run.facts.size() != run.lines.size()) {
    read.reserve(run.lines.size());
    for (std::string_view line : run.lines) read.push_back(facts_of(line));
  }
  const std::vector<Facts>& events = read.empty() ? run.facts : read;
  p.t_us.reserve(events.size());
  for (const Facts& e : events) p.t_us.push_back(e.t);
  if (run.footer) p.footer = Json::parse(run.footer->begin(), run.footer->end(), nullptr, false);
  RunSummary& s = p.summary;
  s.events = run.lines.size();
  s.end_us = p.t_us.empty() ? 0 : p.t_us.back();
  if (p.footer) s.end_us = std::max(s.end_us, num(*p.footer, "end_us"));
  s.leaders = leader_intervals(events, s.end_us);
  if (p.footer) s.damage = damage(*p.footer);
  for (const Facts& e : events)
    if (e.k == "send") ++s.sent_by_type[e.type];
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
