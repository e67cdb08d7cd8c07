// Parsing a trace into the viewer's model. Events go through nlohmann's SAX interface (no DOM per
// line: a million lines must load in a few seconds); the header, the footer and the rare fault
// lines are parsed as documents.
#include "viz/trace_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "cli/trace_file.h"
#include "sim/api/input_error.h"

namespace ballot::viz {

using json = nlohmann::json;

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::Start:
      return "start";
    case EventKind::Send:
      return "send";
    case EventKind::Deliver:
      return "deliver";
    case EventKind::Drop:
      return "drop";
    case EventKind::Timer:
      return "timer";
    case EventKind::Role:
      return "role";
    case EventKind::Fault:
      return "fault";
    case EventKind::Crash:
      return "crash";
    case EventKind::Restart:
      return "restart";
    case EventKind::Pause:
      return "pause";
    case EventKind::Resume:
      return "resume";
    case EventKind::Clock:
      return "clock";
    case EventKind::Note:
      return "note";
    case EventKind::Record:
      return "record";
    case EventKind::Invoke:
      return "invoke";
    case EventKind::Return:
      return "return";
    case EventKind::Caption:
      return "caption";
    case EventKind::Arm:
      return "arm";
    case EventKind::Cancel:
      return "cancel";
    case EventKind::Other:
      return "other";
  }
  return "other";
}

const char* role_name(Role role) {
  switch (role) {
    case Role::Follower:
      return "follower";
    case Role::Candidate:
      return "candidate";
    case Role::Leader:
      return "leader";
    case Role::Crashed:
      return "crashed";
  }
  return "?";
}

namespace {

constexpr Time_us kOpen_us = std::numeric_limits<Time_us>::max();
constexpr uint64_t kProgressStepBytes = 1 << 20;

[[noreturn]] void fail(size_t line, const std::string& what) {
  throw InputError("line " + std::to_string(line), what);
}

EventKind kind_from_name(std::string_view k) {
  static const std::pair<std::string_view, EventKind> names[] = {
      {"send", EventKind::Send},     {"deliver", EventKind::Deliver},
      {"drop", EventKind::Drop},     {"timer", EventKind::Timer},
      {"role", EventKind::Role},     {"fault", EventKind::Fault},
      {"crash", EventKind::Crash},   {"restart", EventKind::Restart},
      {"pause", EventKind::Pause},   {"resume", EventKind::Resume},
      {"clock", EventKind::Clock},   {"note", EventKind::Note},
      {"record", EventKind::Record}, {"invoke", EventKind::Invoke},
      {"return", EventKind::Return}, {"caption", EventKind::Caption},
      {"start", EventKind::Start},   {"arm", EventKind::Arm},
      {"cancel", EventKind::Cancel},
  };
  for (const auto& [name, kind] : names)
    if (name == k) return kind;
  return EventKind::Other;  // a newer writer's kind: kept, shown in the Inspector, not drawn
}

// The fields of one event line that the model needs. Reused from line to line so that parsing
// allocates nothing in the steady state.
struct LineFields {
  bool is_object = false, is_footer = false;
  ballot::EventLineSeen seen;  // for the checks every reader shares (cli/trace_file.h)
  bool has_i = false, has_t = false, has_n = false, has_to = false, has_from = false;
  bool has_id = false, has_epoch = false, has_leader = false, has_op = false;
  int64_t i = 0, t = 0, n = 0, to = 0, from = 0, id = 0, epoch = 0, leader = 0, fault = 0;
  int64_t op = 0, client = 0;
  bool dup = false;
  std::string k, type, reason, role, kind, phase, f, key, value, expected, outcome, text;
  bool has_value = false, has_expected = false;
  // msg.*
  bool vote_granted = false, has_vote_granted = false, has_entries = false;
  int64_t msg_term = 0, entries = 0;
  // fact.*
  int64_t fact_index = 0, fact_term = 0, fact_from_index = 0, fact_commit_index = 0;

  void clear() {
    is_object = is_footer = false;
    seen.clear();
    has_i = has_t = has_n = has_to = has_from = has_id = has_epoch = has_leader = has_op = false;
    i = t = n = to = from = id = epoch = leader = fault = op = client = 0;
    dup = false;
    k.clear(), type.clear(), reason.clear(), role.clear(), kind.clear(), phase.clear();
    f.clear(), key.clear(), value.clear(), expected.clear(), outcome.clear(), text.clear();
    has_value = has_expected = false;
    vote_granted = has_vote_granted = has_entries = false;
    msg_term = entries = 0;
    fact_index = fact_term = fact_from_index = fact_commit_index = 0;
  }
};

// Top-level keys the model reads; everything else is skipped (but still validated as JSON).
enum class Key : uint8_t {
  None,
  I,
  T,
  K,
  N,
  To,
  From,
  Id,
  Type,
  Dup,
  Reason,
  Role,
  Epoch,
  Leader,
  Fault,
  Kind,
  Phase,
  Op,
  Client,
  F,
  KeyField,
  Value,
  Expected,
  Outcome,
  Text,
  Msg,
  Fact,
  Footer,
};

Key top_key(std::string_view s) {
  switch (s.size()) {
    case 1:
      if (s == "i") return Key::I;
      if (s == "t") return Key::T;
      if (s == "k") return Key::K;
      if (s == "n") return Key::N;
      if (s == "f") return Key::F;
      break;
    case 2:
      if (s == "to") return Key::To;
      if (s == "id") return Key::Id;
      if (s == "op") return Key::Op;
      break;
    case 3:
      if (s == "dup") return Key::Dup;
      if (s == "key") return Key::KeyField;
      if (s == "msg") return Key::Msg;
      break;
    case 4:
      if (s == "from") return Key::From;
      if (s == "type") return Key::Type;
      if (s == "role") return Key::Role;
      if (s == "kind") return Key::Kind;
      if (s == "text") return Key::Text;
      if (s == "fact") return Key::Fact;
      break;
    default:
      if (s == "reason") return Key::Reason;
      if (s == "epoch") return Key::Epoch;
      if (s == "leader") return Key::Leader;
      if (s == "fault") return Key::Fault;
      if (s == "phase") return Key::Phase;
      if (s == "client") return Key::Client;
      if (s == "value") return Key::Value;
      if (s == "expected") return Key::Expected;
      if (s == "outcome") return Key::Outcome;
      if (s == "footer") return Key::Footer;
      break;
  }
  return Key::None;
}

// SAX handler for one event line. Depth 1 is the line's object; msg.* and fact.* are read at
// depth 2, and the length of msg.entries at depth 3.
class LineSax {
 public:
  explicit LineSax(LineFields& out) : out_(out) {}

