#include "cli/runner.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <utility>

#include "algorithms/registry.h"
#include "sim/api/input_error.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/lincheck/lincheck.h"

namespace ballot {

namespace {

bool is_duration_metric(const std::string& metric) {
  return metric.size() > 3 && metric.compare(metric.size() - 3, 3, "_us") == 0;
}

std::string show_value(const std::string& metric, int64_t value) {
  if (is_duration_metric(metric)) return human_duration(value);
  if (metric == "final_leader")
    return value == 0 ? "none" : node_name(static_cast<NodeId>(value - 1));
  return std::to_string(value);
}

void judge(const std::vector<Expectation>& expectations, const RunReport& report,
           std::vector<ExpectationResult>& out) {
  const RunResult& result = report.result;
  for (const Expectation& e : expectations) {
    ExpectationResult r;
    r.path = e.path;
    r.metric = e.metric;
    if (e.eq) r.wanted = "== " + show_value(e.metric, *e.eq);
    if (e.min && e.max)
      r.wanted = "in [" + show_value(e.metric, *e.min) + ", " + show_value(e.metric, *e.max) + "]";
    else if (e.min)
      r.wanted = ">= " + show_value(e.metric, *e.min);
    else if (e.max)
      r.wanted = "<= " + show_value(e.metric, *e.max);
    if (e.metric == "reached") {
      // Not a metric: judged on the situations the run reached (validate_algorithm_names has
      // checked the name against the algorithm's table).
      size_t id = 0;
      while (id < report.situations.size() && report.situations[id].name != e.situation) ++id;
      const int64_t times = report.times_reached(id);
      r.wanted = "reached " + e.situation;
      if (times == 0) {
        r.got = "not reached";
      } else {
        const SituationCount& c = result.situations[id];
        r.got = std::to_string(times) + (times == 1 ? " time" : " times") + ", first at " +
                human_duration(c.first_us) + " (" + node_name(c.first_node) + ")";
      }
      r.ok = times > 0;
      out.push_back(std::move(r));
      continue;
    }
    if (e.metric == "no_inert_faults") {
      // Not a metric: judged on the fault effects. "no_inert_faults": false asks nothing.
      const bool wanted = !e.eq || *e.eq != 0;
      std::string inert;
      for (const FaultEffect& f : result.fault_effects)
        if (f.inert()) inert += (inert.empty() ? "#" : ", #") + std::to_string(f.fault);
      r.wanted = wanted ? "no inert fault" : "anything";
      r.got = inert.empty() ? "none inert" : "inert: " + inert;
      r.ok = !wanted || inert.empty();
      out.push_back(std::move(r));
      continue;
    }
    auto it = result.metrics.find(e.metric);
    if (it == result.metrics.end()) {
      r.got = "not measured in this run";
      r.ok = false;
    } else {
      const int64_t v = it->second;
      r.got = show_value(e.metric, v);
      r.ok = (!e.eq || v == *e.eq) && (!e.min || v >= *e.min) && (!e.max || v <= *e.max);
    }
    out.push_back(std::move(r));
  }
}

// Bully's backups hold the coordinator's state, and a node that learns of a higher coordinator
// takes that node's state (a Coordinator message) or its writes (Replicate) in place of its own.
// For each write a node acknowledged, the first such delivery to it that lacks the write is where
// the write was erased from the node that acknowledged it.
class BullyErasureObserver final : public Observer {
 public:
  bool wants(EventKind kind) const override {
    return kind == EventKind::ClientReturn || kind == EventKind::Deliver;
  }
  void on_event(const TraceEvent& ev) override {
    if (ev.kind == EventKind::ClientReturn) {
      const lin::Op& op = *ev.op;
      if (ev.peer == kNoNode || op.outcome != lin::Outcome::Ok || !op.value) return;
      if (op.kind == lin::OpKind::Get || op.kind == lin::OpKind::Read) return;
      pending_[ev.peer][op.key].push_back({ev.op_id, op.kind == lin::OpKind::Append, *op.value});
      return;
    }
    if (ev.peer == kNoNode || ev.peer <= ev.node) return;
    const std::string_view type = ev.payload->type();
    if (type != "Replicate" && type != "Coordinator") return;
    auto held = pending_.find(ev.node);
    if (held == pending_.end()) return;
    StateSink state;
    ev.payload->fields(state);
    const bool whole = type == "Coordinator";  // a key it lacks is gone
    for (auto& [key, writes] : held->second) {
      auto it = state.values.find(key);
      if (it == state.values.end() && !whole) continue;
      const std::string now = it == state.values.end() ? std::string() : it->second;
      std::vector<Write> kept;
      for (Write& w : writes) {
        const bool survives = w.append ? now.find(w.value) != std::string::npos : now == w.value;
        if (survives)
          kept.push_back(std::move(w));
        else
          erased_[w.op_id] = {ev.index, ev.time_us, ev.node, ev.peer};
      }
      writes = std::move(kept);
    }
  }
  const std::map<uint64_t, Erasure>& erased() const { return erased_; }

