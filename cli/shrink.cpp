#include "cli/shrink.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>
#include <type_traits>

#include "algorithms/registry.h"
#include "sim/api/input_error.h"
#include "sim/kernel/nemesis.h"

namespace ballot {

namespace {

using nlohmann::json;

std::string node_name1(int64_t one_based) {
  return "n" + std::to_string(one_based);
}

// Node numbers of a fault's detail by name; the fencing device (`device`, 0 for none) as
// "stonith", which is how a scenario's faults name it (docs/stonith.md).
json names_of(const json& ids, int64_t device) {
  json list = json::array();
  for (const json& id : ids) list.push_back(fault_node_name(id.get<int64_t>(), device));
  return list;
}

// A scripted fault: when, how long, and the fields of its kind (nodes by name).
struct SFault {
  Time_us at_us = 0;
  Time_us duration_us = 0;  // 0: none written
  std::string kind;
  json fields = json::object();  // everything but at, kind, duration
};

// A scripted client operation.
struct SOp {
  Time_us at_us = 0;
  json fields = json::object();  // everything but at
};

json fault_json(const SFault& f) {
  json j = json::object();
  j["at"] = human_duration(f.at_us);
  j["kind"] = f.kind;
  if (f.duration_us > 0) j["duration"] = human_duration(f.duration_us);
  for (const auto& [k, v] : f.fields.items()) j[k] = v;
  return j;
}

// The fired fault as a scripted one with concrete targets; nullopt when it cannot be written
// (a selector that resolved to nobody).
std::optional<SFault> scripted_fault(const FiredFault& fired) {
  SFault f;
  f.at_us = fired.begin_us;
  f.kind = fired.kind;
  const json d = json::parse(fired.detail_json.empty() ? "{}" : fired.detail_json);
  if (d.contains("duration_us") && !fired.instant) f.duration_us = d["duration_us"].get<Time_us>();
  const std::string& k = f.kind;
  if (k == "partition") {
    json groups = json::array();
    for (const json& g : d.value("groups", json::array()))
      if (!g.empty()) groups.push_back(names_of(g, fired.device));
    if (groups.empty()) return std::nullopt;
    f.fields["groups"] = groups;
  } else if (k == "link_cut") {
    if (d.contains("from_nodes")) {
      if (d["from_nodes"].empty() || d["to_nodes"].empty()) return std::nullopt;
      f.fields["from"] = names_of(d["from_nodes"], fired.device);
      f.fields["to"] = names_of(d["to_nodes"], fired.device);
    } else {
      if (!d.contains("from") || !d.contains("to")) return std::nullopt;
      f.fields["from"] = fault_node_name(d["from"].get<int64_t>(), fired.device);
      f.fields["to"] = fault_node_name(d["to"].get<int64_t>(), fired.device);
    }
    if (d.value("both", false)) f.fields["both"] = true;
  } else if (k == "drop_message") {
    if (!d.contains("from") || !d.contains("to") || !d.contains("type") || !d.contains("nth"))
      return std::nullopt;
    f.fields["from"] = fault_node_name(d["from"].get<int64_t>(), fired.device);
    f.fields["to"] = fault_node_name(d["to"].get<int64_t>(), fired.device);
    f.fields["type"] = d["type"];
    f.fields["nth"] = d["nth"];
  } else if (k == "drop" || k == "flap") {
    if (d.contains("from"))
      f.fields["from"] = fault_node_name(d["from"].get<int64_t>(), fired.device);
    if (d.contains("to")) f.fields["to"] = fault_node_name(d["to"].get<int64_t>(), fired.device);
    if (d.contains("type")) f.fields["type"] = d["type"];
    if (d.contains("probability_ppm") && d["probability_ppm"].get<int64_t>() != 1000000)
      f.fields["probability"] = static_cast<double>(d["probability_ppm"].get<int64_t>()) / 1e6;
    if (d.contains("period_us")) f.fields["period"] = human_duration(d["period_us"].get<Time_us>());
  } else if (k != "heal") {
    if (d.contains("nodes")) {
      if (d["nodes"].empty()) return std::nullopt;  // a selector that found nobody
      f.fields["nodes"] = names_of(d["nodes"], fired.device);
    } else if (k != "delay_spike" && k != "loss_burst" && k != "bridge" && k != "majorities_ring") {
      return std::nullopt;
    }
    if (d.contains("loss_ppm"))
      f.fields["loss"] = static_cast<double>(d["loss_ppm"].get<int64_t>()) / 1e6;
    if (d.contains("delay_us")) f.fields["delay"] = human_duration(d["delay_us"].get<Time_us>());
    if (k == "clock_drift") f.fields["drift_ppm"] = d.value("drift_ppm", int64_t{0});
    if (k == "clock_jump") f.fields["jump"] = human_duration(d.value("jump_us", Time_us{0}));
  }
  return f;
}

std::string joined(const json& names, const char* sep = ",") {
  std::string text;
  if (names.is_string()) return names.get<std::string>();
  for (const json& n : names) text += (text.empty() ? "" : sep) + n.get<std::string>();
  return text;
}

std::string caption_of(const SFault& f) {
  const json& d = f.fields;
  const std::string& k = f.kind;
  const std::string who = d.contains("nodes") ? joined(d["nodes"]) : std::string("every node");
  const bool many = d.contains("nodes") && d["nodes"].size() > 1;
  std::string text;
  if (k == "partition") {
    std::string groups;
    for (const json& g : d["groups"]) groups += (groups.empty() ? "" : " | ") + joined(g);
    text = groups + (d["groups"].size() == 1 ? " | the rest" : "") + " split";
  } else if (k == "isolate") {
    text = who + (many ? " are" : " is") + " isolated";
  } else if (k == "link_cut") {
    text =
        joined(d["from"]) + (d.value("both", false) ? " <-> " : " -> ") + joined(d["to"]) + " cut";
  } else if (k == "bridge") {
    if (d.contains("nodes") && d["nodes"].size() >= 3) {
      // The first half, the bridge node, the second half (the kernel's order).
      const json& order = d["nodes"];
      const size_t half = order.size() / 2;
      json a = json::array(), b = json::array();
      for (size_t i = 0; i < order.size(); ++i)
        if (i < half)
          a.push_back(order[i]);
        else if (i > half)
          b.push_back(order[i]);
      text = joined(a) + " | " + joined(b) + " bridged by " + order[half].get<std::string>();
    } else {
      text = "a bridge";
    }
  } else if (k == "majorities_ring") {
    text =
        "majorities ring" + (d.contains("nodes") ? " " + joined(d["nodes"], "-") : std::string());
  } else if (k == "heal") {
    text = "the network heals";
  } else if (k == "drop") {
    const std::string what =
        d.contains("type") ? d["type"].get<std::string>() + " messages" : std::string("messages");
    if (d.contains("from") && d.contains("to"))
      text = what + " " + d["from"].get<std::string>() + " -> " + d["to"].get<std::string>() +
             " dropped";
    else if (d.contains("from"))
      text = what + " from " + d["from"].get<std::string>() + " dropped";
    else if (d.contains("to"))
      text = what + " to " + d["to"].get<std::string>() + " dropped";
    else
      text = d.contains("type") ? "every " + d["type"].get<std::string>() + " message dropped"
                                : std::string("every message dropped");
    if (d.contains("probability"))
      text += " (p " + std::to_string(d["probability"].get<double>()).substr(0, 5) + ")";
  } else if (k == "drop_message") {
    const int64_t nth = d.value("nth", int64_t{0});
    const char* suffix = nth % 100 / 10 == 1 ? "th"
                         : nth % 10 == 1     ? "st"
                         : nth % 10 == 2     ? "nd"
                         : nth % 10 == 3     ? "rd"
                                             : "th";
    text = "the " + std::to_string(nth) + suffix + " " + d.value("type", std::string("?")) + " " +
           d.value("from", std::string("?")) + " -> " + d.value("to", std::string("?")) +
           " dropped";
  } else if (k == "delay_spike") {
    text = "messages of " + who + " delayed +" + d.value("delay", std::string("?"));
  } else if (k == "loss_burst") {
    text =
        "messages of " + who + " lost with p " + std::to_string(d.value("loss", 0.0)).substr(0, 4);
  } else if (k == "flap") {
    text = "link " + d.value("from", std::string("?")) + " - " + d.value("to", std::string("?")) +
           " flaps every " + d.value("period", std::string("?"));
  } else if (k == "crash") {
    text = who + " crash" + (many ? "" : "es");
  } else if (k == "disk_loss") {
    text =
        who + " crash" + (many ? "" : "es") + " and lose" + (many ? "" : "s") + " unsynced writes";
  } else if (k == "pause") {
    text = who + " pause" + (many ? "" : "s");
  } else if (k == "clock_drift") {
    const int64_t ppm = d.value("drift_ppm", int64_t{0});
    text = who + "'s clock drifts " + (ppm >= 0 ? "+" : "") + std::to_string(ppm) + "ppm";
  } else if (k == "clock_jump") {
    const std::string jump = d.value("jump", std::string("0s"));
    text = who + "'s clock jumps " + (jump[0] == '-' ? "" : "+") + jump;
  } else if (k == "slow_node") {
    text = who + " slow: +" + d.value("delay", std::string("?")) + " per message";
  } else {
    text = k;
  }
  if (f.duration_us > 0) {
    if (k == "crash" || k == "disk_loss")
      text +=
          ", restart" + std::string(many ? "" : "s") + " after " + human_duration(f.duration_us);
    else
      text += " for " + human_duration(f.duration_us);
  }
  return text;
}

std::string count(size_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

Time_us round_down(Time_us t, Time_us unit) {
  return t / unit * unit;
}
Time_us round_up(Time_us t, Time_us unit) {
  return (t + unit - 1) / unit * unit;
}

// One element per line for lists of objects, the rest compact: reads like a hand-written file.
std::string pretty(const nlohmann::ordered_json& doc) {
  std::string out = "{\n";
  size_t i = 0;
  for (const auto& [key, value] : doc.items()) {
    out += "  " + json(key).dump() + ": ";
    const bool rows = value.is_array() && !value.empty() && value[0].is_object();
    if (rows) {
      out += "[\n";
      for (size_t k = 0; k < value.size(); ++k)
        out += "    " + value[k].dump() + (k + 1 < value.size() ? ",\n" : "\n");
      out += "  ]";
    } else if (value.is_object() && key == "workload" && value.contains("ops") &&
               !value["ops"].empty()) {
      out += "{";
      bool first = true;
      for (const auto& [wk, wv] : value.items()) {
        out += std::string(first ? "" : ",") + "\n    " + json(wk).dump() + ": ";
        first = false;
        if (wk == "ops") {
          out += "[\n";
          for (size_t k = 0; k < wv.size(); ++k)
            out += "      " + wv[k].dump() + (k + 1 < wv.size() ? ",\n" : "\n");
          out += "    ]";
        } else {
          out += wv.dump();
        }
      }
      out += "\n  }";
    } else {
      out += value.dump();
    }
    out += ++i < doc.size() ? ",\n" : "\n";
  }
  return out + "}\n";
}

// The expectation at `path` was judged on a value the run measured.
bool measured(const RunReport& report, const std::string& path) {
  for (const ExpectationResult& e : report.expectations)
    if (e.path == path) return report.result.metrics.count(e.metric) > 0;
  return false;
}

// What "fails the same way" means everywhere in shrink: the run was not cut by a limit, and its
// first failure is the same checker's violation (`safety`) or the same expectation failing on a
// value the run measured.
bool fails_same_way(const RunReport& report, bool safety, const std::string& what) {
  if (!report.cut_limit.empty()) return false;
  const Verdict v = judge_run(report);
  if (v.ok()) return false;
  const Failure& f = v.failures.front();
  if (f.safety != safety || f.what != what) return false;
  return f.safety || measured(report, f.what);
}

// At most this many runs for one attempt to replace network faults by single message drops.
constexpr uint64_t kDropAttemptRuns = 40;

class Shrinker {
 public:
  // `script_only`: stop once the faults and operations are scripted (script_failure).
  Shrinker(const ShrinkOptions& o, ShrinkResult& r, bool script_only = false)
      : o_(o), r_(r), script_only_(script_only) {}

  void run() {
    std::vector<std::string> overrides = o_.sets;
    if (!o_.algorithm.empty()) overrides.push_back("algorithm=\"" + o_.algorithm + "\"");
    if (o_.seed_given) overrides.push_back("seed=" + std::to_string(o_.seed));
    const Scenario original = load_scenario(o_.file, overrides, o_.variant);
    r_.algorithm = original.algorithm;
    r_.seed = original.seed;
    base_ = json::parse(original.resolved_json);
    base_.erase("golden");  // a golden hash is not a failure to shrink
    base_.erase("captions");
    const Scenario parsed = parse_scenario(base_.dump(), o_.file);
    const RunReport first = run_scenario(parsed, nullptr, o_.limits);
    ++r_.runs;
    throw_if_cut(first);
    const Verdict verdict = judge_run(first);
    if (verdict.ok()) {
      std::string why = "the run passes (" + std::to_string(first.result.violations.size()) +
                        " safety violations";
      why += verdict.violations_expected && !first.result.violations.empty()
                 ? ", all expected by its expect.violations"
                 : "";
      why += ", every expectation holds";
      why += original.golden.empty() ? "" : "; golden hashes are not judged by shrink";
      throw NotFailing(why + "): nothing to shrink");
    }
    target_ = verdict.failures.front();
    // Coverage and audit expectations: not failures a smaller run could show better.
    const std::string kind = target_.safety ? "" : metric_of(first, target_.what);
    if (kind == "reached")
      throw NotFailing("its failure is " + target_.text +
                       ": a situation the run did not reach, a coverage gap rather than a "
                       "failure to shrink: a smaller run (fewer faults, operations, nodes) fails "
                       "to reach it just as well, down to an empty scenario, so shrinking would "
                       "only throw the scenario away (to find seeds that reach it: ballot sweep "
                       "--coverage): nothing to shrink");
    if (kind == "no_inert_faults")
      throw NotFailing("its failure is " + target_.text +
                       ": a fault that did nothing, which the failure names already ('ballot "
                       "run' lists it under Faults); the smallest scenario failing the same way "
                       "is that fault alone, which tells no more: nothing to shrink");
    if (!target_.safety && !measured(first, target_.what))
      throw NotFailing("its failure is " + target_.text +
                       ": a metric the run does not measure, which no smaller run can show");
    r_.safety = target_.safety;
    r_.what = target_.what;
    r_.text = target_.text;
    r_.faults_before = first.faults.size();
    r_.ops_before = first.result.history.ops.size();
    r_.nodes_before = original.nodes;
    r_.duration_before = original.duration_us;
    r_.had_nemesis = original.nemesis.enabled;
    r_.had_random_clients = original.workload.clients > 0;
    nodes_ = original.nodes;
    duration_us_ = original.duration_us;
    best_report_ = first;

    // 1. The fired faults, scripted with their resolved targets; the nemesis off.
    for (const FiredFault& fired : first.faults)
      if (std::optional<SFault> f = scripted_fault(fired)) faults_.push_back(std::move(*f));
    if (parsed.nemesis.enabled && parsed.nemesis.swarm) {
      // A swarm nemesis also drew the network's loss and duplication and the clients' interval:
      // keep what this seed drew.
      const Scenario drawn = draw_swarm(parsed);
      base_["network"]["loss"] = drawn.network.loss;
      base_["network"]["duplicate"] = drawn.network.duplicate;
      if (parsed.workload.clients > 0)
        base_["workload"]["mean_interval"] = std::to_string(drawn.workload.mean_interval_us) + "us";
      // And the algorithm's own drawn parameters (timeouts, options).
      if (const AlgorithmInfo* algo = find_algorithm(parsed.algorithm)) {
        for (const auto& [key, v] : swarm_params(*algo, parsed)) {
          json& slot = base_["params"][algo->name][key];
          switch (v.kind) {
            case ParamValue::Kind::Int:
              slot = v.i;
              break;
            case ParamValue::Kind::Double:
              slot = v.d;
              break;
            case ParamValue::Kind::Bool:
              slot = v.b;
              break;
            case ParamValue::Kind::String:
              slot = v.s;
              break;
          }
        }
      }
    }
    base_.erase("nemesis");
    base_.erase("faults");
    if (!fails(build(faults_, ops_, duration_us_, nodes_))) {
      r_.notes.push_back(
          "the fault schedule written as scripted faults does not fail the same way: the result "
          "keeps the original faults and nemesis (nothing shrunk)");
      throw NotReproduced{};
    }
    r_.faults_scripted = true;
    report("faults scripted");

    // 2. The clients' operations as scripted ones.
    if (base_.contains("workload")) {
      std::vector<SOp> ops;
      // The scenario's own scripted operations keep the node they were sent to first (random
      // clients send to the node they believe leads, as a scripted op without "node" does).
      std::vector<bool> matched(original.workload.ops.size(), false);
      auto target_of = [&](const lin::Op& op) -> NodeId {
        for (size_t i = 0; i < original.workload.ops.size(); ++i) {
          const ScriptedOp& so = original.workload.ops[i];
          if (matched[i] || so.at_us != op.call || so.client != op.process || so.kind != op.kind ||
              so.key != op.key)
            continue;
          matched[i] = true;
          return so.node;
        }
        return kNoNode;
      };
      for (const lin::Op& op : first.result.history.ops) {
        SOp s;
        s.at_us = op.call;
        s.fields["client"] = op.process;
        if (const NodeId node = target_of(op); node != kNoNode)
          s.fields["node"] = node_name1(int64_t{node} + 1);
        s.fields["op"] = lin::op_kind_name(op.kind);
        s.fields["key"] = op.key;
        const bool reads = op.kind == lin::OpKind::Read || op.kind == lin::OpKind::Get;
        if (!reads && op.value) s.fields["value"] = *op.value;
        if (op.expected) s.fields["expected"] = *op.expected;
        ops.push_back(std::move(s));
      }
      const json saved = base_["workload"];
      // Only what scripted operations and the leader duties use stays.
      for (const char* key : {"clients", "ops", "start", "stop", "mean_interval", "read_fraction",
                              "cas_fraction", "keys"})
        base_["workload"].erase(key);
      scripted_ops_ = true;
      if (fails(build(faults_, ops, duration_us_, nodes_))) {
        ops_ = std::move(ops);
        r_.ops_scripted = true;
        report("operations scripted");
      } else {
        scripted_ops_ = false;
        base_["workload"] = saved;
        if (r_.had_random_clients)
          r_.notes.push_back(
              "the random clients' operations written as scripted ones do not fail the same way: "
              "the result keeps the random workload");
      }
    }

    if (script_only_) return;

    // What begins after a checker saw the violation cannot have caused it: drop it first (one
    // run, cheaper than letting delta debugging find it out).
    if (target_.safety) {
      const Time_us t = violation_time();
      std::vector<SFault> fs;
      for (const SFault& f : faults_)
        if (f.at_us <= t) fs.push_back(f);
      std::vector<SOp> os;
      for (const SOp& op : ops_)
        if (op.at_us <= t) os.push_back(op);
      if ((fs.size() < faults_.size() || os.size() < ops_.size()) &&
          fails(build(fs, os, duration_us_, nodes_))) {
        faults_ = std::move(fs);
        ops_ = std::move(os);
        report("after the violation dropped");
      }
      // And the run cut just after it: every later run is shorter (a few runs, saved many times).
      cut_duration();
      report("run cut");
    }

    // The single message drops get a fifth of the budget, over all rounds.
    drop_runs_left_ = o_.budget / 5;
    // 3. Rounds until one changes nothing (or the budget is spent): removing a fault changes the
    // timing of everything after it, so what was needed in one round may not be in the next.
    for (int round = 1; !exhausted(); ++round) {
      const size_t faults_were = faults_.size(), ops_were = ops_.size();
      const int32_t nodes_were = nodes_;
      const Time_us duration_was = duration_us_;
      const std::string r = round == 1 ? "" : " (round " + std::to_string(round) + ")";
      // Delta debugging: faults, then operations.
      faults_ = ddmin<SFault>(faults_, [this](const std::vector<SFault>& fs) {
        return build(fs, ops_, duration_us_, nodes_);
      });
      report("faults reduced" + r);
      // Broad network faults by the single message drops they effected, once the faults are
      // minimal (delta debugging removed none this round).
      if (faults_.size() == faults_were && replace_network_faults())
        report("network faults as message drops" + r);
      if (scripted_ops_) {
        ops_ = ddmin<SOp>(ops_, [this](const std::vector<SOp>& os) {
          return build(faults_, os, duration_us_, nodes_);
        });
        report("operations reduced" + r);
      }
      // Times and durations: shorter faults, later starts, round numbers.
      shrink_times();
      report("times shortened" + r);
      // The run's end: just after the failure.
      cut_duration();
      report("run cut" + r);
      // Fewer nodes.
      drop_nodes();
      report("nodes dropped" + r);
      if (faults_.size() == faults_were && ops_.size() == ops_were && nodes_ == nodes_were &&
          duration_us_ == duration_was)
        break;
    }
    if (scripted_ops_) renumber_values();
  }

  // Thrown (internally) when scripting the faults already loses the failure.
  struct NotReproduced {};

  json current() const { return build(faults_, ops_, duration_us_, nodes_); }
  const std::vector<SFault>& faults() const { return faults_; }
  const std::vector<SOp>& ops() const { return ops_; }
  bool scripted_ops() const { return scripted_ops_; }
  int32_t nodes() const { return nodes_; }
  Time_us duration_us() const { return duration_us_; }
  const RunReport& best_report() const { return best_report_; }
  const Failure& target() const { return target_; }
  const json& base() const { return base_; }

  // The document for these faults, operations, duration and cluster size.
  json build(const std::vector<SFault>& fs, const std::vector<SOp>& os, Time_us duration_us,
             int32_t nodes) const {
    json doc = base_;
    doc["nodes"] = nodes;
    doc["duration"] = human_duration(duration_us);
    json faults = json::array();
    for (const SFault& f : fs)
      if (f.at_us < duration_us) faults.push_back(fault_json(f));
    if (!faults.empty()) doc["faults"] = faults;
    if (scripted_ops_) {
      json ops = json::array();
      for (const SOp& op : os) {
        if (op.at_us >= duration_us) continue;
        json j = json::object();
        j["at"] = human_duration(op.at_us);
        for (const auto& [k, v] : op.fields.items()) j[k] = v;
        ops.push_back(j);
      }
      if (!ops.empty()) doc["workload"]["ops"] = ops;
    }
    return doc;
  }

  // Runs the document; true when it fails like the target (counts the run).
  bool fails(const json& doc) {
    if (exhausted()) return false;
    Scenario s;
    try {
      s = parse_scenario(doc.dump(), o_.file);
    } catch (const InputError&) {
      return false;  // not a valid scenario (a candidate the reductions made): skip it
    }
    RunReport report;
    try {
      report = run_scenario(s, nullptr, o_.limits);
    } catch (const InputError&) {
      return false;
    }
    ++r_.runs;
    if (!fails_same_way(report, target_.safety, target_.what)) return false;
    best_report_ = std::move(report);
    return true;
  }

  // The metric of the expectation at `path` ("reached", "no_inert_faults", ...); "" if none.
  static std::string metric_of(const RunReport& report, const std::string& path) {
    for (const ExpectationResult& e : report.expectations)
      if (e.path == path) return e.metric;
    return "";
  }

  bool exhausted() {
    if (script_only_) return false;
    if (r_.runs >= o_.budget) r_.budget_exhausted = true;
    return r_.budget_exhausted || r_.runs >= step_limit_;
  }

  void report(const std::string& phase) { report(phase, faults_.size(), ops_.size()); }
  void report(const std::string& phase, size_t faults, size_t ops) {
    if (!o_.progress) return;
    o_.progress(phase + ": " + std::to_string(r_.runs) + " runs, " + count(faults, "fault") + ", " +
                (scripted_ops_ ? count(ops, "op") : std::string("random clients")) + ", " +
                count(static_cast<size_t>(nodes_), "node") + ", " + human_duration(duration_us_) +
                (r_.budget_exhausted ? " (budget spent)" : ""));
  }

 private:
  // Zeller's ddmin: the smallest subset (1-minimal, as far as the budget allows) that still fails.
  template <typename T>
  std::vector<T> ddmin(std::vector<T> items,
                       const std::function<json(const std::vector<T>&)>& make) {
    if (items.empty() || exhausted()) return items;
    if (fails(make({}))) return {};
    size_t n = 2;
    while (items.size() >= 2 && !exhausted()) {
      const size_t chunk = (items.size() + n - 1) / n;
      std::vector<std::vector<T>> parts;
      for (size_t i = 0; i < items.size(); i += chunk)
        parts.emplace_back(
            items.begin() + static_cast<std::ptrdiff_t>(i),
            items.begin() + static_cast<std::ptrdiff_t>(std::min(i + chunk, items.size())));
      bool reduced = false;
      for (const std::vector<T>& part : parts) {
        if (parts.size() > 2 && fails(make(part))) {  // with 2 parts the complements cover it
          items = part;
          n = 2;
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        for (size_t i = 0; i < parts.size() && !reduced; ++i) {
          std::vector<T> rest;
          for (size_t j = 0; j < parts.size(); ++j)
            if (j != i) rest.insert(rest.end(), parts[j].begin(), parts[j].end());
          if (fails(make(rest))) {
            items = std::move(rest);
            n = std::max<size_t>(n - 1, 2);
            reduced = true;
          }
        }
      }
      if (!reduced) {
        if (n >= items.size()) break;
        n = std::min(n * 2, items.size());
      }
      if (reduced) {
        if constexpr (std::is_same_v<T, SFault>)
          report("faults", items.size(), ops_.size());
        else
          report("operations", faults_.size(), items.size());
      }
    }
    return items;
  }

  // Values a person would write: the k-th distinct value becomes "k" (an append's token "xk;").
  void renumber_values() {
    if (ops_.empty() || exhausted()) return;
    std::map<std::string, std::string> renamed;
    std::vector<SOp> os = ops_;
    for (SOp& op : os)
      for (const char* key : {"expected", "value"}) {
        if (!op.fields.contains(key)) continue;
        const std::string old = op.fields[key].get<std::string>();
        auto it = renamed.find(old);
        if (it == renamed.end()) {
          const std::string k = std::to_string(renamed.size() + 1);
          const bool token = old.size() > 2 && old.front() == 'x' && old.back() == ';';
          it = renamed.emplace(old, token ? "x" + k + ";" : k).first;
        }
        op.fields[key] = it->second;
      }
    if (fails(build(faults_, os, duration_us_, nodes_))) ops_ = std::move(os);
  }

  // The kinds whose drops a drop_message can stand for: they cut links or lose messages, and a
  // message they dropped is all they did to it (delays are not drops: those kinds stay).
  static bool replaceable(const std::string& kind) {
    return kind == "partition" || kind == "isolate" || kind == "link_cut" || kind == "bridge" ||
           kind == "majorities_ring" || kind == "flap" || kind == "drop" || kind == "loss_burst";
  }

  // Runs the current faults once more, naming every message each fault dropped; per fault (in
  // faults_'s order), the drop_message faults that drop exactly those messages. nullopt when the
  // run no longer fails like the target (then nothing is replaced).
  std::optional<std::vector<std::vector<SFault>>> drops_by_fault() {
    if (exhausted()) return std::nullopt;
    Scenario s;
    try {
      s = parse_scenario(build(faults_, ops_, duration_us_, nodes_).dump(), o_.file);
    } catch (const InputError&) {
      return std::nullopt;
    }
    RunLimits limits = o_.limits;
    limits.record_dropped_messages = true;
    RunReport report = run_scenario(s, nullptr, limits);
    ++r_.runs;
    if (drop_runs_left_ > 0) --drop_runs_left_;
    if (!fails_same_way(report, target_.safety, target_.what)) return std::nullopt;
    // Instance k is the k-th fault to fire: the scripted faults in time order (a stable sort,
    // as the kernel's), those that begin before the end of the run.
    std::vector<size_t> order;
    for (size_t i = 0; i < faults_.size(); ++i)
      if (faults_[i].at_us < duration_us_) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [this](size_t x, size_t y) { return faults_[x].at_us < faults_[y].at_us; });
    std::vector<std::vector<SFault>> drops(faults_.size());
    const auto& effects = report.result.fault_effects;
    for (size_t k = 0; k < order.size() && k < effects.size(); ++k) {
      for (const DroppedMessage& m : effects[k].messages) {
        SFault d;
        d.at_us = round_down(m.sent_us, kMillisecond_us);
        d.kind = "drop_message";
        d.fields["from"] = node_name1(int64_t{m.from} + 1);
        d.fields["to"] = node_name1(int64_t{m.to} + 1);
        d.fields["type"] = m.type;
        d.fields["nth"] = m.nth;
        drops[order[k]].push_back(std::move(d));
      }
    }
    return drops;
  }

  // Replaces broad network faults (partitions, cuts, loss) by the single message drops they
  // effected, when the failure survives it, then keeps only the drops it needs (delta debugging
  // over them). A replacement is kept only when it leaves no more faults than it found (a drop
  // counts as one fault). True when faults_ changed.
  bool replace_network_faults() {
    bool any = false;
    for (const SFault& f : faults_) any = any || replaceable(f.kind);
    if (!any || exhausted()) return false;
    // Tried on the same kinds of faults already (in an earlier round, before times were shortened
    // or a node dropped): the answer would most likely be the same, and the runs are better spent
    // elsewhere.
    std::string key;
    for (const SFault& f : faults_) key += f.kind + ",";
    if (key == drops_tried_for_ || drop_runs_left_ == 0) return false;
    drops_tried_for_ = std::move(key);
    std::optional<std::vector<std::vector<SFault>>> drops = drops_by_fault();
    if (!drops) return false;
    // All at once, then (when that loses the failure) one fault at a time.
    auto attempt = [this, &drops](const std::vector<size_t>& which) {
      std::vector<SFault> kept, added;
      for (size_t i = 0; i < faults_.size(); ++i) {
        if (std::find(which.begin(), which.end(), i) == which.end()) {
          kept.push_back(faults_[i]);
        } else {
          for (const SFault& d : (*drops)[i])
            if (d.at_us < duration_us_) added.push_back(d);
        }
      }
      auto with = [&kept](const std::vector<SFault>& ds) {
        std::vector<SFault> fs = kept;
        fs.insert(fs.end(), ds.begin(), ds.end());
        return fs;
      };
      if (drop_runs_left_ == 0) return false;
      // Each attempt may spend a few dozen runs of the share the single drops get.
      const uint64_t start = r_.runs;
      step_limit_ = r_.runs + std::min<uint64_t>(drop_runs_left_, kDropAttemptRuns);
      const bool reproduces = fails(build(with(added), ops_, duration_us_, nodes_));
      if (reproduces)
        added = ddmin<SFault>(added, [&](const std::vector<SFault>& ds) {
          return build(with(ds), ops_, duration_us_, nodes_);
        });
      step_limit_ = UINT64_MAX;
      drop_runs_left_ -= std::min(drop_runs_left_, r_.runs - start);
      if (!reproduces || kept.size() + added.size() > faults_.size()) return false;
      std::vector<SFault> fs = with(added);
      std::stable_sort(fs.begin(), fs.end(),
                       [](const SFault& x, const SFault& y) { return x.at_us < y.at_us; });
      // The ddmin's last failing run may not be this exact set: confirm it.
      if (!fails(build(fs, ops_, duration_us_, nodes_))) return false;
      faults_ = std::move(fs);
      return true;
    };
    std::vector<size_t> all;
    for (size_t i = 0; i < faults_.size(); ++i)
      if (replaceable(faults_[i].kind)) all.push_back(i);
    const size_t was = faults_.size();
    if (attempt(all)) return true;
    if (all.size() == 1) return false;
    // One at a time; faults_ changes on success, so match by content.
    bool changed = false;
    const std::vector<SFault> before = faults_;
    for (size_t b = 0; b < before.size() && !exhausted(); ++b) {
      if (!replaceable(before[b].kind)) continue;
      size_t i = 0;
      while (i < faults_.size() && fault_json(faults_[i]) != fault_json(before[b])) ++i;
      if (i == faults_.size()) continue;
      if (changed) {
        // The drops were recorded for the faults as they were: record them again.
        drops = drops_by_fault();
        if (!drops) break;
      }
      if (attempt({i})) changed = true;
    }
    return changed || faults_.size() != was;
  }

  bool try_faults(const std::vector<SFault>& fs) {
    if (!fails(build(fs, ops_, duration_us_, nodes_))) return false;
    faults_ = fs;
    return true;
  }

  void shrink_times() {
    for (size_t i = 0; i < faults_.size() && !exhausted(); ++i) {
      // Shorter: halve the duration while the failure survives.
      while (faults_[i].duration_us >= 2 * kMillisecond_us && !exhausted()) {
        std::vector<SFault> fs = faults_;
        fs[i].duration_us = std::max<Time_us>(kMillisecond_us, fs[i].duration_us / 2);
        if (!try_faults(fs)) break;
      }
      // Later: move the start halfway to the end, keeping the end.
      while (faults_[i].duration_us >= 2 * kMillisecond_us && !exhausted()) {
        std::vector<SFault> fs = faults_;
        const Time_us half = fs[i].duration_us / 2;
        fs[i].at_us += half;
        fs[i].duration_us -= half;
        if (!try_faults(fs)) break;
      }
      // Round numbers: a start and a duration a person would write, the coarsest that still
      // fails. The start goes down to the unit, else up to it (a crash that must land inside a
      // short window may fit only one of the two); the duration is rounded up.
      bool rounded = false;
      for (Time_us unit :
           {100 * kMillisecond_us, 10 * kMillisecond_us, kMillisecond_us, kMillisecond_us / 10}) {
        if (rounded || exhausted()) break;
        const SFault was = faults_[i];
        if (was.at_us % unit == 0 && was.duration_us % unit == 0) break;  // round already
        for (const Time_us at : {round_down(was.at_us, unit), round_up(was.at_us, unit)}) {
          std::vector<SFault> fs = faults_;
          fs[i].at_us = at;
          if (was.duration_us > 0)
            fs[i].duration_us = std::max(unit, round_up(was.duration_us, unit));
          if (fs[i].at_us >= duration_us_) continue;
          if (try_faults(fs)) {
            rounded = true;
            break;
          }
          if (at == was.at_us) break;  // the start was round: down and up are the same
        }
      }
    }
    // In time order, as a person lists them. The kernel orders scripted faults the same way (a
    // stable sort by start), so the run does not change.
    std::stable_sort(faults_.begin(), faults_.end(),
                     [](const SFault& x, const SFault& y) { return x.at_us < y.at_us; });
    if (scripted_ops_ && !ops_.empty() && !exhausted()) {
      for (Time_us unit : {10 * kMillisecond_us, kMillisecond_us}) {
        std::vector<SOp> os = ops_;
        for (SOp& op : os) op.at_us = round_down(op.at_us, unit);
        if (fails(build(faults_, os, duration_us_, nodes_))) {
          ops_ = std::move(os);
          break;
        }
      }
    }
  }

  // The latest time the scenario still needs (+1us: times lie in [0, duration)).
  Time_us needed_until() const {
    Time_us t = 0;
    for (const SFault& f : faults_) t = std::max(t, f.at_us + 1);
    for (const SOp& op : ops_) t = std::max(t, op.at_us + 1);
    if (target_.safety) t = std::max(t, violation_time() + 1);
    return t;
  }

  // When a checker first saw the target violation in the last failing run.
  Time_us violation_time() const {
    for (const Violation& v : best_report_.result.violations)
      if (v.checker == target_.what) return v.time_us;
    return 0;
  }

  // The document with a shorter run: random workload and duty times kept inside it.
  json with_duration(Time_us d) {
    json doc = build(faults_, ops_, d, nodes_);
    if (doc.contains("workload")) {
      try {
        const Scenario s = parse_scenario(base_.dump(), o_.file);
        if (s.workload.stop_us != kNever_us && s.workload.stop_us >= d)
          doc["workload"].erase("stop");
      } catch (const InputError&) {
      }
    }
    return doc;
  }

  void cut_duration() {
    const Time_us unit = 10 * kMillisecond_us;
    int64_t lo = round_up(needed_until(), unit) / unit;  // in units of 10ms
    int64_t hi = duration_us_ / unit;                    // known to fail (or the original)
    if (lo >= hi) return;
    if (fails(with_duration(lo * unit))) {
      hi = lo;
    } else {
      while (hi - lo > 1 && !exhausted()) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (fails(with_duration(mid * unit)))
          hi = mid;
        else
          lo = mid;
      }
    }
    if (hi * unit >= duration_us_) return;
    // A round end when it still fails.
    const Time_us nice = round_up(hi * unit, 100 * kMillisecond_us);
    if (nice != hi * unit && nice < duration_us_ && fails(with_duration(nice))) {
      commit_duration(nice);
      return;
    }
    if (fails(with_duration(hi * unit))) commit_duration(hi * unit);
  }

  void commit_duration(Time_us d) {
    const json doc = with_duration(d);
    if (doc.contains("workload") && !doc["workload"].contains("stop"))
      base_["workload"].erase("stop");
    duration_us_ = d;
    std::vector<SFault> fs;
    for (const SFault& f : faults_)
      if (f.at_us < d) fs.push_back(f);
    faults_ = fs;
    std::vector<SOp> os;
    for (const SOp& op : ops_)
      if (op.at_us < d) os.push_back(op);
    ops_ = os;
  }

  // Removes node `gone` (a name) from a node set; false when the fault loses its meaning.
  static bool drop_from(json& set, const std::string& gone) {
    if (set.is_string()) return set.get<std::string>() != gone;
    json kept = json::array();
    for (const json& n : set)
      if (n.get<std::string>() != gone) kept.push_back(n);
    set = kept;
    return !set.empty();
  }

  void drop_nodes() {
    while (nodes_ > 1 && !exhausted()) {
      const std::string gone = node_name1(nodes_);
      std::vector<SFault> fs;
      for (SFault f : faults_) {
        bool keep = true;
        json& d = f.fields;
        if (d.contains("groups")) {
          json groups = json::array();
          for (json g : d["groups"])
            if (drop_from(g, gone)) groups.push_back(g);
          d["groups"] = groups;
          keep = !groups.empty();
        }
        if (d.contains("nodes") && f.kind != "bridge" && f.kind != "majorities_ring")
          keep = keep && drop_from(d["nodes"], gone);
        if (d.contains("nodes") && (f.kind == "bridge" || f.kind == "majorities_ring"))
          drop_from(d["nodes"], gone);
        for (const char* end : {"from", "to"})
          if (d.contains(end)) keep = keep && drop_from(d[end], gone);
        if (keep) fs.push_back(std::move(f));
      }
      std::vector<SOp> os = ops_;
      for (SOp& op : os)
        if (op.fields.contains("node") && op.fields["node"] == gone) op.fields.erase("node");
      json saved = base_;
      if (base_.contains("params"))
        for (auto& [algo, p] : base_["params"].items()) {
          if (!p.is_object()) continue;
          std::vector<std::string> drop;
          for (const auto& [key, v] : p.items())
            if (key == gone || key.rfind(gone + ".", 0) == 0) drop.push_back(key);
          for (const std::string& key : drop) p.erase(key);
        }
      if (!fails(build(fs, os, duration_us_, nodes_ - 1))) {
        base_ = saved;
        break;
      }
      faults_ = fs;
      ops_ = os;
      --nodes_;
    }
  }

  const ShrinkOptions& o_;
  ShrinkResult& r_;
  const bool script_only_;
  json base_;  // the resolved scenario without golden, captions, nemesis and faults
  Failure target_;
  RunReport best_report_;  // the last run that failed like the target
  std::vector<SFault> faults_;
  std::vector<SOp> ops_;
  bool scripted_ops_ = false;
  // A step's own cap on the runs (the single message drops: a share of the budget).
  uint64_t step_limit_ = UINT64_MAX;
  uint64_t drop_runs_left_ = 0;  // for the single message drops, over all rounds
  std::string drops_tried_for_;  // the faults (as JSON) they were last tried on
  int32_t nodes_ = 3;
  Time_us duration_us_ = 0;
};

// The shrinker's faults and operations into `out`, fields in the order a person writes them:
// when, what, whom, how long.
void write_scripted(nlohmann::ordered_json& out, const Shrinker& shrinker) {
  nlohmann::ordered_json faults = nlohmann::ordered_json::array();
  for (const SFault& f : shrinker.faults()) {
    nlohmann::ordered_json j;
    j["at"] = human_duration(f.at_us);
    j["kind"] = f.kind;
    for (const char* key : {"groups", "nodes", "from", "to", "both", "type", "nth", "probability",
                            "loss", "delay", "period", "drift_ppm", "jump"})
      if (f.fields.contains(key)) j[key] = f.fields[key];
    if (f.duration_us > 0) j["duration"] = human_duration(f.duration_us);
    faults.push_back(j);
  }
  if (!faults.empty()) out["faults"] = faults;
  if (shrinker.scripted_ops() && out.contains("workload") && out["workload"].contains("ops")) {
    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const SOp& op : shrinker.ops()) {
      nlohmann::ordered_json j;
      j["at"] = human_duration(op.at_us);
      for (const char* key : {"client", "node", "op", "key", "value", "expected"})
        if (op.fields.contains(key)) j[key] = op.fields[key];
      ops.push_back(j);
    }
    out["workload"]["ops"] = ops;
  }
}

// The expectation that the failing value satisfies: the original one, turned around.
std::optional<json> turned_around(const Scenario& s, const std::string& path, int64_t value) {
  const Expectation* e = nullptr;
  for (const Expectation& x : s.expect)
    if (x.path == path) e = &x;
  auto by = s.expect_by_algorithm.find(s.algorithm);
  if (by != s.expect_by_algorithm.end())
    for (const Expectation& x : by->second)
      if (x.path == path) e = &x;
  if (e == nullptr) return std::nullopt;
  json bound = json::object();
  if (e->eq) {
    if (value > *e->eq) bound["min"] = *e->eq + 1;
    if (value < *e->eq) bound["max"] = *e->eq - 1;
  }
  if (e->min && value < *e->min) bound["max"] = *e->min - 1;
  if (e->max && value > *e->max) bound["min"] = *e->max + 1;
  if (bound.empty()) return std::nullopt;
  if (e->metric == "linearizable") return json(value != 0);
  if (e->metric.size() > 3 && e->metric.compare(e->metric.size() - 3, 3, "_us") == 0)
    for (auto& [k, v] : bound.items()) v = human_duration(v.get<int64_t>());
  return bound;
}

}  // namespace