  bool null() {
    if (depth_ == 1) out_.seen.field(field_, ballot::JsonType::Null);
    return value_seen();
  }
  bool boolean(bool v) {
    if (depth_ == 1) out_.seen.field(field_, ballot::JsonType::Boolean);
    if (depth_ == 1 && key_ == Key::Dup) out_.dup = v;
    if (depth_ == 2 && key_ == Key::Msg && (sub_ == "vote_granted" || sub_ == "granted")) {
      out_.vote_granted = v;
      out_.has_vote_granted = true;
    }
    return value_seen();
  }
  bool number_integer(int64_t v) {
    integer(v);
    return value_seen();
  }
  bool number_unsigned(uint64_t v) {
    integer(v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                ? std::numeric_limits<int64_t>::max()
                : static_cast<int64_t>(v));
    return value_seen();
  }
  bool number_float(double, const std::string&) {
    if (depth_ == 1) out_.seen.field(field_, ballot::JsonType::Float);
    return value_seen();
  }
  bool string(std::string& v) {
    if (depth_ == 1) {
      out_.seen.field(field_, ballot::JsonType::String, 0, v);
      switch (key_) {
        case Key::K:
          out_.k.swap(v);
          break;
        case Key::Type:
          out_.type.swap(v);
          break;
        case Key::Reason:
          out_.reason.swap(v);
          break;
        case Key::Role:
          out_.role.swap(v);
          break;
        case Key::Kind:
          out_.kind.swap(v);
          break;
        case Key::Phase:
          out_.phase.swap(v);
          break;
        case Key::F:
          out_.f.swap(v);
          break;
        case Key::KeyField:
          out_.key.swap(v);
          break;
        case Key::Value:
          out_.value.swap(v), out_.has_value = true;
          break;
        case Key::Expected:
          out_.expected.swap(v), out_.has_expected = true;
          break;
        case Key::Outcome:
          out_.outcome.swap(v);
          break;
        case Key::Text:
          out_.text.swap(v);
          break;
        default:
          break;
      }
    }
    return value_seen();
  }
  bool binary(json::binary_t&) { return value_seen(); }
  bool start_object(size_t) {
    if (depth_ == 0) out_.is_object = true;
    if (depth_ == 1) out_.seen.field(field_, ballot::JsonType::Object);
    if (depth_ == 3 && counting_entries_) ++out_.entries;
    ++depth_;
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(size_t) {
    if (depth_ == 1) out_.seen.field(field_, ballot::JsonType::Array);
    if (depth_ == 3 && counting_entries_) ++out_.entries;
    if (depth_ == 2 && key_ == Key::Msg && sub_ == "entries") {
      counting_entries_ = true;
      out_.has_entries = true;
    }
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    if (depth_ == 2) counting_entries_ = false;
    return true;
  }
  bool key(std::string& k) {
    if (depth_ == 1) {
      key_ = top_key(k);
      field_ = ballot::event_field(k);
      if (key_ == Key::Footer) out_.is_footer = true;
    } else if (depth_ == 2) {
      sub_.swap(k);
    }
    return true;
  }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception& e) {
    error_ = e.what();
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  bool value_seen() {
    if (depth_ == 3 && counting_entries_) ++out_.entries;
    return true;
  }
  void integer(int64_t v) {
    if (depth_ == 1) {
      out_.seen.field(field_, ballot::JsonType::Integer, v);
      switch (key_) {
        case Key::I:
          out_.i = v, out_.has_i = true;
          break;
        case Key::T:
          out_.t = v, out_.has_t = true;
          break;
        case Key::N:
          out_.n = v, out_.has_n = true;
          break;
        case Key::To:
          out_.to = v, out_.has_to = true;
          break;
        case Key::From:
          out_.from = v, out_.has_from = true;
          break;
        case Key::Id:
          out_.id = v, out_.has_id = true;
          break;
        case Key::Epoch:
          out_.epoch = v, out_.has_epoch = true;
          break;
        case Key::Leader:
          out_.leader = v, out_.has_leader = true;
          break;
        case Key::Fault:
          out_.fault = v;
          break;
        case Key::Op:
          out_.op = v, out_.has_op = true;
          break;
        case Key::Client:
          out_.client = v;
          break;
        default:
          break;
      }
    } else if (depth_ == 2 && key_ == Key::Msg) {
      if (sub_ == "term") out_.msg_term = v;
    } else if (depth_ == 2 && key_ == Key::Fact) {
      if (sub_ == "index")
        out_.fact_index = v;
      else if (sub_ == "term")
        out_.fact_term = v;
      else if (sub_ == "from_index")
        out_.fact_from_index = v;
      else if (sub_ == "commit_index")
        out_.fact_commit_index = v;
    }
  }

  LineFields& out_;
  int depth_ = 0;
  Key key_ = Key::None;
  int field_ = -1;  // the shared checks' name for key_
  std::string sub_;
  bool counting_entries_ = false;
  std::string error_;
};

// "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error while parsing
// value - invalid literal; last read: 'tru,'" -> "column 7: invalid literal; last read: 'tru,'".
std::string describe_syntax_error(const std::string& what) {
  std::string column;
  if (size_t c = what.find("column "); c != std::string::npos) {
    size_t end = what.find(':', c);
    column = what.substr(c, end == std::string::npos ? std::string::npos : end - c);
  }
  std::string detail = what;
  if (size_t dash = what.find(" - "); dash != std::string::npos) detail = what.substr(dash + 3);
  return column.empty() ? detail : column + ": " + detail;
}

bool contains_heartbeat(std::string_view type) {
  static constexpr std::string_view kWord = "heartbeat";
  if (type.size() < kWord.size()) return false;
  for (size_t i = 0; i + kWord.size() <= type.size(); ++i) {
    size_t j = 0;
    while (j < kWord.size() &&
           static_cast<char>(std::tolower(static_cast<unsigned char>(type[i + j]))) == kWord[j])
      ++j;
    if (j == kWord.size()) return true;
  }
  return false;
}

// A fault's node: "n3", or "stonith" for the fencing device (`device`: its number, nodes + 1, in
// fault details; 0 without one; docs/stonith.md).
std::string fault_node(int32_t node, int32_t device) {
  return device != 0 && node == device ? "stonith" : "n" + std::to_string(node);
}

std::string node_list(const std::vector<int32_t>& nodes, int32_t device) {
  std::string out;
  for (size_t i = 0; i < nodes.size(); ++i) out += (i ? "," : "") + fault_node(nodes[i], device);
  return out;
}

std::vector<int32_t> read_nodes(const json& j) {
  std::vector<int32_t> out;
  if (j.is_array())
    for (const json& v : j)
      if (v.is_number_integer()) out.push_back(v.get<int32_t>());
  return out;
}

// Builds the model from the stream of lines.
class Builder {
 public:
  Builder(TraceModel& m) : m_(m) {}

