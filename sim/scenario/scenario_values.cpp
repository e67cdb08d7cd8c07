// The scenario reader's generic parts: JSON paths and messages, the schema of the file, and
// reading values (strings, numbers, durations, nodes and selectors) with precise errors.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "sim/kernel/observers.h"
#include "sim/scenario/scenario_read.h"

namespace ballot::reader {

// ---------------------------------------------------------------------------------------------
// Paths and messages

std::string key_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}

std::string index_path(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// How a found value reads in a message: true, 1.5, "abc", an object, a list, null.
std::string describe(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "a list";
  if (j.is_null()) return "null";
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxShown) {
    size_t cut = kMaxShown - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    s = s.substr(0, cut) + "...";
  }
  return s;
}

// "unknown fault kind 'partiton' (did you mean 'partition'?)"; without a close name, the list.
std::string unknown_name(const std::string& what, const std::string& name,
                         const std::vector<std::string>& valid) {
  const std::string guess = closest_name(name, valid);
  if (!guess.empty()) return "unknown " + what + " '" + name + "' (did you mean '" + guess + "'?)";
  if (valid.empty()) return "unknown " + what + " '" + name + "'";
  return "unknown " + what + " '" + name + "' (expected one of: " + join(valid) + ")";
}

// Bytes of a third-party message that would garble a terminal become \xNN.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string node_range(int32_t nodes) {
  return nodes == 1 ? "n1" : "n1..n" + std::to_string(nodes);
}

std::string node_name(NodeId id) {
  return "n" + std::to_string(id + 1);
}

// ---------------------------------------------------------------------------------------------
// The schema (sim/scenario/scenario_read.h)