 private:
  struct Write {
    uint64_t op_id;
    bool append;
    std::string value;
  };
  // Collects key -> value from a Replicate {key, value} or a Coordinator {state: [{key, value}]}.
  struct StateSink final : FieldSink {
    std::map<std::string, std::string> values;
    std::string key;
    void put_int(std::string_view, int64_t) override {}
    void put_str(std::string_view name, std::string_view value) override {
      if (name == "key") key = value;
      if (name == "value") values[key] = value;
    }
    void put_bool(std::string_view, bool) override {}
    void begin_list(std::string_view) override {}
    void end_list() override {}
    void begin_obj(std::string_view) override {}
    void end_obj() override {}
  };
  std::map<NodeId, std::map<std::string, std::vector<Write>>> pending_;
  std::map<uint64_t, Erasure> erased_;
};

}  // namespace

void measure_recovery(RunReport& report) {
  // Both lookups are by time, so a run with many faults and many operations stays cheap.
  const std::vector<AvailabilityChange>& changes = report.result.availability;  // in time order
  // next_serving[k]: the first change at or after k where the leader can lead (size(): none).
  std::vector<size_t> next_serving(changes.size() + 1, changes.size());
  for (size_t k = changes.size(); k-- > 0;)
    next_serving[k] = changes[k].serving ? k : next_serving[k + 1];
  // Successful writes by call time, with the earliest return among those called at or after each.
  std::vector<std::pair<int64_t, int64_t>> writes;  // (call, ret)
  for (const lin::Op& op : report.result.history.ops) {
    const bool write = op.kind != lin::OpKind::Read && op.kind != lin::OpKind::Get;
    if (write && op.outcome == lin::Outcome::Ok) writes.emplace_back(op.call, op.ret);
  }
  std::sort(writes.begin(), writes.end());
  std::vector<int64_t> first_ret(writes.size() + 1, INT64_MAX);
  for (size_t k = writes.size(); k-- > 0;)
    first_ret[k] = std::min(writes[k].second, first_ret[k + 1]);
  const auto time_of = [](const AvailabilityChange& c, Time_us t) { return c.time_us < t; };
  for (FiredFault& f : report.faults) {
    const Time_us t = f.begin_us;
    // The acknowledged leader just before the fault, and the state once everything that happened
    // at its time (the fault and what it did at once) is done.
    const size_t at = static_cast<size_t>(
        std::lower_bound(changes.begin(), changes.end(), t, time_of) - changes.begin());
    const size_t after = static_cast<size_t>(
        std::upper_bound(changes.begin(), changes.end(), t,
                         [](Time_us x, const AvailabilityChange& c) { return x < c.time_us; }) -
        changes.begin());
    const NodeId before = at == 0 ? kNoNode : changes[at - 1].acknowledged;
    f.recovery_leader_us.reset();
    if (after > 0 && changes[after - 1].serving)
      f.recovery_leader_us = 0;
    else if (next_serving[after] < changes.size())
      f.recovery_leader_us = changes[next_serving[after]].time_us - t;
    f.recovery_write_us.reset();
    const size_t w = static_cast<size_t>(
        std::lower_bound(writes.begin(), writes.end(), std::make_pair(t, INT64_MIN)) -
        writes.begin());
    if (first_ret[w] != INT64_MAX) f.recovery_write_us = first_ret[w] - t;
    f.target_was_leader = false;
    if (before == kNoNode) continue;
    const nlohmann::json d = nlohmann::json::parse(f.detail_json, nullptr, false);
    if (d.is_object() && d.contains("nodes") && d["nodes"].is_array())
      for (const nlohmann::json& n : d["nodes"])
        if (n.is_number_integer() && n.get<int64_t>() == int64_t{before} + 1)
          f.target_was_leader = true;
  }
}

static RunReport run_impl(const Scenario& scenario, std::ostream* trace_out, Observer* watcher,
                          const RunLimits& limits);

int64_t count_lost_writes(const lin::History& history) {
  return static_cast<int64_t>(find_lost_writes(history).size());
}

std::vector<uint64_t> find_lost_writes(const lin::History& history) {
  using lin::OpKind;
  using lin::Outcome;
  // Judged against the latest-invoked successful read of each key.
  std::map<std::string, const lin::Op*> last_read;
  for (const lin::Op& op : history.ops) {
    if ((op.kind != OpKind::Get && op.kind != OpKind::Read) || op.outcome != Outcome::Ok) continue;
    const lin::Op*& r = last_read[op.key];
    if (r == nullptr || op.call > r->call) r = &op;
  }
  // Writes that set the whole value (put, write, cas): in a linearization the read returns the
  // value of the last of them before it, which is an acknowledged write w or one that may come
  // after w (it did not end before w began: ret >= w's call) and before the read (it began
  // before the read ended). Failed ones never took effect; unknown ones may have.
  auto sets_value = [](const lin::Op& op) {
    return (op.kind == OpKind::Put || op.kind == OpKind::Write || op.kind == OpKind::Cas) &&
           op.outcome != Outcome::Fail && op.value;
  };
  // Per key, about the writes that may come before its last read (began before it ended):
  // the latest end of any whole-value write, and of those whose value the read can show
  // (kv: the read begins with it, appends follow; register: the read is it), the two latest
  // ends with their ops.
  struct KeyFacts {
    int64_t latest_set_ret = INT64_MIN;
    std::pair<int64_t, const lin::Op*> shown[2] = {{INT64_MIN, nullptr}, {INT64_MIN, nullptr}};
  };
  std::map<std::string, KeyFacts> facts;
  for (const lin::Op& op : history.ops) {
    if (!sets_value(op)) continue;
    auto r = last_read.find(op.key);
    if (r == last_read.end() || op.call >= r->second->ret) continue;
    KeyFacts& f = facts[op.key];
    f.latest_set_ret = std::max(f.latest_set_ret, op.ret);
    const std::string seen = r->second->value.value_or("");
    const bool shown = op.kind == OpKind::Put ? seen.compare(0, op.value->size(), *op.value) == 0
                                              : r->second->value == op.value;
    if (!shown) continue;
    if (op.ret > f.shown[0].first) {
      f.shown[1] = f.shown[0];
      f.shown[0] = {op.ret, &op};
    } else if (op.ret > f.shown[1].first) {
      f.shown[1] = {op.ret, &op};
    }
  }
  std::vector<uint64_t> lost;
  for (const lin::Op& op : history.ops) {
    const auto op_id = static_cast<uint64_t>(&op - history.ops.data()) + 1;
    if (op.outcome != Outcome::Ok || !op.value) continue;
    if (op.kind == OpKind::Get || op.kind == OpKind::Read) continue;
    auto r = last_read.find(op.key);
    if (r == last_read.end() || op.ret >= r->second->call) continue;  // not yet observable
    const KeyFacts& f = facts[op.key];
    if (op.kind == OpKind::Append) {
      // Lost if the read lacks its token and no whole-value write may have come in between.
      const std::string seen = r->second->value.value_or("");
      if (seen.find(*op.value) == std::string::npos && f.latest_set_ret < op.call)
        lost.push_back(op_id);
      continue;
    }
    // Lost if the read shows neither its value nor that of a write that may have followed it.
    bool explained = false;
    for (const auto& [ret, shown] : f.shown)
      explained |= shown == &op || (shown != nullptr && ret >= op.call);
    if (!explained) lost.push_back(op_id);
  }
  return lost;
}

ClientUnavailability client_unavailability(const lin::History& history, Time_us timeout_us,
                                           Time_us end_us) {
  struct Span {
    Time_us begin_us, end_us;
    bool succeeded;
  };
  std::vector<Span> spans;
  for (const lin::Op& op : history.ops) {
    const bool write = op.kind == lin::OpKind::Write || op.kind == lin::OpKind::Cas ||
                       op.kind == lin::OpKind::Put || op.kind == lin::OpKind::Append;
    if (!write) continue;
    const bool answered = op.outcome != lin::Outcome::Info && op.ret != lin::kPendingReturn;
    const bool succeeded =
        answered && (op.outcome == lin::Outcome::Ok || op.kind == lin::OpKind::Cas);
    // An unknown outcome: the client waited until its timeout (or the run's end).
    const Time_us until_us = answered ? op.ret : std::min(op.call + timeout_us, end_us);
    spans.push_back({op.call, std::max(op.call, until_us), succeeded});
  }
  // Sweep: ends before starts at the same instant (a success at t closes the window at t).
  struct Point {
    Time_us t;
    int order;  // 0: end, 1: start
    size_t span;
  };
  std::vector<Point> points;
  for (size_t i = 0; i < spans.size(); ++i) {
    points.push_back({spans[i].begin_us, 1, i});
    points.push_back({spans[i].end_us, 0, i});
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) {
    return a.t != b.t ? a.t < b.t : (a.order != b.order ? a.order < b.order : a.span < b.span);
  });
  std::vector<std::pair<Time_us, Time_us>> windows;
  int64_t in_flight = 0;
  bool open = false;
  Time_us open_us = 0;
  for (const Point& p : points) {
    if (p.order == 1) {
      ++in_flight;
      if (!open) open = true, open_us = p.t;
      continue;
    }
    --in_flight;
    if (spans[p.span].succeeded || in_flight == 0) {
      if (open && p.t > open_us) windows.emplace_back(open_us, p.t);
      open = in_flight > 0;
      open_us = p.t;
    }
  }
  ClientUnavailability out;
  for (const auto& [a, b] : windows) out.max_us = std::max(out.max_us, b - a);
  // Each write that never succeeded counts from its call until it ended or some write succeeded,
  // whichever came first; overlapping stretches count once.
  std::vector<Time_us> successes;
  for (const Span& sp : spans)
    if (sp.succeeded) successes.push_back(sp.end_us);
  std::sort(successes.begin(), successes.end());
  std::vector<std::pair<Time_us, Time_us>> doomed;
  for (const Span& sp : spans) {
    if (sp.succeeded) continue;
    auto next = std::lower_bound(successes.begin(), successes.end(), sp.begin_us);
    const Time_us until_us = next == successes.end() ? sp.end_us : std::min(sp.end_us, *next);
    if (until_us > sp.begin_us) doomed.emplace_back(sp.begin_us, until_us);
  }
  std::sort(doomed.begin(), doomed.end());
  Time_us covered_until_us = INT64_MIN;
  for (const auto& [a, b] : doomed) {
    const Time_us from_us = std::max(a, covered_until_us);
    if (b > from_us) out.total_us += b - from_us;
    covered_until_us = std::max(covered_until_us, b);
  }
  return out;
}