  // `h` was checked by ballot::parse_trace_header.
  void header(const ballot::TraceHeader& h) {
    m_.ballot_version = h.ballot_version;
    m_.scenario_file = h.file;
    m_.algorithm = h.algorithm;
    m_.seed = h.seed;
    fault_kinds_ = h.fault_kinds;
    {
      const json s = json::parse(h.scenario_json);
      m_.scenario_json = s.dump(2);
      m_.scenario_name = s.value("name", "");
      if (s.contains("nodes") && s["nodes"].is_number_integer()) {
        set_node_count(s["nodes"].get<int32_t>());
        if (s.contains("stonith") && !s["stonith"].is_null())
          device_ = s["nodes"].get<int32_t>() + 1;
      }
      if (s.contains("captions") && s["captions"].is_array())
        for (const json& c : s["captions"])
          if (c.is_object())
            header_captions_.push_back({c.value("text", ""), c.value("pause", false)});
    }
  }

  void event(LineFields& f, size_t line, uint64_t offset, uint32_t length) {
    const auto index = static_cast<uint32_t>(m_.events.size());
    ballot::check_event_line(f.seen, line, index, last_t_);
    last_t_ = f.t;
    Event e;
    e.t_us = f.t;
    e.offset = offset;
    e.length = length;
    e.kind = kind_from_name(f.k);
    if (f.has_n) {
      if (f.n < 1 || f.n > kMaxNodes)
        fail(line, "expected \"n\" to be a node number from 1, got " + std::to_string(f.n));
      e.node = static_cast<int32_t>(f.n);
      if (e.node > m_.node_count) set_node_count(e.node);
    }
    m_.events.push_back(e);
    if (e.node != kNoNodeNumber) node(e.node).events.push_back(index);
    dispatch(e, index, f, line);
  }

  // `j` was checked by ballot::parse_trace_footer.
  void footer(const json& j, size_t line) {
    m_.has_footer = true;
    if (j.contains("cut")) {
      m_.cut_limit = j["cut"]["limit"].get<std::string>();
      m_.cut_value = j["cut"]["value"].get<uint64_t>();
    }
    if (j.contains("end_us") && j["end_us"].is_number_integer())
      m_.end_us = std::max(j["end_us"].get<Time_us>(), last_t_);
    if (j.contains("events") && j["events"].is_number_integer() &&
        j["events"].get<int64_t>() != static_cast<int64_t>(m_.events.size()))
      fail(line, "expected the footer's \"events\" to be " + std::to_string(m_.events.size()) +
                     " (the events above it), got " + j["events"].dump());
    m_.trace_hash = j.value("trace_hash", "");
    if (j.contains("metrics") && j["metrics"].is_object())
      for (const auto& [name, value] : j["metrics"].items())
        m_.metrics.emplace_back(name, value.dump());
    if (j.contains("leader_loss_us") && j["leader_loss_us"].is_array())
      for (const json& d : j["leader_loss_us"])
        if (d.is_number_integer()) m_.leader_losses_us.push_back(d.get<Time_us>());
    if (j.contains("violations") && j["violations"].is_array())
      for (const json& v : j["violations"]) {
        if (!v.is_object()) continue;
        Violation out;
        out.checker = v.value("checker", "");
        out.message = v.value("message", "");
        out.t_us = v.value("t", Time_us{0});
        out.event = v.value("event", int64_t{-1});
        if (v.contains("nodes")) out.nodes = read_nodes(v["nodes"]);
        m_.violations.push_back(std::move(out));
      }
    if (j.contains("expectations") && j["expectations"].is_array())
      for (const json& x : j["expectations"]) {
        if (!x.is_object()) continue;
        m_.expectations.push_back(
            {x.value("path", ""), x.value("wanted", ""), x.value("got", ""), x.value("ok", false)});
      }
    // {"lincheck": {"linearizable", "timed_out", "failing_ops": [op ids], "window_minimal",
    //  "explanation"}}
    if (j.contains("lincheck") && j["lincheck"].is_object()) {
      const json& l = j["lincheck"];
      m_.has_lincheck = true;
      m_.linearizable = l.value("linearizable", true);
      m_.lincheck_timed_out = l.value("timed_out", false);
      m_.lincheck_explanation = l.value("explanation", "");
      m_.lincheck_window_minimal = l.value("window_minimal", false);
      if (l.contains("failing_ops") && l["failing_ops"].is_array())
        for (const json& op : l["failing_ops"])
          if (op.is_number_integer()) m_.lincheck_failing_ops.push_back(op.get<int64_t>());
    }
    // {"damage": {"lost_writes": [...], "job_duplicates": [...], "id_duplicates": [...]}}
    if (j.contains("damage") && j["damage"].is_object()) {
      const json& d = j["damage"];
      auto occurrence = [](const json& e, const char* key) {
        DamageOccurrence o;
        if (!e.contains(key) || !e[key].is_object()) return o;
        const json& x = e[key];
        o.node = x.value("node", kNoNodeNumber);
        o.epoch = x.value("epoch", int64_t{0});
        o.t_us = x.value("time_us", Time_us{0});
        return o;
      };
      if (d.contains("lost_writes") && d["lost_writes"].is_array())
        for (const json& e : d["lost_writes"]) {
          if (!e.is_object()) continue;
          LostWrite w;
          w.op = e.value("op", int64_t{0});
          w.f = e.value("f", "");
          w.key = e.value("key", "");
          w.value = e.value("value", "");
          w.acknowledged = occurrence(e, "acknowledged_by");
          if (e.contains("erased") && e["erased"].is_object()) {
            const json& x = e["erased"];
            w.erased_event = x.value("event", int64_t{-1});
            w.erased_us = x.value("time_us", Time_us{0});
            w.erased_node = x.value("node", kNoNodeNumber);
            w.erased_from = x.value("from", kNoNodeNumber);
          }
          m_.lost_writes.push_back(std::move(w));
        }
      auto duplicates = [&](const char* list, const char* what, std::vector<DuplicateRun>& out) {
        if (!d.contains(list) || !d[list].is_array()) return;
        for (const json& e : d[list]) {
          if (!e.is_object()) continue;
          out.push_back(
              {e.value(what, int64_t{0}), occurrence(e, "first"), occurrence(e, "again")});
        }
      };
      duplicates("job_duplicates", "period", m_.job_duplicates);
      duplicates("id_duplicates", "id", m_.id_duplicates);
    }
  }