// Long on purpose: the schema itself, one line per key of the file, in documentation order.
SchemaSet::SchemaSet() {
  object(root, {{"name", &leaf},
                {"description", &leaf},
                {"nodes", &leaf},
                {"algorithm", &leaf},
                {"seed", &leaf},
                {"duration", &leaf},
                {"topology", &topology},
                {"network", &network},
                {"timers", &timers},
                {"storage", &storage},
                {"params", &params},
                {"faults", &faults},
                {"nemesis", &nemesis},
                {"stonith", &stonith},
                {"workload", &workload},
                {"expect", &expect},
                {"golden", &golden},
                {"captions", &captions},
                {"variants", &variants},
                // What wrote a saved failure (cli/save_failures.cpp): informative, not read.
                {"generated_by", &tree}});
  object(topology, {{"kind", &leaf}, {"center", &leaf}, {"edges", &edges}});
  object(edge, {{"between", &list}, {"latency", &leaf}});
  array(edges, edge);
  object(network, {{"latency", &latency}, {"loss", &leaf}, {"duplicate", &leaf}, {"fifo", &leaf}});
  object(latency, {{"dist", &leaf},
                   {"value", &leaf},
                   {"min", &leaf},
                   {"max", &leaf},
                   {"mean", &leaf},
                   {"stddev", &leaf},
                   {"mu", &leaf},
                   {"sigma", &leaf},
                   {"scale", &leaf},
                   {"shape", &leaf}});
  object(timers, {{"jitter", &latency}, {"nodes", &timer_nodes}});
  map(timer_nodes, timer_node);  // node name -> its own jitter
  object(timer_node, {{"jitter", &latency}});
  object(storage, {{"sync", &latency}, {"nodes", &storage_nodes}});
  map(storage_nodes, storage_node);  // node name -> its own disk
  object(storage_node, {{"sync", &latency}});
  map(params, tree);
  // A fault's `at` and `duration`: one time, or a range drawn per seed.
  object(time_range, {{"min", &leaf}, {"max", &leaf}});
  object(fault, {{"at", &time_range},
                 {"duration", &time_range},
                 {"kind", &leaf},
                 {"groups", &list},
                 {"nodes", &list},
                 {"from", &leaf},
                 {"to", &leaf},
                 {"both", &leaf},
                 {"type", &leaf},
                 {"probability", &leaf},
                 {"loss", &leaf},
                 {"delay", &leaf},
                 {"period", &leaf},
                 {"drift_ppm", &leaf},
                 {"jump", &leaf},
                 {"nth", &leaf}});
  array(faults, fault);
  object(nemesis, {{"enabled", &leaf},
                   {"kinds", &list},
                   {"start", &leaf},
                   {"stop", &leaf},
                   {"mean_interval", &leaf},
                   {"duration_min", &leaf},
                   {"duration_max", &leaf},
                   {"swarm", &leaf}});
  object(stonith, {{"on_unreachable", &leaf}, {"timeout", &leaf}});
  object(workload, {{"model", &leaf},
                    {"clients", &leaf},
                    {"start", &leaf},
                    {"stop", &leaf},
                    {"mean_interval", &leaf},
                    {"keys", &leaf},
                    {"read_fraction", &leaf},
                    {"cas_fraction", &leaf},
                    {"timeout", &leaf},
                    {"client_placement", &leaf},
                    {"job_period", &leaf},
                    {"id_interval", &leaf},
                    {"duties_start", &leaf},
                    {"ops", &ops}});
  object(op, {{"at", &leaf},
              {"client", &leaf},
              {"node", &leaf},
              {"op", &leaf},
              {"key", &leaf},
              {"value", &leaf},
              {"expected", &leaf}});
  array(ops, op);
  object(expect_value, {{"eq", &leaf}, {"min", &leaf}, {"max", &leaf}});
  std::vector<std::pair<std::string, const Schema*>> metrics;
  for (const auto& m : metric_names()) metrics.emplace_back(m, &expect_value);
  // Not a metric: true/false, judged on the run's fault effects (cli/runner.cpp).
  metrics.emplace_back("no_inert_faults", &expect_value);
  // Not a metric: a list of situation names the run must reach (checked by the runner).
  metrics.emplace_back("reached", &list);
  object(expect_algo, metrics);
  expect_algo.what = "metric";
  map(by_algorithm, expect_algo);
  metrics.emplace_back("by_algorithm", &by_algorithm);
  object(expect, metrics);
  expect.what = "metric";
  // An entry is the hash alone ("0123456789abcdef", the older form) or {hash, summary}.
  object(golden_entry, {{"hash", &leaf}, {"summary", &tree}});
  map(golden, golden_entry);
  // An event a caption is anchored to (sim/scenario/scenario_captions.cpp): one of the first ten
  // keys names the event, the others narrow it.
  object(anchor, {{"role", &leaf},
                  {"commit", &leaf},
                  {"fault", &leaf},
                  {"fault_kind", &leaf},
                  {"crash", &leaf},
                  {"restart", &leaf},
                  {"pause", &leaf},
                  {"resume", &leaf},
                  {"violation", &leaf},
                  {"op", &leaf},
                  {"node", &leaf},
                  {"epoch", &leaf},
                  {"phase", &leaf},
                  {"outcome", &leaf}});
  object(caption, {{"at", &leaf},
                   {"on", &anchor},
                   {"nth", &leaf},
                   {"offset", &leaf},
                   {"text", &leaf},
                   {"pause", &leaf}});
  array(captions, caption);
  // A named set of overrides with its own expectations, captions and golden entries
  // (docs/scenario-format.md#variants).
  object(variant, {{"name", &leaf},
                   {"description", &leaf},
                   {"set", &list},
                   {"expect", &expect},
                   {"captions", &captions},
                   {"golden", &golden}});
  array(variants, variant);
}

Schema SchemaSet::shaped(Shape shape) {
  Schema s;
  s.shape = shape;
  return s;
}
void SchemaSet::object(Schema& s,
                       const std::vector<std::pair<std::string, const Schema*>>& fields) {
  s.shape = Shape::Object;
  for (const auto& [name, child] : fields) {
    s.names.push_back(name);
    s.children.push_back(child);
  }
}
void SchemaSet::array(Schema& s, const Schema& elem) {
  s.shape = Shape::Array;
  s.elem = &elem;
}
void SchemaSet::map(Schema& s, const Schema& elem) {
  s.shape = Shape::Map;
  s.elem = &elem;
}

const SchemaSet& schema() {
  static const SchemaSet set;
  return set;
}

// ---------------------------------------------------------------------------------------------
// Reading values

