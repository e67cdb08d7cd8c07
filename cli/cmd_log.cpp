// `ballot log TRACE [--node n1,n3] [--from 700ms] [--to 2s] [--type 'Append*'] [--kind send,...]`:
// a trace as readable lines, one event per line, filtered.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/fault_log.h"
#include "cli/runner.h"
#include "cli/trace_file.h"
#include "sim/api/input_error.h"
#include "sim/api/params.h"

namespace ballot::cli {

namespace {

using Json = nlohmann::ordered_json;  // fields in trace order

struct LogOptions {
  std::string trace;
  std::vector<std::string> nodes;
  std::string from, to;
  std::vector<std::string> types;
  std::vector<std::string> kinds;
  bool timers = false;  // --timers: the timer bookkeeping (arm, cancel) too
};

// A trace that cannot be read: the line (0: the file itself) and what was expected.
struct TraceError {
  size_t line = 0;
  std::string message;
};

struct TraceInfo {
  Json header;
  bool footer = false;
  bool stopped = false;  // on_event asked to stop before the end
};

// Reads a trace line by line: checks the header, hands each event line to `on_event` (which
// returns false to stop early) and notes the footer. Throws TraceError. Kept to this one
// function so that the shared trace checker can replace it.
TraceInfo read_trace(const std::string& file,
                     const std::function<void(const Json& header)>& on_header,
                     const std::function<bool(size_t line_no, const Json& event)>& on_event) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TraceError{0, "cannot open the trace file"};
  TraceInfo info;
  // The shared checks (cli/trace_file.h): log accepts and rejects the same files as replay,
  // export and the viewer.
  TraceLineReader reader;
  std::string line;
  for (bool no_newline = false; read_trace_line(in, line, reader.line_number() + 1, no_newline);) {
    TraceLineReader::Line kind;
    try {
      kind = reader.next(line, no_newline);
    } catch (const InputError& e) {
      throw TraceError{reader.line_number(), e.what()};
    }
    if (kind == TraceLineReader::Line::Blank || kind == TraceLineReader::Line::Cut) continue;
    if (kind == TraceLineReader::Line::Footer) {
      info.footer = true;  // read on: text after the footer makes the file bad input
      continue;
    }
    Json j = Json::parse(line);
    if (kind == TraceLineReader::Line::Header) {
      info.header = std::move(j);
      on_header(info.header);
      continue;
    }
    if (!on_event(reader.line_number(), j)) {
      info.stopped = true;
      return info;
    }
  }
  try {
    reader.finish();
  } catch (const InputError& e) {
    throw TraceError{0, e.what()};
  }
  return info;
}

// The event kinds a trace has (docs/trace-format.md).
std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (size_t k = 0; k < kEventKinds; ++k)
    names.emplace_back(event_kind_name(static_cast<EventKind>(k)));
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& s : items) text += (text.empty() ? "" : ", ") + s;
  return text;
}

// Field access that names what is missing.
const Json& need(const Json& j, const char* key, bool (Json::*is)() const noexcept,
                 const char* what) {
  auto it = j.find(key);
  if (it == j.end() || !((*it).*is)())
    throw TraceError{0, std::string("\"") + key + "\": expected " + what};
  return *it;
}
int64_t need_int(const Json& j, const char* key) {
  return need(j, key, &Json::is_number_integer, "an integer").get<int64_t>();
}
std::string need_str(const Json& j, const char* key) {
  return need(j, key, &Json::is_string, "a string").get<std::string>();
}
const Json& need_obj(const Json& j, const char* key) {
  return need(j, key, &Json::is_object, "an object");
}

// Shell-style glob: '*' any run, '?' one character.
bool glob_match(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++, mark = t;
    } else if (star != std::string::npos) {
      p = star + 1, t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// "721.000ms": every time in milliseconds with microseconds, so that they line up.
std::string time_text(int64_t t_us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%03lldms", t_us < 0 ? "-" : "",
                static_cast<long long>(std::llabs(t_us) / 1000),
                static_cast<long long>(std::llabs(t_us) % 1000));
  return buf;
}

std::string node_text(int64_t n) {
  return n <= 0 ? std::string("none") : "n" + std::to_string(n);
}

std::string quoted(const std::string& s) {
  constexpr size_t kMax = 24;  // values grow long on append workloads: the end is what differs
  std::string body = s.size() > kMax ? "..." + s.substr(s.size() - (kMax - 3)) : s;
  return "\"" + body + "\"";
}

// ---- message fields, compactly ----

std::string render_value(const Json& v);