// Budget for the checker inside a run: enough for thousands of operations; a history that needs
// more is reported as undecided (metric -1) rather than stalling a sweep.
constexpr uint64_t kRunLincheckStates = 2'000'000;

static void judge_history(RunReport& report) {
  const lin::History& history = report.result.history;
  if (history.ops.empty()) return;
  const lin::Model model = lin::infer_model(history);
  const ClientUnavailability unavailable =
      client_unavailability(history, report.scenario.workload.timeout_us, report.result.end_us);
  report.result.metrics["client_unavailable_us"] = unavailable.total_us;
  report.result.metrics["client_unavailable_max_us"] = unavailable.max_us;
  report.lost_write_ops = find_lost_writes(history);
  report.result.metrics["lost_writes"] = static_cast<int64_t>(report.lost_write_ops.size());
  lin::CheckOptions options;
  options.max_states = kRunLincheckStates;
  const lin::Verdict verdict = lin::check(history, model, options);
  report.checked_linearizability = true;
  report.linearizable = verdict.linearizable;
  report.lincheck_timed_out = verdict.timed_out;
  report.lincheck_explanation = verdict.explanation;
  for (size_t i : verdict.failing_window) report.lincheck_failing_ops.push_back(i + 1);
  report.lincheck_window_minimal = verdict.window_minimal;
  report.result.metrics["linearizable"] = verdict.timed_out ? -1 : (verdict.linearizable ? 1 : 0);
}

