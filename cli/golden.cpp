#include "cli/golden.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "sim/api/input_error.h"

namespace ballot {

namespace {

using ordered = nlohmann::ordered_json;

std::string interval_text(const LeaderInterval& li, bool has_epochs) {
  std::string text = node_name(li.node);
  if (has_epochs) text += " epoch " + std::to_string(li.epoch);
  text += " " + human_duration(li.begin_us) + "-" +
          (li.end_us == kNever_us ? std::string("end") : human_duration(li.end_us));
  return text;
}

int64_t metric_or(const RunReport& report, const char* name, int64_t fallback) {
  const auto it = report.result.metrics.find(name);
  return it == report.result.metrics.end() ? fallback : it->second;
}

}  // namespace

GoldenRecord golden_record(const RunReport& report) {
  const RunResult& r = report.result;
  ordered s = ordered::object();

  // Captions are not part of what the run did (nor of its hash): they are not counted. The run
  // says which were shown (an anchored one may never be); without that, every time caption
  // before the end was (a run cut by a limit has no golden entry: check refuses it).
  uint64_t captions = 0;
  if (r.captions.size() == report.scenario.captions.size()) {
    for (const CaptionTime& c : r.captions) captions += c.shown_us != kNever_us;
  } else {
    for (const Caption& c : report.scenario.captions)
      if (!c.on && c.at_us < r.end_us) ++captions;
  }
  s["events"] = r.events - std::min(captions, r.events);

  ordered leaders = ordered::array();
  const auto& intervals = r.leader_intervals;
  if (intervals.size() <= kGoldenMaxLeaders) {
    for (const LeaderInterval& li : intervals)
      leaders.push_back(interval_text(li, report.has_epochs));
  } else {
    // The first ones, how many are left out, and the last.
    const size_t head = kGoldenMaxLeaders - 2;
    for (size_t i = 0; i < head; ++i)
      leaders.push_back(interval_text(intervals[i], report.has_epochs));
    leaders.push_back("... " + std::to_string(intervals.size() - head - 1) + " more");
    leaders.push_back(interval_text(intervals.back(), report.has_epochs));
  }
  s["leaders"] = leaders;

  ordered messages = ordered::object();
  int64_t dropped = 0;
  for (const auto& [type, counts] : r.traffic_by_type) {
    if (counts.sent > 0) messages[type] = counts.sent;
    dropped += counts.dropped;
  }
  s["messages"] = messages;
  if (dropped > 0) s["dropped"] = dropped;

  if (!r.history.ops.empty()) {
    int64_t ok = 0, fail = 0, info = 0;
    for (const lin::Op& op : r.history.ops) {
      switch (op.outcome) {
        case lin::Outcome::Ok:
          ++ok;
          break;
        case lin::Outcome::Fail:
          ++fail;
          break;
        case lin::Outcome::Info:
          ++info;
          break;
      }
    }
    s["ops"] = {{"ok", ok}, {"fail", fail}, {"info", info}};
  }

  ordered damage = ordered::object();
  for (const char* name : {"lost_writes", "job_duplicates", "id_duplicates"}) {
    const int64_t n = metric_or(report, name, 0);
    if (n > 0) damage[name] = n;
  }
  if (!damage.empty()) s["damage"] = damage;

  std::map<std::string, int64_t> by_checker;
  for (const Violation& v : r.violations) ++by_checker[v.checker];
  if (!by_checker.empty()) {
    ordered violations = ordered::object();
    for (const auto& [checker, n] : by_checker) violations[checker] = n;
    s["violations"] = violations;
  }

  return {hash_hex(r.trace_hash), s.dump()};
}

// ---- differences ----

namespace {

std::string show(const ordered* v) {
  if (v == nullptr) return "nothing";
  return v->dump();
}

void diff_value(const std::string& path, const ordered* a, const ordered* b,
                std::vector<std::string>& lines) {
  if (a && b && *a == *b) return;
  if (a && b && a->is_array() && b->is_array()) {
    if (a->size() != b->size()) {
      lines.push_back(path + ": expected " + std::to_string(a->size()) + " entries, got " +
                      std::to_string(b->size()));
    }
    // The first few entries that differ (after an insertion, all later ones do).
    int shown = 0;
    for (size_t i = 0; i < std::max(a->size(), b->size()) && shown < 3; ++i) {
      const ordered* x = i < a->size() ? &(*a)[i] : nullptr;
      const ordered* y = i < b->size() ? &(*b)[i] : nullptr;
      if (x && y && *x == *y) continue;
      lines.push_back(path + "[" + std::to_string(i) + "]: expected " + show(x) + ", got " +
                      show(y));
      ++shown;
    }
    return;
  }
  if (a && b && a->is_object() && b->is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : a->items()) keys.push_back(k);
    for (const auto& [k, v] : b->items())
      if (!a->contains(k)) keys.push_back(k);
    for (const std::string& k : keys) {
      const ordered* x = a->contains(k) ? &a->at(k) : nullptr;
      const ordered* y = b->contains(k) ? &b->at(k) : nullptr;
      diff_value(path.empty() ? k : path + "." + k, x, y, lines);
    }
    return;
  }
  lines.push_back(path + ": expected " + show(a) + ", got " + show(b));
}

}  // namespace

