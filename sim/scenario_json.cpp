// Reading scenario files (docs/scenario-format.md): JSON text -> overrides -> validation ->
// Scenario. nlohmann/json lives only in this translation unit.
//
// Every present-but-wrong value is an InputError naming its JSON path and saying what was
// expected and what was found; nothing falls back to a default silently. The shape of the file
// (which keys exist where) is one table, SchemaSet below, used both to reject unknown keys and to
// check "--set" paths before they touch the document.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/input_error.h"
#include "sim/input_file.h"
#include "sim/observers.h"
#include "sim/params.h"
#include "sim/scenario.h"

namespace ballot {

namespace {

using json = nlohmann::json;

constexpr int32_t kMaxNodes = 1000;
// Real scenarios nest about six levels; much deeper input is garbage, and refusing it early keeps
// every later recursive walk (and nlohmann's dump) far from the stack limit.
constexpr size_t kMaxNesting = 64;
// Longest rendering of a found value quoted in a message.
constexpr size_t kMaxShown = 60;
constexpr int64_t kMaxClients = 1000;
constexpr int64_t kMaxKeys = 1000000;
constexpr int64_t kMaxClientId = 1000000;
// Clock drift: -1e6 ppm would stop the clock; below that it would run backwards.
constexpr int64_t kMinDriftPpm = -999999;
constexpr int64_t kMaxDriftPpm = 1000000;
constexpr size_t kGoldenHexDigits = 16;
// The longest time a scenario names: the run, every `at`, duration, delay, period, interval,
// timeout, latency and (either way) clock jump. A week of simulated time is far more than an
// event-driven run covers in reasonable wall time, and it is under 2^40 µs, 8 million times
// below the 64-bit limit, so sums of such values (a time plus a delay, many jumps, a clock at
// double speed) stay exact everywhere in the kernel. docs/scenario-format.md#limits.
constexpr Time_us kMaxTime_us = 7 * 24 * 3600 * kSecond_us;
constexpr const char* kMaxTimeText = "168h";
// The shortest leader-duty period and mean nemesis interval: each period or fault costs events and
// memory for the rest of the run, and a microsecond would cost a million per simulated second.
constexpr Time_us kMinDutyPeriod_us = kMillisecond_us;
constexpr Time_us kMinNemesisInterval_us = kMillisecond_us;

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
// The schema: which keys exist where. One table for unknown-key checks and "--set" paths.

struct Schema {
  enum class Shape {
    Leaf,    // a scalar
    List,    // a list of scalars or lists (node lists, partition groups): may be indexed
    Object,  // fixed field names
    Array,   // a list of `elem`
    Map,     // free keys, each an `elem`
    Tree,    // free keys to any depth (algorithm parameters)
  };
  Shape shape = Shape::Leaf;
  std::string what = "key";             // what a field name is called in messages ("key", "metric")
  std::vector<std::string> names;       // Object: field names in documentation order
  std::vector<const Schema*> children;  // Object: parallel to names
  const Schema* elem = nullptr;         // Array, Map

  const Schema* field(const std::string& name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return children[i];
    }
    return nullptr;
  }
};

class SchemaSet {
 public:
  using Shape = Schema::Shape;
  Schema leaf = shaped(Shape::Leaf), list = shaped(Shape::List), tree = shaped(Shape::Tree);
  Schema root, topology, edge, edges, network, latency, params, fault, faults, nemesis, workload,
      op, ops, expect, expect_algo, expect_value, by_algorithm, golden, golden_entry, caption,
      captions;

  SchemaSet() {
    object(root, {{"name", &leaf},
                  {"description", &leaf},
                  {"nodes", &leaf},
                  {"algorithm", &leaf},
                  {"seed", &leaf},
                  {"duration", &leaf},
                  {"topology", &topology},
                  {"network", &network},
                  {"params", &params},
                  {"faults", &faults},
                  {"nemesis", &nemesis},
                  {"workload", &workload},
                  {"expect", &expect},
                  {"golden", &golden},
                  {"captions", &captions},
                  // What wrote a saved failure (cli/save_failures.cpp): informative, not read.
                  {"generated_by", &tree}});
    object(topology, {{"kind", &leaf}, {"center", &leaf}, {"edges", &edges}});
    object(edge, {{"between", &list}, {"latency", &leaf}});
    array(edges, edge);
    object(network,
           {{"latency", &latency}, {"loss", &leaf}, {"duplicate", &leaf}, {"fifo", &leaf}});
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
    map(params, tree);
    object(fault, {{"at", &leaf},
                   {"duration", &leaf},
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
                   {"jump", &leaf}});
    array(faults, fault);
    object(nemesis, {{"enabled", &leaf},
                     {"kinds", &list},
                     {"start", &leaf},
                     {"stop", &leaf},
                     {"mean_interval", &leaf},
                     {"duration_min", &leaf},
                     {"duration_max", &leaf}});
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
    object(expect_algo, metrics);
    expect_algo.what = "metric";
    map(by_algorithm, expect_algo);
    metrics.emplace_back("by_algorithm", &by_algorithm);
    object(expect, metrics);
    expect.what = "metric";
    // An entry is the hash alone ("0123456789abcdef", the older form) or {hash, summary}.
    object(golden_entry, {{"hash", &leaf}, {"summary", &tree}});
    map(golden, golden_entry);
    object(caption, {{"at", &leaf}, {"text", &leaf}, {"pause", &leaf}});
    array(captions, caption);
  }

 private:
  static Schema shaped(Shape shape) {
    Schema s;
    s.shape = shape;
    return s;
  }
  static void object(Schema& s, const std::vector<std::pair<std::string, const Schema*>>& fields) {
    s.shape = Shape::Object;
    for (const auto& [name, child] : fields) {
      s.names.push_back(name);
      s.children.push_back(child);
    }
  }
  static void array(Schema& s, const Schema& elem) {
    s.shape = Shape::Array;
    s.elem = &elem;
  }
  static void map(Schema& s, const Schema& elem) {
    s.shape = Shape::Map;
    s.elem = &elem;
  }
};

const SchemaSet& schema() {
  static const SchemaSet set;
  return set;
}

// ---------------------------------------------------------------------------------------------
// Reading values

// An object being read: rejects keys its schema does not know, at construction.
class Obj {
 public:
  Obj(const json& j, std::string path, const Schema& s) : j_(j), path_(std::move(path)) {
    if (!j.is_object()) throw InputError(path_, "expected an object, got " + describe(j));
    if (s.shape != Schema::Shape::Object) return;
    for (const auto& [key, value] : j.items()) {
      if (!s.field(key)) throw InputError(at(key), unknown_name(s.what, key, s.names));
    }
  }

