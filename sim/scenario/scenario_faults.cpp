// Reading faults and the nemesis. What each fault kind takes comes from the table of fault kinds
// (sim/kernel/fault_kinds.h).
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

#include "sim/scenario/scenario_read.h"

namespace ballot::reader {

FaultKind read_fault_kind(const json& j, const std::string& path) {
  const std::string name = read_string(j, path, "\"partition\"");
  const auto kind = fault_kind_from_name(name);
  if (!kind) throw InputError(path, unknown_name("fault kind", name, fault_kind_names()));
  return *kind;
}

namespace {

// Rejects a field the kind does not take and requires the ones it must have: what the kind takes
// besides `at`, `kind` and (unless instantaneous) `duration` is the table of fault kinds
// (sim/kernel/fault_kinds.cpp), required fields first.
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

// The fencing device's name in faults (docs/stonith.md).
constexpr std::string_view kDeviceName = "stonith";

bool names_device(const json& j) {
  return j.is_string() && j.get<std::string>() == kDeviceName;
}

// The list without "stonith".
json without_device(const json& list) {
  json out = json::array();
  for (const json& item : list)
    if (!names_device(item)) out.push_back(item);
  return out;
}

// A fault's `nodes`: node names or a selector; every node once for a kind whose order matters.
// With a fencing device, a crash, pause or isolate may also name "stonith".
void read_fault_nodes(const json& given, const std::string& path, const FaultKindInfo& info,
                      const RunFrame& run, FaultSpec& f) {
  const FaultField& field = *info.field("nodes");
  json v = given;
  bool device = false;
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (!names_device(v[i])) continue;
      const std::string at = index_path(path, i);
      if (!run.stonith)
        throw InputError(at,
                         "\"stonith\" names the fencing device, and the scenario has none "
                         "(add a \"stonith\" block)");
      if (f.kind != FaultKind::Crash && f.kind != FaultKind::Pause &&
          f.kind != FaultKind::Isolate) {
        throw InputError(at,
                         "the fencing device can be crashed, paused or isolated, not hit by a " +
                             std::string(info.name) + " fault");
      }
      if (device) throw InputError(at, "\"stonith\" is listed twice");
      device = true;
    }
    v = without_device(v);
  }
  if (device && v.empty()) {
    f.nodes = {stonith_device_id(run.nodes)};
    return;
  }
  const Targets t = read_targets(v, path, run.nodes);
  if (device && t.selector != Selector::None)
    throw InputError(path, "a selector must stand alone: not with \"stonith\"");
  if (field.required && t.nodes.empty() && t.selector == Selector::None) {
    throw InputError(path,
                     "expected at least one node, or a selector like "
                     "[\"leader\"]; got an empty list");
  }
  f.nodes = t.nodes;
  f.selector = t.selector;
  if (device) f.nodes.push_back(stonith_device_id(run.nodes));
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

// A partition's groups with the fencing device taken out: the group that names "stonith" (as an
// item, or alone) is where the device stays linked (f.device_side, its fixed nodes); a group of
// the device alone leaves it linked to nobody. Groups with selectors or "majority"/"minority"
// cannot hold the device (their nodes are known only when the fault fires).
json read_device_group(const json& j, const std::string& path, const RunFrame& run, FaultSpec& f) {
  if (!j.is_array()) return j;
  json out = json::array();
  for (size_t g = 0; g < j.size(); ++g) {
    const std::string at = index_path(path, g);
    const bool alone =
        names_device(j[g]) || (j[g].is_array() && j[g].size() == 1 && names_device(j[g][0]));
    const bool inside = j[g].is_array() && std::any_of(j[g].begin(), j[g].end(), names_device);
    if (!alone && !inside) {
      out.push_back(j[g]);
      continue;
    }
    if (f.device_in_groups) throw InputError(at, "\"stonith\" is already in another group");
    f.device_in_groups = true;
    if (alone) continue;
    const json rest = without_device(j[g]);
    const NodeSetSpec set = read_node_set(rest, at, run.nodes);
    if (set.dynamic() || set.fill != NodeSetSpec::Fill::None) {
      throw InputError(at,
                       "a group with \"stonith\" takes node names and ranges only (no "
                       "selector, \"majority\" or \"minority\")");
    }
    f.device_side = set.nodes;
    std::sort(f.device_side.begin(), f.device_side.end());
    out.push_back(rest);
  }
  return out;
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

// A time written as a range {"min": ..., "max": ...} (both required, min <= max), each end read
// by `read_end`; the run draws the value (draw_fault_times, sim/kernel/nemesis.h).
template <typename ReadEnd>
std::pair<Time_us, Time_us> read_time_range(const json& j, const std::string& path,
                                            ReadEnd read_end) {
  const Obj o(j, path, schema().time_range);
  const std::string context = " (a range like {\"min\": \"1s\", \"max\": \"1.05s\"})";
  const Time_us lo = read_end(o.require("min", context), o.at("min"));
  const Time_us hi = read_end(o.require("max", context), o.at("max"));
  if (lo > hi) {
    throw InputError(o.at("min"), "expected min <= max, got min " + format_duration(lo) +
                                      " > max " + format_duration(hi));
  }
  return {lo, hi};
}

}  // namespace

FaultSpec read_fault(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().fault);
  FaultSpec f;
  f.path = path;
  f.kind = read_fault_kind(o.require("kind"), o.at("kind"));
  const FaultKindInfo& info = fault_kind_info(f.kind);
  check_fault_fields(o, info);

