// Reading the sections of a scenario other than faults (latency, network, topology, params,
// workload, expectations, golden hashes, captions) and the whole scenario.
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

#include "sim/api/params.h"
#include "sim/kernel/observers.h"
#include "sim/scenario/scenario_read.h"

namespace ballot::reader {

namespace {

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
      return {"value", "min"};
    case D::Uniform:
      return {"min", "max"};
    case D::Normal:
      return {"mean", "stddev", "min"};
    case D::Exponential:
      return {"mean", "min"};
    case D::Lognormal:
      return {"mu", "sigma", "min"};
    case D::Pareto:
      return {"scale", "shape", "min"};
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
  if (m.dist != D::Uniform) duration("min", m.floor_us, Sign::NonNegative);
  switch (m.dist) {
    case D::Constant:
      duration("value", m.constant_us, Sign::NonNegative);
      if (m.constant_us < m.floor_us) {
        throw InputError(o.at(o.find("value") ? "value" : "min"),
                         "expected value >= min, got value " + format_duration(m.constant_us) +
                             " < min " + format_duration(m.floor_us));
      }
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
      // Truncation conditions on X > min: refuse a normal with (almost) nothing above min rather
      // than sample a tail that is all rounding error.
      if (m.stddev_us > 0 ? normal_upper_tail((static_cast<double>(m.floor_us) - m.mean_us) /
                                              m.stddev_us) < 1e-15
                          : m.mean_us < static_cast<double>(m.floor_us)) {
        throw InputError(o.at(o.find("min") ? "min" : "mean"),
                         "a normal with mean " + format_duration(std::llround(m.mean_us)) +
                             " and stddev " + format_duration(std::llround(m.stddev_us)) +
                             " has almost no mass above min " + format_duration(m.floor_us) +
                             " (less than 1e-15); raise mean or stddev, or lower min");
      }
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

// A distribution, or null for none (a node's override turning the scenario-wide one off).
std::optional<LatencyModel> read_optional_latency(const json& j, const std::string& path) {
  if (j.is_null()) return std::nullopt;
  return read_latency(j, path);
}

// `{"<field>": <distribution or null>, "nodes": {"n3": {"<field>": ...}}}`: the scenario-wide
// model and the per-node overrides (a node's entry without the field means none for it).
void read_per_node_model(const json& j, const std::string& path, const Schema& schema,
                         const std::string& field, int32_t nodes, std::optional<LatencyModel>& all,
                         std::map<NodeId, std::optional<LatencyModel>>& by_node) {
  const Obj o(j, path, schema);
  if (const json* v = o.find(field)) all = read_optional_latency(*v, o.at(field));
  const json* per = o.find("nodes");
  if (!per) return;
  const Obj p(*per, o.at("nodes"), *schema.field("nodes"));
  for (const auto& [key, value] : per->items()) {
    const NodeId id = read_node(json(key), p.at(key), nodes);
    const Obj e(value, p.at(key), *schema.field("nodes")->elem);
    std::optional<LatencyModel> m;
    if (const json* v = e.find(field)) m = read_optional_latency(*v, e.at(field));
    by_node[id] = m;
  }
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
    if (metric == "reached") {
      // Situation names; whether the algorithm has them is the runner's to say (the reader
      // knows no algorithm).
      if (!v.is_array())
        throw InputError(
            at, "expected a list of situation names like [\"split_vote\"], got " + describe(v));
      for (size_t i = 0; i < v.size(); ++i) {
        e.path = index_path(at, i);
        e.situation = read_string(v[i], e.path, "\"split_vote\"");
        if (e.situation.empty())
          throw InputError(e.path, "expected a situation name like \"split_vote\", got \"\"");
        out.push_back(e);
      }
      continue;
    }
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

}  // namespace

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
  // Before the faults, which may name the device.
  if (const json* v = o.find("stonith")) {
    s.stonith = read_stonith(*v, "stonith");
    if (s.topology.kind != TopologySpec::Kind::FullMesh) {
      throw InputError("stonith",
                       "a fencing device needs the full-mesh topology (the device is linked to "
                       "every node), got topology.kind \"" +
                           std::string(o.find("topology")->value("kind", "")) + "\"");
    }
    run.stonith = true;
  }
  if (const json* v = o.find("network")) s.network = read_network(*v, "network");
  // "timers": {"jitter": <distribution>, "nodes": {...}} and "storage": {"sync": ...} in the same
  // shape (docs/scenario-format.md, "timers" and "storage").
  if (const json* v = o.find("timers")) {
    read_per_node_model(*v, "timers", schema().timers, "jitter", run.nodes, s.timer_jitter,
                        s.timer_jitter_nodes);
  }
  if (const json* v = o.find("storage")) {
    read_per_node_model(*v, "storage", schema().storage, "sync", run.nodes, s.storage_sync,
                        s.storage_sync_nodes);
  }
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
  if (const json* v = o.find("captions"))
    s.captions = read_captions(*v, "captions", run, s.faults.size());
  return s;
}

}  // namespace ballot::reader