  const json* find(const std::string& key) const {
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  const json& require(const std::string& key, const std::string& context = "") const {
    const json* v = find(key);
    if (!v) throw InputError(path_, "missing required field '" + key + "'" + context);
    return *v;
  }
  std::string at(const std::string& key) const { return key_path(path_, key); }
  const std::string& path() const { return path_; }
  const json& value() const { return j_; }

 private:
  const json& j_;
  std::string path_;
};

std::string read_string(const json& j, const std::string& path, const std::string& example = "") {
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
                   const std::string& what = "a number") {
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

enum class Sign { Any, NonNegative, Positive };

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
Time_us read_duration(const json& j, const std::string& path, Sign sign, Time_us min_us = 0) {
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

struct Targets {
  std::vector<NodeId> nodes;
  Selector selector = Selector::None;
};

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

// ---------------------------------------------------------------------------------------------
// Sections

// What every section needs to know about the run.
struct RunFrame {
  int32_t nodes = 3;
  Time_us duration_us = 10 * kSecond_us;
};

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

// The fields a kind of fault takes besides `at`, `kind` and (when `timed`) `duration`.
struct KindRule {
  std::vector<std::string> required;
  std::vector<std::string> optional;
  bool timed = true;  // takes `duration`; instantaneous kinds do not
};

KindRule kind_rule(FaultKind kind) {
  switch (kind) {
    case FaultKind::Partition:
      return {{"groups"}, {}};
    case FaultKind::Isolate:
    case FaultKind::Crash:
    case FaultKind::Pause:
    case FaultKind::DiskLoss:
      return {{"nodes"}, {}};
    case FaultKind::LinkCut:
      return {{"from", "to"}, {"both"}};
    case FaultKind::Bridge:
    case FaultKind::MajoritiesRing:
      // `nodes`, when given, fixes the order (the ring, or halves around the middle node) and
      // must list every node; otherwise the order is drawn from the run's seed.
      return {{}, {"nodes"}};
    case FaultKind::Heal:
      return {{}, {}, false};
    case FaultKind::Drop:
      return {{}, {"type", "from", "to", "probability"}};
    case FaultKind::DelaySpike:
      return {{"delay"}, {"nodes"}};
    case FaultKind::LossBurst:
      return {{"loss"}, {"nodes"}};
    case FaultKind::Flap:
      return {{"from", "to", "period"}, {}};
    case FaultKind::ClockDrift:
      return {{"nodes", "drift_ppm"}, {}};
    case FaultKind::ClockJump:
      return {{"nodes", "jump"}, {}, false};
    case FaultKind::SlowNode:
      return {{"nodes", "delay"}, {}};
  }
  return {};
}

FaultKind read_fault_kind(const json& j, const std::string& path) {
  const std::string name = read_string(j, path, "\"partition\"");
  const auto kind = fault_kind_from_name(name);
  if (!kind) throw InputError(path, unknown_name("fault kind", name, fault_kind_names()));
  return *kind;
}

// "n1..n3": the nodes from the first to the last, both included; nullopt when not a range.
std::optional<std::pair<int64_t, int64_t>> node_range_text(const std::string& s) {
  const size_t dots = s.find("..");
  if (dots == std::string::npos) return std::nullopt;
  const auto first = node_number(s.substr(0, dots));
  const auto last = node_number(s.substr(dots + 2));
  if (!first || !last) return std::nullopt;
  return std::make_pair(*first, *last);
}

// One item of a node set: a node name, a range "n1..n3", "majority" / "minority" (when `fills`),
// or a selector.
void read_node_set_item(const json& j, const std::string& at, int32_t nodes, NodeSetSpec& set) {
  const std::string expected = "expected a node name (" + node_range(nodes) +
                               "), a range like \"n1..n3\", \"majority\", \"minority\" or a "
                               "selector like \"leader\"";
  if (!j.is_string()) throw InputError(at, expected + ", got " + describe(j));
  const std::string s = j.get<std::string>();
  auto add = [&](NodeId id) {
    if (std::find(set.nodes.begin(), set.nodes.end(), id) != set.nodes.end())
      throw InputError(at, "node '" + node_name(id) + "' is listed twice");
    set.nodes.push_back(id);
  };
  if (const auto sel = selector_from_name(s)) {
    if (std::find(set.selectors.begin(), set.selectors.end(), *sel) != set.selectors.end() &&
        *sel == Selector::Leader)
      throw InputError(at, "'leader' is listed twice");
    set.selectors.push_back(*sel);
  } else if (s == "majority" || s == "minority") {
    if (set.fill != NodeSetSpec::Fill::None)
      throw InputError(at, "one set takes at most one of \"majority\" and \"minority\"");
    set.fill = s == "majority" ? NodeSetSpec::Fill::Majority : NodeSetSpec::Fill::Minority;
  } else if (const auto range = node_range_text(s)) {
    const auto [first, last] = *range;
    if (first > last)
      throw InputError(at, "the range \"" + s + "\" runs backwards: expected the lower node first");
    if (last > nodes)
      throw InputError(at, "the range \"" + s + "\" goes past the last node: the scenario has " +
                               std::to_string(nodes) + " nodes (" + node_range(nodes) +
                               "); \"majority\" or \"minority\" scale with --set nodes=N");
    for (int64_t k = first; k <= last; ++k) add(static_cast<NodeId>(k - 1));
  } else if (node_number(s)) {
    add(read_node(j, at, nodes));
  } else {
    throw InputError(at, expected + ", got " + describe(j));
  }
}

// A partition group or a link-cut end: one item, or a non-empty list of items.
NodeSetSpec read_node_set(const json& j, const std::string& path, int32_t nodes) {
  NodeSetSpec set;
  if (j.is_array()) {
    if (j.empty()) {
      throw InputError(
          path,
          "expected a non-empty list of node names, ranges like \"n1..n3\", "
          "\"majority\", \"minority\" or selectors like \"leader\", got an empty list");
    }
    for (size_t i = 0; i < j.size(); ++i) read_node_set_item(j[i], index_path(path, i), nodes, set);
  } else {
    read_node_set_item(j, path, nodes, set);
  }
  return set;
}

// Node sets that must not share a node (a partition's groups; a link cut's ends). Resolves them
// now when no selector needs the cluster's state at the time of the fault.
std::optional<std::vector<std::vector<NodeId>>> check_disjoint_sets(
    const std::vector<NodeSetSpec>& sets, const std::vector<std::string>& paths, int32_t nodes,
    const std::string& what) {
  std::map<NodeId, size_t> owner;
  int majorities = 0;
  bool dynamic = false;
  for (size_t s = 0; s < sets.size(); ++s) {
    for (NodeId id : sets[s].nodes) {
      const auto [it, fresh] = owner.emplace(id, s);
      if (!fresh) {
        throw InputError(paths[s], "node '" + node_name(id) + "' is already in " +
                                       paths[it->second] + ": " + what + " must be disjoint");
      }
    }
    if (sets[s].fill == NodeSetSpec::Fill::Majority && ++majorities > 1)
      throw InputError(paths[s], "two \"majority\" sets cannot be disjoint");
    dynamic = dynamic || sets[s].dynamic();
  }
  if (dynamic) return std::nullopt;
  ClusterView view;
  view.n = nodes;
  view.follower.assign(static_cast<size_t>(nodes), false);
  Rng unused(0);  // no selector, so nothing is drawn
  return resolve_node_sets(sets, view, unused);
}

void read_groups(const json& j, const std::string& path, int32_t nodes, FaultSpec& f) {
  if (!j.is_array() || j.empty()) {
    throw InputError(path,
                     "expected a non-empty list of node groups like [[\"n1\"], [\"n2\", "
                     "\"n3\"]] or [\"majority\", \"minority\"], got " +
                         describe(j));
  }
  std::vector<NodeSetSpec> sets;
  std::vector<std::string> paths;
  for (size_t g = 0; g < j.size(); ++g) {
    paths.push_back(index_path(path, g));
    sets.push_back(read_node_set(j[g], paths.back(), nodes));
  }
  // The element that repeats a node is named in the message; find it for the path.
  std::map<NodeId, size_t> seen;
  for (size_t g = 0; g < j.size(); ++g) {
    for (NodeId id : sets[g].nodes) {
      const auto [it, fresh] = seen.emplace(id, g);
      if (fresh) continue;
      std::string at = paths[g];
      if (j[g].is_array())
        for (size_t i = 0; i < j[g].size(); ++i)
          if (j[g][i].is_string() && j[g][i].get<std::string>() == node_name(id))
            at = index_path(paths[g], i);
      throw InputError(at, "node '" + node_name(id) + "' is already in " + paths[it->second] +
                               ": groups must be disjoint");
    }
  }
  if (auto groups = check_disjoint_sets(sets, paths, nodes, "groups")) {
    for (auto& g : *groups)
      if (!g.empty()) f.groups.push_back(std::move(g));
  } else {
    f.group_sets = std::move(sets);
  }
}

// A link cut's ends: single nodes as before, or sets (every link from one to the other is cut).
void read_link_ends(const json& from, const json& to, const std::string& from_path,
                    const std::string& to_path, int32_t nodes, FaultSpec& f) {
  std::vector<NodeSetSpec> ends = {read_node_set(from, from_path, nodes),
                                   read_node_set(to, to_path, nodes)};
  auto single = [](const NodeSetSpec& s) {
    return s.nodes.size() == 1 && s.selectors.empty() && s.fill == NodeSetSpec::Fill::None;
  };
  if (single(ends[0]) && single(ends[1])) {
    f.from = ends[0].nodes[0];
    f.to = ends[1].nodes[0];
    if (f.from == f.to) {
      throw InputError(to_path, "from and to are the same node ('" + node_name(f.to) +
                                    "'): expected two different nodes");
    }
    return;
  }
  f.link_set_form = true;
  if (auto resolved = check_disjoint_sets(ends, {from_path, to_path}, nodes, "from and to")) {
    f.from_nodes = (*resolved)[0];
    f.to_nodes = (*resolved)[1];
  } else {
    f.link_sets = std::move(ends);
  }
}

FaultSpec read_fault(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().fault);
  FaultSpec f;
  f.path = path;
  f.kind = read_fault_kind(o.require("kind"), o.at("kind"));
  const std::string name = fault_kind_name(f.kind);
  const KindRule rule = kind_rule(f.kind);

  std::vector<std::string> takes = {"at", "kind"};
  if (rule.timed) takes.push_back("duration");
  takes.insert(takes.end(), rule.required.begin(), rule.required.end());
  takes.insert(takes.end(), rule.optional.begin(), rule.optional.end());
  for (const auto& [key, value] : j.items()) {
    if (std::find(takes.begin(), takes.end(), key) == takes.end()) {
      throw InputError(o.at(key), "field '" + key + "' does not belong to a " + name + " fault (" +
                                      name + " takes: " + join(takes) + ")");
    }
  }
  const std::string context = " for a " + name + " fault";
  o.require("at", context);
  for (const auto& key : rule.required) o.require(key, context);

  f.at_us = read_time_in_run(*o.find("at"), o.at("at"), run, "fault");
  if (const json* v = o.find("duration")) {
    f.duration_us = read_duration(*v, o.at("duration"), Sign::NonNegative);
  }
  if (const json* v = o.find("groups")) read_groups(*v, o.at("groups"), run.nodes, f);
  if (const json* v = o.find("nodes")) {
    const Targets t = read_targets(*v, o.at("nodes"), run.nodes);
    const bool required =
        std::find(rule.required.begin(), rule.required.end(), "nodes") != rule.required.end();
    if (required && t.nodes.empty() && t.selector == Selector::None) {
      throw InputError(o.at("nodes"),
                       "expected at least one node, or a selector like "
                       "[\"leader\"]; got an empty list");
    }
    f.nodes = t.nodes;
    f.selector = t.selector;
    if (f.kind == FaultKind::Bridge || f.kind == FaultKind::MajoritiesRing) {
      std::vector<NodeId> sorted = f.nodes;
      std::sort(sorted.begin(), sorted.end());
      const bool permutation = t.selector == Selector::None &&
                               static_cast<int32_t>(sorted.size()) == run.nodes &&
                               std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
      if (!permutation) {
        throw InputError(o.at("nodes"),
                         "expected every node exactly once, in the order of the shape (or no "
                         "\"nodes\" for a random order), got " +
                             describe(*v));
      }
    }
  }
  if (f.kind == FaultKind::LinkCut) {
    read_link_ends(*o.find("from"), *o.find("to"), o.at("from"), o.at("to"), run.nodes, f);
  } else {
    if (const json* v = o.find("from")) f.from = read_node(*v, o.at("from"), run.nodes);
    if (const json* v = o.find("to")) f.to = read_node(*v, o.at("to"), run.nodes);
  }
  if (f.kind == FaultKind::Flap && f.from == f.to) {
    throw InputError(o.at("to"), "from and to are the same node ('" + node_name(f.to) +
                                     "'): expected two different nodes");
  }
  if (const json* v = o.find("both")) f.both = read_bool(*v, o.at("both"));
  if (const json* v = o.find("type")) {
    f.msg_type = read_string(*v, o.at("type"), "\"AppendEntries\"");
    if (f.msg_type.empty()) {
      throw InputError(o.at("type"),
                       "expected a message type like \"AppendEntries\", got \"\" "
                       "(leave out `type` to drop every type)");
    }
  }
  if (const json* v = o.find("probability"))
    f.probability = read_probability(*v, o.at("probability"));
  if (const json* v = o.find("loss")) f.loss = read_probability(*v, o.at("loss"));
  if (const json* v = o.find("delay"))
    f.delay_us = read_duration(*v, o.at("delay"), Sign::Positive);
  if (const json* v = o.find("period")) {
    f.period_us = read_duration(*v, o.at("period"), Sign::Positive);
  }
  if (const json* v = o.find("drift_ppm")) {
    f.drift_ppm = read_int(*v, o.at("drift_ppm"), kMinDriftPpm, kMaxDriftPpm);
  }
  if (const json* v = o.find("jump")) f.jump_us = read_duration(*v, o.at("jump"), Sign::Any);
  return f;
}

const std::vector<std::pair<std::string, LatencyModel::Dist>>& distributions() {
  using D = LatencyModel::Dist;
  static const std::vector<std::pair<std::string, D>> table = {
      {"constant", D::Constant},       {"uniform", D::Uniform},     {"normal", D::Normal},
      {"exponential", D::Exponential}, {"lognormal", D::Lognormal}, {"pareto", D::Pareto}};
  return table;
}

std::vector<std::string> distribution_fields(LatencyModel::Dist dist) {
  using D = LatencyModel::Dist;
  switch (dist) {
    case D::Constant:
      return {"value"};
    case D::Uniform:
      return {"min", "max"};
    case D::Normal:
      return {"mean", "stddev"};
    case D::Exponential:
      return {"mean"};
    case D::Lognormal:
      return {"mu", "sigma"};
    case D::Pareto:
      return {"scale", "shape"};
  }
  return {};
}

// Every parameter of a distribution is optional: absent ones keep LatencyModel's defaults.
LatencyModel read_latency(const json& j, const std::string& path) {
  using D = LatencyModel::Dist;
  const Obj o(j, path, schema().latency);
  LatencyModel m;
  std::string dist_name = "uniform";
  if (const json* v = o.find("dist")) {
    dist_name = read_string(*v, o.at("dist"), "\"uniform\"");
    std::vector<std::string> names;
    for (const auto& [n, d] : distributions()) names.push_back(n);
    if (std::find(names.begin(), names.end(), dist_name) == names.end()) {
      throw InputError(o.at("dist"), unknown_name("latency distribution", dist_name, names));
    }
  }
  for (const auto& [n, d] : distributions()) {
    if (n == dist_name) m.dist = d;
  }
  const std::vector<std::string> takes = distribution_fields(m.dist);
  for (const auto& [key, value] : j.items()) {
    if (key != "dist" && std::find(takes.begin(), takes.end(), key) == takes.end()) {
      throw InputError(o.at(key), "field '" + key + "' does not belong to a " + dist_name +
                                      " distribution (" + dist_name + " takes: " + join(takes) +
                                      ")");
    }
  }
  auto duration = [&](const char* key, Time_us& out, Sign sign) {
    if (const json* v = o.find(key)) out = read_duration(*v, o.at(key), sign);
  };
  auto duration_double = [&](const char* key, double& out, Sign sign) {
    if (const json* v = o.find(key)) {
      out = static_cast<double>(read_duration(*v, o.at(key), sign));
    }
  };
  switch (m.dist) {
    case D::Constant:
      duration("value", m.constant_us, Sign::NonNegative);
      break;
    case D::Uniform:
      duration("min", m.min_us, Sign::NonNegative);
      duration("max", m.max_us, Sign::NonNegative);
      if (m.min_us > m.max_us) {
        throw InputError(o.at(o.find("min") ? "min" : "max"),
                         "expected min <= max, got min " + format_duration(m.min_us) + " > max " +
                             format_duration(m.max_us));
      }
      break;
    case D::Normal:
      duration_double("mean", m.mean_us, Sign::NonNegative);
      duration_double("stddev", m.stddev_us, Sign::NonNegative);
      break;
    case D::Exponential:
      duration_double("mean", m.mean_us, Sign::Positive);
      break;
    case D::Lognormal:
      if (const json* v = o.find("mu")) m.mu = read_number(*v, o.at("mu"), -50.0, 50.0);
      if (const json* v = o.find("sigma")) m.sigma = read_number(*v, o.at("sigma"), 0.0, 50.0);
      break;
    case D::Pareto:
      duration_double("scale", m.scale_us, Sign::Positive);
      if (const json* v = o.find("shape")) m.shape = read_positive(*v, o.at("shape"));
      break;
  }
  return m;
}

LinkModel read_network(const json& j, const std::string& path) {
  const Obj o(j, path, schema().network);
  LinkModel n;
  if (const json* v = o.find("latency")) n.latency = read_latency(*v, o.at("latency"));
  if (const json* v = o.find("loss")) n.loss = read_probability(*v, o.at("loss"));
  if (const json* v = o.find("duplicate")) n.duplicate = read_probability(*v, o.at("duplicate"));
  if (const json* v = o.find("fifo")) n.fifo = read_bool(*v, o.at("fifo"));
  return n;
}

TopologySpec read_topology(const json& j, const std::string& path, int32_t nodes) {
  using K = TopologySpec::Kind;
  static const std::vector<std::pair<std::string, K>> kinds = {
      {"full_mesh", K::FullMesh}, {"ring", K::Ring}, {"star", K::Star}, {"explicit", K::Explicit}};
  const Obj o(j, path, schema().topology);
  TopologySpec t;
  const std::string name = read_string(o.require("kind"), o.at("kind"), "\"full_mesh\"");
  std::vector<std::string> names;
  for (const auto& [n, k] : kinds) {
    names.push_back(n);
    if (n == name) t.kind = k;
  }
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    throw InputError(o.at("kind"), unknown_name("topology kind", name, names));
  }
  const std::string own = t.kind == K::Star ? "center" : t.kind == K::Explicit ? "edges" : "";
  for (const auto& [key, value] : j.items()) {
    if (key != "kind" && key != own) {
      throw InputError(o.at(key), "field '" + key + "' does not belong to a " + name +
                                      " topology (" + name + " takes " +
                                      (own.empty() ? "no other fields" : "'" + own + "'") + ")");
    }
  }
  if (t.kind == K::Star)
    t.center = read_node(o.require("center", " for a star"), o.at("center"), nodes);
  if (t.kind != K::Explicit) return t;
  const json& edges = o.require("edges", " for an explicit topology");
  if (!edges.is_array()) {
    throw InputError(o.at("edges"),
                     "expected a list of edges like [{\"between\": [\"n1\", "
                     "\"n2\"]}], got " +
                         describe(edges));
  }
  std::map<std::pair<NodeId, NodeId>, size_t> seen;  // an undirected edge -> its index
  for (size_t i = 0; i < edges.size(); ++i) {
    const Obj e(edges[i], index_path(o.at("edges"), i), schema().edge);
    const json& between = e.require("between");
    if (!between.is_array() || between.size() != 2) {
      throw InputError(e.at("between"),
                       "expected two node names like [\"n1\", \"n2\"], got " + describe(between));
    }
    TopologySpec::Edge edge;
    edge.a = read_node(between[0], index_path(e.at("between"), 0), nodes);
    edge.b = read_node(between[1], index_path(e.at("between"), 1), nodes);
    if (edge.a == edge.b) {
      throw InputError(e.at("between"),
                       "an edge joins two different nodes, got '" + node_name(edge.a) + "' twice");
    }
    if (const json* v = e.find("latency")) {
      edge.latency_us = read_duration(*v, e.at("latency"), Sign::NonNegative);
    }
    const auto [it, fresh] =
        seen.emplace(std::make_pair(std::min(edge.a, edge.b), std::max(edge.a, edge.b)), i);
    if (!fresh) {
      throw InputError(e.path(), "duplicate edge between " + node_name(edge.a) + " and " +
                                     node_name(edge.b) + " (also " +
                                     index_path(o.at("edges"), it->second) + ")");
    }
    t.edges.push_back(edge);
  }
  return t;
}

// Nested objects become dotted keys: {"bugs": {"figure8": true}} -> "bugs.figure8".
void flatten_params(const json& j, const std::string& prefix, const std::string& path,
                    std::map<std::string, ParamValue>& out) {
  for (const auto& [key, v] : j.items()) {
    const std::string at = key_path(path, key);
    if (key.empty()) throw InputError(at, "expected a parameter name, got an empty key");
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    ParamValue p;
    if (v.is_object()) {
      flatten_params(v, name, at, out);
      continue;
    } else if (v.is_boolean()) {
      p = ParamValue::of_bool(v.get<bool>());
    } else if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      throw InputError(at, "integer " + describe(v) + " is out of range");
    } else if (v.is_number_integer()) {
      p = ParamValue::of_int(v.get<int64_t>());
    } else if (v.is_number_float()) {
      p = ParamValue::of_double(v.get<double>());
    } else if (v.is_string()) {
      p = ParamValue::of_string(v.get<std::string>());
    } else {
      throw InputError(at,
                       "expected a number, true/false, a string or an object of parameters, "
                       "got " +
                           describe(v));
    }
    if (!out.emplace(name, p).second) {
      throw InputError(at, "parameter '" + name + "' is given twice (nested and dotted)");
    }
  }
}

std::map<std::string, std::map<std::string, ParamValue>> read_params(const json& j,
                                                                     const std::string& path) {
  const Obj o(j, path, schema().params);
  std::map<std::string, std::map<std::string, ParamValue>> params;
  for (const auto& [algorithm, v] : j.items()) {
    const std::string at = o.at(algorithm);
    if (!v.is_object()) {
      throw InputError(
          at, "expected an object of parameters for '" + algorithm + "', got " + describe(v));
    }
    flatten_params(v, "", at, params[algorithm]);
  }
  return params;
}

NemesisSpec read_nemesis(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().nemesis);
  NemesisSpec n;
  n.enabled = true;
  if (const json* v = o.find("enabled")) n.enabled = read_bool(*v, o.at("enabled"));
  const json& kinds =
      o.require("kinds", " (a list of fault kinds like [\"partition\", \"crash\"])");
  if (!kinds.is_array() || kinds.empty()) {
    throw InputError(o.at("kinds"),
                     "expected a non-empty list of fault kinds like "
                     "[\"partition\", \"crash\"], got " +
                         describe(kinds));
  }
  for (size_t i = 0; i < kinds.size(); ++i) {
    const std::string at = index_path(o.at("kinds"), i);
    const FaultKind kind = read_fault_kind(kinds[i], at);
    if (std::find(n.kinds.begin(), n.kinds.end(), kind) != n.kinds.end()) {
      throw InputError(at,
                       std::string("fault kind '") + fault_kind_name(kind) + "' is listed twice");
    }
    n.kinds.push_back(kind);
  }
  if (const json* v = o.find("start"))
    n.start_us = read_time_in_run(*v, o.at("start"), run, "start");
  if (const json* v = o.find("stop")) {
    n.stop_us = read_duration(*v, o.at("stop"), Sign::Positive);
    if (n.stop_us <= n.start_us) {
      throw InputError(o.at("stop"), "expected stop after start (" + format_duration(n.start_us) +
                                         "), got " + describe(*v));
    }
  }
  if (const json* v = o.find("mean_interval")) {
    n.mean_interval_us =
        read_duration(*v, o.at("mean_interval"), Sign::Positive, kMinNemesisInterval_us);
  }
  if (const json* v = o.find("duration_min")) {
    n.duration_min_us = read_duration(*v, o.at("duration_min"), Sign::Positive);
  }
  if (const json* v = o.find("duration_max")) {
    n.duration_max_us = read_duration(*v, o.at("duration_max"), Sign::Positive);
  }
  if (n.duration_min_us > n.duration_max_us) {
    throw InputError(o.at(o.find("duration_min") ? "duration_min" : "duration_max"),
                     "expected duration_min <= duration_max, got " +
                         format_duration(n.duration_min_us) + " > " +
                         format_duration(n.duration_max_us));
  }
  return n;
}