std::vector<std::string> golden_summary_diff(const std::string& expected, const std::string& got,
                                             size_t max_lines) {
  const ordered a = ordered::parse(expected, nullptr, false);
  const ordered b = ordered::parse(got, nullptr, false);
  std::vector<std::string> lines;
  if (a.is_discarded() || b.is_discarded()) return {"the summaries could not be read"};
  diff_value("", &a, &b, lines);
  if (max_lines > 0 && lines.size() > max_lines) {
    const size_t more = lines.size() - (max_lines - 1);
    lines.resize(max_lines - 1);
    lines.push_back("... " + std::to_string(more) + " more differences");
  }
  return lines;
}

std::vector<std::string> golden_mismatch_lines(const Scenario& scenario, const std::string& key,
                                               const GoldenRecord& got) {
  const auto recorded = scenario.golden_summary.find(key);
  if (recorded == scenario.golden_summary.end())
    return {"(no summary recorded beside the hash to compare with)"};
  std::vector<std::string> lines = golden_summary_diff(recorded->second, got.summary);
  if (lines.empty())
    lines.push_back("(the summary is unchanged: what differs is in details it omits)");
  return lines;
}

// ---- rewriting a file's "golden" object ----

namespace {

[[noreturn]] void not_scenario(const std::string& why) {
  throw InputError("golden", why);
}

size_t skip_ws(const std::string& t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  return i;
}

// `i` at an opening quote; returns the position after the closing one.
size_t skip_string(const std::string& t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\')
      ++i;
    else if (t[i] == '"')
      return i + 1;
  }
  not_scenario("unterminated string");
}