// A command (Raft's log entries, Paxos's values): "append k1 \"x\"", "job 3", "noop".
std::string render_command(const Json& o) {
  std::string text = o.value("kind", "?");
  if (o.contains("period")) text += " " + render_value(o["period"]);
  if (o.contains("key") && o["key"].is_string() && !o["key"].get<std::string>().empty())
    text += " " + o["key"].get<std::string>();
  if (o.value("has_expected", false) && o.contains("expected"))
    text += " " + quoted(o["expected"].get<std::string>()) + "->";
  else if (o.contains("has_expected"))
    text += " none->";  // a cas on a key with no value
  else if (o.contains("value"))
    text += " ";
  if (o.contains("value") && o["value"].is_string()) text += quoted(o["value"].get<std::string>());
  return text;
}

std::string render_list(const Json& list) {
  constexpr size_t kShown = 3;
  std::string text = "[";
  for (size_t i = 0; i < list.size() && i < kShown; ++i)
    text += (i ? ", " : "") + render_value(list[i]);
  if (list.size() > kShown) text += ", +" + std::to_string(list.size() - kShown) + " more";
  return text + "]";
}

std::string render_fields(const Json& obj);

std::string render_value(const Json& v) {
  if (v.is_string()) return quoted(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_array()) return render_list(v);
  if (v.is_object()) {
    // A log entry {term, kind, ...} or a Paxos value {proposed_in, kind, ...}, or a slot entry.
    if (v.contains("kind") && v["kind"].is_string()) {
      std::string text;
      if (v.contains("slot")) text += "s" + v["slot"].dump() + " ";
      if (v.contains("term")) text += "t" + v["term"].dump() + " ";
      text += render_command(v);
      if (v.contains("proposed_in")) text += " @b" + v["proposed_in"].dump();
      return text;
    }
    if (v.size() == 2 && v.contains("key") && v.contains("value") && v["key"].is_string()) {
      return v["key"].get<std::string>() + "=" + render_value(v["value"]);  // a key-value state
    }
    if (v.contains("value") && v["value"].is_object()) {
      std::string text;
      if (v.contains("slot")) text += "s" + v["slot"].dump() + " ";
      if (v.contains("ballot")) text += "b" + v["ballot"].dump() + " ";
      return text + render_value(v["value"]);
    }
    return "{" + render_fields(v) + "}";
  }
  return v.dump();
}

std::string words(std::string key) {
  std::replace(key.begin(), key.end(), '_', ' ');
  return key;
}

// The fields of a message, fact or detail, in trace order, each as "name value" with names
// from the papers kept: "term 2  vote refused", "prev 4@t2  entries [t2 append k1 \"x\"]".
std::string render_fields(const Json& obj) {
  std::vector<std::string> parts;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    auto ends_with = [&key](const std::string& suffix) {
      return key.size() > suffix.size() &&
             key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (key == "sent_us") continue;  // the sender's clock, echoed for round trips
    if (v.is_boolean()) {
      const bool b = v.get<bool>();
      if (key == "vote_granted")
        parts.push_back(b ? "vote granted" : "vote refused");
      else if (key == "success")
        parts.push_back(b ? "ok" : "rejected");
      else if (key == "accepted")
        parts.push_back(b ? "accepted" : "refused");
      else if (key == "has_expected")
        continue;
      else if (b)
        parts.push_back(words(key));
      else
        parts.push_back("not " + words(key));
      continue;
    }
    if (v.is_number_integer()) {
      const int64_t n = v.get<int64_t>();
      // Node ids in message fields are 1-based with 0 for none, like `n` (trace format 2).
      if (key == "candidate_id" || key == "leader_id") {
        parts.push_back(key.substr(0, key.size() - 3) + " " + node_text(n));
      } else if (key == "holder" || key == "from") {
        parts.push_back(key + " " + node_text(n));
      } else if ((key == "last_log_index" || key == "prev_log_index") &&
                 std::next(it) != obj.end() &&
                 std::next(it).key() == key.substr(0, key.size() - 5) + "term") {
        parts.push_back((key == "last_log_index" ? "last log " : "prev ") + std::to_string(n) +
                        "@t" + std::next(it).value().dump());
        ++it;
      } else if (ends_with("_us")) {
        parts.push_back(words(key.substr(0, key.size() - 3)) + " " + human_duration(n));
      } else if (ends_with("_ppm")) {
        parts.push_back(words(key.substr(0, key.size() - 4)) + " " + std::to_string(n) + "ppm");
      } else if (key == "leader_commit" || key == "commit_index") {
        parts.push_back("commit " + std::to_string(n));
      } else if (key == "match_index" || key == "conflict_index") {
        parts.push_back(key.substr(0, key.size() - 6) + " " + std::to_string(n));
      } else {
        parts.push_back(words(key) + " " + std::to_string(n));
      }
      continue;
    }
    if (v.is_array()) {
      if (key == "groups") {
        std::string groups;
        for (const Json& g : v) {
          std::string names;
          for (const Json& n : g) names += (names.empty() ? "" : ",") + node_text(n.get<int64_t>());
          groups += (groups.empty() ? "" : " | ") + names;
        }
        parts.push_back(groups);
      } else if (key == "entries" && v.empty()) {
        parts.push_back("no entries");
      } else if (v.empty()) {
        parts.push_back(words(key) + " none");
      } else if (key == "nodes" || key == "majority" || key == "from_nodes" || key == "to_nodes") {
        std::string names;
        for (const Json& n : v) names += (names.empty() ? "" : ",") + node_text(n.get<int64_t>());
        parts.push_back(words(key) + " " + (names.empty() ? "none" : names));
      } else {
        parts.push_back(words(key) + " " + render_list(v));
      }
      continue;
    }
    if (v.is_object()) {
      if (key == "command") {
        parts.push_back(render_command(v));
      } else if (v.contains("kind") || (v.contains("value") && v["value"].is_object())) {
        parts.push_back(words(key) + " " + render_value(v));
      } else {
        // A key-value state (Bully's Coordinator, the lease storage's snapshot).
        parts.push_back(words(key) + " {" + std::to_string(v.size()) +
                        (v.size() == 1 ? " key}" : " keys}"));
      }
      continue;
    }
    if (v.is_string() && (key == "key" || key == "what") && v.get<std::string>().size() <= 24 &&
        v.get<std::string>().find(' ') == std::string::npos && !v.get<std::string>().empty()) {
      parts.push_back(key + " " + v.get<std::string>());  // names, not data: unquoted
      continue;
    }
    parts.push_back(words(key) + " " + render_value(v));
  }
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : "  ") + p;
  return text;
}