std::string fault_caption(const std::string& fault_json) {
  const json j = json::parse(fault_json);
  SFault f;
  f.kind = j.value("kind", std::string());
  for (const auto& [k, v] : j.items())
    if (k != "at" && k != "kind" && k != "duration") f.fields[k] = v;
  if (j.contains("duration")) {
    const Scenario s =
        parse_scenario(R"({"nodes": 1000, "duration": "168h", "faults": [)" + fault_json + "]}",
                       "fault");  // reads the duration
    if (!s.faults.empty()) f.duration_us = s.faults[0].duration_us;
  }
  return caption_of(f);
}

namespace {

// One shrink of one run: the steps of Shrinker, then the result written as a lesson.
// `found_by`: how the search of smaller runs came to this run ("" for the run asked for).
ShrinkResult shrink_once(const ShrinkOptions& options, const std::string& found_by) {
  ShrinkResult result;
  Shrinker shrinker(options, result);
  bool reproduced = true;
  try {
    shrinker.run();
  } catch (const Shrinker::NotReproduced&) {
    reproduced = false;
  }
  // The lesson: where it came from, a caption per fault, the failure as its expectation.
  const std::string stem = std::filesystem::path(options.file).stem().string();
  json doc = reproduced ? shrinker.current()
                        : json::parse(load_scenario(
                                          options.file,
                                          [&] {
                                            std::vector<std::string> o = options.sets;
                                            o.push_back("algorithm=\"" + result.algorithm + "\"");
                                            o.push_back("seed=" + std::to_string(result.seed));
                                            return o;
                                          }(),
                                          options.variant)
                                          .resolved_json);
  doc.erase("golden");
  const Scenario before = parse_scenario(doc.dump(), options.file);
  const std::string base_name =
      doc.value("name", std::string()).empty() ? stem : doc["name"].get<std::string>();
  result.name = base_name + "-shrunk";
  result.faults_after = reproduced ? shrinker.faults().size() : result.faults_before;
  result.ops_after = shrinker.scripted_ops() ? shrinker.ops().size()
                                             : shrinker.best_report().result.history.ops.size();
  result.nodes_after = reproduced ? shrinker.nodes() : result.nodes_before;
  result.duration_after = reproduced ? shrinker.duration_us() : result.duration_before;

  std::string sets;
  for (const std::string& s : options.sets) sets += " --set " + shell_quote(s);
  // How the shrunk run fails with the original expectations (its own words, not the original's).
  const Verdict judged = judge_run(shrinker.best_report());
  const std::string shrunk_failure = judged.ok() ? result.text : judged.failures.front().text;
  std::string description =
      "Shrunk by 'ballot shrink' from " + std::filesystem::path(options.file).filename().string() +
      " (" + result.algorithm + ", seed " + std::to_string(result.seed) + sets +
      "): " + count(result.faults_before, "fault") + " and " +
      count(result.ops_before, "client operation") + " on " +
      count(static_cast<size_t>(result.nodes_before), "node") + " over " +
      human_duration(result.duration_before) + " became " + count(result.faults_after, "fault") +
      " and " + count(result.ops_after, "operation") + " on " +
      count(static_cast<size_t>(result.nodes_after), "node") + " over " +
      human_duration(result.duration_after) + ". It fails the way the original did, " +
      (result.safety ? "first with a " + result.what + " violation: "
                     : "first on " + result.what + ": ") +
      shrunk_failure;
  if (!found_by.empty()) description += ". " + found_by;
  for (const std::string& note : result.notes) description += ". Note: " + note;
  const std::string orig_desc = doc.value("description", std::string());
  if (!orig_desc.empty()) description += ". The original: " + orig_desc;

  // The expectation: the failure.
  const RunReport& last = shrinker.best_report();
  json expect = json::object();
  if (result.safety) {
    expect["violations"] = json{{"min", 1}};
  } else {
    std::string metric;
    for (const ExpectationResult& e : last.expectations)
      if (e.path == result.what) metric = e.metric;
    auto value = last.result.metrics.find(metric);
    std::optional<json> bound;
    if (value != last.result.metrics.end())
      bound = turned_around(before, result.what, value->second);
    if (!bound)
      throw std::runtime_error("cannot state the failed expectation " + result.what +
                               " as one the run satisfies");
    expect[metric] = *bound;
    if (!last.result.violations.empty()) expect["violations"] = json{{"min", 1}};
  }
  // Captions: one per fault, and the failure where a checker saw it.
  json captions = json::array();
  if (reproduced)
    for (const SFault& f : shrinker.faults())
      captions.push_back(json{{"at", human_duration(f.at_us)}, {"text", caption_of(f)}});
  if (result.safety)
    for (const Violation& v : last.result.violations)
      if (v.checker == result.what && v.time_us < before.duration_us) {
        captions.push_back(json{{"at", human_duration(round_down(v.time_us, kMillisecond_us))},
                                {"text", "[" + v.checker + "] " + v.message},
                                {"pause", true}});
        break;
      }

  nlohmann::ordered_json out;
  out["name"] = result.name;
  out["description"] = description;
  for (const char* key : {"nodes", "algorithm", "seed", "duration", "topology", "network", "timers",
                          "storage", "params", "faults", "nemesis", "stonith", "workload"})
    if (doc.contains(key)) out[key] = doc[key];
  if (reproduced) {
    write_scripted(out, shrinker);
  }
  out["expect"] = expect;
  if (!captions.empty()) out["captions"] = captions;
  result.scenario_text = pretty(out);

  // Re-check: the result passes (its expectation is the failure), and with the original
  // expectations it still fails the same way.
  const Scenario shrunk = parse_scenario(result.scenario_text, result.name + ".json");
  const RunReport again = run_scenario(shrunk, nullptr, options.limits);
  ++result.runs;
  const Verdict verdict = judge_run(again);
  bool same = verdict.ok();
  if (result.safety) {
    same = same && !again.result.violations.empty();
    bool found = false;
    for (const Violation& v : again.result.violations) found |= v.checker == result.what;
    same = same && found;
  }
  if (!same)
    throw std::runtime_error(
        "the shrunk scenario does not re-check (" +
        (verdict.ok() ? std::string("the failure is gone") : verdict.failures.front().text) + ")");
  return result;
}

// The smaller runs the search draws: the scenario itself with fewer nodes and a shorter run.
struct SearchConfig {
  std::vector<std::string> sets;  // the --set overrides that make it (after the user's)
  json doc;                       // the resolved scenario, seed to be set
  int32_t nodes = 0;
  Time_us duration_us = 0;
};

// A run of the search that failed the same way.
struct Sibling {
  std::vector<std::string> sets;
  uint64_t seed = 0;
  size_t faults_to_failure = 0;  // faults fired up to the failure (safety) or in the run
  int32_t nodes = 0;
  Time_us duration_us = 0;
};

std::string setting(const std::string& path, Time_us t) {
  return path + "=\"" + human_duration(t) + "\"";
}

// The runs the search tries, smallest first: 3 nodes (the smallest majority) and the scenario's
// own count; runs of 500ms, 1s and 2s shorter than the scenario's (else its own length). The
// nemesis starts within the first tenth of the run and stops by its end, the random clients
// too, so that a short run still gets faults and operations. A configuration the scenario
// reader refuses is left out.
std::vector<SearchConfig> search_configs(const ShrinkOptions& o, const Scenario& original) {
  std::vector<int32_t> node_counts;
  if (original.nodes > 3) node_counts.push_back(3);
  node_counts.push_back(original.nodes);
  std::vector<Time_us> durations;
  for (Time_us d : {kSecond_us / 2, kSecond_us, 2 * kSecond_us})
    if (d < original.duration_us) durations.push_back(d);
  if (durations.empty()) durations.push_back(original.duration_us);
  std::vector<SearchConfig> configs;
  for (Time_us d : durations)
    for (int32_t n : node_counts) {
      SearchConfig c;
      c.nodes = n;
      c.duration_us = d;
      c.sets = o.sets;
      if (!o.algorithm.empty()) c.sets.push_back("algorithm=\"" + o.algorithm + "\"");
      if (n != original.nodes) c.sets.push_back("nodes=" + std::to_string(n));
      if (d != original.duration_us) c.sets.push_back(setting("duration", d));
      const NemesisSpec& nem = original.nemesis;
      if (nem.start_us > d / 10) c.sets.push_back(setting("nemesis.start", d / 10));
      if (nem.stop_us != kNever_us && nem.stop_us > d) c.sets.push_back(setting("nemesis.stop", d));
      const WorkloadSpec& w = original.workload;
      if (w.clients > 0 && w.start_us > d / 10) c.sets.push_back(setting("workload.start", d / 10));
      if (w.clients > 0 && w.stop_us != kNever_us && w.stop_us > d)
        c.sets.push_back(setting("workload.stop", d));
      try {
        c.doc = json::parse(load_scenario(o.file, c.sets, o.variant).resolved_json);
      } catch (const InputError&) {
        continue;
      }
      c.doc.erase("golden");
      c.doc.erase("captions");
      configs.push_back(std::move(c));
    }
  return configs;
}

// The run fails first like `target`: the number of faults that fired up to the failure.
std::optional<size_t> fails_like(const RunReport& report, const ShrinkResult& target) {
  if (!fails_same_way(report, target.safety, target.what)) return std::nullopt;
  Time_us when = kNever_us;  // an expectation is judged on the whole run
  if (target.safety)
    for (const Violation& x : report.result.violations)
      if (x.checker == target.what) {
        when = x.time_us;
        break;
      }
  size_t n = 0;
  for (const FiredFault& fired : report.faults) n += fired.begin_us <= when ? 1 : 0;
  return n;
}

// Faults, then operations, nodes and length: which of two results is smaller.
bool smaller(const ShrinkResult& a, const ShrinkResult& b) {
  return std::tie(a.faults_after, a.ops_after, a.nodes_after, a.duration_after) <
         std::tie(b.faults_after, b.ops_after, b.nodes_after, b.duration_after);
}

}  // namespace