  Time_us last_t() const { return last_t_; }

  void finish(Time_us reveal_us) {
    if (!m_.has_footer || m_.end_us < last_t_) m_.end_us = last_t_;
    if (reveal_us >= 0) {
      m_.revealed_until_us = reveal_us;
      m_.end_us = std::max(reveal_us, last_t_);
    }
    const Time_us end = m_.end_us;
    for (NodeTrack& n : m_.nodes) {
      if (!n.bands.empty() && n.bands.back().end_us == kOpen_us) n.bands.back().end_us = end;
      for (Interval& p : n.pauses)
        if (p.end_us == kOpen_us) p.end_us = end;
    }
    for (Fault& fault : m_.faults)
      if (fault.span.end_us == kOpen_us) fault.span.end_us = end;
    if (!m_.split_brains.empty() && m_.split_brains.back().end_us == kOpen_us)
      m_.split_brains.back().end_us = end;
    finish_messages(end);
    finish_ops(end);
    finish_votes();
  }

 private:
  static constexpr int64_t kMaxNodes = 4096;

  struct Send {
    Time_us t_us = 0;
    int64_t id = 0;
    uint32_t event = 0;
    int64_t cause_event = -1;
    int32_t from = 0, to = 0;
    uint16_t type = 0;
    bool heartbeat = false;
    bool resolved = false;
    Message::Answer answer = Message::Answer::None;
  };
  // What a node was doing at this instant: the delivery whose handler is running, so that the
  // sends it makes can be attributed to it.
  struct Cause {
    Time_us t_us = -1;
    int64_t deliver_event = -1;
    int32_t from = 0;
    bool heartbeat = false;
  };

  void set_node_count(int32_t n) {
    if (n <= m_.node_count) return;
    m_.node_count = n;
    m_.nodes.resize(static_cast<size_t>(n));
    causes_.resize(static_cast<size_t>(n));
    leading_.resize(static_cast<size_t>(n), false);
  }
  NodeTrack& node(int32_t n) { return m_.nodes[static_cast<size_t>(n - 1)]; }

  void require(bool ok, size_t line, const LineFields& f, const char* field) {
    if (!ok) fail(line, std::string("expected field \"") + field + "\" in a \"" + f.k + "\" event");
  }

  uint16_t intern(std::vector<std::string>& names, const std::string& name) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<uint16_t>(i);
    names.push_back(name);
    return static_cast<uint16_t>(names.size() - 1);
  }

  void dispatch(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    const bool needs_node = e.kind != EventKind::Fault && e.kind != EventKind::Caption &&
                            e.kind != EventKind::Other && e.kind != EventKind::Invoke &&
                            e.kind != EventKind::Return;
    if (needs_node) require(f.has_n, line, f, "n");
    if (e.node != kNoNodeNumber) {
      Cause& c = causes_[static_cast<size_t>(e.node - 1)];
      // Arming or cancelling a timer while handling a delivery keeps the delivery as the cause.
      const bool keeps_cause = e.kind == EventKind::Send || e.kind == EventKind::Role ||
                               e.kind == EventKind::Note || e.kind == EventKind::Record ||
                               e.kind == EventKind::Arm || e.kind == EventKind::Cancel;
      if (c.t_us != e.t_us || !keeps_cause) c = Cause{};
    }
    switch (e.kind) {
      case EventKind::Send:
        on_send(e, index, f, line);
        break;
      case EventKind::Deliver:
      case EventKind::Drop:
        on_arrival(e, index, f, line);
        break;
      case EventKind::Role:
        on_role(e, index, f, line);
        break;
      case EventKind::Start:
        set_band(e.node, e.t_us, Role::Follower, 0, kNoNodeNumber, index);
        break;
      case EventKind::Restart:
        set_band(e.node, e.t_us, Role::Follower, 0, kNoNodeNumber, index);
        node(e.node).marks.push_back(index);
        m_.fault_events.push_back(index);
        break;
      case EventKind::Crash: {
        const auto& bands = node(e.node).bands;
        const int64_t epoch = bands.empty() ? 0 : bands.back().epoch;
        set_band(e.node, e.t_us, Role::Crashed, epoch, kNoNodeNumber, index);
        close_pause(e.node, e.t_us, index);
        m_.fault_events.push_back(index);
        break;
      }
      case EventKind::Pause:
        if (node(e.node).pauses.empty() || node(e.node).pauses.back().end_us != kOpen_us)
          node(e.node).pauses.push_back({e.t_us, kOpen_us, index, index});
        m_.fault_events.push_back(index);
        break;
      case EventKind::Resume:
        close_pause(e.node, e.t_us, index);
        m_.fault_events.push_back(index);
        break;
      case EventKind::Clock:
        node(e.node).marks.push_back(index);
        m_.fault_events.push_back(index);
        break;
      case EventKind::Note:
        node(e.node).marks.push_back(index);
        break;
      case EventKind::Record:
        on_record(e, index, f);
        break;
      case EventKind::Fault:
        on_fault(e, index, f, line);
        break;
      case EventKind::Invoke:
      case EventKind::Return:
        on_op(e, index, f, line);
        break;
      case EventKind::Caption:
        on_caption(e, index, f);
        break;
      case EventKind::Timer:
      case EventKind::Arm:
      case EventKind::Cancel:
      case EventKind::Other:
        break;
    }
  }

  void on_send(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    require(f.has_to, line, f, "to");
    require(f.has_id, line, f, "id");
    require(!f.type.empty(), line, f, "type");
    Send s;
    s.t_us = e.t_us;
    s.id = f.id;
    s.event = index;
    s.from = e.node;
    s.to = static_cast<int32_t>(f.to);
    s.type = intern(m_.message_types, f.type);
    const Cause& c = causes_[static_cast<size_t>(e.node - 1)];
    s.cause_event = c.deliver_event;
    // Heartbeats: the name says so; a Raft AppendEntries with no entries; or the answer sent back
    // to a heartbeat's sender while handling it.
    s.heartbeat = contains_heartbeat(f.type) || (f.has_entries && f.entries == 0) ||
                  (c.deliver_event >= 0 && c.heartbeat && c.from == s.to);
    if (f.has_vote_granted) {
      s.answer = f.vote_granted ? Message::Answer::Granted : Message::Answer::Refused;
      saw_vote_answers_ = true;
      if (f.vote_granted && f.type.find("PreVote") == std::string::npos)
        node(e.node).votes.push_back({e.t_us, f.msg_term, s.to});
    }
    remember_send(f.id, s, line);
  }