struct OpName {
  const char* name;
  lin::OpKind kind;
  const char* model;
  bool takes_value;
  bool takes_expected;
};
constexpr OpName kOpNames[] = {
    {"read", lin::OpKind::Read, "register", false, false},
    {"write", lin::OpKind::Write, "register", true, false},
    {"cas", lin::OpKind::Cas, "register", true, true},
    {"get", lin::OpKind::Get, "kv", false, false},
    {"put", lin::OpKind::Put, "kv", true, false},
    {"append", lin::OpKind::Append, "kv", true, false},
};

ScriptedOp read_op(const json& j, const std::string& path, const std::string& model,
                   const RunFrame& run) {
  const Obj o(j, path, schema().op);
  ScriptedOp op;
  op.at_us = read_time_in_run(o.require("at"), o.at("at"), run, "op");
  const std::string name = read_string(o.require("op"), o.at("op"), "\"write\"");
  std::vector<std::string> model_ops, all_ops;
  const OpName* found = nullptr;
  for (const auto& candidate : kOpNames) {
    all_ops.push_back(candidate.name);
    if (model == candidate.model) model_ops.push_back(candidate.name);
    if (name == candidate.name) found = &candidate;
  }
  if (!found) throw InputError(o.at("op"), unknown_name("op", name, model_ops));
  if (model != found->model) {
    throw InputError(o.at("op"), "op '" + name + "' belongs to the " + found->model +
                                     " model; the " + model + " model takes " + join(model_ops));
  }
  op.kind = found->kind;
  if (const json* v = o.find("client")) {
    op.client = static_cast<int32_t>(read_int(*v, o.at("client"), 0, kMaxClientId));
  }
  if (const json* v = o.find("node")) op.node = read_node(*v, o.at("node"), run.nodes);
  if (const json* v = o.find("key")) op.key = read_string(*v, o.at("key"), "\"x\"");
  if (const json* v = o.find("value")) {
    if (!found->takes_value) {
      throw InputError(o.at("value"), "field 'value' does not belong to a " + name + " op");
    }
    op.value = read_string(*v, o.at("value"), "\"1\"");
  } else if (found->takes_value) {
    throw InputError(path, "missing required field 'value' for a " + name + " op");
  }
  if (const json* v = o.find("expected")) {
    if (!found->takes_expected) {
      throw InputError(o.at("expected"), "field 'expected' does not belong to a " + name + " op");
    }
    op.expected = read_string(*v, o.at("expected"), "\"1\"");
  } else if (found->takes_expected) {
    throw InputError(path, "missing required field 'expected' for a " + name + " op");
  }
  return op;
}