Verdict judge_run(const RunReport& report) {
  Verdict verdict;
  const Scenario& s = report.scenario;
  verdict.safety_violations = report.result.violations.size();
  // Expected only when every expectation on `violations` admits a positive count.
  bool any = false, all_admit = true;
  auto weigh = [&](const std::vector<Expectation>& expectations) {
    for (const Expectation& e : expectations) {
      if (e.metric != "violations") continue;
      any = true;
      all_admit &= (!e.eq || *e.eq > 0) && (!e.max || *e.max > 0);
    }
  };
  weigh(s.expect);
  auto by_algo = s.expect_by_algorithm.find(s.algorithm);
  if (by_algo != s.expect_by_algorithm.end()) weigh(by_algo->second);
  verdict.violations_expected = any && all_admit;
  if (!verdict.violations_expected) {
    for (const Violation& v : report.result.violations)
      verdict.failures.push_back({true, v.checker, "[" + v.checker + "] " + v.message});
  }
  for (const ExpectationResult& e : report.expectations)
    if (!e.ok)
      verdict.failures.push_back(
          {false, e.path, e.path + ": wanted " + e.wanted + ", got " + e.got});
  return verdict;
}

bool RunReport::ok() const {
  return judge_run(*this).ok();
}

std::string Verdict::summary() const {
  size_t safety = 0;
  for (const Failure& f : failures) safety += f.safety;
  const size_t expectations = failures.size() - safety;
  std::string text;
  if (safety > 0) text = std::to_string(safety) + " safety violation" + (safety == 1 ? "" : "s");
  if (expectations > 0)
    text += (text.empty() ? "" : ", ") + std::to_string(expectations) + " failed expectation" +
            (expectations == 1 ? "" : "s");
  return text;
}

bool RunReport::expectations_hold() const {
  for (const ExpectationResult& e : expectations)
    if (!e.ok) return false;
  return true;
}

