#include "viz/fork.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/api/params.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/scenario.h"

namespace ballot::viz {

namespace {

using json = nlohmann::json;

json parse_doc(const std::string& scenario_json) {
  json doc = json::parse(scenario_json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw InputError("", "the run's scenario is not a JSON object");
  return doc;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) {
    part = trim(part);
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// A value typed in the panel: JSON when it reads as JSON (3, true, "x", [..]), else the text as
// a string (150ms, none, leader).
json typed_value(const std::string& text) {
  const std::string t = trim(text);
  json j = json::parse(t, nullptr, false);
  if (!j.is_discarded()) return j;
  return t;
}

bool node_name(const std::string& s) {
  return s.size() >= 2 && s[0] == 'n' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isdigit(c) != 0; });
}

json node_list(const std::string& text) {
  json list = json::array();
  for (const std::string& n : split(text, ',')) list.push_back(n);
  return list;
}

// A new fault's field, by its type in the fault-kind table; JSON is taken as written.
json field_value(FaultFieldType type, const std::string& text) {
  const std::string t = trim(text);
  if (!t.empty() && (t[0] == '[' || t[0] == '{' || t[0] == '"')) return typed_value(t);
  switch (type) {
    case FaultFieldType::Groups: {
      json groups = json::array();
      for (const std::string& g : split(t, '|')) groups.push_back(node_list(g));
      return groups;
    }
    case FaultFieldType::NodeSet:
    case FaultFieldType::Nodes:
    case FaultFieldType::NodeOrder: {
      return node_list(t);  // names, ranges ("n1..n3") and selectors ("leader") alike
    }
    case FaultFieldType::Node:
    case FaultFieldType::MessageType:
    case FaultFieldType::Delay:
    case FaultFieldType::Jump:
      return t;
    case FaultFieldType::Bool:
    case FaultFieldType::Probability:
    case FaultFieldType::Ppm:
    case FaultFieldType::Count:
      return typed_value(t);
  }
  return t;
}

std::string render_param(const ParamValue& v, ForkParam::Type type) {
  switch (v.kind) {
    case ParamValue::Kind::Int:
      return type == ForkParam::Type::Duration ? format_duration(v.i) : std::to_string(v.i);
    case ParamValue::Kind::Double: {
      std::ostringstream out;
      out << v.d;
      return out.str();
    }
    case ParamValue::Kind::Bool:
      return v.b ? "true" : "false";
    case ParamValue::Kind::String:
      return v.s;
  }
  return "";
}

// Removes `key` ("bugs.x") from a params section, written flat or nested.
void erase_param(json& section, const std::string& key) {
  section.erase(key);
  const size_t dot = key.find('.');
  if (dot == std::string::npos) return;
  const std::string head = key.substr(0, dot);
  if (!section.contains(head) || !section[head].is_object()) return;
  erase_param(section[head], key.substr(dot + 1));
  if (section[head].empty()) section.erase(head);
}

std::string fault_line(const ForkFault& f) {
  return "faults[" + std::to_string(f.index) + "] " + f.kind;
}

Time_us event_time(const std::string& line) {
  const size_t p = line.find("\"t\":");
  return p == std::string::npos ? 0 : std::strtoll(line.c_str() + p + 4, nullptr, 10);
}

}  // namespace

std::vector<ForkFault> fork_faults(const std::string& scenario_json, Time_us fork_us) {
  const json doc = parse_doc(scenario_json);
  const Scenario s = parse_scenario(scenario_json, "scenario");
  std::vector<ForkFault> out;
  const json& list = doc.contains("faults") ? doc["faults"] : json::array();
  for (size_t i = 0; i < s.faults.size() && i < list.size(); ++i) {
    const FaultSpec& spec = s.faults[i];
    ForkFault f;
    f.index = i;
    f.kind = fault_kind_name(spec.kind);
    f.at_us = spec.at_us;
    f.at_max_us = spec.at_max_us;
    f.duration_us = spec.duration_us;
    f.ranged_duration = spec.duration_max_us != kNever_us;
    f.instantaneous = fault_kind_info(spec.kind).instantaneous();
    json rest = list[i];
    for (const char* k : {"at", "kind", "duration"}) rest.erase(k);
    for (const auto& [k, v] : rest.items())
      f.details += (f.details.empty() ? "" : ", ") + k + " " + v.dump();
    f.editable = spec.at_us >= fork_us;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<ForkParam> fork_params(const std::string& scenario_json) {
  const json doc = parse_doc(scenario_json);
  const std::string algo = doc.value("algorithm", std::string("bully"));
  const AlgorithmInfo* info = find_algorithm(algo);
  if (info == nullptr) return {};
  const int32_t nodes =
      doc.contains("nodes") && doc["nodes"].is_number_integer() ? doc["nodes"].get<int32_t>() : 3;
  Params asked("params." + algo, {});
  try {
    (void)info->make(asked, nodes);
  } catch (const std::exception&) {
    // What it asked before giving up is still listed.
  }
  const Scenario s = parse_scenario(scenario_json, "scenario");
  const auto section = s.params.find(algo);
  std::vector<ForkParam> out;
  std::set<std::string> seen;
  for (const ParamAsked& a : asked.asked()) {
    const size_t dot = a.key.find('.');
    if (dot != std::string::npos && node_name(a.key.substr(0, dot))) continue;  // per node
    if (!seen.insert(a.key).second) continue;
    ForkParam p;
    p.key = a.key;
    p.type = static_cast<ForkParam::Type>(a.type);
    p.fallback = render_param(a.fallback, p.type);
    p.choices = a.choices;
    if (section != s.params.end()) {
      const auto it = section->second.find(a.key);
      // As written: a bare number for a duration is milliseconds, and stays a bare number.
      if (it != section->second.end())
        p.value = render_param(it->second,
                               p.type == ForkParam::Type::Duration ? ForkParam::Type::Int : p.type);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string describe_edits(const std::string& scenario_json, const ForkEdits& edits) {
  std::vector<ForkFault> faults;
  try {
    faults = fork_faults(scenario_json, 0);
  } catch (const std::exception&) {
  }
  std::vector<std::string> parts;
  for (const FaultEdit& e : edits.faults) {
    const std::string name = e.index < faults.size() ? fault_line(faults[e.index])
                                                     : "faults[" + std::to_string(e.index) + "]";
    if (e.remove) {
      parts.push_back(name + " removed");
      continue;
    }
    std::string what;
    if (e.at_us)
      what += " at " +
              (e.index < faults.size() ? format_duration(faults[e.index].at_us) + " -> " : "") +
              format_duration(*e.at_us);
    if (e.duration_us)
      what +=
          std::string(what.empty() ? "" : ",") + " duration " +
          (e.index < faults.size() ? format_duration(faults[e.index].duration_us) + " -> " : "") +
          format_duration(*e.duration_us);
    if (!what.empty()) parts.push_back(name + what);
  }
  for (const NewFault& f : edits.added) {
    std::string what = "added " + f.kind + " at " + format_duration(f.at_us);
    if (f.duration_us > 0) what += " for " + format_duration(f.duration_us);
    for (const auto& [k, v] : f.fields)
      if (!trim(v).empty()) what += " " + k + " " + trim(v);
    parts.push_back(what);
  }
  for (const auto& [k, v] : edits.params)
    parts.push_back(trim(v).empty() ? k + " reset" : k + "=" + trim(v));
  for (const std::string& s : edits.sets) parts.push_back("--set " + s);
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out.empty() ? "no changes" : out;
}

Branch make_branch(const std::string& scenario_json, Time_us fork_us, const ForkEdits& edits) {
  json doc = parse_doc(scenario_json);
  const std::vector<ForkFault> faults = fork_faults(scenario_json, fork_us);
  const std::string at = format_duration(fork_us);
  json& list = doc["faults"];
  if (!list.is_array()) list = json::array();
  std::set<size_t> removed;
  for (const FaultEdit& e : edits.faults) {
    const std::string path = "faults[" + std::to_string(e.index) + "]";
    if (e.index >= faults.size())
      throw InputError(path, "the scenario has " + std::to_string(faults.size()) + " faults");
    const ForkFault& f = faults[e.index];
    if (!f.editable)
      throw InputError(path, "begins at " + format_duration(f.at_us) + ", before the fork time " +
                                 at + ": the branch shares the past, so it cannot change");
    json& entry = list[e.index];
    if (e.remove) {
      removed.insert(e.index);
      continue;
    }
    if (e.at_us) {
      if (*e.at_us < fork_us)
        throw InputError(path + ".at", "expected a time at or after the fork time " + at +
                                           ", got " + format_duration(*e.at_us));
      if (f.at_max_us != kNever_us) {
        // A drawn time keeps its range's width, so every later draw stays where it was.
        entry["at"] = {{"min", format_duration(*e.at_us)},
                       {"max", format_duration(*e.at_us + (f.at_max_us - f.at_us))}};
      } else {
        entry["at"] = format_duration(*e.at_us);
      }
    }
    if (e.duration_us) {
      if (*e.duration_us < 0)
        throw InputError(path + ".duration",
                         "expected a duration >= 0, got " + format_duration(*e.duration_us));
      if (*e.duration_us == 0)
        entry.erase("duration");
      else
        entry["duration"] = format_duration(*e.duration_us);
    }
  }
  for (auto it = removed.rbegin(); it != removed.rend(); ++it) list.erase(static_cast<size_t>(*it));
  for (size_t k = 0; k < edits.added.size(); ++k) {
    const NewFault& f = edits.added[k];
    const std::string path = "faults[" + std::to_string(list.size()) + "]";
    if (f.at_us < fork_us)
      throw InputError(path + ".at", "expected a time at or after the fork time " + at + ", got " +
                                         format_duration(f.at_us));
    json entry = {{"at", format_duration(f.at_us)}, {"kind", f.kind}};
    if (f.duration_us > 0) entry["duration"] = format_duration(f.duration_us);
    const std::optional<FaultKind> kind = fault_kind_from_name(f.kind);
    for (const auto& [name, text] : f.fields) {
      if (trim(text).empty()) continue;
      const FaultField* field = kind ? fault_kind_info(*kind).field(name) : nullptr;
      entry[name] = field ? field_value(field->type, text) : typed_value(text);
    }
    list.push_back(entry);  // at the end: the draws of ranged times before it do not move
  }
  if (list.empty()) doc.erase("faults");
  if (!edits.params.empty()) {
    const std::string algo = doc.value("algorithm", std::string("bully"));
    json& section = doc["params"][algo];
    if (!section.is_object()) section = json::object();
    for (const auto& [key, text] : edits.params) {
      erase_param(section, key);
      if (!trim(text).empty()) section[key] = typed_value(text);
    }
  }
  doc.erase("golden");
  const Scenario s = parse_scenario(doc.dump(), "branch", edits.sets);
  // What `ballot run` checks before it runs: the algorithm, its parameters, the names of its
  // message types and situations.
  const AlgorithmInfo* algo = find_algorithm(s.algorithm);
  if (algo == nullptr) {
    std::string known;
    for (const AlgorithmInfo& a : algorithms()) known += (known.empty() ? "" : ", ") + a.name;
    throw InputError("algorithm", "unknown algorithm '" + s.algorithm + "' (known: " + known + ")");
  }
  (void)make_node_factory(*algo, s);
  validate_algorithm_names(s);
  json resolved = json::parse(s.resolved_json);
  resolved.erase("golden");
  Branch b;
  b.scenario_json = resolved.dump();
  b.changes = describe_edits(scenario_json, edits);
  b.label = "branch at " + at;
  b.fork_us = fork_us;
  return b;
}

std::string branch_file_text(const Branch& branch, const std::string& source) {
  json doc = parse_doc(branch.scenario_json);
  doc.erase("golden");
  doc.erase("generated_by");
  const std::string before = doc.value("description", std::string());
  std::string description = "Forked from " + (source.empty() ? "a run" : source) + " at " +
                            format_duration(branch.fork_us) + " in ballot-viz: " + branch.changes +
                            ".";
  if (!before.empty()) description += " Original: " + before;
  doc["description"] = description;
  if (doc.contains("name") && doc["name"].is_string())
    doc["name"] = doc["name"].get<std::string>() + "-branch";
  return doc.dump(2) + "\n";
}

bool save_branch(const Branch& branch, const std::string& source, const std::string& path,
                 bool overwrite, std::string* error) {
  if (path.empty()) {
    *error = "type a path to save the branch to";
    return false;
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !overwrite) {
    *error = path + " exists: tick \"Overwrite\" to replace it";
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << branch_file_text(branch, source);
  out.close();
  if (!out) {
    *error = path + ": cannot be written";
    return false;
  }
  return true;
}

std::string run_branch(const Branch& branch) {
  Scenario s = parse_scenario(branch.scenario_json, branch.label);
  if (find_algorithm(s.algorithm) == nullptr)
    throw InputError("algorithm", "unknown algorithm '" + s.algorithm + "'");
  std::ostringstream out;
  run_scenario(s, &out);
  return std::move(out).str();
}

std::optional<Time_us> first_difference_us(const std::string& trace_a, const std::string& trace_b) {
  std::istringstream a(trace_a), b(trace_b);
  std::string la, lb;
  std::getline(a, la);  // the headers hold the scenarios, which differ
  std::getline(b, lb);
  while (true) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    const bool end_a = !more_a || la.rfind("{\"footer\"", 0) == 0;
    const bool end_b = !more_b || lb.rfind("{\"footer\"", 0) == 0;
    if (end_a && end_b) return std::nullopt;
    if (end_a) return event_time(lb);
    if (end_b) return event_time(la);
    if (la != lb) return std::min(event_time(la), event_time(lb));
  }
}

}  // namespace ballot::viz