  void remember_send(int64_t id, const Send& s, size_t line) {
    if (id >= 0 && id < kDenseIds) {
      const auto slot = static_cast<size_t>(id);
      if (slot >= send_of_id_.size())
        send_of_id_.resize(std::max(slot + 1, send_of_id_.size() * 2), -1);
      if (send_of_id_[slot] >= 0)
        fail(line, "expected a fresh message \"id\", " + std::to_string(id) + " was sent before");
      send_of_id_[slot] = static_cast<int64_t>(sends_.size());
    } else {
      if (!sparse_ids_.emplace(id, static_cast<int64_t>(sends_.size())).second)
        fail(line, "expected a fresh message \"id\", " + std::to_string(id) + " was sent before");
    }
    sends_.push_back(s);
  }

  Send* find_send(int64_t id) {
    if (id >= 0 && id < kDenseIds) {
      const auto slot = static_cast<size_t>(id);
      if (slot < send_of_id_.size() && send_of_id_[slot] >= 0)
        return &sends_[static_cast<size_t>(send_of_id_[slot])];
      return nullptr;
    }
    auto it = sparse_ids_.find(id);
    return it == sparse_ids_.end() ? nullptr : &sends_[static_cast<size_t>(it->second)];
  }

  void on_arrival(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    require(f.has_from, line, f, "from");
    require(f.has_id, line, f, "id");
    Send* s = find_send(f.id);
    Message m;
    m.id = f.id;
    m.end_us = e.t_us;
    m.end_event = index;
    m.to = e.node;
    m.duplicate = f.dup;
    if (s != nullptr) {
      s->resolved = true;
      m.send_us = s->t_us;
      m.send_event = s->event;
      m.cause_event = s->cause_event;
      m.from = s->from;
      m.type = s->type;
      m.heartbeat = s->heartbeat;
      m.answer = s->answer;
    } else {  // the send is not in this trace (it cannot be in one written by ballot)
      m.send_us = e.t_us;
      m.send_event = index;
      m.from = static_cast<int32_t>(f.from);
      m.type = intern(m_.message_types, f.type);
      m.heartbeat = contains_heartbeat(f.type);
    }
    if (e.kind == EventKind::Drop) {
      m.fate = Message::Fate::Dropped;
      m.drop_reason =
          static_cast<uint8_t>(intern(m_.drop_reasons, f.reason.empty() ? "unknown" : f.reason));
    } else {
      Cause& c = causes_[static_cast<size_t>(e.node - 1)];
      c.t_us = e.t_us;
      c.deliver_event = index;
      c.from = m.from;
      c.heartbeat = m.heartbeat;
    }
    m_.messages.push_back(m);
  }

  void on_role(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    require(!f.role.empty(), line, f, "role");
    Role role;
    if (f.role == "follower")
      role = Role::Follower;
    else if (f.role == "candidate")
      role = Role::Candidate;
    else if (f.role == "leader")
      role = Role::Leader;
    else
      fail(line, "expected \"role\" to be follower, candidate or leader, got \"" + f.role + "\"");
    const int32_t leader = role == Role::Leader ? e.node : static_cast<int32_t>(f.leader);
    if (f.epoch != 0) m_.has_epochs = true;
    const bool was_leading = leading_[static_cast<size_t>(e.node - 1)];
    set_band(e.node, e.t_us, role, f.epoch, leader, index);
    if (role == Role::Leader && !was_leading) m_.leader_change_events.push_back(index);
    if (role == Role::Candidate) candidacies_.push_back({e.node, {e.t_us, f.epoch, e.node}});
  }

  // Closes the node's open band at t and opens the new state, mirroring the kernel's leadership
  // observer: a crashed node leads nobody; a (re)started one is a follower of epoch 0.
  void set_band(int32_t n, Time_us t, Role role, int64_t epoch, int32_t leader, uint32_t event) {
    auto& bands = node(n).bands;
    if (!bands.empty()) {
      RoleBand& last = bands.back();
      if (last.role == role && last.epoch == epoch && last.leader == leader) {
        update_leaders(n, role, event, t);
        return;  // nothing changed: one band
      }
      if (last.begin_us == t) {
        bands.pop_back();  // superseded at the same instant: it never held
        if (!bands.empty() && bands.back().role == role && bands.back().epoch == epoch &&
            bands.back().leader == leader) {
          bands.back().end_us = kOpen_us;
          update_leaders(n, role, event, t);
          return;
        }
      }
      if (!bands.empty()) bands.back().end_us = t;
    }
    bands.push_back({t, kOpen_us, epoch, leader, role, event});
    update_leaders(n, role, event, t);
  }

  // Split brain (two or more nodes believe they lead at once), as the kernel computes it.
  void update_leaders(int32_t n, Role role, uint32_t event, Time_us t) {
    leading_[static_cast<size_t>(n - 1)] = role == Role::Leader;
    std::vector<int32_t> leaders;
    for (size_t i = 0; i < leading_.size(); ++i)
      if (leading_[i]) leaders.push_back(static_cast<int32_t>(i + 1));
    const bool split = leaders.size() >= 2;
    auto& sb = m_.split_brains;
    const bool in_split = !sb.empty() && sb.back().end_us == kOpen_us;
    if (split && !in_split) sb.push_back({t, kOpen_us, leaders, event});
    if (split && in_split) {
      auto& all = sb.back().leaders;
      for (int32_t l : leaders)
        if (std::find(all.begin(), all.end(), l) == all.end()) all.push_back(l);
      std::sort(all.begin(), all.end());
    }
    if (!split && in_split) {
      sb.back().end_us = t;
      if (sb.back().begin_us == t) sb.pop_back();  // never really held
    }
  }

  void close_pause(int32_t n, Time_us t, uint32_t event) {
    auto& p = node(n).pauses;
    if (!p.empty() && p.back().end_us == kOpen_us) {
      p.back().end_us = t;
      p.back().end_event = event;
    }
  }

  void on_record(const Event& e, uint32_t index, const LineFields& f) {
    NodeTrack& n = node(e.node);
    n.marks.push_back(index);
    LogFact fact;
    fact.t_us = e.t_us;
    fact.event = index;
    fact.term = f.fact_term;
    if (f.type == "append") {
      fact.kind = LogFact::Kind::Append;
      fact.index = f.fact_index;
    } else if (f.type == "truncate") {
      fact.kind = LogFact::Kind::Truncate;
      fact.index = f.fact_from_index;
    } else if (f.type == "commit") {
      fact.kind = LogFact::Kind::Commit;
      fact.index = f.fact_commit_index;
    } else if (f.type == "apply") {
      fact.kind = LogFact::Kind::Apply;
      fact.index = f.fact_index;
    } else {
      return;
    }
    n.log_facts.push_back(fact);
  }