std::string damage_summary(int64_t lost_writes, int64_t job_duplicates, int64_t id_duplicates) {
  std::string text;
  auto add = [&text](int64_t n, const char* one, const char* many) {
    if (n <= 0) return;
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? one : many);
  };
  add(lost_writes, "lost write", "lost writes");
  add(job_duplicates, "duplicate job run", "duplicate job runs");
  add(id_duplicates, "duplicate id", "duplicate ids");
  return text;
}

std::string damage_summary(const std::map<std::string, int64_t>& metrics) {
  auto get = [&metrics](const char* name) {
    auto it = metrics.find(name);
    return it == metrics.end() ? int64_t{-1} : it->second;
  };
  return damage_summary(get("lost_writes"), get("job_duplicates"), get("id_duplicates"));
}

std::string human_duration(Time_us d) {
  if (d < 0) return "-" + human_duration(-d);
  if (d == 0) return "0s";
  auto fixed = [](Time_us value, Time_us unit, const char* suffix) {
    std::string whole = std::to_string(value / unit);
    Time_us frac = value % unit;
    if (frac == 0) return whole + suffix;
    std::string digits = std::to_string(frac);
    std::string padded = std::string(std::to_string(unit).size() - 1 - digits.size(), '0') + digits;
    while (!padded.empty() && padded.back() == '0') padded.pop_back();
    return whole + "." + padded + suffix;
  };
  if (d >= kSecond_us) return fixed(d, kSecond_us, "s");
  if (d >= kMillisecond_us) return fixed(d, kMillisecond_us, "ms");
  return std::to_string(d) + "us";
}

std::string shell_quote(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           (c != '\0' && std::strchr("_-./:=,+@%", c) != nullptr);
  });
  if (plain) return word;
  // Inside single quotes nothing is special to a POSIX shell except the closing quote: each '
  // becomes '\'' (close, an escaped quote, reopen).
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string repro_command(const std::string& file, const std::string& algorithm, uint64_t seed,
                          const std::vector<std::string>& sets, const std::string& variant) {
  // Absolute, so the line works from any directory.
  std::error_code ec;
  const std::filesystem::path path = std::filesystem::absolute(file, ec);
  const std::string where = ec ? file : path.lexically_normal().string();
  std::string cmd = "ballot run " + shell_quote(where) + " --algo " + shell_quote(algorithm) +
                    " --seed " + std::to_string(seed);
  if (!variant.empty()) cmd += " --variant " + shell_quote(variant);
  for (const std::string& s : sets) cmd += " --set " + shell_quote(s);
  return cmd;
}

std::string trace_header(const Scenario& scenario) {
  std::string line = std::string(kTraceHeaderStart) +
                     ",\"format_version\":" + std::to_string(kTraceFormatVersion) +
                     ",\"ballot_version\":";
  append_json_string(line, kBallotVersion);
  line += ",\"file\":";
  append_json_string(line, scenario.file);
  line += ",\"algorithm\":";
  append_json_string(line, scenario.algorithm);
  line += ",\"seed\":" + std::to_string(scenario.seed);
  // The table of fault kinds as this ballot knows them, for the viewer (not hashed).
  line += ",\"fault_kinds\":" + fault_kinds_json();
  line += ",\"scenario\":" + scenario.resolved_json + "}";
  return line;
}

