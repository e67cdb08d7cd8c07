#include "cli/report.h"

#include "cli/caption_report.h"

#include "algorithms/registry.h"
#include "sim/kernel/nemesis.h"
#include "sim/lincheck/lincheck.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

namespace ballot::cli {

namespace {

constexpr size_t kMaxListed = 12;  // longer lists are summarised, the trace has them all

std::string nodes_text(const std::vector<NodeId>& nodes) {
  std::string text;
  for (NodeId n : nodes) text += (text.empty() ? "" : ", ") + node_name(n);
  return text.empty() ? "none" : text;
}

std::string span(Time_us begin_us, Time_us end_us) {
  return human_duration(begin_us) + " - " + human_duration(end_us);
}

int64_t metric(const RunReport& r, const std::string& name) {
  auto it = r.result.metrics.find(name);
  return it == r.result.metrics.end() ? 0 : it->second;
}

// "n2 (epoch 3) at 1.2s"; without epochs (Bully) "n2 at 1.2s".
std::string occurrence_text(const Occurrence& o, bool has_epochs) {
  return node_name(o.node) + (has_epochs ? " (epoch " + std::to_string(o.epoch) + ")" : "") +
         " at " + human_duration(o.time_us);
}

nlohmann::json occurrence_json(const Occurrence& o) {
  return {{"node", node_name(o.node)}, {"epoch", o.epoch}, {"time_us", o.time_us}};
}

// Each lost write, duplicate job run and duplicate id with who caused it; bounded, the JSON has
// them all.
void print_damage(std::ostream& out, const RunReport& report) {
  constexpr size_t kMaxDamage = 10;
  const RunResult& r = report.result;
  auto more = [&out](size_t total) {
    if (total > kMaxDamage) out << "    ... " << total - kMaxDamage << " more in --json\n";
  };
  if (!report.lost_write_ops.empty()) out << "  lost writes (acknowledged, then gone):\n";
  for (size_t i = 0; i < report.lost_write_ops.size() && i < kMaxDamage; ++i) {
    const uint64_t id = report.lost_write_ops[i];
    const lin::Op& op = r.history.ops[id - 1];
    out << "    #" << id << " " << lin::op_kind_name(op.kind) << " " << op.key << "="
        << op.value.value_or("") << " acknowledged by "
        << occurrence_text(r.op_served[id - 1], report.has_epochs);
    auto erased = report.lost_write_erased.find(id);
    if (erased != report.lost_write_erased.end())
      out << ", erased at " << human_duration(erased->second.time_us) << " (event "
          << erased->second.event << ": " << node_name(erased->second.node) << " took "
          << node_name(erased->second.from) << "'s state)";
    out << "\n";
  }
  more(report.lost_write_ops.size());
  auto duplicates = [&](const std::vector<Duplicate>& list, const char* title, const char* what) {
    if (!list.empty()) out << "  " << title << ":\n";
    for (size_t i = 0; i < list.size() && i < kMaxDamage; ++i)
      out << "    " << what << " " << list[i].what << ": "
          << occurrence_text(list[i].first, report.has_epochs) << ", again "
          << occurrence_text(list[i].again, report.has_epochs) << "\n";
    more(list.size());
  };
  duplicates(r.job_duplicates, "duplicate job runs", "period");
  duplicates(r.id_duplicates, "duplicate ids", "id");
}

// Where the write was erased, when the algorithm shows it (Bully); null otherwise.
nlohmann::json erased_json(const RunReport& report, uint64_t op_id) {
  auto it = report.lost_write_erased.find(op_id);
  if (it == report.lost_write_erased.end()) return nullptr;
  const Erasure& e = it->second;
  return {{"event", e.event},
          {"time_us", e.time_us},
          {"node", node_name(e.node)},
          {"from", node_name(e.from)}};
}

nlohmann::json damage_json(const RunReport& report) {
  const RunResult& r = report.result;
  nlohmann::json j = {{"lost_writes", nlohmann::json::array()},
                      {"job_duplicates", nlohmann::json::array()},
                      {"id_duplicates", nlohmann::json::array()}};
  for (uint64_t id : report.lost_write_ops) {
    const lin::Op& op = r.history.ops[id - 1];
    const Occurrence& by = r.op_served[id - 1];
    j["lost_writes"].push_back({{"op", id},
                                {"f", lin::op_kind_name(op.kind)},
                                {"key", op.key},
                                {"value", op.value.value_or("")},
                                {"acknowledged_by", occurrence_json(by)},
                                {"erased", erased_json(report, id)}});
  }
  for (const Duplicate& d : r.job_duplicates)
    j["job_duplicates"].push_back({{"period", d.what},
                                   {"first", occurrence_json(d.first)},
                                   {"again", occurrence_json(d.again)}});
  for (const Duplicate& d : r.id_duplicates)
    j["id_duplicates"].push_back(
        {{"id", d.what}, {"first", occurrence_json(d.first)}, {"again", occurrence_json(d.again)}});
  return j;
}

// Where a fault came from, with the ranges its times were drawn from: "faults[0] (at drawn from
// 3s..3.05s)".
std::string fault_source_text(const FiredFault& f) {
  std::string drawn;
  auto range = [&drawn](const char* what, const std::pair<Time_us, Time_us>& r) {
    drawn += std::string(drawn.empty() ? "" : ", ") + what + " drawn from " +
             human_duration(r.first) + ".." + human_duration(r.second);
  };
  if (f.at_range_us) range("at", *f.at_range_us);
  if (f.duration_range_us) range("duration", *f.duration_range_us);
  return drawn.empty() ? f.source : f.source + " (" + drawn + ")";
}

// The algorithm's situations this run reached (how often, first when and where), then those it
// did not reach.
void print_situations(std::ostream& out, const RunReport& report) {
  if (report.situations.empty()) return;
  size_t reached = 0, width = 0;
  for (size_t id = 0; id < report.situations.size(); ++id) {
    reached += report.times_reached(id) > 0;
    width = std::max(width, report.situations[id].name.size());
  }
  out << "Situations: " << reached << " of " << report.situations.size() << " reached\n";
  std::string missed;
  for (size_t id = 0; id < report.situations.size(); ++id) {
    const std::string name(report.situations[id].name);
    const int64_t times = report.times_reached(id);
    if (times == 0) {
      missed += (missed.empty() ? "" : ", ") + name;
      continue;
    }
    const SituationCount& c = report.result.situations[id];
    out << "  " << std::left << std::setw(static_cast<int>(width) + 2) << name << std::right
        << std::setw(6) << times << "   first at " << human_duration(c.first_us) << " ("
        << node_name(c.first_node) << ")\n"
        << std::left;
  }
  // The names not reached, wrapped under one another.
  constexpr size_t kWidth = 100;
  std::string line = "  not reached:";
  for (size_t id = 0; id < report.situations.size() && !missed.empty(); ++id) {
    if (report.times_reached(id) > 0) continue;
    const std::string name(report.situations[id].name);
    if (line.size() + name.size() + 2 > kWidth) {
      out << line << "\n";
      line = "   ";
    }
    line += " " + name + ",";
  }
  if (!missed.empty()) {
    line.pop_back();
    out << line << "\n";
  }
  out << "\n";
}

void print_faults(std::ostream& out, const RunReport& report) {
  const std::vector<FiredFault>& faults = report.faults;
  if (faults.empty()) {
    out << "Faults: none\n\n";
    return;
  }
  out << "Faults: " << faults.size() << " fired\n";
  const size_t shown = std::min(faults.size(), kMaxListed);
  std::vector<std::string> targets, sources;
  size_t at_width = 0, kind_width = 0, target_width = 0, end_width = 0, source_width = 0;
  for (size_t i = 0; i < shown; ++i) {
    targets.push_back(fault_targets_text(faults[i]));
    sources.push_back(fault_source_text(faults[i]));
    at_width = std::max(at_width, human_duration(faults[i].begin_us).size());
    kind_width = std::max(kind_width, faults[i].kind.size());
    target_width = std::max(target_width, targets.back().size());
    end_width = std::max(end_width, fault_end_text(faults[i]).size());
    source_width = std::max(source_width, sources.back().size());
  }
  for (size_t i = 0; i < shown; ++i) {
    const FiredFault& f = faults[i];
    out << "  #" << std::left << std::setw(3) << f.id << std::setw(static_cast<int>(at_width) + 2)
        << human_duration(f.begin_us) << std::setw(static_cast<int>(kind_width) + 2) << f.kind
        << std::setw(static_cast<int>(target_width) + 2) << targets[i]
        << std::setw(static_cast<int>(end_width) + 2) << fault_end_text(f)
        << std::setw(static_cast<int>(source_width) + 2) << sources[i] << fault_effect_text(f)
        << "\n";
  }
  if (faults.size() > shown) out << "  ... " << faults.size() - shown << " more in --json\n";
  out << "\n";
  // Recovery from each scripted fault (docs/cli.md): the nemesis's are in --json.
  bool any = false;
  for (const FiredFault& f : faults) {
    if (f.source.rfind("faults[", 0) != 0) continue;
    if (!any) out << "Recovery from scripted faults (from the fault's start)\n";
    any = true;
    auto after = [](const std::optional<Time_us>& t) {
      return t ? human_duration(*t) : std::string("never");
    };
    out << "  " << f.source << " " << f.kind << " at " << human_duration(f.begin_us)
        << ": leader followed by a majority after " << after(f.recovery_leader_us)
        << "; first write ok after " << after(f.recovery_write_us)
        << (f.target_was_leader ? "; it hit the leader" : "") << "\n";
  }
  if (any) out << "\n";
}

}  // namespace

void print_warnings(const Scenario& scenario) {
  for (const std::string& w : scenario.warnings)
    std::fprintf(stderr, "ballot: %s: warning: %s\n", scenario.file.c_str(), w.c_str());
}

void print_input_error(const std::string& file, const InputError& e) {
  if (e.path().empty())
    std::fprintf(stderr, "ballot: %s: %s\n", file.c_str(), e.what());
  else
    std::fprintf(stderr, "ballot: %s: %s: %s\n", file.c_str(), e.path().c_str(), e.what());
}

// The settings a swarm nemesis drew for this run (docs/scenario-format.md#swarm), for people and
// for --json; null / nothing when the scenario has no swarm nemesis.
static nlohmann::json param_json(const ParamValue& v) {
  switch (v.kind) {
    case ParamValue::Kind::Int:
      return v.i;
    case ParamValue::Kind::Double:
      return v.d;
    case ParamValue::Kind::Bool:
      return v.b;
    case ParamValue::Kind::String:
      return v.s;
  }
  return nullptr;
}

static nlohmann::json swarm_json(const Scenario& s) {
  if (!s.nemesis.enabled || !s.nemesis.swarm) return nullptr;
  const Scenario d = draw_swarm(s);
  nlohmann::json kinds = nlohmann::json::array();
  for (FaultKind k : d.nemesis.kinds) kinds.push_back(fault_kind_name(k));
  // The algorithm's own drawn parameters (AlgorithmInfo::swarm); {} when it draws none.
  nlohmann::json params = nlohmann::json::object();
  if (const AlgorithmInfo* algo = find_algorithm(s.algorithm))
    for (const auto& [key, value] : swarm_params(*algo, s)) params[key] = param_json(value);
  return {{"kinds", kinds},
          {"mean_interval_us", d.nemesis.mean_interval_us},
          {"duration_min_us", d.nemesis.duration_min_us},
          {"duration_max_us", d.nemesis.duration_max_us},
          {"loss", d.network.loss},
          {"duplicate", d.network.duplicate},
          {"client_mean_interval_us", d.workload.mean_interval_us},
          {"epoch_crash", d.nemesis.epoch_crash},
          {"epoch_crash_delay_max_us", d.nemesis.epoch_crash_delay_max_us},
          {"epoch_crash_down_min_us", d.nemesis.epoch_crash_down_min_us},
          {"epoch_crash_down_max_us", d.nemesis.epoch_crash_down_max_us},
          {"leader_isolate", d.nemesis.leader_isolate},
          {"leader_isolate_min_us", d.nemesis.leader_isolate_min_us},
          {"leader_isolate_max_us", d.nemesis.leader_isolate_max_us},
          {"params", params}};
}

static std::string swarm_text(const nlohmann::json& j) {
  auto pct = [](double p) {
    std::ostringstream o;
    o << std::setprecision(3) << p * 100 << "%";
    return o.str();
  };
  std::string params;
  for (const auto& [key, value] : j["params"].items())
    params += (params.empty() ? "; params " : " ") + key + "=" +
              (value.is_string() ? value.get<std::string>() : value.dump());
  std::string epoch;
  if (const double p = j["epoch_crash"].get<double>(); p > 0)
    epoch = "; a node entering a new epoch crashes with probability " + pct(p) + " within " +
            human_duration(j["epoch_crash_delay_max_us"].get<int64_t>()) + ", down " +
            human_duration(j["epoch_crash_down_min_us"].get<int64_t>()) + "-" +
            human_duration(j["epoch_crash_down_max_us"].get<int64_t>());
  if (const double p = j["leader_isolate"].get<double>(); p > 0)
    epoch += "; a leader a client request reaches is isolated with probability " + pct(p) +
             " for " + human_duration(j["leader_isolate_min_us"].get<int64_t>()) + "-" +
             human_duration(j["leader_isolate_max_us"].get<int64_t>());
  std::string kinds;
  for (const auto& k : j["kinds"]) kinds += (kinds.empty() ? "" : ",") + k.get<std::string>();
  return kinds + "; a fault every " + human_duration(j["mean_interval_us"].get<int64_t>()) +
         " on average, lasting " + human_duration(j["duration_min_us"].get<int64_t>()) + "-" +
         human_duration(j["duration_max_us"].get<int64_t>()) + "; loss " +
         pct(j["loss"].get<double>()) + ", duplicate " + pct(j["duplicate"].get<double>()) +
         "; a client op every " + human_duration(j["client_mean_interval_us"].get<int64_t>()) +
         " on average" + epoch + params;
}

void print_summary(std::ostream& out, const RunReport& report, const std::string& trace_file) {
  // --json lists everything; the trace holds it too, when one was written.
  const std::string more_where = trace_file.empty() ? "in --json (or run with --trace FILE)"
                                                    : "in --json and in the trace " + trace_file;
  const Scenario& s = report.scenario;
  const RunResult& r = report.result;
  out << "scenario   " << (s.name.empty() ? s.file : s.name) << "  (" << s.file << ")\n";
  out << "algorithm  " << s.algorithm << "   seed " << s.seed << "   nodes " << s.nodes
      << "   simulated " << human_duration(r.end_us) << "   events " << r.events << "   trace hash "
      << hash_hex(r.trace_hash) << "\n";
  if (const nlohmann::json swarm = swarm_json(s); !swarm.is_null())
    out << "swarm      " << swarm_text(swarm) << "\n";
  out << "\n";

  print_faults(out, report);
  print_anchored_captions(out, report);
  out << "Leadership\n";
  const int64_t first_us = metric(report, "first_leader_us");
  out << "  first leader a majority follows   "
      << (first_us < 0 ? std::string("never") : "at " + human_duration(first_us)) << "\n";
  out << "  leader intervals                  " << r.leader_intervals.size() << "\n";
  for (size_t i = 0; i < r.leader_intervals.size() && i < kMaxListed; ++i) {
    const LeaderInterval& li = r.leader_intervals[i];
    out << "    " << std::left << std::setw(5) << node_name(li.node);
    if (report.has_epochs) out << "epoch " << std::setw(4) << li.epoch;
    out << span(li.begin_us, li.end_us == kNever_us ? r.end_us : li.end_us);
    if (li.acknowledged_us == kNever_us) out << "   (never followed by a majority)";
    out << "\n";
  }
  if (r.leader_intervals.size() > kMaxListed)
    out << "    ... " << r.leader_intervals.size() - kMaxListed << " more " << more_where << "\n";
  out << "  split brain                       ";
  if (r.split_brains.empty()) {
    out << "none\n";
  } else {
    out << r.split_brains.size() << (r.split_brains.size() == 1 ? " interval, " : " intervals, ")
        << human_duration(metric(report, "split_brain_us")) << " in all\n";
    for (size_t i = 0; i < r.split_brains.size() && i < kMaxListed; ++i) {
      const SplitBrainInterval& sb = r.split_brains[i];
      out << "    " << span(sb.begin_us, sb.end_us) << "   leaders " << nodes_text(sb.leaders)
          << "\n";
    }
    if (r.split_brains.size() > kMaxListed)
      out << "    ... " << r.split_brains.size() - kMaxListed << " more " << more_where << "\n";
  }
  out << "  leader losses " << metric(report, "leader_loss_count") << " (the leader could not "
      << "lead), longest " << human_duration(metric(report, "leader_loss_max_us")) << ", total "
      << human_duration(metric(report, "leader_loss_total_us")) << "; leader changes "
      << metric(report, "leader_changes") << "\n";
  if (report.result.metrics.count("client_unavailable_max_us"))
    out << "  client unavailable: longest "
        << human_duration(metric(report, "client_unavailable_max_us")) << ", total "
        << human_duration(metric(report, "client_unavailable_us"))
        << " (writes in flight, none succeeding)\n";
  out << "  by the nodes' beliefs: no acknowledged leader "
      << human_duration(metric(report, "belief_unavailable_us")) << "; "
      << metric(report, "belief_leader_losses") << " belief losses, downtime max "
      << human_duration(metric(report, "belief_downtime_max_us")) << ", total "
      << human_duration(metric(report, "belief_downtime_total_us")) << "\n";
  const int64_t final_leader = metric(report, "final_leader");
  out << "  at the end: " << metric(report, "leaders_at_end") << " node(s) believe they lead; "
      << (final_leader == 0
              ? std::string("no leader has a majority")
              : node_name(static_cast<NodeId>(final_leader - 1)) + " is followed by a majority")
      << "\n\n";

  out << "Messages          sent  delivered    dropped      bytes\n";
  auto row = [&out](const std::string& name, const TrafficObserver::Counts& c) {
    out << "  " << std::left << std::setw(14) << name << std::right << std::setw(6) << c.sent
        << std::setw(11) << c.delivered << std::setw(11) << c.dropped << std::setw(11)
        << c.bytes_sent << "\n";
  };
  for (const auto& [type, counts] : r.traffic_by_type) row(type, counts);
  TrafficObserver::Counts total;
  total.sent = metric(report, "messages_sent");
  total.delivered = metric(report, "messages_delivered");
  total.dropped = metric(report, "messages_dropped");
  total.bytes_sent = metric(report, "bytes_sent");
  row("total", total);
  out << std::left << "\n";

  if (!r.history.ops.empty() || r.metrics.count("job_runs") || r.metrics.count("ids_issued")) {
    out << "Clients: " << metric(report, "client_ok") << " ok, " << metric(report, "client_fail")
        << " failed, " << metric(report, "client_info") << " unknown";
    if (report.checked_linearizability)
      out << "; history "
          << (report.lincheck_timed_out ? "too hard to decide within the budget"
              : report.linearizable     ? "is linearizable"
                                        : "is NOT linearizable");
    out << "\n";
    if (report.checked_linearizability && !report.linearizable && !report.lincheck_timed_out) {
      // The explanation quotes whole values, which grow long on append workloads.
      constexpr size_t kMaxExplanation = 600;
      std::string text = report.lincheck_explanation;
      if (text.size() > kMaxExplanation)
        text = text.substr(0, kMaxExplanation) + " ... (see --json)";
      out << "  " << text << "\n";
      out << "  " << (report.lincheck_window_minimal ? "minimal failing window" : "failing window")
          << " (op ids as in the trace):\n";
      constexpr size_t kMaxOp = 96;
      for (uint64_t id : report.lincheck_failing_ops) {
        const lin::Op& op = r.history.ops[id - 1];
        std::string what = lin::describe(op);
        // Cut in the middle: on append workloads the end of a value is what differs.
        if (what.size() > kMaxOp)
          what = what.substr(0, 40) + " ... " + what.substr(what.size() - 50);
        out << "    #" << id << " client " << op.process << " [" << human_duration(op.call) << ", "
            << (op.outcome == lin::Outcome::Info ? std::string("open") : human_duration(op.ret))
            << "] " << what << "\n";
      }
    }
    for (const char* name : {"lost_writes", "job_runs", "job_duplicates", "job_missed",
                             "job_late_runs", "job_lateness_p50_us", "job_lateness_p99_us",
                             "job_lateness_max_us", "ids_issued", "id_duplicates"}) {
      auto it = r.metrics.find(name);
      if (it == r.metrics.end()) continue;
      const std::string metric = name;
      const bool duration = metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_us") == 0;
      out << "  " << name << " "
          << (duration ? human_duration(it->second) : std::to_string(it->second)) << "\n";
    }
    print_damage(out, report);
    out << "\n";
  }

  print_situations(out, report);
  if (!report.safety_checked) {
    // "none" would read as a clean bill of health; nothing was checked.
    out << "Violations: not checked: " << report.scenario.algorithm
        << " has no safety checker (it makes no safety promise to check)";
    const std::string damage = damage_summary(r.metrics);
    out << (damage.empty() ? "" : "; its damage: " + damage) << "\n";
  } else if (r.violations.empty()) {
    out << "Violations: none\n";
  } else {
    out << "Violations: " << r.violations.size() << "\n";
    for (size_t i = 0; i < r.violations.size() && i < kMaxListed; ++i) {
      const Violation& v = r.violations[i];
      out << "  [" << v.checker << "] event " << v.event_index << " at "
          << human_duration(v.time_us) << ": " << v.message << "\n";
    }
    if (r.violations.size() > kMaxListed)
      out << "  ... " << r.violations.size() - kMaxListed << " more " << more_where << "\n";
  }
  if (!report.expectations.empty()) {
    size_t held = 0;
    for (const ExpectationResult& e : report.expectations) held += e.ok;
    out << "Expectations: " << held << " of " << report.expectations.size() << " hold\n";
    for (const ExpectationResult& e : report.expectations)
      out << "  " << (e.ok ? "ok    " : "FAILED") << " " << std::setw(30) << e.path << " "
          << std::setw(18) << e.wanted << " got " << e.got << "\n";
  }
}

nlohmann::json faults_json(const std::vector<FiredFault>& faults) {
  nlohmann::json list = nlohmann::json::array();
  for (const FiredFault& f : faults) {
    nlohmann::json affected = nlohmann::json::array();
    for (NodeId n : f.affected) affected.push_back(node_name(n));
    nlohmann::json detail = nlohmann::json::parse(f.detail_json, nullptr, false);
    nlohmann::json one = {
        {"fault", f.id},
        {"at_us", f.begin_us},
        {"kind", f.kind},
        {"source", f.source},
        {"selector", f.selector.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.selector)},
        {"targets", detail.is_discarded() ? nlohmann::json::object() : detail},
        {"targets_text", fault_targets_text(f)},
        {"end_us", f.end_us == kNever_us ? nlohmann::json(nullptr) : nlohmann::json(f.end_us)},
        {"ended_by", f.instant               ? "instant"
                     : f.end_us == kNever_us ? "run_end"
                     : f.healed_by != 0      ? "heal"
                                             : "duration"},
        {"end_text", fault_end_text(f)}};
    auto range_json = [](const std::optional<std::pair<Time_us, Time_us>>& r) {
      return r ? nlohmann::json::array({r->first, r->second}) : nlohmann::json(nullptr);
    };
    auto opt = [](const std::optional<Time_us>& t) {
      return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
    };
    one["recovery"] = {{"leader_us", opt(f.recovery_leader_us)},
                       {"write_us", opt(f.recovery_write_us)},
                       {"target_was_leader", f.target_was_leader}};
    one["at_range_us"] = range_json(f.at_range_us);
    one["duration_range_us"] = range_json(f.duration_range_us);
    if (f.healed_by != 0) one["healed_by"] = f.healed_by;
    if (f.kind == "crash" || f.kind == "disk_loss" || f.kind == "pause") one["affected"] = affected;
    if (f.kind == "flap") one["flips"] = f.flaps;
    one["effect"] = {{"inert", f.effect.inert()},
                     {"dropped", f.effect.dropped},
                     {"delayed", f.effect.delayed},
                     {"duplicated", f.effect.duplicated},
                     {"nodes_stopped", f.effect.nodes_stopped},
                     {"handlers_not_run", f.effect.handlers_not_run},
                     {"clock_offset_us", f.effect.clock_offset_us},
                     {"faults_ended", f.effect.faults_ended},
                     {"text", fault_effect_text(f)}};
    list.push_back(std::move(one));
  }
  return list;
}