WorkloadSpec read_workload(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().workload);
  WorkloadSpec w;
  if (const json* v = o.find("model")) {
    w.model = read_string(*v, o.at("model"), "\"register\"");
    if (w.model != "register" && w.model != "kv") {
      throw InputError(o.at("model"), unknown_name("workload model", w.model, {"register", "kv"}));
    }
  }
  if (const json* v = o.find("clients")) {
    w.clients = static_cast<int32_t>(read_int(*v, o.at("clients"), 0, kMaxClients));
  }
  if (const json* v = o.find("start"))
    w.start_us = read_time_in_run(*v, o.at("start"), run, "start");
  if (const json* v = o.find("stop")) {
    w.stop_us = read_duration(*v, o.at("stop"), Sign::Positive);
    if (w.stop_us <= w.start_us) {
      throw InputError(o.at("stop"), "expected stop after start (" + format_duration(w.start_us) +
                                         "), got " + describe(*v));
    }
  }
  if (const json* v = o.find("mean_interval")) {
    w.mean_interval_us = read_duration(*v, o.at("mean_interval"), Sign::Positive);
  }
  if (const json* v = o.find("keys"))
    w.keys = static_cast<int32_t>(read_int(*v, o.at("keys"), 1, kMaxKeys));
  if (const json* v = o.find("read_fraction")) {
    w.read_fraction = read_number(*v, o.at("read_fraction"), 0.0, 1.0, "a fraction");
  }
  if (const json* v = o.find("cas_fraction")) {
    w.cas_fraction = read_number(*v, o.at("cas_fraction"), 0.0, 1.0, "a fraction");
  }
  if (w.read_fraction + w.cas_fraction > 1.0) {
    throw InputError(o.at(o.find("cas_fraction") ? "cas_fraction" : "read_fraction"),
                     "expected read_fraction + cas_fraction <= 1, got " +
                         render_number(w.read_fraction) + " + " + render_number(w.cas_fraction));
  }
  if (const json* v = o.find("timeout"))
    w.timeout_us = read_duration(*v, o.at("timeout"), Sign::Positive);
  if (const json* v = o.find("client_placement")) {
    const std::string placement = read_string(*v, o.at("client_placement"), "\"home\"");
    if (placement != "home" && placement != "everywhere")
      throw InputError(o.at("client_placement"),
                       "expected \"everywhere\" or \"home\", got " + describe(*v));
    w.clients_at_home = placement == "home";
  }
  if (const json* v = o.find("job_period"))
    w.job_period_us = read_duration(*v, o.at("job_period"), Sign::Positive, kMinDutyPeriod_us);
  if (const json* v = o.find("id_interval"))
    w.id_interval_us = read_duration(*v, o.at("id_interval"), Sign::Positive, kMinDutyPeriod_us);
  if (const json* v = o.find("duties_start"))
    w.duties_start_us = read_time_in_run(*v, o.at("duties_start"), run, "duties_start");
  if (const json* v = o.find("ops")) {
    if (!v->is_array()) {
      throw InputError(o.at("ops"), "expected a list of operations, got " + describe(*v));
    }
    for (size_t i = 0; i < v->size(); ++i) {
      w.ops.push_back(read_op((*v)[i], index_path(o.at("ops"), i), w.model, run));
    }
  }
  return w;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One expectation bound: an integer in the metric's unit (µs for *_us), true/false, a duration