std::string trace_footer(const RunReport& report) {
  const RunResult& r = report.result;
  std::string line;
  JsonWriter w(line);
  w.begin_obj("");
  w.put_bool("footer", true);
  w.put_int("events", static_cast<int64_t>(r.events));
  w.put_int("end_us", r.end_us);
  w.put_str("trace_hash", hash_hex(r.trace_hash));
  w.begin_obj("metrics");
  for (const auto& [name, value] : r.metrics) w.put_int(name, value);
  w.end_obj();
  w.begin_list("leader_loss_us");  // one entry per leader loss (metrics hold the total)
  for (Time_us d : r.leader_losses_us) w.put_int("", d);
  w.end_list();
  w.begin_list("violations");
  for (const Violation& v : r.violations) {
    w.begin_obj("");
    w.put_str("checker", v.checker);
    w.put_int("event", static_cast<int64_t>(v.event_index));
    w.put_int("t", v.time_us);
    w.begin_list("nodes");
    for (NodeId n : v.nodes) w.put_int("", int64_t{n} + 1);
    w.end_list();
    w.put_str("message", v.message);
    w.end_obj();
  }
  w.end_list();
  if (report.checked_linearizability) {
    w.begin_obj("lincheck");
    w.put_bool("linearizable", report.linearizable);
    w.put_bool("timed_out", report.lincheck_timed_out);
    w.begin_list("failing_ops");
    for (uint64_t op : report.lincheck_failing_ops) w.put_int("", static_cast<int64_t>(op));
    w.end_list();
    w.put_bool("window_minimal", report.lincheck_window_minimal);
    w.put_str("explanation", report.lincheck_explanation);
    w.end_obj();
  }
  if (!report.cut_limit.empty()) {
    w.begin_obj("cut");
    w.put_str("limit", report.cut_limit);
    w.put_int("value", static_cast<int64_t>(report.cut_value));
    w.end_obj();
  }
  // Each lost write, duplicate job run and duplicate id with who caused it (what `ballot run`
  // prints; the viewer lists them). Nodes are numbered from 1 like violations' nodes.
  if (!report.lost_write_ops.empty() || !r.job_duplicates.empty() || !r.id_duplicates.empty()) {
    auto occurrence = [&w](const char* key, const Occurrence& o) {
      w.begin_obj(key);
      w.put_int("node", o.node == kNoNode ? 0 : int64_t{o.node} + 1);
      w.put_int("epoch", o.epoch);
      w.put_int("time_us", o.time_us);
      w.end_obj();
    };
    constexpr const char* kOpNames[] = {"read", "write", "cas", "get", "put", "append"};
    w.begin_obj("damage");
    w.begin_list("lost_writes");
    for (uint64_t id : report.lost_write_ops) {
      const lin::Op& op = r.history.ops[id - 1];
      w.begin_obj("");
      w.put_int("op", static_cast<int64_t>(id));
      w.put_str("f", kOpNames[static_cast<size_t>(op.kind)]);
      w.put_str("key", op.key);
      w.put_str("value", op.value.value_or(""));
      occurrence("acknowledged_by", r.op_served[id - 1]);
      auto erased = report.lost_write_erased.find(id);
      if (erased != report.lost_write_erased.end()) {
        const Erasure& e = erased->second;
        w.begin_obj("erased");
        w.put_int("event", static_cast<int64_t>(e.event));
        w.put_int("time_us", e.time_us);
        w.put_int("node", int64_t{e.node} + 1);
        w.put_int("from", int64_t{e.from} + 1);
        w.end_obj();
      }
      w.end_obj();
    }
    w.end_list();
    auto duplicates = [&](const char* list, const char* what, const std::vector<Duplicate>& ds) {
      w.begin_list(list);
      for (const Duplicate& d : ds) {
        w.begin_obj("");
        w.put_int(what, d.what);
        occurrence("first", d.first);
        occurrence("again", d.again);
        w.end_obj();
      }
      w.end_list();
    };
    duplicates("job_duplicates", "period", r.job_duplicates);
    duplicates("id_duplicates", "id", r.id_duplicates);
    w.end_obj();
  }
  w.begin_list("expectations");
  for (const ExpectationResult& e : report.expectations) {
    w.begin_obj("");
    w.put_str("path", e.path);
    w.put_str("metric", e.metric);
    w.put_str("wanted", e.wanted);
    w.put_str("got", e.got);
    w.put_bool("ok", e.ok);
    w.end_obj();
  }
  w.end_list();
  w.end_obj();
  return line;
}

RunReport run_scenario(const Scenario& scenario, std::ostream* trace_out, const RunLimits& limits,
                       Observer* watcher) {
  return run_impl(scenario, trace_out, watcher, limits);
}

RunReport run_scenario_watched(const Scenario& scenario, Observer* watcher,
                               const RunLimits& limits) {
  return run_impl(scenario, nullptr, watcher, limits);
}