// ---- the log ----

struct Filter {
  std::set<int64_t> nodes;  // 1-based; empty: all
  Time_us from_us = 0;
  Time_us to_us = kNever_us;
  std::vector<std::string> types;  // globs; empty: all
  std::set<std::string> kinds;     // empty: all (but arm and cancel, unless timers)
  bool timers = false;
};

class Printer {
 public:
  // `device`: the fencing device's number in fault details (docs/stonith.md), 0 for none.
  Printer(const Filter& filter, std::string epoch_word, int64_t device)
      : filter_(filter), epoch_word_(std::move(epoch_word)), device_(device) {}

  // Timer events left out by default (arm, cancel), within the window and the other filters' reach.
  uint64_t timers_hidden() const { return timers_hidden_; }

  // Returns false once past --to (the trace is in time order).
  bool event(const Json& j) {
    const int64_t t = need_int(j, "t");
    const std::string k = need_str(j, "k");
    if (std::find(kinds_.begin(), kinds_.end(), k) == kinds_.end())
      throw TraceError{0,
                       "\"k\": expected an event kind (" + joined(kinds_) + "), got \"" + k + "\""};
    const int64_t n = j.contains("n") ? need_int(j, "n") : 0;
    std::string type;
    int64_t peer = 0;
    std::string fields;
    if (k == "send") {
      peer = need_int(j, "to");
      type = need_str(j, "type");
      fields = render_fields(need_obj(j, "msg"));
      sent_[need_int(j, "id")] = fields;  // deliveries and drops carry only the id
    } else if (k == "deliver" || k == "drop") {
      peer = need_int(j, "from");
      type = need_str(j, "type");
      auto it = sent_.find(need_int(j, "id"));
      if (it != sent_.end()) fields = it->second;
    } else if (k == "record") {
      type = need_str(j, "type");
    }
    if (t > filter_.to_us) return false;
    if (t < filter_.from_us) return true;
    if (!filter_.kinds.empty() && !filter_.kinds.count(k)) return true;
    if (!filter_.types.empty() && !type.empty()) {  // events without a type are --kind's business
      bool any = false;
      for (const std::string& g : filter_.types) any |= glob_match(g, type);
      if (!any) return true;
    }
    if (!filter_.nodes.empty() && k != "fault" && k != "caption" && !filter_.nodes.count(n) &&
        !filter_.nodes.count(peer))
      return true;
    // Every timer reset is a cancel and an arm: two lines per heartbeat, which bury the messages
    // and roles a reader looks for. Shown when asked (--timers, or --kind arm,cancel).
    if (filter_.kinds.empty() && !filter_.timers && (k == "arm" || k == "cancel")) {
      ++timers_hidden_;
      return true;
    }

    std::string who, what;
    if (k == "send" || k == "deliver" || k == "drop") {
      // Always sender -> receiver.
      who = k == "send" ? node_text(n) + " -> " + node_text(peer)
                        : node_text(peer) + " -> " + node_text(n);
      what = type;
      if (k == "drop") what += "  lost: " + need_str(j, "reason");
      if (j.value("dup", false)) what += "  (duplicate)";
      if (!fields.empty()) what += "  " + fields;
    } else if (k == "role") {
      who = node_text(n);
      const std::string role = need_str(j, "role");
      const int64_t leader = need_int(j, "leader");
      what = role;
      if (role == "follower") what += leader > 0 ? " of " + node_text(leader) : " (no leader)";
      if (!epoch_word_.empty())
        what += "  " + epoch_word_ + " " + std::to_string(need_int(j, "epoch"));
    } else if (k == "fault") {
      who = "--";
      FiredFault f;
      f.kind = need_str(j, "kind");
      f.device = device_;
      if (j.contains("detail")) f.detail_json = need_obj(j, "detail").dump();
      what = f.kind + " #" + std::to_string(need_int(j, "fault")) + " " + need_str(j, "phase") +
             "  " + fault_targets_text(f);
      if (j.contains("detail") && j["detail"].contains("duration_us"))
        what += "  for " + human_duration(j["detail"]["duration_us"].get<int64_t>());
      if (j.contains("detail") && j["detail"].contains("majority")) {
        std::string names;
        for (const Json& m : j["detail"]["majority"])
          names += (names.empty() ? "" : ",") + node_text(m.get<int64_t>());
        what += "  majority side " + names;
      }
    } else if (k == "invoke" || k == "return") {
      who = "client " + std::to_string(need_int(j, "client"));
      what = "op " + std::to_string(need_int(j, "op")) + " " + need_str(j, "f") + " " +
             need_str(j, "key");
      if (j.contains("expected")) what += " if " + quoted(need_str(j, "expected"));
      if (k == "invoke" && j.contains("value")) what += " " + quoted(need_str(j, "value"));
      if (k == "return") {
        const std::string outcome = need_str(j, "outcome");
        what += " -> " + (outcome == "info" ? std::string("unknown (timed out)") : outcome);
        if (j.contains("value")) what += " " + quoted(need_str(j, "value"));
      }
    } else {
      who = n > 0 ? node_text(n) : "--";
      if (k == "timer" || k == "cancel")
        what = "tag " + std::to_string(need_int(j, "tag"));
      else if (k == "arm")
        what = "tag " + std::to_string(need_int(j, "tag")) + " due at " +
               time_text(need_int(j, "due"));
      else if (k == "clock")
        what = render_fields(need_obj(j, "detail"));
      else if (k == "note" || k == "caption")
        what = need_str(j, "text");
      else if (k == "record")
        what = type + "  " + render_fields(need_obj(j, "fact"));
      else if (k == "job")
        what = "ran the job for period " + std::to_string(need_int(j, "period"));
      else if (k == "id")
        what = "issued id " + std::to_string(need_int(j, "id"));
      else if (j.contains("why"))
        what = "(" + need_str(j, "why") + ")";
    }
    char head[64];
    std::snprintf(head, sizeof head, "%14s  %-8s %-10s ", time_text(t).c_str(), k.c_str(),
                  who.c_str());
    std::string line = head;
    line += what;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    ++printed_;
    return true;
  }