// string for *_us metrics, a node name or "none" for final_leader.
int64_t read_bound(const json& v, const std::string& path, const std::string& metric,
                   int32_t nodes) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_integer()) return read_int(v, path, INT64_MIN, INT64_MAX);
  const bool is_duration = ends_with(metric, "_us");
  if (v.is_string() && is_duration) return read_any_duration(v, path, Sign::NonNegative);
  if (v.is_string() && metric == "final_leader") {
    if (v.get<std::string>() == "none") return 0;
    return read_node(v, path, nodes) + 1;
  }
  std::string expected = "an integer or true/false";
  if (is_duration) expected = "a duration like \"150ms\" or an integer of microseconds";
  if (metric == "final_leader") expected = "a node name like \"n1\", \"none\" or an integer";
  throw InputError(path, "expected " + expected + " for " + metric + ", got " + describe(v));
}

void read_expectations(const json& j, const std::string& path, const Schema& s, int32_t nodes,
                       std::vector<Expectation>& out,
                       std::map<std::string, std::vector<Expectation>>* by_algorithm) {
  const Obj o(j, path, s);
  for (const auto& [metric, v] : j.items()) {
    const std::string at = o.at(metric);
    if (metric == "by_algorithm" && by_algorithm) {
      const Obj algorithms(v, at, schema().by_algorithm);
      for (const auto& [algorithm, e] : v.items()) {
        read_expectations(e, algorithms.at(algorithm), schema().expect_algo, nodes,
                          (*by_algorithm)[algorithm], nullptr);
      }
      continue;
    }
    Expectation e;
    e.metric = metric;
    e.path = at;
    if (!v.is_object()) {
      e.eq = read_bound(v, at, metric, nodes);
      out.push_back(e);
      continue;
    }
    const Obj bounds(v, at, schema().expect_value);
    if (const json* b = bounds.find("eq")) e.eq = read_bound(*b, bounds.at("eq"), metric, nodes);
    if (const json* b = bounds.find("min")) e.min = read_bound(*b, bounds.at("min"), metric, nodes);
    if (const json* b = bounds.find("max")) e.max = read_bound(*b, bounds.at("max"), metric, nodes);
    if (!e.eq && !e.min && !e.max) {
      throw InputError(at, "expected at least one of eq, min, max; got an empty object");
    }
    if (e.eq && (e.min || e.max)) {
      throw InputError(at, "expected either eq or min/max, got both");
    }
    if (e.min && e.max && *e.min > *e.max) {
      throw InputError(bounds.at("max"), "expected max >= min (" + std::to_string(*e.min) +
                                             "), got " + std::to_string(*e.max));
    }
    out.push_back(e);
  }
}

