#include "cli/fault_log.h"

#include <nlohmann/json.hpp>

#include "cli/runner.h"
#include "sim/kernel/fault_kinds.h"

namespace ballot {

namespace {

// The table's row for a kind named in the trace (null for a name this ballot does not know).
const FaultKindInfo* kind_info(const std::string& kind) {
  const auto k = fault_kind_from_name(kind);
  return k ? &fault_kind_info(*k) : nullptr;
}

// The kinds a heal ends (the kernel's network faults; sim/kernel/fault_kinds.cpp).
bool healable(const std::string& kind) {
  const FaultKindInfo* info = kind_info(kind);
  return info != nullptr && info->ends == FaultEnds::DurationOrHeal;
}

// The kinds whose begin is followed by a crash or pause event per node they stop.
bool stops_nodes(const std::string& kind) {
  const FaultKindInfo* info = kind_info(kind);
  return info != nullptr && (info->look == FaultLook::Crash || info->look == FaultLook::Pause);
}

const char* selector_name(Selector s) {
  switch (s) {
    case Selector::None:
      return "";
    case Selector::Leader:
      return "leader";
    case Selector::RandomFollower:
      return "random_follower";
    case Selector::RandomMinority:
      return "random_minority";
    case Selector::RandomMajority:
      return "random_majority";
    case Selector::RandomNode:
      return "random_node";
  }
  return "";
}

// A node set as the scenario wrote it: "[n2, leader, minority]".
std::string node_set_text(const NodeSetSpec& set) {
  std::string text;
  auto add = [&text](const std::string& item) { text += (text.empty() ? "" : ", ") + item; };
  for (NodeId id : set.nodes) add(node_name(id));
  for (Selector s : set.selectors) add(selector_name(s));
  if (set.fill == NodeSetSpec::Fill::Majority) add("majority");
  if (set.fill == NodeSetSpec::Fill::Minority) add("minority");
  return "[" + text + "]";
}

// What a fault's selectors said, for the "selector = resolved targets" text.
std::string selector_text(const FaultSpec& spec) {
  if (!spec.group_sets.empty()) {
    std::string text;
    for (const NodeSetSpec& g : spec.group_sets)
      text += (text.empty() ? "" : " | ") + node_set_text(g);
    return text;
  }
  if (spec.link_sets.size() == 2)
    return node_set_text(spec.link_sets[0]) + (spec.both ? " <-> " : " -> ") +
           node_set_text(spec.link_sets[1]);
  return selector_name(spec.selector);
}

std::string names(const nlohmann::json& list, int64_t device) {
  std::string text;
  for (const nlohmann::json& n : list)
    if (n.is_number_integer())
      text += (text.empty() ? "" : ",") + fault_node_name(n.get<int64_t>(), device);
  return text;
}

std::string percent(int64_t ppm) {
  std::string text = std::to_string(ppm / 10000);
  if (ppm % 10000 != 0) {
    std::string frac = std::to_string(ppm % 10000);
    frac = std::string(4 - frac.size(), '0') + frac;
    while (frac.back() == '0') frac.pop_back();
    text += "." + frac;
  }
  return text + "%";
}

std::string signed_duration(int64_t us) {
  return (us >= 0 ? "+" : "") + human_duration(us);
}

}  // namespace

bool FaultLog::wants(EventKind kind) const {
  return kind == EventKind::Fault || kind == EventKind::Crash || kind == EventKind::Pause;
}

void FaultLog::on_event(const TraceEvent& ev) {
  if (ev.kind == EventKind::Crash || ev.kind == EventKind::Pause) {
    // A crash or pause right after a crash/pause fault began (same instant) is that fault's doing.
    if (opening_ == 0) return;
    FiredFault& f = faults_[opening_ - 1];
    if (ev.time_us == f.begin_us) f.affected.push_back(ev.node);
    return;
  }
  opening_ = 0;
  if (ev.phase == "begin") {
    FiredFault f;
    f.id = ev.tag;
    f.begin_us = ev.time_us;
    f.kind = std::string(ev.text);
    const FaultKindInfo* info = kind_info(f.kind);
    f.instant = info != nullptr && info->instantaneous();
    if (ev.payload != nullptr) {
      JsonWriter w(f.detail_json);
      w.begin_obj("");
      ev.payload->fields(w);
      w.end_obj();
    }
    if (f.kind == "heal") {
      // A heal ends every network fault still in force, without an end event of their own.
      for (FiredFault& other : faults_)
        if (healable(other.kind) && other.end_us == kNever_us) {
          other.end_us = ev.time_us;
          other.healed_by = f.id;
        }
      f.end_us = ev.time_us;
    }
    if (f.instant) f.end_us = ev.time_us;
    faults_.push_back(std::move(f));
    if (stops_nodes(faults_.back().kind)) opening_ = faults_.size();
    return;
  }
  for (FiredFault& f : faults_) {
    if (f.id != ev.tag) continue;
    if (ev.phase == "end") {
      if (f.end_us == kNever_us) f.end_us = ev.time_us;
    } else {
      ++f.flaps;  // "down" / "up"
    }
  }
}

std::vector<FiredFault> FaultLog::take(const std::vector<FaultSpec>& schedule) {
  for (FiredFault& f : faults_) {
    if (f.id == 0 || f.id > schedule.size()) continue;
    const FaultSpec& spec = schedule[f.id - 1];
    if (f.kind != fault_kind_name(spec.kind)) continue;  // not the schedule we think it is
    f.source = spec.path;
    f.selector = selector_text(spec);
  }
  return std::move(faults_);
}

std::string fault_node_name(int64_t one_based, int64_t device) {
  return device != 0 && one_based == device ? "stonith" : "n" + std::to_string(one_based);
}

std::string fault_targets_text(const FiredFault& fault) {
  const int64_t device = fault.device;
  const nlohmann::json d = nlohmann::json::parse(fault.detail_json, nullptr, false);
  std::vector<std::string> parts;
  if (d.is_object()) {
    if (d.contains("groups")) {
      std::string groups;
      for (const nlohmann::json& g : d["groups"])
        groups += (groups.empty() ? "" : " | ") + names(g, device);
      parts.push_back(groups);
    }
    if (d.contains("nodes")) {
      const std::string nodes = names(d["nodes"], device);
      parts.push_back(nodes.empty() ? "nobody" : nodes);
    }
    if (d.contains("from_nodes") && d.contains("to_nodes")) {
      parts.push_back("{" + names(d["from_nodes"], device) + "}" +
                      (d.value("both", false) ? " <-> " : " -> ") + "{" +
                      names(d["to_nodes"], device) + "}");
    } else if (d.contains("from") || d.contains("to")) {
      auto end = [&d, device](const char* key) {
        return d.contains(key) ? fault_node_name(d[key].get<int64_t>(), device)
                               : std::string("any");
      };
      parts.push_back(end("from") + (d.value("both", false) ? " <-> " : " -> ") + end("to"));
    }
    if (d.contains("type")) parts.push_back("type " + d["type"].get<std::string>());
    if (d.contains("nth")) parts.push_back("nth " + std::to_string(d["nth"].get<int64_t>()));
    if (d.contains("probability_ppm"))
      parts.push_back("p " + percent(d["probability_ppm"].get<int64_t>()));
    if (d.contains("loss_ppm")) parts.push_back("loss " + percent(d["loss_ppm"].get<int64_t>()));
    if (d.contains("delay_us"))
      parts.push_back("delay " + signed_duration(d["delay_us"].get<int64_t>()));
    if (d.contains("period_us"))
      parts.push_back("every " + human_duration(d["period_us"].get<int64_t>()));
    if (d.contains("drift_ppm"))
      parts.push_back("drift " + std::string(d["drift_ppm"].get<int64_t>() >= 0 ? "+" : "") +
                      std::to_string(d["drift_ppm"].get<int64_t>()) + "ppm");
    if (d.contains("jump_us"))
      parts.push_back("jump " + signed_duration(d["jump_us"].get<int64_t>()));
  }
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : "  ") + p;
  if (text.empty()) text = fault.kind == "heal" ? "every network fault" : "everyone";
  if (!fault.selector.empty()) text = fault.selector + " = " + text;
  return text;
}