  void on_fault(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    require(!f.phase.empty(), line, f, "phase");
    m_.fault_events.push_back(index);
    auto it = open_faults_.find(f.fault);
    if (f.phase == "begin" || it == open_faults_.end()) {
      Fault fault;
      fault.id = f.fault;
      fault.kind = f.kind;
      if (auto k = fault_kinds_.find(fault.kind); k != fault_kinds_.end()) {
        fault.look = k->second.look;
        fault.instantaneous = k->second.instantaneous;
      }
      fault.span = {e.t_us, f.phase == "begin" ? kOpen_us : e.t_us, index, index};
      read_fault_detail(fault, m_.line(index), line);
      // Instantaneous kinds have no end event.
      if (fault.instantaneous) fault.span.end_us = e.t_us;
      // A heal ends every network fault in force, which write no end events of their own.
      if (fault.look == "heal")
        for (Fault& other : m_.faults) {
          auto k = fault_kinds_.find(other.kind);
          if (other.instantaneous || other.span.end_event != other.span.begin_event ||
              k == fault_kinds_.end() || k->second.acts_on != "network")
            continue;
          other.span.end_us = e.t_us;
          other.span.end_event = index;
        }
      open_faults_[f.fault] = m_.faults.size();
      m_.events[index].aux = static_cast<uint32_t>(m_.faults.size());
      m_.faults.push_back(std::move(fault));
      return;
    }
    Fault& fault = m_.faults[it->second];
    m_.events[index].aux = static_cast<uint32_t>(it->second);
    if (f.phase == "end") {
      fault.span.end_us = e.t_us;
      fault.span.end_event = index;
    } else if (f.phase == "down" || f.phase == "up") {
      fault.flaps_us.push_back(e.t_us);
    }
  }

  void read_fault_detail(Fault& fault, std::string_view text, size_t line) {
    const json j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded()) fail(line, "expected a JSON object");
    std::string targets;
    if (j.contains("detail") && j["detail"].is_object()) {
      const json& d = j["detail"];
      if (d.contains("groups") && d["groups"].is_array())
        for (const json& g : d["groups"]) fault.groups.push_back(read_nodes(g));
      if (d.contains("nodes")) fault.nodes = read_nodes(d["nodes"]);
      fault.from = d.value("from", 0);
      fault.to = d.value("to", 0);
      for (size_t i = 0; i < fault.groups.size(); ++i)
        targets += (i ? " | " : "") + ("{" + node_list(fault.groups[i], device_) + "}");
      if (!fault.nodes.empty())
        targets += (targets.empty() ? "" : " ") + node_list(fault.nodes, device_);
      // A link cut both ways is "<->"; one of node sets names them: "{n1,n2}->{n3}".
      const char* way =
          d.contains("both") && d["both"].is_boolean() && d["both"].get<bool>() ? "<->" : "->";
      if (fault.from != 0 || fault.to != 0)
        targets += (targets.empty() ? "" : " ") +
                   (fault.from ? fault_node(fault.from, device_) : std::string("any")) + way +
                   (fault.to ? fault_node(fault.to, device_) : std::string("any"));
      if (d.contains("from_nodes") && d.contains("to_nodes"))
        targets += (targets.empty() ? "{" : " {") +
                   node_list(read_nodes(d["from_nodes"]), device_) + "}" + way + "{" +
                   node_list(read_nodes(d["to_nodes"]), device_) + "}";
      if (d.contains("type") && d["type"].is_string() && !d["type"].get<std::string>().empty())
        targets += " " + d["type"].get<std::string>();
    }
    fault.summary = fault.kind + (targets.empty() ? "" : " " + targets);
  }

  void on_op(const Event& e, uint32_t index, const LineFields& f, size_t line) {
    require(f.has_op, line, f, "op");
    if (e.kind == EventKind::Invoke) {
      ClientOp op;
      op.op = f.op;
      op.client = static_cast<int32_t>(f.client);
      op.invoke_us = e.t_us;
      op.return_us = kOpen_us;
      op.invoke_event = op.return_event = index;
      op.label = f.f;
      if (!f.key.empty()) op.label += " " + f.key;
      if (f.has_expected) op.label += " " + f.expected + "->";
      if (f.has_value) op.label += (f.has_expected ? "" : " ") + f.value;
      op.short_label = f.f;
      m_.client_count = std::max(m_.client_count, op.client + 1);
      open_ops_[f.op] = m_.ops.size();
      m_.events[index].aux = static_cast<uint32_t>(m_.ops.size());
      m_.ops.push_back(std::move(op));
      return;
    }
    auto it = open_ops_.find(f.op);
    if (it == open_ops_.end())
      fail(line, "expected an \"invoke\" of op " + std::to_string(f.op) + " before its \"return\"");
    ClientOp& op = m_.ops[it->second];
    m_.events[index].aux = static_cast<uint32_t>(it->second);
    op.return_us = e.t_us;
    op.return_event = index;
    if (f.outcome == "ok")
      op.outcome = ClientOp::Outcome::Ok;
    else if (f.outcome == "fail")
      op.outcome = ClientOp::Outcome::Fail;
    else if (f.outcome == "info")
      op.outcome = ClientOp::Outcome::Info;
    else
      fail(line, "expected \"outcome\" to be ok, fail or info, got \"" + f.outcome + "\"");
    // The result: what a read returned, else the outcome ("?" when unknown).
    std::string result;
    if (f.has_value && f.f != "write" && f.f != "put" && f.f != "append" && f.f != "cas")
      result = " -> " + f.value;
    else
      result = op.outcome == ClientOp::Outcome::Ok     ? " ok"
               : op.outcome == ClientOp::Outcome::Fail ? " fail"
                                                       : " ?";
    op.label += result;
    op.short_label += result;
    open_ops_.erase(it);
  }

  void on_caption(const Event& e, uint32_t index, const LineFields& f) {
    Caption c;
    c.t_us = e.t_us;
    c.text = f.text;
    c.event = index;
    // The header's captions say which ones pause; pair them by text, in order.
    for (auto& hc : header_captions_)
      if (!hc.used && hc.text == c.text) {
        c.pause = hc.pause;
        hc.used = true;
        break;
      }
    m_.events[index].aux = static_cast<uint32_t>(m_.captions.size());
    m_.captions.push_back(std::move(c));
  }

