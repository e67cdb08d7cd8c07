// Reading faults and the nemesis. What each fault kind takes comes from the table of fault kinds
// (sim/fault_kinds.h).
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

#include "sim/scenario_read.h"

namespace ballot::reader {

FaultKind read_fault_kind(const json& j, const std::string& path) {
  const std::string name = read_string(j, path, "\"partition\"");
  const auto kind = fault_kind_from_name(name);
  if (!kind) throw InputError(path, unknown_name("fault kind", name, fault_kind_names()));
  return *kind;
}

std::vector<std::vector<NodeId>> read_groups(const json& j, const std::string& path,
                                             int32_t nodes) {
  if (!j.is_array() || j.empty()) {
    throw InputError(path,
                     "expected a non-empty list of node groups like [[\"n1\"], [\"n2\", "
                     "\"n3\"]], got " +
                         describe(j));
  }
  std::vector<std::vector<NodeId>> groups;
  std::map<NodeId, size_t> group_of;
  for (size_t g = 0; g < j.size(); ++g) {
    const std::string group_path = index_path(path, g);
    if (!j[g].is_array() || j[g].empty()) {
      throw InputError(group_path,
                       "expected a non-empty list of node names, got " + describe(j[g]));
    }
    groups.emplace_back();
    for (size_t i = 0; i < j[g].size(); ++i) {
      const std::string at = index_path(group_path, i);
      const NodeId id = read_node(j[g][i], at, nodes);
      const auto [it, fresh] = group_of.emplace(id, g);
      if (!fresh) {
        throw InputError(at, "node '" + node_name(id) + "' is already in " +
                                 index_path(path, it->second) + ": groups must be disjoint");
      }
      groups.back().push_back(id);
    }
  }
  return groups;
}

namespace {

// Rejects a field the kind does not take and requires the ones it must have: what the kind takes
// besides `at`, `kind` and (unless instantaneous) `duration` is the table of fault kinds
// (sim/fault_kinds.cpp), required fields first.
void check_fault_fields(const Obj& o, const FaultKindInfo& info) {
  const std::string name(info.name);
  std::vector<std::string> required, takes = {"at", "kind"};
  if (!info.instantaneous()) takes.push_back("duration");
  for (const FaultField& field : info.fields)
    if (field.required) required.emplace_back(field.name);
  takes.insert(takes.end(), required.begin(), required.end());
  for (const FaultField& field : info.fields)
    if (!field.required) takes.emplace_back(field.name);
  for (const auto& [key, value] : o.value().items()) {
    if (std::find(takes.begin(), takes.end(), key) == takes.end()) {
      throw InputError(o.at(key), "field '" + key + "' does not belong to a " + name + " fault (" +
                                      name + " takes: " + join(takes) + ")");
    }
  }
  const std::string context = " for a " + name + " fault";
  o.require("at", context);
  for (const auto& key : required) o.require(key, context);
}

// A fault's `nodes`: node names or a selector; every node once for a kind whose order matters.
void read_fault_nodes(const json& v, const std::string& path, const FaultKindInfo& info,
                      const RunFrame& run, FaultSpec& f) {
  const FaultField& field = *info.field("nodes");
  const Targets t = read_targets(v, path, run.nodes);
  if (field.required && t.nodes.empty() && t.selector == Selector::None) {
    throw InputError(path,
                     "expected at least one node, or a selector like "
                     "[\"leader\"]; got an empty list");
  }
  f.nodes = t.nodes;
  f.selector = t.selector;
  if (field.type == FaultFieldType::NodeOrder) {
    std::vector<NodeId> sorted = f.nodes;
    std::sort(sorted.begin(), sorted.end());
    const bool permutation = t.selector == Selector::None &&
                             static_cast<int32_t>(sorted.size()) == run.nodes &&
                             std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
    if (!permutation) {
      throw InputError(path,
                       "expected every node exactly once, in the order of the shape (or no "
                       "\"nodes\" for a random order), got " +
                           describe(v));
    }
  }
}

}  // namespace

FaultSpec read_fault(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().fault);
  FaultSpec f;
  f.path = path;
  f.kind = read_fault_kind(o.require("kind"), o.at("kind"));
  const FaultKindInfo& info = fault_kind_info(f.kind);
  check_fault_fields(o, info);

  f.at_us = read_time_in_run(*o.find("at"), o.at("at"), run, "fault");
  if (const json* v = o.find("duration")) {
    f.duration_us = read_duration(*v, o.at("duration"), Sign::NonNegative);
  }
  if (const json* v = o.find("groups")) f.groups = read_groups(*v, o.at("groups"), run.nodes);
  if (const json* v = o.find("nodes")) read_fault_nodes(*v, o.at("nodes"), info, run, f);
  if (const json* v = o.find("from")) f.from = read_node(*v, o.at("from"), run.nodes);
  if (const json* v = o.find("to")) f.to = read_node(*v, o.at("to"), run.nodes);
  if ((f.kind == FaultKind::LinkCut || f.kind == FaultKind::Flap) && f.from == f.to) {
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

}  // namespace ballot::reader