uint64_t parse_limit(const std::string& text, const std::string& flag) {
  const std::string expected =
      "expected a positive count such as 50000000, 50M or 2Gi (K M G T: powers of 1000, Ki Mi "
      "Gi Ti: of 1024), got '" +
      text + "'";
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 19) throw InputError(flag, expected);
  uint64_t value = std::stoull(text.substr(0, digits));
  std::string suffix = text.substr(digits);
  if (suffix.size() > 1 && suffix.back() == 'B') suffix.pop_back();
  static const std::map<std::string, uint64_t> units = {{"", 1},
                                                        {"B", 1},
                                                        {"K", 1000},
                                                        {"k", 1000},
                                                        {"M", 1000'000},
                                                        {"G", 1000'000'000},
                                                        {"T", 1000'000'000'000},
                                                        {"Ki", uint64_t{1} << 10},
                                                        {"Mi", uint64_t{1} << 20},
                                                        {"Gi", uint64_t{1} << 30},
                                                        {"Ti", uint64_t{1} << 40}};
  auto unit = units.find(suffix);
  if (unit == units.end() || value == 0) throw InputError(flag, expected);
  if (value > static_cast<uint64_t>(INT64_MAX) / unit->second)
    throw InputError(flag, "expected a count below 2^63, got '" + text + "'");
  return value * unit->second;
}

std::string show_limit(uint64_t value) {
  static const std::pair<uint64_t, const char*> units[] = {
      {uint64_t{1} << 40, "Ti"}, {1000'000'000'000, "T"},
      {uint64_t{1} << 30, "Gi"}, {1000'000'000, "G"},
      {uint64_t{1} << 20, "Mi"}, {1000'000, "M"},
      {uint64_t{1} << 10, "Ki"}, {1000, "K"}};
  for (const auto& [unit, name] : units)
    if (value >= unit && value % unit == 0) return std::to_string(value / unit) + name;
  return std::to_string(value);
}

std::string cut_message(const RunReport& report) {
  if (report.cut_limit.empty()) return "";
  const bool events = report.cut_limit == "max_events";
  const std::string flag = events ? "--max-events" : "--max-trace-bytes";
  return std::string("the run stopped at the ") + (events ? "event limit" : "trace size limit") +
         " (" + flag + " " + show_limit(report.cut_value) + ") after " +
         std::to_string(report.result.events) + " events, at " +
         human_duration(report.result.end_us) + " simulated of " +
         human_duration(report.scenario.duration_us) + "; raise it with " + flag + " (e.g. " +
         flag + " " + show_limit(report.cut_value * 4) + ")";
}

void throw_if_cut(const RunReport& report) {
  if (report.cut_limit.empty()) return;
  throw InputError(report.cut_limit == "max_events" ? "--max-events" : "--max-trace-bytes",
                   report.scenario.algorithm + " seed " + std::to_string(report.scenario.seed) +
                       ": " + cut_message(report));
}

namespace {
// Writes the trace's event lines (when there is a stream) and counts their bytes; stops the run
// once the trace reaches the size limit.
class LimitedTraceWriter final : public Observer {
 public:
  LimitedTraceWriter(std::ostream* out, uint64_t bytes, uint64_t max_bytes, Simulator& sim)
      : out_(out), bytes_(bytes), max_bytes_(max_bytes), sim_(sim) {}
  void on_event(const TraceEvent& ev) override {
    line_.clear();
    append_event_json(line_, ev);
    line_.push_back('\n');
    bytes_ += line_.size();
    if (out_ != nullptr) out_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
    if (!hit_ && bytes_ >= max_bytes_) {
      hit_ = true;
      sim_.stop_after_step();
    }
  }
  bool hit() const { return hit_; }

 private:
  std::ostream* out_;
  uint64_t bytes_;
  uint64_t max_bytes_;
  Simulator& sim_;
  bool hit_ = false;
  std::string line_;
};
}  // namespace

namespace {

// "unknown algorithm 'raftt' (did you mean 'raft'?)", else the list of known ones.
[[noreturn]] void unknown_algorithm(const std::string& path, const std::string& what,
                                    const std::string& name) {
  std::vector<std::string> names;
  std::string known;
  for (const AlgorithmInfo& a : algorithms()) {
    names.push_back(a.name);
    known += (known.empty() ? "" : ", ") + a.name;
  }
  const std::string guess = closest_name(name, names);
  throw InputError(path, what + "unknown algorithm '" + name + "' (" +
                             (guess.empty() ? "known: " + known : "did you mean '" + guess + "'?") +
                             ")");
}

// Each expect.reached name of `expectations` must be one of `algo`'s situations.
void validate_situations(const std::vector<Expectation>& expectations, const AlgorithmInfo& algo) {
  for (const Expectation& e : expectations) {
    if (e.metric != "reached" || find_situation(algo, e.situation) >= 0) continue;
    std::vector<std::string> names;
    std::string known;
    for (const Situation& s : algo.situations) {
      names.emplace_back(s.name);
      known += (known.empty() ? "" : ", ") + std::string(s.name);
    }
    const std::string guess = closest_name(e.situation, names);
    throw InputError(
        e.path,
        "unknown situation '" + e.situation + "' for " + algo.name + " (" +
            (guess.empty() ? "expected one of: " + known : "did you mean '" + guess + "'?") + ")");
  }
}

}  // namespace

void validate_algorithm_names(const Scenario& scenario) {
  if (find_algorithm(scenario.algorithm) == nullptr)
    unknown_algorithm("algorithm", "", scenario.algorithm);
  for (const auto& [name, values] : scenario.expect_by_algorithm)
    if (find_algorithm(name) == nullptr) unknown_algorithm("expect.by_algorithm." + name, "", name);
  for (const auto& [key, hash] : scenario.golden) {
    const std::string name = key.substr(0, key.find('/'));
    if (find_algorithm(name) == nullptr) unknown_algorithm("golden." + key, "", name);
  }
  for (const auto& [name, values] : scenario.params) {
    const AlgorithmInfo* algo = find_algorithm(name);
    if (algo == nullptr) unknown_algorithm("params." + name, "parameters for ", name);
    // Another algorithm's parameters are read as if it ran, so a typo in them is caught now,
    // not when someone later runs the scenario with --algo.
    if (name != scenario.algorithm) (void)make_node_factory(*algo, scenario);
  }
  // A drop_message names a message type of the algorithm that runs (a typo would drop nothing).
  const AlgorithmInfo& running = *find_algorithm(scenario.algorithm);
  for (const FaultSpec& f : scenario.faults) {
    if (f.kind != FaultKind::DropMessage) continue;
    const auto& types = running.message_types;
    if (std::find(types.begin(), types.end(), f.msg_type) != types.end()) continue;
    std::string valid;
    for (const std::string& t : types) valid += (valid.empty() ? "" : ", ") + t;
    const std::string guess = closest_name(f.msg_type, types);
    throw InputError(f.path + ".type", "unknown message type '" + f.msg_type + "' for " +
                                           running.name + " (" +
                                           (guess.empty() ? "" : "did you mean '" + guess + "'? ") +
                                           "its message types: " + valid + ")");
  }
  // Situations are the algorithm's own: expect.reached names the running algorithm's, and
  // expect.by_algorithm.A.reached A's.
  validate_situations(scenario.expect, *find_algorithm(scenario.algorithm));
  for (const auto& [name, expectations] : scenario.expect_by_algorithm)
    validate_situations(expectations, *find_algorithm(name));
}

static RunReport run_impl(const Scenario& scenario, std::ostream* trace_out, Observer* watcher,
                          const RunLimits& limits) {
  validate_algorithm_names(scenario);
  const AlgorithmInfo* algo = find_algorithm(scenario.algorithm);
  RunReport report;
  report.scenario = scenario;
  report.has_epochs = algo->has_epochs;
  report.safety_checked = has_safety_checker(*algo);
  report.situations = algo->situations;
  const std::unique_ptr<Simulator> sim = make_simulator(*algo, report.scenario);
  const std::string header = trace_header(report.scenario);
  LimitedTraceWriter writer(trace_out, header.size() + 1, limits.max_trace_bytes, *sim);
  if (trace_out != nullptr) *trace_out << header << '\n';
  if (trace_out != nullptr || limits.count_trace_bytes) sim->watch(&writer);
  if (watcher != nullptr) sim->watch(watcher);
  FaultLog fault_log;
  sim->watch(&fault_log);
  BullyErasureObserver erasures;
  if (scenario.algorithm == "bully") sim->watch(&erasures);
  sim->set_max_events(limits.max_events);
  const auto golden =
      scenario.golden.find(scenario.algorithm + "/" + std::to_string(scenario.seed));
  sim->set_trace_hash(limits.trace_hash || trace_out != nullptr || golden != scenario.golden.end());
  if (limits.record_dropped_messages) sim->record_dropped_messages();
  report.result = sim->run();
  report.faults = fault_log.take(report.result.fault_schedule);
  if (report.scenario.stonith.enabled)
    for (FiredFault& f : report.faults)
      f.device = int64_t{stonith_device_id(report.scenario.nodes)} + 1;
  for (FiredFault& f : report.faults)
    if (f.id >= 1 && f.id <= report.result.fault_effects.size())
      f.effect = report.result.fault_effects[f.id - 1];
  for (FiredFault& f : report.faults)
    for (const FaultSpec& spec : scenario.faults) {
      if (spec.path != f.source) continue;
      if (spec.at_max_us != kNever_us) f.at_range_us = std::make_pair(spec.at_us, spec.at_max_us);
      if (spec.duration_max_us != kNever_us)
        f.duration_range_us = std::make_pair(spec.duration_us, spec.duration_max_us);
    }
  if (report.result.stopped_early) {
    report.cut_limit = writer.hit() ? "max_trace_bytes" : "max_events";
    report.cut_value = writer.hit() ? limits.max_trace_bytes : limits.max_events;
  }
  judge_history(report);
  measure_recovery(report);
  if (scenario.algorithm == "bully") {
    for (uint64_t id : report.lost_write_ops) {
      auto it = erasures.erased().find(id);
      if (it != erasures.erased().end()) report.lost_write_erased[id] = it->second;
    }
  }

  judge(scenario.expect, report, report.expectations);
  auto by_algo = scenario.expect_by_algorithm.find(scenario.algorithm);
  if (by_algo != scenario.expect_by_algorithm.end())
    judge(by_algo->second, report, report.expectations);
  if (golden != scenario.golden.end()) {
    ExpectationResult g;
    g.path = "golden." + golden->first;
    g.metric = "trace_hash";
    g.wanted = "== " + golden->second;
    g.got = hash_hex(report.result.trace_hash);
    g.ok = g.got == golden->second;
    report.expectations.push_back(g);
  }
  if (trace_out != nullptr) *trace_out << trace_footer(report) << '\n';
  return report;
}

}  // namespace ballot