  void finish_messages(Time_us end) {
    for (const Send& s : sends_) {
      if (s.resolved) continue;
      Message m;
      m.id = s.id;
      m.send_us = s.t_us;
      m.end_us = end;
      m.send_event = m.end_event = s.event;
      m.cause_event = s.cause_event;
      m.from = s.from;
      m.to = s.to;
      m.type = s.type;
      m.heartbeat = s.heartbeat;
      m.answer = s.answer;
      m.fate = Message::Fate::InFlight;
      m_.messages.push_back(m);
    }
    std::vector<Message>& ms = m_.messages;
    std::stable_sort(ms.begin(), ms.end(), [](const Message& a, const Message& b) {
      return a.send_us != b.send_us ? a.send_us < b.send_us : a.send_event < b.send_event;
    });
    for (size_t i = 0; i < ms.size(); ++i) {
      const auto aux = static_cast<uint32_t>(i);
      if (ms[i].fate != Message::Fate::InFlight) m_.events[ms[i].end_event].aux = aux;
      uint32_t& send_aux = m_.events[ms[i].send_event].aux;
      if (send_aux == kNoAux || !ms[i].duplicate) send_aux = aux;
    }
    m_.message_type_sent.assign(m_.message_types.size(), 0);
    for (const Message& msg : ms)
      if (!msg.duplicate) ++m_.message_type_sent[msg.type];
    m_.messages_end_max_us.resize(ms.size());
    Time_us running = std::numeric_limits<Time_us>::min();
    for (size_t i = 0; i < ms.size(); ++i)
      m_.messages_end_max_us[i] = running = std::max(running, ms[i].end_us);
  }

  // Where votes are answered (some reply carries vote_granted), a candidate has voted for itself
  // in its epoch: the vote that "voted for" would otherwise miss.
  void finish_votes() {
    if (!saw_vote_answers_ || candidacies_.empty()) return;
    for (const auto& [n, vote] : candidacies_) node(n).votes.push_back(vote);
    for (NodeTrack& n : m_.nodes)
      std::stable_sort(n.votes.begin(), n.votes.end(),
                       [](const Vote& a, const Vote& b) { return a.t_us < b.t_us; });
  }

  void finish_ops(Time_us end) {
    std::vector<int64_t> blamed = m_.lincheck_failing_ops;
    std::sort(blamed.begin(), blamed.end());
    // (op id, index in lost_writes), sorted: each lost op finds its entry for the return event.
    std::vector<std::pair<int64_t, size_t>> lost;
    for (size_t i = 0; i < m_.lost_writes.size(); ++i) lost.emplace_back(m_.lost_writes[i].op, i);
    std::sort(lost.begin(), lost.end());
    m_.ops_end_max_us.resize(m_.ops.size());
    Time_us running = std::numeric_limits<Time_us>::min();
    for (size_t i = 0; i < m_.ops.size(); ++i) {
      ClientOp& op = m_.ops[i];
      if (op.return_us == kOpen_us) op.return_us = end;
      op.blamed = std::binary_search(blamed.begin(), blamed.end(), op.op);
      auto it = std::lower_bound(lost.begin(), lost.end(), std::make_pair(op.op, size_t{0}));
      op.lost = it != lost.end() && it->first == op.op;
      if (op.lost && op.outcome != ClientOp::Outcome::Pending)
        m_.lost_writes[it->second].return_event = int64_t{op.return_event};
      m_.ops_end_max_us[i] = running = std::max(running, op.return_us);
    }
  }

  static constexpr int64_t kDenseIds = int64_t{1} << 27;

  struct HeaderCaption {
    std::string text;
    bool pause = false;
    bool used = false;
  };

  TraceModel& m_;
  Time_us last_t_ = 0;
  std::vector<Send> sends_;
  std::vector<int64_t> send_of_id_;  // message id -> index in sends_, for ids below kDenseIds
  std::unordered_map<int64_t, int64_t> sparse_ids_;
  std::vector<Cause> causes_;
  std::vector<bool> leading_;
  std::map<int64_t, size_t> open_faults_;
  std::unordered_map<int64_t, size_t> open_ops_;
  std::vector<HeaderCaption> header_captions_;
  bool saw_vote_answers_ = false;
  std::vector<std::pair<int32_t, Vote>> candidacies_;  // (node, its own vote) per candidate event
  std::map<std::string, ballot::TraceHeader::FaultKind> fault_kinds_;  // from the header
  int32_t device_ = 0;  // the fencing device's number in fault details, 0 without one
};

}  // namespace

namespace {

std::shared_ptr<TraceModel> parse(std::string text, const std::string& label,
                                  const LoadProgress& progress, Time_us reveal_us) {
  auto model = std::make_shared<TraceModel>();
  TraceModel& m = *model;
  m.file_label = label;
  m.text = std::move(text);
  const std::string_view all(m.text);
  const uint64_t total = all.size();
  if (all.empty()) fail(1, "expected the trace header, got an empty file");

  Builder builder(m);
  LineFields fields;
  size_t line_no = 0;
  size_t pos = 0;
  uint64_t next_progress = kProgressStepBytes;
  bool header_seen = false;
  m.events.reserve(static_cast<size_t>(total / 64));
  while (pos < all.size()) {
    ++line_no;
    size_t end = all.find('\n', pos);
    const bool complete = end != std::string_view::npos;
    if (!complete) end = all.size();
    const std::string_view line = all.substr(pos, end - pos);
    const uint64_t offset = pos;
    pos = complete ? end + 1 : end;
    if (progress && pos >= next_progress) {
      progress(pos, total);
      next_progress = pos + kProgressStepBytes;
    }
    if (line.empty() || line == "\r") continue;
    if (m.has_footer) fail(line_no, "expected nothing after the footer line");

    if (!header_seen) {
      builder.header(ballot::parse_trace_header(line, line_no));
      header_seen = true;
      continue;
    }

    fields.clear();
    LineSax line_sax(fields);
    const bool ok = json::sax_parse(line.begin(), line.end(), &line_sax);
    if (!ok || !fields.is_object) {
      if (!ok && !complete) {  // the writer stopped in the middle of this line
        m.last_line_incomplete = true;
        break;
      }
      fail(line_no, "expected one JSON object per line (" +
                        (ok ? std::string("got another JSON value")
                            : describe_syntax_error(line_sax.error())) +
                        ")");
    }
    if (fields.is_footer) {
      ballot::parse_trace_footer(line, line_no, m.events.size(), builder.last_t());
      builder.footer(json::parse(line.begin(), line.end()), line_no);
      continue;
    }
    builder.event(fields, line_no, offset, static_cast<uint32_t>(line.size()));
  }
  if (!header_seen) fail(1, "expected the trace header, got only blank lines");
  builder.finish(reveal_us);
  if (progress) progress(total, total);
  return model;
}

}  // namespace