std::string read_string(const json& j, const std::string& path, const std::string& example) {
  if (!j.is_string()) {
    throw InputError(path, "expected a string" + (example.empty() ? "" : " like " + example) +
                               ", got " + describe(j));
  }
  return j.get<std::string>();
}

bool read_bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) throw InputError(path, "expected true or false, got " + describe(j));
  return j.get<bool>();
}

std::string int_range(int64_t min, int64_t max) {
  if (max == INT64_MAX) return " >= " + std::to_string(min);
  return " in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
}

int64_t read_int(const json& j, const std::string& path, int64_t min, int64_t max) {
  const std::string expected = "expected an integer" + int_range(min, max) + ", got ";
  if (!j.is_number_integer()) throw InputError(path, expected + describe(j));
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    throw InputError(path, expected + describe(j));
  }
  const int64_t v = j.get<int64_t>();
  if (v < min || v > max) throw InputError(path, expected + describe(j));
  return v;
}

uint64_t read_seed(const json& j, const std::string& path) {
  if (!j.is_number_unsigned()) {
    throw InputError(path, "expected a seed: an integer in [0, 2^64 - 1], got " + describe(j));
  }
  return j.get<uint64_t>();
}

// 1.5, 0.25, and whole numbers without ".0" (as they would be written in a file).
std::string render_number(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return std::to_string(static_cast<int64_t>(d));
  }
  return describe(json(d));
}

// A number in [min, max]; `what` names it in the message ("a probability").
double read_number(const json& j, const std::string& path, double min, double max,
                   const std::string& what) {
  const std::string expected =
      "expected " + what + " in [" + render_number(min) + ", " + render_number(max) + "], got ";
  if (!j.is_number()) throw InputError(path, expected + describe(j));
  const double v = j.get<double>();
  if (!(v >= min && v <= max)) throw InputError(path, expected + describe(j));
  return v;
}

double read_probability(const json& j, const std::string& path) {
  return read_number(j, path, 0.0, 1.0, "a probability");
}

// A positive finite number (a distribution's shape).
double read_positive(const json& j, const std::string& path) {
  if (!j.is_number() || !(j.get<double>() > 0) || !std::isfinite(j.get<double>())) {
    throw InputError(path, "expected a number > 0, got " + describe(j));
  }
  return j.get<double>();
}

// "150ms", "2s", "1.5s", "500us", "3m", or a JSON number of milliseconds; unbounded.
Time_us read_any_duration(const json& j, const std::string& path, Sign sign) {
  Time_us d = 0;
  if (j.is_string()) {
    d = parse_duration_us(j.get<std::string>(), path);
  } else if (j.is_number_integer()) {
    constexpr int64_t kMaxMs = INT64_MAX / kMillisecond_us;
    const bool too_big = j.is_number_unsigned()
                             ? j.get<uint64_t>() > static_cast<uint64_t>(kMaxMs)
                             : j.get<int64_t>() < -kMaxMs || j.get<int64_t>() > kMaxMs;
    if (too_big) throw InputError(path, "duration " + describe(j) + " ms is out of range");
    d = j.get<int64_t>() * kMillisecond_us;
  } else if (j.is_number_float()) {
    const double us = j.get<double>() * static_cast<double>(kMillisecond_us);
    const double rounded = std::round(us);
    if (!(std::fabs(rounded) < 9.2e18)) {
      throw InputError(path, "duration " + describe(j) + " ms is out of range");
    }
    if (std::fabs(us - rounded) > 1e-6 * std::max(1.0, std::fabs(us))) {
      throw InputError(path,
                       "duration " + describe(j) + " ms is not a whole number of microseconds");
    }
    d = static_cast<Time_us>(rounded);
  } else {
    throw InputError(path, "expected a duration like \"150ms\", got " + describe(j));
  }
  if (sign == Sign::NonNegative && d < 0) {
    throw InputError(path, "expected a non-negative duration, got " + describe(j));
  }
  if (sign == Sign::Positive && d <= 0) {
    throw InputError(path, "expected a positive duration, got " + describe(j));
  }
  return d;
}