nlohmann::json report_json(const RunReport& report) {
  const RunResult& r = report.result;
  nlohmann::json j;
  j["scenario"] = report.scenario.name.empty() ? report.scenario.file : report.scenario.name;
  j["file"] = report.scenario.file;
  j["algorithm"] = report.scenario.algorithm;
  j["seed"] = report.scenario.seed;
  j["nodes"] = report.scenario.nodes;
  j["simulated_time_us"] = r.end_us;
  j["events"] = r.events;
  j["messages"] = r.metrics.count("messages_sent") ? r.metrics.at("messages_sent") : 0;
  j["trace_hash"] = hash_hex(r.trace_hash);
  j["swarm"] = swarm_json(report.scenario);
  j["warnings"] = report.scenario.warnings;
  for (const std::string& w : inert_fault_warnings(report.faults)) j["warnings"].push_back(w);
  for (const std::string& w : caption_warnings(report)) j["warnings"].push_back(w);
  j["captions"] = captions_json(report);
  j["metrics"] = nlohmann::json::object();
  for (const auto& [name, value] : r.metrics) j["metrics"][name] = value;
  j["messages_by_type"] = nlohmann::json::object();
  for (const auto& [type, c] : r.traffic_by_type)
    j["messages_by_type"][type] = {{"sent", c.sent},
                                   {"delivered", c.delivered},
                                   {"dropped", c.dropped},
                                   {"bytes", c.bytes_sent}};
  j["split_brain"] = nlohmann::json::array();
  for (const SplitBrainInterval& sb : r.split_brains) {
    nlohmann::json leaders = nlohmann::json::array();
    for (NodeId n : sb.leaders) leaders.push_back(node_name(n));
    j["split_brain"].push_back(
        {{"begin_us", sb.begin_us}, {"end_us", sb.end_us}, {"leaders", leaders}});
  }
  j["leader_intervals"] = nlohmann::json::array();
  for (const LeaderInterval& li : r.leader_intervals)
    j["leader_intervals"].push_back(
        {{"node", node_name(li.node)},
         {"epoch", li.epoch},
         {"begin_us", li.begin_us},
         {"end_us", li.end_us == kNever_us ? r.end_us : li.end_us},
         {"acknowledged_us", li.acknowledged_us == kNever_us
                                 ? nlohmann::json(nullptr)
                                 : nlohmann::json(li.acknowledged_us)}});
  j["downtimes_us"] = r.downtimes_us;
  j["leader_losses_us"] = r.leader_losses_us;
  j["faults"] = faults_json(report.faults);
  j["safety_checked"] = report.safety_checked;
  j["violations"] = nlohmann::json::array();
  for (const Violation& v : r.violations) {
    nlohmann::json nodes = nlohmann::json::array();
    for (NodeId n : v.nodes) nodes.push_back(node_name(n));
    j["violations"].push_back({{"checker", v.checker},
                               {"event", v.event_index},
                               {"time_us", v.time_us},
                               {"nodes", nodes},
                               {"message", v.message}});
  }
  j["expectations"] = nlohmann::json::array();
  for (const ExpectationResult& e : report.expectations)
    j["expectations"].push_back({{"path", e.path},
                                 {"metric", e.metric},
                                 {"wanted", e.wanted},
                                 {"got", e.got},
                                 {"ok", e.ok}});
  if (report.checked_linearizability) {
    j["lincheck"] = {{"linearizable", report.linearizable},
                     {"timed_out", report.lincheck_timed_out},
                     {"failing_ops", report.lincheck_failing_ops},
                     {"window_minimal", report.lincheck_window_minimal},
                     {"explanation", report.lincheck_explanation}};
  }
  j["damage"] = damage_json(report);
  j["situations"] = nlohmann::json::array();
  for (size_t id = 0; id < report.situations.size(); ++id) {
    const int64_t times = report.times_reached(id);
    const SituationCount* c = times > 0 ? &r.situations[id] : nullptr;
    j["situations"].push_back(
        {{"name", report.situations[id].name},
         {"count", times},
         {"first_us", c ? nlohmann::json(c->first_us) : nlohmann::json(nullptr)},
         {"first_node", c ? nlohmann::json(node_name(c->first_node)) : nlohmann::json(nullptr)}});
  }
  const Verdict verdict = judge_run(report);
  j["failures"] = nlohmann::json::array();
  for (const Failure& f : verdict.failures)
    j["failures"].push_back({{"safety", f.safety}, {"what", f.what}, {"text", f.text}});
  j["violations_expected"] = verdict.violations_expected;
  j["ok"] = verdict.ok();
  return j;
}

}  // namespace ballot::cli