size_t skip_value(const std::string& t, size_t i) {
  if (i >= t.size()) not_scenario("missing value");
  if (t[i] == '"') return skip_string(t, i);
  if (t[i] == '{' || t[i] == '[') {
    int depth = 0;
    while (i < t.size()) {
      const char c = t[i];
      if (c == '"') {
        i = skip_string(t, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    not_scenario("unbalanced brackets");
  }
  while (i < t.size() && std::strchr(",}] \t\r\n", t[i]) == nullptr) ++i;
  return i;
}

struct KeySpan {
  size_t key_begin = 0, value_begin = 0, value_end = 0;
};

// Where the value of a key of the object starting at `from` is in the text (which nlohmann has
// accepted).
std::optional<KeySpan> find_key(const std::string& t, const std::string& key, size_t from) {
  size_t i = skip_ws(t, from);
  if (i >= t.size() || t[i] != '{') not_scenario("the file is not a JSON object");
  i = skip_ws(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    const size_t key_begin = i;
    const size_t key_end = skip_string(t, i);
    const std::string name = nlohmann::json::parse(t.substr(key_begin, key_end - key_begin));
    i = skip_ws(t, skip_ws(t, key_end) + 1);  // past ':'
    const size_t value_begin = i;
    const size_t value_end = skip_value(t, i);
    if (name == key) return KeySpan{key_begin, value_begin, value_end};
    i = skip_ws(t, value_end);
    if (i < t.size() && t[i] == ',') i = skip_ws(t, i + 1);
  }
  return std::nullopt;
}

// Where the value of the file's "golden" (variant < 0) or of "variants"[variant].golden is.
std::optional<KeySpan> find_golden(const std::string& t, int variant) {
  if (variant < 0) return find_key(t, "golden", 0);
  const std::optional<KeySpan> list = find_key(t, "variants", 0);
  if (!list || t[list->value_begin] != '[') return std::nullopt;
  size_t i = skip_ws(t, list->value_begin + 1);
  for (int k = 0; k < variant; ++k) {
    i = skip_ws(t, skip_value(t, i));
    if (i >= t.size() || t[i] != ',') return std::nullopt;
    i = skip_ws(t, i + 1);
  }
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  return find_key(t, "golden", i);
}

std::string inline_json(const ordered& v) {
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + inline_json(v[i]);
    return out + "]";
  }
  if (v.is_object()) {
    out = "{";
    bool first = true;
    for (const auto& [k, x] : v.items()) {
      out += (first ? "" : ", ") + ordered(k).dump() + ": " + inline_json(x);
      first = false;
    }
    return out + "}";
  }
  return v.dump();
}

constexpr size_t kMaxLine = 100;

// One summary field: on one line when it fits, else one element per line.
std::string format_field(const std::string& name, const ordered& v, const std::string& indent) {
  const std::string head = indent + ordered(name).dump() + ": ";
  const std::string line = head + inline_json(v);
  if (line.size() <= kMaxLine || !(v.is_array() || v.is_object()) || v.empty()) return line;
  const std::string inner = indent + "  ";
  std::string out = head + (v.is_array() ? "[" : "{");
  bool first = true;
  for (const auto& [k, x] : v.items()) {
    out += (first ? "\n" : ",\n") + inner;
    if (v.is_object()) out += ordered(k).dump() + ": ";
    out += inline_json(x);
    first = false;
  }
  return out + "\n" + indent + (v.is_array() ? "]" : "}");
}

std::string format_golden(const std::vector<std::pair<std::string, GoldenRecord>>& entries,
                          const std::string& indent) {
  if (entries.empty()) return "{}";
  const std::string i1 = indent + "  ", i2 = i1 + "  ", i3 = i2 + "  ";
  std::string out = "{\n";
  for (size_t e = 0; e < entries.size(); ++e) {
    const auto& [key, record] = entries[e];
    out += i1 + ordered(key).dump() + ": {\n" + i2 + "\"hash\": " + ordered(record.hash).dump();
    const ordered summary = ordered::parse(record.summary);
    if (!summary.empty()) {
      out += ",\n" + i2 + "\"summary\": {";
      bool first = true;
      for (const auto& [name, v] : summary.items()) {
        out += (first ? "\n" : ",\n") + format_field(name, v, i3);
        first = false;
      }
      out += "\n" + i2 + "}";
    }
    out += "\n" + i1 + "}" + (e + 1 < entries.size() ? "," : "") + "\n";
  }
  return out + indent + "}";
}

nlohmann::json golden_json(const std::vector<std::pair<std::string, GoldenRecord>>& entries) {
  nlohmann::json g = nlohmann::json::object();
  for (const auto& [key, record] : entries) {
    g[key]["hash"] = record.hash;
    const nlohmann::json summary = nlohmann::json::parse(record.summary);
    if (!summary.empty()) g[key]["summary"] = summary;
  }
  return g;
}

}  // namespace

std::string rewrite_golden(const std::string& text,
                           const std::vector<std::pair<std::string, GoldenRecord>>& entries,
                           int variant) {
  const nlohmann::json before = nlohmann::json::parse(text, nullptr, false);
  if (before.is_discarded() || !before.is_object()) not_scenario("the file is not a JSON object");
  const std::optional<KeySpan> span = find_golden(text, variant);
  if (!span) {
    not_scenario(variant < 0
                     ? "the file has no \"golden\" object"
                     : "variants[" + std::to_string(variant) + "] has no \"golden\" object");
  }
  const size_t line_begin = text.rfind('\n', span->key_begin);
  const size_t from = line_begin == std::string::npos ? 0 : line_begin + 1;
  size_t to = from;
  while (to < span->key_begin && (text[to] == ' ' || text[to] == '\t')) ++to;
  const std::string indent = text.substr(from, to - from);

  std::string block = format_golden(entries, indent);
  if (text.find("\r\n") != std::string::npos) {  // a file with CRLF line ends keeps them
    std::string crlf;
    for (char c : block) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    block = crlf;
  }
  std::string out = text.substr(0, span->value_begin) + block + text.substr(span->value_end);

  // Nothing but "golden" may change: the rewrite is checked against the parsed original.
  nlohmann::json wanted = before;
  (variant < 0 ? wanted["golden"] : wanted["variants"][static_cast<size_t>(variant)]["golden"]) =
      golden_json(entries);
  if (nlohmann::json::parse(out, nullptr, false) != wanted)
    throw std::logic_error("rewriting \"golden\" would change other fields of the file");
  return out;
}

std::vector<std::string> golden_keys_in_order(const std::string& text, int variant) {
  const std::optional<KeySpan> span = find_golden(text, variant);
  if (!span) return {};
  const ordered g = ordered::parse(
      text.substr(span->value_begin, span->value_end - span->value_begin), nullptr, false);
  std::vector<std::string> keys;
  if (!g.is_object()) return keys;
  for (const auto& [k, v] : g.items()) keys.push_back(k);
  return keys;
}

}  // namespace ballot