std::string read_golden_hash(const json& v, const std::string& at) {
  const std::string hash = read_string(v, at, "\"0123456789abcdef\"");
  if (hash.size() != kGoldenHexDigits ||
      hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw InputError(
        at, "expected 16 lowercase hex digits like \"0123456789abcdef\", got " + describe(v));
  }
  return hash;
}

// Each entry: "<algorithm>/<seed>": "<hash>", or {"hash": "<hash>", "summary": {...}}. The
// summary (what `ballot check --update-golden` records beside the hash) is kept as compact JSON
// text; only `ballot check` reads it, to show what changed when the hash does not match.
void read_golden(const json& j, const std::string& path, Scenario& s) {
  const Obj o(j, path, schema().golden);
  for (const auto& [key, v] : j.items()) {
    const std::string at = o.at(key);
    const size_t slash = key.find('/');
    const std::string seed = slash == std::string::npos ? "" : key.substr(slash + 1);
    const bool seed_ok = !seed.empty() && seed.size() <= 20 &&
                         seed.find_first_not_of("0123456789") == std::string::npos;
    if (slash == 0 || !seed_ok) {
      throw InputError(at, "expected a key like \"raft/1\" (algorithm/seed), got \"" + key + "\"");
    }
    errno = 0;
    (void)std::strtoull(seed.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      throw InputError(
          at, "the seed " + seed + " is out of range: a seed is an integer in [0, " + "2^64 - 1]");
    }
    if (!v.is_object()) {
      s.golden[key] = read_golden_hash(v, at);
      continue;
    }
    const Obj entry(v, at, schema().golden_entry);
    s.golden[key] = read_golden_hash(entry.require("hash"), entry.at("hash"));
    if (const json* summary = entry.find("summary")) {
      if (!summary->is_object()) {
        throw InputError(entry.at("summary"), "expected an object, got " + describe(*summary));
      }
      s.golden_summary[key] = summary->dump();
    }
  }
}

std::vector<Caption> read_captions(const json& j, const std::string& path, const RunFrame& run) {
  if (!j.is_array()) throw InputError(path, "expected a list of captions, got " + describe(j));
  std::vector<Caption> captions;
  for (size_t i = 0; i < j.size(); ++i) {
    const Obj o(j[i], index_path(path, i), schema().caption);
    Caption c;
    c.at_us = read_time_in_run(o.require("at"), o.at("at"), run, "caption");
    c.text = read_string(o.require("text"), o.at("text"), "\"n5 is the highest id\"");
    if (const json* v = o.find("pause")) c.pause = read_bool(*v, o.at("pause"));
    captions.push_back(c);
  }
  return captions;
}

Scenario read_scenario(const json& doc) {
  if (!doc.is_object()) {
    throw InputError("", "expected a JSON object describing the scenario, got " + describe(doc));
  }
  const Obj o(doc, "", schema().root);
  Scenario s;
  RunFrame run;
  if (const json* v = o.find("name")) s.name = read_string(*v, "name", "\"bully-partition\"");
  if (const json* v = o.find("description")) s.description = read_string(*v, "description");
  if (const json* v = o.find("nodes"))
    s.nodes = static_cast<int32_t>(read_int(*v, "nodes", 1, kMaxNodes));
  if (const json* v = o.find("algorithm")) {
    s.algorithm = read_string(*v, "algorithm", "\"raft\"");
    if (s.algorithm.empty()) {
      throw InputError("algorithm", "expected an algorithm name like \"raft\", got \"\"");
    }
  }
  if (const json* v = o.find("seed")) s.seed = read_seed(*v, "seed");
  if (const json* v = o.find("duration"))
    s.duration_us = read_duration(*v, "duration", Sign::Positive);
  run.nodes = s.nodes;
  run.duration_us = s.duration_us;

  if (const json* v = o.find("topology")) s.topology = read_topology(*v, "topology", run.nodes);
  if (const json* v = o.find("network")) s.network = read_network(*v, "network");
  if (const json* v = o.find("params")) s.params = read_params(*v, "params");
  if (const json* v = o.find("faults")) {
    if (!v->is_array())
      throw InputError("faults", "expected a list of faults, got " + describe(*v));
    for (size_t i = 0; i < v->size(); ++i) {
      s.faults.push_back(read_fault((*v)[i], index_path("faults", i), run));
    }
  }
  if (const json* v = o.find("nemesis")) s.nemesis = read_nemesis(*v, "nemesis", run);
  if (const json* v = o.find("workload")) s.workload = read_workload(*v, "workload", run);
  if (const json* v = o.find("expect")) {
    read_expectations(*v, "expect", schema().expect, run.nodes, s.expect, &s.expect_by_algorithm);
  }
  if (const json* v = o.find("golden")) read_golden(*v, "golden", s);
  if (const json* v = o.find("captions")) s.captions = read_captions(*v, "captions", run);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Text -> JSON

struct LineColumn {
  size_t line = 1, column = 0;
};

// The position after `count` bytes, counted the way nlohmann counts (column = bytes since the
// last newline).
LineColumn line_column(const std::string& text, size_t count) {
  LineColumn lc;
  for (size_t i = 0; i < std::min(count, text.size()); ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 0;
    } else {
      ++lc.column;
    }
  }
  if (count > text.size()) lc.column += count - text.size();  // the end of input counts as one
  return lc;
}

std::string at_line_column(const LineColumn& lc) {
  return "line " + std::to_string(lc.line) + ", column " + std::to_string(lc.column);
}