std::string fault_end_text(const FiredFault& fault) {
  const bool stops_nodes =
      fault.kind == "crash" || fault.kind == "disk_loss" || fault.kind == "pause";
  if (stops_nodes && fault.affected.empty()) return "no effect (no target, or already down)";
  if (fault.instant) return "instant";
  if (fault.end_us == kNever_us) return "until the end";
  std::string how = "heal";
  if (fault.kind == "crash" || fault.kind == "disk_loss") how = "restart";
  if (fault.kind == "pause") how = "resume";
  if (fault.kind == "clock_drift") how = "clock rate restored";
  if (fault.healed_by != 0) how = "heal, fault #" + std::to_string(fault.healed_by);
  std::string text = "until " + human_duration(fault.end_us) + " (" + how + ")";
  if (fault.flaps > 0) text += ", " + std::to_string(fault.flaps) + " flips";
  return text;
}

std::string fault_effect_text(const FiredFault& fault) {
  const FaultEffect& e = fault.effect;
  if (e.inert()) return "inert";
  std::vector<std::string> parts;
  auto count = [&parts](int64_t n, const char* what, const char* one, const char* many) {
    if (n != 0)
      parts.push_back(std::string(what) + " " + std::to_string(n) + " " + (n == 1 ? one : many));
  };
  const bool pause = fault.kind == "pause";
  count(e.nodes_stopped, pause ? "paused" : "crashed", "node", "nodes");
  count(e.dropped, "dropped", "msg", "msgs");
  count(e.delayed, "delayed", "msg", "msgs");
  count(e.duplicated, "duplicated", "msg", "msgs");
  count(e.handlers_not_run, "held", "handler call", "handler calls");
  count(e.faults_ended, "ended", "fault", "faults");
  if (e.clock_offset_us != 0) parts.push_back("clock offset " + human_duration(e.clock_offset_us));
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : ", ") + p;
  return text;
}

std::string fault_label(const FiredFault& f) {
  return "fault #" + std::to_string(f.id) + " (" + f.kind + " at " + human_duration(f.begin_us) +
         ", " + f.source + ")";
}

std::vector<std::string> inert_fault_warnings(const std::vector<FiredFault>& faults) {
  std::vector<std::string> warnings;
  for (const FiredFault& f : faults)
    if (f.effect.inert()) warnings.push_back(fault_label(f) + " did nothing (inert)");
  return warnings;
}

std::optional<size_t> scripted_index(const FiredFault& f) {
  constexpr const char* kPrefix = "faults[";
  if (f.source.rfind(kPrefix, 0) != 0) return std::nullopt;
  const size_t close = f.source.find(']');
  const std::string digits = f.source.substr(7, close == std::string::npos ? 0 : close - 7);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<size_t>(std::stoull(digits));
}

}  // namespace ballot