// A duration within the scenario limits (kMaxTime_us), at least `min_us` when that is given.
Time_us read_duration(const json& j, const std::string& path, Sign sign, Time_us min_us) {
  const Time_us d = read_any_duration(j, path, sign);
  const Time_us positive_us = sign == Sign::Positive ? 1 : 0;
  const Time_us low = sign == Sign::Any ? -kMaxTime_us : std::max(min_us, positive_us);
  if (d < low || d > kMaxTime_us) {
    const std::string low_text =
        sign == Sign::Any ? std::string("-") + kMaxTimeText : format_duration(low);
    throw InputError(path, "expected a duration in [" + low_text + ", " + kMaxTimeText + "], got " +
                               describe(j));
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Nodes and selectors

const std::vector<std::pair<std::string, Selector>>& selectors() {
  static const std::vector<std::pair<std::string, Selector>> table = {
      {"leader", Selector::Leader},
      {"random_follower", Selector::RandomFollower},
      {"random_minority", Selector::RandomMinority},
      {"random_majority", Selector::RandomMajority},
      {"random_node", Selector::RandomNode},
  };
  return table;
}

std::optional<Selector> selector_from_name(const std::string& name) {
  for (const auto& [n, s] : selectors()) {
    if (n == name) return s;
  }
  return std::nullopt;
}

// 1-based number of "n7"; nullopt unless the text is n<positive integer without leading zero>.
std::optional<int64_t> node_number(const std::string& s) {
  constexpr size_t kMaxDigits = 9;
  if (s.size() < 2 || s.size() > 1 + kMaxDigits || s[0] != 'n' || s[1] < '1' || s[1] > '9') {
    return std::nullopt;
  }
  for (size_t i = 2; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  }
  return std::stoll(s.substr(1));
}

NodeId read_node(const json& j, const std::string& path, int32_t nodes) {
  if (!j.is_string()) {
    throw InputError(path, "expected a node name like \"n1\", got " + describe(j));
  }
  const std::string s = j.get<std::string>();
  if (selector_from_name(s)) {
    throw InputError(path, "the selector '" + s + "' is not allowed here: expected a node name (" +
                               node_range(nodes) + ")");
  }
  const auto number = node_number(s);
  if (!number) {
    throw InputError(path, "expected a node name (" + node_range(nodes) + "), got " + describe(j));
  }
  if (*number > nodes) {
    throw InputError(path, "unknown node '" + s + "': the scenario has " + std::to_string(nodes) +
                               (nodes == 1 ? " node (" : " nodes (") + node_range(nodes) + ")");
  }
  return static_cast<NodeId>(*number - 1);
}

// A list of distinct node names, or a list holding exactly one selector.
Targets read_targets(const json& j, const std::string& path, int32_t nodes) {
  if (!j.is_array()) {
    throw InputError(path,
                     "expected a list of node names like [\"n1\", \"n2\"] or a selector like "
                     "[\"leader\"], got " +
                         describe(j));
  }
  Targets t;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = index_path(path, i);
    const auto selector =
        j[i].is_string() ? selector_from_name(j[i].get<std::string>()) : std::nullopt;
    if (selector) {
      if (j.size() != 1) {
        throw InputError(at, "the selector '" + j[i].get<std::string>() +
                                 "' must stand alone: use either [\"" + j[i].get<std::string>() +
                                 "\"] or a list of node names, not both");
      }
      t.selector = *selector;
      continue;
    }
    const NodeId id = read_node(j[i], at, nodes);
    if (std::find(t.nodes.begin(), t.nodes.end(), id) != t.nodes.end()) {
      throw InputError(at, "node '" + node_name(id) + "' is listed twice");
    }
    t.nodes.push_back(id);
  }
  return t;
}

Time_us read_time_in_run(const json& j, const std::string& path, const RunFrame& run,
                         const std::string& what) {
  const Time_us at = read_duration(j, path, Sign::NonNegative);
  if (at >= run.duration_us) {
    throw InputError(path, what + " at " + format_duration(at) +
                               " is outside the run: expected a time in [0, " +
                               format_duration(run.duration_us) + ")");
  }
  return at;
}

}  // namespace ballot::reader