  uint64_t printed() const { return printed_; }

 private:
  const Filter& filter_;
  std::string epoch_word_;
  int64_t device_ = 0;
  const std::vector<std::string> kinds_ = kind_names();
  uint64_t timers_hidden_ = 0;
  std::map<int64_t, std::string> sent_;  // message id -> its rendered fields
  uint64_t printed_ = 0;
};

int bad_flag(const std::string& flag, const std::string& what) {
  std::fprintf(stderr, "ballot: %s: %s\n", flag.c_str(), what.c_str());
  return kExitBadInput;
}

int log_trace(const LogOptions& o) {
  Filter filter;
  filter.timers = o.timers;
  try {
    if (!o.from.empty()) filter.from_us = parse_duration_us(o.from, "--from");
    if (!o.to.empty()) filter.to_us = parse_duration_us(o.to, "--to");
  } catch (const InputError& e) {
    return bad_flag(e.path(), e.what());
  }
  if (filter.from_us > filter.to_us)
    return bad_flag("--from", "is after --to (" + o.from + " > " + o.to + ")");
  const std::vector<std::string> known = kind_names();
  for (const std::string& k : o.kinds) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      return bad_flag("--kind", "unknown kind '" + k + "' (kinds: " + joined(known) + ")");
    filter.kinds.insert(k);
  }
  for (const std::string& t : o.types) {
    if (t.empty())
      return bad_flag("--type", "expected a message or record type (globs like 'Append*')");
    filter.types.push_back(t);
  }
  for (const std::string& name : o.nodes) {
    const bool ok =
        name.size() >= 2 && name[0] == 'n' && name[1] != '0' && name.size() <= 6 &&
        std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok) return bad_flag("--node", "expected node names like n3, got '" + name + "'");
    filter.nodes.insert(std::stoll(name.substr(1)));
  }

  std::optional<Printer> printer;
  const std::string file = o.trace;
  // The header says how many nodes there are and what the algorithm calls its epochs.
  auto on_header = [&](const Json& header) {
    const std::string algorithm = header.value("algorithm", "");
    const std::string epoch_word = algorithm == "raft"    ? "term"
                                   : algorithm == "paxos" ? "ballot"
                                   : algorithm == "bully" ? ""  // Bully has no epochs
                                                          : "epoch";
    const Json scenario = header.value("scenario", Json::object());
    const int64_t nodes = scenario.is_object() ? scenario.value("nodes", int64_t{0}) : 0;
    for (int64_t n : filter.nodes)
      if (nodes > 0 && n > nodes)
        throw TraceError{0, "--node n" + std::to_string(n) + ": the trace has " +
                                std::to_string(nodes) + " nodes (n1..n" + std::to_string(nodes) +
                                ")"};
    // A scenario with a "stonith" block has the fencing device, numbered nodes + 1 in faults.
    const bool stonith =
        scenario.is_object() && scenario.contains("stonith") && !scenario["stonith"].is_null();
    printer.emplace(filter, epoch_word, stonith && nodes > 0 ? nodes + 1 : 0);
  };
  try {
    const TraceInfo info = read_trace(file, on_header, [&](size_t line_no, const Json& j) {
      try {
        return printer->event(j);
      } catch (TraceError& e) {
        e.line = line_no;
        throw;
      } catch (const Json::exception& e) {
        throw TraceError{line_no, std::string("malformed event: ") + e.what()};
      }
    });
    if (printer && printer->timers_hidden() > 0)
      std::fprintf(stderr,
                   "ballot: %llu timer events (arm, cancel) not shown: --timers or --kind shows "
                   "them\n",
                   static_cast<unsigned long long>(printer->timers_hidden()));
    if (!info.footer && !info.stopped)
      std::fprintf(stderr, "ballot: %s: warning: no footer (the trace may be truncated)\n",
                   file.c_str());
  } catch (const TraceError& e) {
    std::fflush(stdout);
    if (e.message.rfind("--node", 0) == 0)
      std::fprintf(stderr, "ballot: %s (%s)\n", e.message.c_str(), file.c_str());
    else if (e.line == 0)
      std::fprintf(stderr, "ballot: %s: %s\n", file.c_str(), e.message.c_str());
    else
      std::fprintf(stderr, "ballot: %s: line %zu: %s\n", file.c_str(), e.line, e.message.c_str());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace

void add_log_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<LogOptions>();
  CLI::App* cmd = app.add_subcommand(
      "log", "Print a trace as readable lines, one event per line (times in ms), filtered.");
  cmd->add_option("trace", o->trace, "Trace file written by 'ballot run --trace'")->required();
  cmd->add_option("--node", o->nodes,
                  "Only events at, from or to these nodes (n1,n3; repeatable). Faults and "
                  "captions, which concern the cluster, are kept")
      ->delimiter(',');
  cmd->add_option("--from", o->from, "Only events at or after this time (700ms, 2s)");
  cmd->add_option("--to", o->to, "Only events at or before this time");
  cmd->add_option("--type", o->types,
                  "Only messages (send, deliver, drop) and records of these types, globs like "
                  "'Append*' (repeatable or a comma list); other kinds are left to --kind")
      ->delimiter(',');
  cmd->add_option("--kind", o->kinds,
                  "Only these event kinds (repeatable or a comma list): " + joined(kind_names()))
      ->delimiter(',');
  cmd->add_flag("--timers", o->timers,
                "Also the timer bookkeeping events (arm, cancel), left out by default when "
                "--kind is not given");
  cmd->callback([o, &action] { action = [o] { return log_trace(*o); }; });
}

}  // namespace ballot::cli