// Refuses nesting deeper than kMaxNesting before nlohmann sees the text.
void check_nesting(const std::string& text, const std::string& path, const std::string& prefix) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting) {
        throw InputError(path, prefix + at_line_column(line_column(text, i + 1)) +
                                   ": nesting deeper than " + std::to_string(kMaxNesting) +
                                   " levels; a scenario is a few levels deep");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

// Finds a key repeated within one object (nlohmann keeps the last one silently) and a number out
// of range (nlohmann turns an integer beyond 64 bits into an inexact double silently, and throws
// its own message for a double beyond +-1.8e308), and names the path. A second, SAX pass over
// text that already parsed (or failed with a number out of range): nlohmann's callback parser
// would do the same job in quadratic time on long lists of objects.
class DuplicateKeyCheck : public json::json_sax_t {
 public:
  static void run(const std::string& text) {
    DuplicateKeyCheck check(text);
    json::sax_parse(text, &check);
  }

  bool null() override { return element_done(); }
  bool boolean(bool) override { return element_done(); }
  bool number_integer(number_integer_t) override { return number_done(); }
  bool number_unsigned(number_unsigned_t) override { return number_done(); }
  bool number_float(number_float_t, const string_t& literal) override {
    // Digits without a fraction or exponent that still arrive as a double: they overflowed the
    // 64-bit integer range.
    if (literal.find_first_of(".eE") == std::string::npos) {
      throw InputError(path_to(frames_.size()),
                       "at " + at_line_column(number_start(numbers_)) + ": the integer " +
                           shown(literal) + " is out of range: integers must lie in [-2^63, " +
                           "2^64 - 1]");
    }
    return number_done();
  }
  bool string(string_t&) override { return element_done(); }
  bool binary(binary_t&) override { return element_done(); }
  bool start_object(std::size_t) override {
    frames_.emplace_back().object = true;
    return true;
  }
  bool key(string_t& key) override {
    Frame& f = frames_.back();
    f.key = key;
    if (!f.keys.insert(key).second) {
      throw InputError(path_to(frames_.size()),
                       "duplicate key '" + key + "': each key may appear once");
    }
    return true;
  }
  bool end_object() override { return end_container(); }
  bool start_array(std::size_t) override {
    frames_.emplace_back().object = false;
    return true;
  }
  bool end_array() override { return end_container(); }
  bool parse_error(std::size_t end, const std::string& token,
                   const nlohmann::detail::exception& e) override {
    // The text parsed once already, or failed on a number out of range (406): the only error
    // left to report here.
    if (e.id == 406) {
      throw InputError(
          path_to(frames_.size()),
          "at " + at_line_column(line_column(text_, end - std::min(end, token.size()) + 1)) +
              ": the number " + shown(token) +
              " is out of range: a number must fit a double (about +-1.8e308)");
    }
    return false;
  }

 private:
  explicit DuplicateKeyCheck(const std::string& text) : text_(text) {}
  static std::string shown(const std::string& literal) {
    return literal.size() > kMaxShown ? literal.substr(0, kMaxShown - 3) + "..." : literal;
  }
  bool number_done() {
    ++numbers_;
    return element_done();
  }
  // Where the number with this 0-based ordinal starts. Outside strings, a valid JSON text has
  // digits and '-' only in numbers, so each number begins where such a character follows one
  // that cannot be part of a number.
  LineColumn number_start(size_t ordinal) const {
    bool in_string = false, escaped = false, in_number = false;
    size_t seen = 0;
    for (size_t i = 0; i < text_.size(); ++i) {
      const char c = text_[i];
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      const bool number_char = std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
                               c == '+' || c == '.' || c == 'e' || c == 'E';
      if (c == '"') {
        in_string = true;
      } else if (!in_number && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        if (seen++ == ordinal) return line_column(text_, i + 1);
      }
      in_number = !in_string && number_char;
    }
    return line_column(text_, text_.size());
  }
  const std::string& text_;
  size_t numbers_ = 0;
  struct Frame {
    bool object = true;
    std::string key;   // object: the key being read
    size_t index = 0;  // array: the element being read
    std::set<std::string> keys;
  };
  bool end_container() {
    frames_.pop_back();
    return element_done();
  }
  bool element_done() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  std::string path_to(size_t depth) const {
    std::string path;
    for (size_t i = 0; i < depth; ++i) {
      path =
          frames_[i].object ? key_path(path, frames_[i].key) : index_path(path, frames_[i].index);
    }
    return path;
  }
  std::vector<Frame> frames_;
};

json parse_json_text(const std::string& text) {
  check_nesting(text, "", "");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::out_of_range&) {
    DuplicateKeyCheck::run(text);  // names the number out of range, its path and position
    throw;
  } catch (const json::parse_error& e) {
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 2: <detail>".
    const std::string what = e.what();
    const size_t colon = what.find(": ", what.find("parse error"));
    const std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw InputError("", "syntax error at " + at_line_column(line_column(text, e.byte)) + ": " +
                             printable(detail));
  }
  DuplicateKeyCheck::run(text);
  return doc;
}

json parse_document(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError("", "the file is empty: expected a JSON object describing the scenario");
  }
  return parse_json_text(text);
}

// ---------------------------------------------------------------------------------------------
// "--set path=value"

struct PathStep {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};

struct Override {
  std::string flag;       // "faults[0].at=3s", for messages
  std::string path_text;  // "faults[0].at"
  std::vector<PathStep> steps;
  json value;
};

[[noreturn]] void bad_override(const Override& o, const std::string& message) {
  throw InputError(o.path_text, "--set " + o.flag + ": " + message);
}

Override parse_override(const std::string& flag) {
  Override o;
  o.flag = flag;
  const size_t eq = flag.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError("", "--set " + flag + ": expected path=value, like seed=7 or faults[0].at=3s");
  }
  o.path_text = flag.substr(0, eq);
  const std::string& p = o.path_text;
  size_t i = 0;
  bool want_key = true;  // at the start and after '.'
  while (i < p.size() || want_key) {
    if (want_key) {
      const size_t end = std::min(p.find_first_of(".[]", i), p.size());
      if (end == i)
        bad_override(o, "expected a key at position " + std::to_string(i + 1) + " of the path");
      o.steps.push_back({false, p.substr(i, end - i), 0});
      i = end;
      want_key = false;
    } else if (p[i] == '.') {
      ++i;
      want_key = true;
    } else if (p[i] == '[') {
      const size_t close = p.find(']', i);
      const std::string digits = close == std::string::npos ? "" : p.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos) {
        bad_override(
            o, "expected an index like [0] at position " + std::to_string(i + 1) + " of the path");
      }
      o.steps.push_back({true, "", static_cast<size_t>(std::stoul(digits))});
      i = close + 1;
    } else {
      bad_override(o, "unexpected '" + std::string(1, p[i]) + "' at position " +
                          std::to_string(i + 1) + " of the path");
    }
  }
  const std::string value_text = flag.substr(eq + 1);
  check_nesting(value_text, o.path_text, "--set " + flag + ": value ");
  if (json::accept(value_text)) {
    o.value = json::parse(value_text);
    try {
      DuplicateKeyCheck::run(value_text);
    } catch (const InputError& e) {
      bad_override(o, "in the value: " + std::string(e.what()));
    }
  } else {
    o.value = value_text;
    try {
      (void)o.value.dump();
    } catch (const json::type_error&) {
      bad_override(o, "the value is not valid UTF-8");
    }
  }
  return o;
}

// Checks the path against the schema, so that a typo never creates a key the reader rejects
// without naming the flag. Returns the schema of the node each step reaches.
std::vector<const Schema*> check_override_path(const Override& o) {
  using Shape = Schema::Shape;
  const Schema* s = &schema().root;
  std::vector<const Schema*> reached;
  std::string walked;
  for (const auto& step : o.steps) {
    if (step.is_index) {
      if (s->shape == Shape::Array) {
        s = s->elem;
      } else if (s->shape != Shape::List && s->shape != Shape::Tree) {
        bad_override(o, "'" + walked + "' is not a list");
      }
      walked = index_path(walked, step.index);
      reached.push_back(s);
      continue;
    }
    switch (s->shape) {
      case Shape::Object: {
        const Schema* child = s->field(step.key);
        if (!child) {
          bad_override(o, unknown_name(s->what, step.key, s->names) +
                              (walked.empty() ? "" : " in '" + walked + "'"));
        }
        s = child;
        break;
      }
      case Shape::Map:
        s = s->elem;
        break;
      case Shape::Tree:
        break;
      case Shape::Array:
        bad_override(o, "'" + walked + "' is a list: use " + walked + "[N]");
      case Shape::Leaf:
      case Shape::List:
        bad_override(o, "'" + walked + "' has no fields");
    }
    walked = key_path(walked, step.key);
    reached.push_back(s);
  }
  return reached;
}