ShrinkResult shrink_failure(const ShrinkOptions& options) {
  // Is there a random schedule to search (a nemesis), and budget enough for it?
  Scenario original;
  {
    std::vector<std::string> overrides = options.sets;
    if (!options.algorithm.empty()) overrides.push_back("algorithm=\"" + options.algorithm + "\"");
    if (options.seed_given) overrides.push_back("seed=" + std::to_string(options.seed));
    original = load_scenario(options.file, overrides, options.variant);
  }
  const bool may_search =
      options.search && original.nemesis.enabled && options.budget >= kSearchMinBudget;
  ShrinkOptions own = options;
  if (may_search) own.budget = options.budget / 4;
  ShrinkResult result = shrink_once(own, "");
  if (!may_search || !result.faults_scripted || result.faults_after <= kSearchAbove) return result;

  // Delta debugging of the run itself left many faults: removing one moves the random draws of
  // everything after it, so in a long chaotic run most faults look needed. Search smaller runs
  // of the same scenario (other seeds, fewer nodes, shorter) for one that fails the same way
  // after fewer faults, and shrink the best few of those.
  result.searched = true;
  result.own_faults_after = result.faults_after;
  const uint64_t search_cap = result.runs + (options.budget - result.runs) / 2;
  const std::vector<SearchConfig> configs = search_configs(options, original);
  std::vector<Sibling> found;
  auto say = [&](const std::string& what) {
    if (options.progress) options.progress(what);
  };
  say("search: delta debugging of the run itself stopped at " +
      count(result.faults_after, "fault") + "; searching smaller runs of the same scenario");
  uint64_t runs = result.runs;
  for (uint64_t k = 1; !configs.empty() && runs < search_cap; ++k) {
    for (const SearchConfig& c : configs) {
      if (runs >= search_cap) break;
      const uint64_t seed = original.seed + k;
      json doc = c.doc;
      doc["seed"] = seed;
      RunReport report;
      try {
        report = run_scenario(parse_scenario(doc.dump(), options.file), nullptr, options.limits);
      } catch (const InputError&) {
        continue;
      }
      ++runs;
      ++result.search_runs;
      if (const std::optional<size_t> n = fails_like(report, result)) {
        Sibling s;
        s.sets = c.sets;
        s.seed = seed;
        s.faults_to_failure = *n;
        s.nodes = c.nodes;
        s.duration_us = c.duration_us;
        found.push_back(std::move(s));
        say("search: " + std::to_string(result.search_runs) + " runs, seed " +
            std::to_string(seed) + " on " + count(static_cast<size_t>(c.nodes), "node") + " over " +
            human_duration(c.duration_us) + " fails the same way after " + count(*n, "fault"));
      }
    }
    size_t best = std::numeric_limits<size_t>::max();
    for (const Sibling& s : found) best = std::min(best, s.faults_to_failure);
    if (best <= 1) break;
  }
  result.siblings_failing = found.size();
  std::stable_sort(found.begin(), found.end(), [](const Sibling& a, const Sibling& b) {
    return std::tie(a.faults_to_failure, a.nodes, a.duration_us, a.seed) <
           std::tie(b.faults_to_failure, b.nodes, b.duration_us, b.seed);
  });
  if (found.size() > kSearchShrunk) found.resize(kSearchShrunk);

  // Shrink the best of them, each with an equal share of what is left.
  std::optional<ShrinkResult> best;
  std::string best_from;
  for (size_t i = 0; i < found.size() && runs < options.budget; ++i) {
    const Sibling& s = found[i];
    ShrinkOptions sub = options;
    sub.sets = s.sets;
    sub.algorithm.clear();  // in the sets
    sub.seed_given = true;
    sub.seed = s.seed;
    sub.search = false;
    sub.budget = std::max<uint64_t>(1, (options.budget - runs) / (found.size() - i));
    if (options.progress)
      sub.progress = [&options, seed = s.seed](const std::string& line) {
        options.progress("seed " + std::to_string(seed) + ": " + line);
      };
    std::string sets;
    for (size_t j = options.sets.size(); j < s.sets.size(); ++j)
      sets += " --set " + shell_quote(s.sets[j]);
    const std::string from =
        "Found by a search: delta debugging of seed " + std::to_string(original.seed) + "'s run (" +
        count(result.faults_before, "fault") + ") stopped at " +
        count(result.faults_after, "fault") + ", so 'ballot shrink' searched " +
        std::to_string(result.search_runs) + " smaller runs of the same scenario (seeds from " +
        std::to_string(original.seed + 1) +
        ", 3 nodes and the scenario's own count, runs of 500ms, 1s and 2s) and shrank the one that "
        "failed the same way after the fewest faults: seed " +
        std::to_string(s.seed) + sets;
    try {
      ShrinkResult r = shrink_once(sub, from);
      runs += r.runs;
      if (!best || smaller(r, *best)) {
        best = std::move(r);
        best_from = "seed " + std::to_string(s.seed) + sets;
      }
    } catch (const std::exception& e) {
      // A sibling that does not shrink (its scripted schedule does not fail the same way, or the
      // result does not re-check) is passed over.
      result.notes.push_back("the search's seed " + std::to_string(s.seed) +
                             " could not be shrunk (" + e.what() + ")");
    }
  }
  const uint64_t spent = runs;
  if (!best || !smaller(*best, result)) {
    result.runs = spent;
    return result;
  }
  // The sibling's shrink, with the original's counts before and the search's record.
  ShrinkResult chosen = std::move(*best);
  chosen.runs = spent;
  chosen.faults_before = result.faults_before;
  chosen.ops_before = result.ops_before;
  chosen.nodes_before = result.nodes_before;
  chosen.duration_before = result.duration_before;
  chosen.search_text = chosen.text;  // the found run's own failure
  chosen.text = result.text;
  chosen.searched = true;
  chosen.own_faults_after = result.own_faults_after;
  chosen.search_runs = result.search_runs;
  chosen.siblings_failing = result.siblings_failing;
  chosen.from_search = best_from;
  chosen.notes.insert(chosen.notes.begin(), result.notes.begin(), result.notes.end());
  return chosen;
}

