// The scenario reader's shared parts (internal: only sim/scenario_*.cpp and
// sim/scenario/json_text.cpp include it, so nlohmann/json stays out of every other translation
// unit). The reader is split by what it reads:
//
//   sim/scenario/scenario_values.cpp    paths and messages, the schema, values (numbers, durations,
//   nodes) sim/scenario/json_text.cpp          text -> JSON: nesting, repeated keys, numbers out of
//   range sim/scenario/scenario_faults.cpp    faults (from the table of fault kinds) and the
//   nemesis sim/scenario/scenario_sections.cpp  every other section, and the whole scenario
//   sim/scenario/scenario_json.cpp      "--set" overrides, their warnings, "variants", and the
//   public entry points
//
// Every present-but-wrong value is an InputError naming its JSON path and saying what was
// expected and what was found; nothing falls back to a default silently. The shape of the file
// (which keys exist where) is one table, SchemaSet, used both to reject unknown keys and to check
// "--set" paths before they touch the document.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

namespace ballot::reader {

using json = nlohmann::json;

// ---- sim/scenario/scenario_values.cpp ----

inline constexpr int32_t kMaxNodes = 1000;
// Real scenarios nest about six levels; much deeper input is garbage, and refusing it early keeps
// every later recursive walk (and nlohmann's dump) far from the stack limit.
inline constexpr size_t kMaxNesting = 64;
// Longest rendering of a found value quoted in a message.
inline constexpr size_t kMaxShown = 60;
inline constexpr int64_t kMaxClients = 1000;
inline constexpr int64_t kMaxKeys = 1000000;
inline constexpr int64_t kMaxClientId = 1000000;
// Clock drift: -1e6 ppm would stop the clock; below that it would run backwards.
inline constexpr int64_t kMinDriftPpm = -999999;
inline constexpr int64_t kMaxDriftPpm = 1000000;
inline constexpr size_t kGoldenHexDigits = 16;
// The longest time a scenario names: the run, every `at`, duration, delay, period, interval,
// timeout, latency and (either way) clock jump. A week of simulated time is far more than an
// event-driven run covers in reasonable wall time, and it is under 2^40 µs, 8 million times
// below the 64-bit limit, so sums of such values (a time plus a delay, many jumps, a clock at
// double speed) stay exact everywhere in the kernel. docs/scenario-format.md#limits.
inline constexpr Time_us kMaxTime_us = 7 * 24 * 3600 * kSecond_us;
inline constexpr const char* kMaxTimeText = "168h";
// The shortest leader-duty period and mean nemesis interval: each period or fault costs events and
// memory for the rest of the run, and a microsecond would cost a million per simulated second.
inline constexpr Time_us kMinDutyPeriod_us = kMillisecond_us;
inline constexpr Time_us kMinNemesisInterval_us = kMillisecond_us;

std::string key_path(const std::string& base, const std::string& key);

std::string index_path(const std::string& base, size_t index);

std::string join(const std::vector<std::string>& names);

// How a found value reads in a message: true, 1.5, "abc", an object, a list, null.
std::string describe(const json& j);

// "unknown fault kind 'partiton' (did you mean 'partition'?)"; without a close name, the list.
std::string unknown_name(const std::string& what, const std::string& name,
                         const std::vector<std::string>& valid);

// Bytes of a third-party message that would garble a terminal become \xNN.
std::string printable(const std::string& s);

std::string node_range(int32_t nodes);

std::string node_name(NodeId id);

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
  Schema root, topology, edge, edges, network, latency, timers, timer_nodes, timer_node, storage,
      storage_nodes, storage_node, params, fault, faults, nemesis, stonith, workload, op, ops,
      expect, expect_algo, expect_value, by_algorithm, golden, golden_entry, caption, captions,
      time_range, variant, variants, anchor;

  SchemaSet();

 private:
  static Schema shaped(Shape shape);
  static void object(Schema& s, const std::vector<std::pair<std::string, const Schema*>>& fields);
  static void array(Schema& s, const Schema& elem);
  static void map(Schema& s, const Schema& elem);
};

const SchemaSet& schema();

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

enum class Sign { Any, NonNegative, Positive };

std::string read_string(const json& j, const std::string& path, const std::string& example = "");

bool read_bool(const json& j, const std::string& path);

std::string int_range(int64_t min, int64_t max);

int64_t read_int(const json& j, const std::string& path, int64_t min, int64_t max);

uint64_t read_seed(const json& j, const std::string& path);

// 1.5, 0.25, and whole numbers without ".0" (as they would be written in a file).
std::string render_number(double d);

// A number in [min, max]; `what` names it in the message ("a probability").
double read_number(const json& j, const std::string& path, double min, double max,
                   const std::string& what = "a number");

double read_probability(const json& j, const std::string& path);

// A positive finite number (a distribution's shape).
double read_positive(const json& j, const std::string& path);

// "150ms", "2s", "1.5s", "500us", "3m", or a JSON number of milliseconds; unbounded.
Time_us read_any_duration(const json& j, const std::string& path, Sign sign);

// A duration within the scenario limits (kMaxTime_us), at least `min_us` when that is given.
Time_us read_duration(const json& j, const std::string& path, Sign sign, Time_us min_us = 0);

const std::vector<std::pair<std::string, Selector>>& selectors();

std::optional<Selector> selector_from_name(const std::string& name);

// 1-based number of "n7"; nullopt unless the text is n<positive integer without leading zero>.
std::optional<int64_t> node_number(const std::string& s);

NodeId read_node(const json& j, const std::string& path, int32_t nodes);

struct Targets {
  std::vector<NodeId> nodes;
  Selector selector = Selector::None;
};

// A list of distinct node names, or a list holding exactly one selector.
Targets read_targets(const json& j, const std::string& path, int32_t nodes);

// What every section needs to know about the run.
struct RunFrame {
  int32_t nodes = 3;
  Time_us duration_us = 10 * kSecond_us;
  bool stonith = false;  // the scenario has a fencing device: faults may name "stonith"
};

Time_us read_time_in_run(const json& j, const std::string& path, const RunFrame& run,
                         const std::string& what);

// ---- sim/scenario/scenario_faults.cpp ----

FaultKind read_fault_kind(const json& j, const std::string& path);

FaultSpec read_fault(const json& j, const std::string& path, const RunFrame& run);

NemesisSpec read_nemesis(const json& j, const std::string& path, const RunFrame& run);
// The "stonith" block (docs/stonith.md).
StonithSpec read_stonith(const json& j, const std::string& path);

// ---- sim/scenario/scenario_captions.cpp ----

// The "captions" list: each at a time ("at") or anchored to an event ("on"); `faults` is the
// number of scripted faults (a fault anchor names one by position).
std::vector<Caption> read_captions(const json& j, const std::string& path, const RunFrame& run,
                                   size_t faults);

// ---- sim/scenario/scenario_sections.cpp ----

// The whole scenario from its (overridden) document.
Scenario read_scenario(const json& doc);

// ---- sim/scenario/json_text.cpp ----

// Refuses nesting deeper than kMaxNesting (InputError at `path`, message after `prefix`).
void check_nesting(const std::string& text, const std::string& path, const std::string& prefix);
// Refuses a key repeated within one object and a number out of range (the text is valid JSON).
void check_repeated_keys(const std::string& text);

// Text -> JSON, refusing deep nesting, repeated keys and numbers out of range, with the line and
// column of the problem.
json parse_json_text(const std::string& text);
// The same for a scenario file's text.
json parse_document(const std::string& text);

}  // namespace ballot::reader