// Sets the value (null removes the key or element, restoring the default), creating objects
// and lists on the way; an index may be one past the end to append. A bound set on a plain
// expectation ("violations": 0, then --set expect.violations.max=2) replaces it.
void apply_override(json& doc, const Override& o) {
  const std::vector<const Schema*> reached = check_override_path(o);
  const bool erase = o.value.is_null();
  json* cur = &doc;
  std::string walked;
  for (size_t k = 0; k < o.steps.size(); ++k) {
    const PathStep& step = o.steps[k];
    const bool last = k + 1 == o.steps.size();
    if (k > 0 && reached[k - 1] == &schema().expect_value && cur->is_primitive() && !erase) {
      *cur = json::object();
    }
    if (step.is_index) {
      if (cur->is_null()) {
        if (erase) return;
        *cur = json::array();
      }
      if (!cur->is_array())
        bad_override(o, "'" + walked + "' is " + describe(*cur) + ", not a list");
      if (step.index > cur->size()) {
        bad_override(o, "'" + walked + "' has " + std::to_string(cur->size()) +
                            (cur->size() == 1 ? " entry" : " entries") +
                            ": the index must be at most " + std::to_string(cur->size()));
      }
      if (step.index == cur->size()) {
        if (erase) return;
        cur->push_back(nullptr);
      }
      if (last) {
        if (erase) {
          cur->erase(step.index);
        } else {
          (*cur)[step.index] = o.value;
        }
        return;
      }
      cur = &(*cur)[step.index];
      walked = index_path(walked, step.index);
      continue;
    }
    if (cur->is_null()) {
      if (erase) return;
      *cur = json::object();
    }
    if (!cur->is_object()) {
      bad_override(o, "'" + walked + "' is " + describe(*cur) + ", not an object");
    }
    if (last) {
      if (erase) {
        cur->erase(step.key);
      } else {
        (*cur)[step.key] = o.value;
      }
      return;
    }
    const auto it = cur->find(step.key);
    if (it == cur->end() && erase) return;
    cur = &(*cur)[step.key];
    walked = key_path(walked, step.key);
  }
}

// Whether one JSON path lies inside the other ("faults[0]" and "faults[0].at").
bool paths_overlap(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (longer.compare(0, shorter.size(), shorter) != 0) return false;
  return longer.size() == shorter.size() || longer[shorter.size()] == '.' ||
         longer[shorter.size()] == '[';
}

}  // namespace

namespace {

// Per partition fault ("faults[2]") and explicit topology ("topology.edges"): the nodes it leaves
// out (in no group; without an edge). Only where that set is not empty.
std::map<std::string, std::vector<NodeId>> left_out(const Scenario& s) {
  std::map<std::string, std::vector<NodeId>> out;
  for (size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (f.kind != FaultKind::Partition || f.groups.empty()) continue;
    std::set<NodeId> in;
    for (const auto& g : f.groups) in.insert(g.begin(), g.end());
    for (NodeId n = 0; n < s.nodes; ++n)
      if (in.count(n) == 0) out["faults[" + std::to_string(i) + "]"].push_back(n);
  }
  if (s.topology.kind == TopologySpec::Kind::Explicit) {
    std::set<NodeId> linked;
    for (const auto& e : s.topology.edges) linked.insert({e.a, e.b});
    for (NodeId n = 0; n < s.nodes; ++n)
      if (linked.count(n) == 0) out["topology.edges"].push_back(n);
  }
  return out;
}

std::string names(const std::vector<NodeId>& nodes) {
  std::string out;
  for (NodeId n : nodes) out += (out.empty() ? "" : ", ") + node_name(n);
  return out;
}

// What the overrides did that the file did not mean: nodes they leave outside every partition
// group (they silently form one more group: a 3/2 split becomes 3/2/2) or without any edge of an
// explicit topology. Only where the file as written left no node out.
std::vector<std::string> override_warnings(const Scenario& with, const Scenario& without,
                                           const std::vector<std::string>& overrides) {
  std::string flags;
  for (const std::string& o : overrides)
    if (o.rfind("algorithm=", 0) != 0 && o.rfind("seed=", 0) != 0)  // --algo, --seed, check
      flags += (flags.empty() ? "--set " : ", --set ") + o;
  const auto before = left_out(without);
  std::vector<std::string> warnings;
  for (const auto& [where, nodes] : left_out(with)) {
    if (before.count(where) != 0) continue;
    const bool one = nodes.size() == 1;
    if (where == "topology.edges")
      warnings.push_back(where + ": " + names(nodes) + (one ? " has" : " have") +
                         " no edge after " + flags + ", so " + (one ? "it reaches" : "they reach") +
                         " no other node");
    else
      warnings.push_back(where + ": " + names(nodes) + (one ? " is" : " are") +
                         " in no partition group after " + flags + ", so " +
                         (one ? "it forms a group of its own" : "they form a group of their own") +
                         ": the file's groups covered all " + std::to_string(without.nodes) +
                         " nodes (groups like [\"majority\", \"minority\"] or "
                         "[[\"leader\", \"minority\"]] scale with the cluster)");
  }
  return warnings;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file,
                        const std::vector<std::string>& overrides) {
  try {
    json doc = parse_document(text);
    if (!doc.is_object()) {
      throw InputError("", "expected a JSON object describing the scenario, got " + describe(doc));
    }
    std::vector<Override> parsed;
    for (const auto& flag : overrides) {
      parsed.push_back(parse_override(flag));
      apply_override(doc, parsed.back());
    }
    Scenario s;
    try {
      s = read_scenario(doc);
    } catch (const InputError& e) {
      // Name the flag when the bad value came from one (the last flag that touched the path).
      for (auto it = parsed.rbegin(); it != parsed.rend(); ++it) {
        if (!e.path().empty() && paths_overlap(e.path(), it->path_text)) {
          throw InputError(e.path(), std::string(e.what()) + " (from --set " + it->flag + ")");
        }
      }
      throw;
    }
    s.file = file;
    if (!overrides.empty() && !left_out(s).empty()) {
      // Compared with the file as written; a file that is only valid with its overrides has
      // nothing to compare with.
      try {
        s.warnings = override_warnings(s, parse_scenario(text, file, {}), overrides);
      } catch (const InputError&) {
      }
    }
    doc["algorithm"] = s.algorithm;
    doc["seed"] = s.seed;
    s.resolved_json = doc.dump();
    return s;
  } catch (const json::exception& e) {
    // Not expected: every value is checked before nlohmann could object. Still bad input, not a
    // crash.
    throw InputError("", std::string("unreadable JSON: ") + printable(e.what()));
  }
}

void check_json_text(const std::string& text, size_t first_line) {
  try {
    (void)parse_json_text(text);
  } catch (const InputError& e) {
    // Messages say "at line L, column C" of `text`; shift L to the file's numbering.
    std::string message = e.what();
    const std::string at = "at line ";
    const size_t pos = message.find(at);
    if (pos != std::string::npos && first_line > 1) {
      const size_t digits = message.find_first_not_of("0123456789", pos + at.size());
      const size_t line = std::strtoull(message.c_str() + pos + at.size(), nullptr, 10);
      message.replace(pos + at.size(), digits - pos - at.size(),
                      std::to_string(line + first_line - 1));
    }
    throw InputError(e.path(), message);
  }
}

Scenario load_scenario(const std::string& file, const std::vector<std::string>& overrides) {
  std::string text, error;
  if (!read_file_capped(file, kMaxScenarioBytes, "scenario", text, error)) {
    throw InputError("", error);
  }
  return parse_scenario(text, file, overrides);
}

}  // namespace ballot