SavedFailure script_failure(const ShrinkOptions& options, const std::string& saved_by) {
  ShrinkResult r;
  Shrinker shrinker(options, r, /*script_only=*/true);
  bool reproduced = true;
  try {
    shrinker.run();
  } catch (const Shrinker::NotReproduced&) {
    reproduced = false;
  }
  SavedFailure saved;
  saved.faults_scripted = reproduced;
  saved.ops_scripted = reproduced && shrinker.scripted_ops();
  saved.had_nemesis = r.had_nemesis;
  saved.had_random_clients = r.had_random_clients;
  saved.text = r.text;
  saved.notes = r.notes;
  std::vector<std::string> overrides = options.sets;
  overrides.push_back("algorithm=\"" + r.algorithm + "\"");
  overrides.push_back("seed=" + std::to_string(r.seed));
  const Scenario original = load_scenario(options.file, overrides, options.variant);
  json doc = reproduced ? shrinker.current() : json::parse(original.resolved_json);
  doc.erase("golden");  // the golden hashes of the original run, not of this one
  doc.erase("captions");
  doc.erase("generated_by");
  if (reproduced && original.nemesis.enabled) {
    // Kept, disabled, as the record of what drew the scripted faults.
    json nemesis = json::parse(original.resolved_json)["nemesis"];
    nemesis["enabled"] = false;
    doc["nemesis"] = nemesis;
  }
  const std::string file = std::filesystem::path(options.file).filename().string();
  std::string sets;
  for (const std::string& s : options.sets) sets += " --set " + shell_quote(s);
  std::string how;
  if (r.had_nemesis)
    how += reproduced ? "the nemesis's faults are scripted (the nemesis is kept, disabled)"
                      : "the nemesis is kept (its faults as scripted ones did not fail the same "
                        "way)";
  if (r.had_random_clients)
    how += std::string(how.empty() ? "" : "; ") +
           (saved.ops_scripted ? "the random clients' operations are scripted"
                               : "the random clients are kept (their operations as scripted "
                                 "ones did not fail the same way)");
  if (how.empty()) how = "nothing was random to script";
  std::string description =
      "A failing run saved by '" + saved_by + "' from " + file + " (" + r.algorithm + ", seed " +
      std::to_string(r.seed) + sets + "): " + how + ". It fails first " +
      (r.safety ? "with a " + r.what + " violation: " : "on " + r.what + ": ") + r.text;
  const std::string orig_desc = doc.value("description", std::string());
  if (!orig_desc.empty()) description += ". The original: " + orig_desc;

  nlohmann::ordered_json generated;
  generated["ballot"] = kBallotVersion;
  generated["nemesis"] = kNemesisGeneratorVersion;
  generated["workload"] = kWorkloadGeneratorVersion;
  generated["by"] = saved_by;
  generated["from"] = file;
  generated["algorithm"] = r.algorithm;
  generated["seed"] = r.seed;
  if (!options.sets.empty()) generated["sets"] = options.sets;
  generated["faults_scripted"] = reproduced && r.had_nemesis;
  generated["ops_scripted"] = saved.ops_scripted;

  const std::string stem = std::filesystem::path(options.file).stem().string();
  const std::string base_name =
      doc.value("name", std::string()).empty() ? stem : doc["name"].get<std::string>();
  nlohmann::ordered_json out;
  out["name"] = base_name + "-failure-" + r.algorithm + "-" + std::to_string(r.seed);
  out["description"] = description;
  out["generated_by"] = generated;
  for (const char* key :
       {"nodes", "algorithm", "seed", "duration", "topology", "network", "timers", "storage",
        "params", "faults", "nemesis", "stonith", "workload", "expect"})
    if (doc.contains(key)) out[key] = doc[key];
  if (reproduced) write_scripted(out, shrinker);
  saved.scenario_text = pretty(out);

  // Re-check: the saved file fails the way the run did (its first failure: same kind, same
  // checker or expectation).
  const Scenario again = parse_scenario(saved.scenario_text, out["name"].get<std::string>());
  const RunReport report = run_scenario(again, nullptr, options.limits);
  const Verdict verdict = judge_run(report);
  saved.runs = r.runs + 1;
  if (verdict.ok() || verdict.failures.front().safety != r.safety ||
      verdict.failures.front().what != r.what)
    throw std::runtime_error(
        "the saved scenario does not fail the same way (" +
        (verdict.ok() ? std::string("it passes") : verdict.failures.front().text) + ")");
  return saved;
}

}  // namespace ballot