  const json& at = *o.find("at");
  for (const char* key : {"at", "duration"}) {
    const json* v = o.find(key);
    if (v && v->is_array()) {
      throw InputError(o.at(key),
                       "expected a duration like \"3s\" or a range like {\"min\": "
                       "\"3s\", \"max\": \"3.05s\"}, got " +
                           describe(*v));
    }
  }
  if (at.is_object()) {
    const auto [lo, hi] = read_time_range(at, o.at("at"), [&](const json& v, const std::string& p) {
      return read_time_in_run(v, p, run, "fault");
    });
    f.at_us = lo;
    f.at_max_us = hi;
  } else {
    f.at_us = read_time_in_run(at, o.at("at"), run, "fault");
  }
  if (const json* v = o.find("duration")) {
    auto read = [](const json& d, const std::string& p) {
      return read_duration(d, p, Sign::NonNegative);
    };
    if (v->is_object()) {
      const auto [lo, hi] = read_time_range(*v, o.at("duration"), read);
      f.duration_us = lo;
      f.duration_max_us = hi;
    } else {
      f.duration_us = read(*v, o.at("duration"));
    }
  }
  if (const json* v = o.find("groups")) {
    if (run.stonith && f.kind == FaultKind::Partition) {
      const json groups = read_device_group(*v, o.at("groups"), run, f);
      read_groups(groups, o.at("groups"), run.nodes, f);
    } else {
      read_groups(*v, o.at("groups"), run.nodes, f);
    }
  }
  if (const json* v = o.find("nodes")) read_fault_nodes(*v, o.at("nodes"), info, run, f);
  if (f.kind == FaultKind::LinkCut) {
    read_link_ends(*o.find("from"), *o.find("to"), o.at("from"), o.at("to"), run.nodes, f);
  } else {
    if (const json* v = o.find("from")) f.from = read_node(*v, o.at("from"), run.nodes);
    if (const json* v = o.find("to")) f.to = read_node(*v, o.at("to"), run.nodes);
  }
  if ((f.kind == FaultKind::Flap || f.kind == FaultKind::DropMessage) && f.from == f.to) {
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
  if (const json* v = o.find("nth")) f.nth = read_int(*v, o.at("nth"), 1, INT64_MAX);
  return f;
}

StonithSpec read_stonith(const json& j, const std::string& path) {
  const Obj o(j, path, schema().stonith);
  StonithSpec st;
  st.enabled = true;
  if (const json* v = o.find("on_unreachable")) {
    const std::string what = read_string(*v, o.at("on_unreachable"), "\"wait\"");
    if (what != "wait" && what != "proceed") {
      throw InputError(o.at("on_unreachable"),
                       "expected \"wait\" or \"proceed\", got " + describe(*v));
    }
    st.proceed = what == "proceed";
  }
  if (const json* v = o.find("timeout"))
    st.timeout_us = read_duration(*v, o.at("timeout"), Sign::Positive);
  return st;
}

NemesisSpec read_nemesis(const json& j, const std::string& path, const RunFrame& run) {
  const Obj o(j, path, schema().nemesis);
  NemesisSpec n;
  n.enabled = true;
  if (const json* v = o.find("enabled")) n.enabled = read_bool(*v, o.at("enabled"));
  if (const json* v = o.find("swarm")) n.swarm = read_bool(*v, o.at("swarm"));
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
    if (kind == FaultKind::DropMessage) {
      throw InputError(at,
                       "the nemesis does not draw drop_message faults (they name one message); "
                       "script them under \"faults\"");
    }
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