std::shared_ptr<const TraceModel> parse_trace(std::string text, const std::string& label,
                                              const LoadProgress& progress,
                                              const std::string& variant) {
  std::shared_ptr<TraceModel> m = parse(std::move(text), label, progress, -1);
  m->variant = variant;
  return m;
}

std::shared_ptr<const TraceModel> reveal_until(const std::shared_ptr<const TraceModel>& full,
                                               Time_us cursor_us) {
  if (!full || cursor_us >= full->end_us) return full;
  return cut_prefix(*full, cursor_us);
}

bool extend_prefix(TraceModel& m, const TraceModel& full, Time_us cursor_us) {
  const Time_us old = m.revealed_until_us;
  if (!m.revealed() || cursor_us < old || cursor_us >= full.end_us ||
      m.events.size() > full.events.size())
    return false;
  if (m.events.size() < full.events.size() && full.events[m.events.size()].t_us <= cursor_us)
    return false;  // an event to reveal: parse again
  if (cursor_us == old) return true;
  int leaders = 0;
  for (NodeTrack& n : m.nodes) {
    if (!n.bands.empty() && n.bands.back().end_us == old) {
      n.bands.back().end_us = cursor_us;
      leaders += n.bands.back().role == Role::Leader;
    }
    for (Interval& p : n.pauses)
      if (p.end_event == p.begin_event && p.end_us == old) p.end_us = cursor_us;
  }
  for (Fault& f : m.faults)
    if (!f.instantaneous && f.span.end_event == f.span.begin_event && f.span.end_us == old)
      f.span.end_us = cursor_us;
  if (!m.split_brains.empty() && m.split_brains.back().end_us == old && leaders >= 2)
    m.split_brains.back().end_us = cursor_us;
  Time_us running = std::numeric_limits<Time_us>::min();
  for (size_t i = 0; i < m.messages.size(); ++i) {
    Message& msg = m.messages[i];
    if (msg.fate == Message::Fate::InFlight) msg.end_us = cursor_us;
    m.messages_end_max_us[i] = running = std::max(running, msg.end_us);
  }
  running = std::numeric_limits<Time_us>::min();
  for (size_t i = 0; i < m.ops.size(); ++i) {
    ClientOp& op = m.ops[i];
    if (op.outcome == ClientOp::Outcome::Pending) op.return_us = cursor_us;
    m.ops_end_max_us[i] = running = std::max(running, op.return_us);
  }
  m.end_us = cursor_us;
  m.revealed_until_us = cursor_us;
  return true;
}

std::shared_ptr<TraceModel> cut_prefix(const TraceModel& full_model, Time_us cursor_us) {
  const TraceModel* full = &full_model;
  cursor_us = std::max<Time_us>(cursor_us, 0);
  const std::vector<Event>& ev = full->events;
  const auto after = std::upper_bound(ev.begin(), ev.end(), cursor_us,
                                      [](Time_us t, const Event& e) { return t < e.t_us; });
  // The header and the events up to the cursor, each line with its newline.
  size_t cut;
  if (after != ev.end())
    cut = static_cast<size_t>(after->offset);
  else if (!ev.empty())
    cut = static_cast<size_t>(ev.back().offset + ev.back().length);
  else
    cut = full->text.find('\n');
  std::string text = full->text.substr(0, std::min(cut, full->text.size()));
  if (text.empty() || text.back() != '\n') text += '\n';
  std::shared_ptr<TraceModel> m = parse(std::move(text), full->file_label, {}, cursor_us);
  m->revealed_from_end_us = full->end_us;
  m->variant = full->variant;
  return m;
}

std::shared_ptr<const TraceModel> load_trace_file(const std::string& path,
                                                  const LoadProgress& progress) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw InputError("", "cannot open the trace file");
  std::string text;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    const long size = std::ftell(f);
    if (size > 0) text.reserve(static_cast<size_t>(size));
    std::fseek(f, 0, SEEK_SET);
  }
  constexpr size_t kChunk = 1 << 20;
  std::string chunk(kChunk, '\0');
  size_t got;
  while ((got = std::fread(chunk.data(), 1, kChunk, f)) > 0) text.append(chunk.data(), got);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw InputError("", "cannot read the trace file");
  return parse_trace(std::move(text), path, progress);
}

std::vector<std::pair<std::string, std::string>> event_fields(const TraceModel& model,
                                                              uint32_t event) {
  std::vector<std::pair<std::string, std::string>> out;
  if (event >= model.events.size()) return out;
  const std::string_view text = model.line(event);
  // ordered_json keeps the line's field order, which the format fixes.
  const nlohmann::ordered_json j =
      nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return {{"raw", std::string(text)}};
  std::function<void(const nlohmann::ordered_json&, const std::string&, int)> walk =
      [&](const nlohmann::ordered_json& v, const std::string& path, int depth) {
        constexpr int kMaxDepth = 6;
        if (v.is_object() && !v.empty() && depth < kMaxDepth) {
          for (const auto& [k, x] : v.items())
            walk(x, path.empty() ? k : path + "." + k, depth + 1);
          return;
        }
        const bool nested = v.is_array() && std::any_of(v.begin(), v.end(), [](const auto& e) {
                              return e.is_object() || e.is_array();
                            });
        if (nested && depth < kMaxDepth) {
          size_t i = 0;
          for (const auto& e : v) walk(e, path + "[" + std::to_string(i++) + "]", depth + 1);
          return;
        }
        out.emplace_back(path, v.is_string() ? v.get<std::string>() : v.dump());
      };
  walk(j, "", 0);
  return out;
}

bool safety_checked(const TraceModel& model) {
  const AlgorithmInfo* algo = find_algorithm(model.algorithm);
  return algo != nullptr && has_safety_checker(*algo);
}

std::string damage_text(const TraceModel& model) {
  auto count = [&model](const char* name) -> int64_t {
    for (const auto& [key, value] : model.metrics)
      if (key == name) return std::strtoll(value.c_str(), nullptr, 10);
    return -1;
  };
  return damage_summary(count("lost_writes"), count("job_duplicates"), count("id_duplicates"));
}

}  // namespace ballot::viz
