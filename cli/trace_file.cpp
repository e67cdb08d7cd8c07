#include "cli/trace_file.h"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "sim/api/input_error.h"
#include "sim/api/trace.h"
#include "sim/input/input_file.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/scenario.h"

namespace ballot {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(size_t line, const std::string& what) {
  throw InputError("line " + std::to_string(line), what);
}

constexpr std::array<std::string_view, kEventFields> kFieldNames = {
    "i",    "t",     "k",      "n",        "to",      "from",   "id",     "type",
    "msg",  "dup",   "reason", "tag",      "role",    "epoch",  "leader", "fault",
    "kind", "phase", "detail", "why",      "text",    "fact",   "op",     "client",
    "f",    "key",   "value",  "expected", "outcome", "period", "node",   "due",
};

JsonType field_type(EventField f) {
  switch (f) {
    case EventField::K:
    case EventField::Type:
    case EventField::Reason:
    case EventField::Role:
    case EventField::Kind:
    case EventField::Phase:
    case EventField::Why:
    case EventField::Text:
    case EventField::F:
    case EventField::Key:
    case EventField::Value:
    case EventField::Expected:
    case EventField::Outcome:
      return JsonType::String;
    case EventField::Msg:
    case EventField::Detail:
    case EventField::Fact:
      return JsonType::Object;
    case EventField::Dup:
      return JsonType::Boolean;
    default:
      return JsonType::Integer;
  }
}

const char* type_name(JsonType t) {
  switch (t) {
    case JsonType::Null:
      return "null";
    case JsonType::Boolean:
      return "a boolean";
    case JsonType::Integer:
      return "an integer";
    case JsonType::Float:
      return "a number with a fraction";
    case JsonType::String:
      return "a string";
    case JsonType::Array:
      return "a list";
    case JsonType::Object:
      return "an object";
  }
  return "?";
}

JsonType type_of(const json& v) {
  if (v.is_null()) return JsonType::Null;
  if (v.is_boolean()) return JsonType::Boolean;
  if (v.is_number_integer()) return JsonType::Integer;
  if (v.is_number()) return JsonType::Float;
  if (v.is_string()) return JsonType::String;
  if (v.is_array()) return JsonType::Array;
  return JsonType::Object;
}

// A value for a message: short JSON text, or its type when long.
std::string show(const json& v) {
  std::string text = v.dump();
  if (text.size() > 40) return type_name(type_of(v));
  return text;
}

constexpr uint64_t bit(EventField f) {
  return uint64_t{1} << static_cast<int>(f);
}

// The fields each kind of event requires besides i, t, k (docs/trace-format.md); optional ones
// ("dup", "why", "detail", "value", "expected") are not listed.
uint64_t required_fields(std::string_view k) {
  using F = EventField;
  const uint64_t n = bit(F::N);
  if (k == "send") return n | bit(F::To) | bit(F::Id) | bit(F::Type) | bit(F::Msg);
  if (k == "deliver") return n | bit(F::From) | bit(F::Id) | bit(F::Type);
  if (k == "drop") return n | bit(F::From) | bit(F::Id) | bit(F::Type) | bit(F::Reason);
  if (k == "timer" || k == "cancel") return n | bit(F::Tag);
  if (k == "arm") return n | bit(F::Tag) | bit(F::Due);
  if (k == "role") return n | bit(F::Role) | bit(F::Epoch) | bit(F::Leader);
  if (k == "fault") return bit(F::Fault) | bit(F::Kind) | bit(F::Phase);
  if (k == "start" || k == "crash" || k == "restart" || k == "pause" || k == "resume" ||
      k == "clock")
    return n;
  if (k == "note") return n | bit(F::Text);
  if (k == "record") return n | bit(F::Type) | bit(F::Fact);
  const uint64_t op = bit(F::Op) | bit(F::Client) | bit(F::F) | bit(F::Key);
  if (k == "invoke") return op;
  if (k == "return") return op | bit(F::Outcome);
  if (k == "caption") return bit(F::Text);
  if (k == "job") return n | bit(F::Period);
  if (k == "id") return n | bit(F::Id);
  return 0;  // a newer writer's kind: only the envelope is known
}

// Field-by-field type checks of an object read with nlohmann.
class Fields {
 public:
  Fields(const json& object, size_t line, std::string prefix)
      : j_(object), line_(line), prefix_(std::move(prefix)) {}

  const json* get(const char* key, JsonType want, bool required) const {
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) fail(line_, "expected " + name(key) + ": " + type_name(want) + ", found none");
      return nullptr;
    }
    const JsonType got = type_of(*it);
    const bool ok = got == want || (want == JsonType::Float && got == JsonType::Integer);
    if (!ok)
      fail(line_, "expected " + name(key) + " to be " + type_name(want) + ", got " + show(*it));
    return &*it;
  }
  std::string str(const char* key, bool required = true) const {
    const json* v = get(key, JsonType::String, required);
    return v ? v->get<std::string>() : std::string();
  }
  int64_t integer(const char* key, bool required = true) const {
    const json* v = get(key, JsonType::Integer, required);
    if (v == nullptr) return 0;
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      fail(line_, "expected " + name(key) + " to be an integer below 2^63, got " + v->dump());
    return v->get<int64_t>();
  }
  uint64_t count(const char* key, bool required = true) const {
    const json* v = get(key, JsonType::Integer, required);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned())
      fail(line_, "expected " + name(key) + " to be a count (0 or more), got " + v->dump());
    return v->get<uint64_t>();
  }
  bool boolean(const char* key, bool required = true) const {
    const json* v = get(key, JsonType::Boolean, required);
    return v ? v->get<bool>() : false;
  }
  std::string name(const char* key) const { return "\"" + prefix_ + key + "\""; }

 private:
  const json& j_;
  size_t line_;
  std::string prefix_;
};

void check_list_of(const Fields& parent, const json* list, const char* key, size_t line,
                   JsonType element) {
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& e = (*list)[i];
    const bool ok = type_of(e) == element;
    if (!ok)
      fail(line, "expected " + parent.name(key) + "[" + std::to_string(i) + "] to be " +
                     type_name(element) + ", got " + show(e));
  }
}

json parse_object(std::string_view line, size_t line_no, const char* what) {
  json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    fail(line_no, std::string("expected ") + what + ", got " +
                      (j.is_discarded() ? "text that is not JSON" : "another JSON value"));
  return j;
}

}  // namespace

TraceHeader parse_trace_header(std::string_view line, size_t line_no) {
  const json h =
      parse_object(line, line_no, "a ballot trace header {\"format\":\"ballot-trace\",...}");
  auto format = h.find("format");
  if (format == h.end() || !format->is_string() || format->get<std::string>() != "ballot-trace")
    fail(line_no, "expected a ballot trace header {\"format\":\"ballot-trace\",...}" +
                      std::string(format == h.end() ? "" : ", got \"format\": " + show(*format)));
  auto version = h.find("format_version");
  if (version == h.end() || !version->is_number_integer() ||
      version->get<int64_t>() != kTraceFormatVersion)
    fail(line_no, "expected \"format_version\": " + std::to_string(kTraceFormatVersion) +
                      " (this ballot reads version " + std::to_string(kTraceFormatVersion) +
                      "), got " + (version == h.end() ? "none" : show(*version)));
  const Fields f(h, line_no, "");
  TraceHeader out;
  out.format_version = kTraceFormatVersion;
  // The writer always writes these; hand-made traces for the viewer may leave them out.
  out.ballot_version = f.str("ballot_version", false);
  out.file = f.str("file", false);
  out.algorithm = f.str("algorithm", false);
  out.seed = f.count("seed", false);
  out.scenario_json = f.get("scenario", JsonType::Object, true)->dump();
  if (const json* kinds = f.get("fault_kinds", JsonType::Object, false)) {
    for (const auto& [name, value] : kinds->items()) {
      if (!value.is_object())
        fail(line_no, "expected \"fault_kinds." + name + "\" to be an object, got " + show(value));
      const Fields k(value, line_no, "fault_kinds." + name + ".");
      TraceHeader::FaultKind& kind = out.fault_kinds[name];
      kind.acts_on = k.str("acts_on", false);
      kind.instantaneous = k.boolean("instantaneous", false);
      kind.look = k.str("look", false);
    }
  } else {
    for (const FaultKindInfo& info : ballot::fault_kinds())
      out.fault_kinds[std::string(info.name)] = {fault_acts_on_name(info.acts_on),
                                                 info.instantaneous(), fault_look_name(info.look)};
  }
  return out;
}

TraceFooter parse_trace_footer(std::string_view line, size_t line_no, uint64_t events_above,
                               int64_t last_t_us) {
  const json j = parse_object(line, line_no, "the trace footer {\"footer\":true,...}");
  const Fields f(j, line_no, "");
  if (!f.boolean("footer")) fail(line_no, "expected \"footer\": true, got false");
  TraceFooter out;
  out.events = f.count("events");
  if (out.events != events_above)
    fail(line_no, "expected the footer's \"events\" to be " + std::to_string(events_above) +
                      " (the events above it), got " + std::to_string(out.events));
  out.end_us = f.integer("end_us", false);
  if (j.contains("end_us") && out.end_us < last_t_us)
    fail(line_no, "expected the footer's \"end_us\" to be at least " + std::to_string(last_t_us) +
                      " (the last event's time), got " + std::to_string(out.end_us));
  out.trace_hash = f.str("trace_hash", false);
  if (j.contains("trace_hash") &&
      (out.trace_hash.size() != 16 ||
       out.trace_hash.find_first_not_of("0123456789abcdef") != std::string::npos))
    fail(line_no, "expected \"trace_hash\" to be 16 hex digits, got \"" + out.trace_hash + "\"");
  if (const json* metrics = f.get("metrics", JsonType::Object, false))
    for (const auto& [name, value] : metrics->items())
      if (!value.is_number_integer())
        fail(line_no, "expected \"metrics." + name + "\" to be an integer, got " + show(value));
  // Their fields are typed when present (hand-made traces for the viewer may leave some out;
  // replay compares every field with the re-run's).
  if (const json* list = f.get("violations", JsonType::Array, false))
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string prefix = "violations[" + std::to_string(i) + "].";
      if (!(*list)[i].is_object())
        fail(line_no, "expected \"violations[" + std::to_string(i) + "]\" to be an object");
      const Fields v((*list)[i], line_no, prefix);
      v.str("checker", false);
      v.integer("event", false);
      v.integer("t", false);
      check_list_of(v, v.get("nodes", JsonType::Array, false), "nodes", line_no, JsonType::Integer);
      v.str("message", false);
    }
  if (const json* list = f.get("expectations", JsonType::Array, false))
    for (size_t i = 0; i < list->size(); ++i) {
      if (!(*list)[i].is_object())
        fail(line_no, "expected \"expectations[" + std::to_string(i) + "]\" to be an object");
      const Fields x((*list)[i], line_no, "expectations[" + std::to_string(i) + "].");
      x.str("path", false);
      x.str("metric", false);
      x.str("wanted", false);
      x.str("got", false);
      x.boolean("ok", false);
    }
  if (const json* l = f.get("lincheck", JsonType::Object, false)) {
    const Fields x(*l, line_no, "lincheck.");
    x.boolean("linearizable", false);
    x.boolean("timed_out", false);
    check_list_of(x, x.get("failing_ops", JsonType::Array, false), "failing_ops", line_no,
                  JsonType::Integer);
    x.boolean("window_minimal", false);
    x.str("explanation", false);
  }
  // {"damage": {"lost_writes": [...], "job_duplicates": [...], "id_duplicates": [...]}}: each
  // entry an object whose fields are typed when present.
  if (const json* d = f.get("damage", JsonType::Object, false)) {
    const Fields dmg(*d, line_no, "damage.");
    auto each = [&](const char* key, auto&& check) {
      const json* list = dmg.get(key, JsonType::Array, false);
      if (list == nullptr) return;
      for (size_t i = 0; i < list->size(); ++i) {
        const std::string prefix = "damage." + std::string(key) + "[" + std::to_string(i) + "]";
        if (!(*list)[i].is_object()) fail(line_no, "expected \"" + prefix + "\" to be an object");
        check(Fields((*list)[i], line_no, prefix + "."), prefix + ".");
      }
    };
    auto occurrence = [&](const Fields& entry, const std::string& prefix, const char* key) {
      if (const json* o = entry.get(key, JsonType::Object, false)) {
        const Fields x(*o, line_no, prefix + key + ".");
        x.integer("node", false);
        x.integer("epoch", false);
        x.integer("time_us", false);
      }
    };
    each("lost_writes", [&](const Fields& e, const std::string& prefix) {
      e.integer("op", false);
      e.str("f", false);
      e.str("key", false);
      e.str("value", false);
      occurrence(e, prefix, "acknowledged_by");
      if (const json* er = e.get("erased", JsonType::Object, false)) {
        const Fields x(*er, line_no, prefix + "erased.");
        x.integer("event", false);
        x.integer("time_us", false);
        x.integer("node", false);
        x.integer("from", false);
      }
    });
    auto duplicate = [&](const char* what) {
      return [&, what](const Fields& e, const std::string& prefix) {
        e.integer(what, false);
        occurrence(e, prefix, "first");
        occurrence(e, prefix, "again");
      };
    };
    each("job_duplicates", duplicate("period"));
    each("id_duplicates", duplicate("id"));
  }
  // The footer's own counts must agree: a violation deleted from the list but not from the
  // metrics is caught by every reader, not only by replay.
  if (const json* metrics = f.get("metrics", JsonType::Object, false)) {
    auto agree = [&](const char* metric, uint64_t count, const char* what) {
      auto it = metrics->find(metric);
      if (it != metrics->end() && it->get<int64_t>() != static_cast<int64_t>(count))
        fail(line_no, std::string("expected \"metrics.") + metric + "\" to be " +
                          std::to_string(count) + " (" + what + "), got " + it->dump());
    };
    agree("events", out.events, "the footer's \"events\"");
    if (const json* list = f.get("violations", JsonType::Array, false))
      agree("violations", list->size(), "the entries of \"violations\"");
    if (const json* d = f.get("damage", JsonType::Object, false))
      for (const char* kind : {"lost_writes", "job_duplicates", "id_duplicates"}) {
        auto list = d->find(kind);
        const std::string what = std::string("the entries of \"damage.") + kind + "\"";
        if (list != d->end()) agree(kind, list->size(), what.c_str());
      }
  }
  if (const json* c = f.get("cut", JsonType::Object, false)) {
    const Fields x(*c, line_no, "cut.");
    TraceCut cut;
    cut.limit = x.str("limit");
    if (cut.limit != "max_events" && cut.limit != "max_trace_bytes")
      fail(line_no, "expected \"cut.limit\" to be \"max_events\" or \"max_trace_bytes\", got \"" +
                        cut.limit + "\"");
    cut.value = x.count("value");
    out.cut = cut;
  }
  return out;
}

int event_field(std::string_view key) {
  // Called for every key of every line the viewer loads: compare only names of the same length
  // and first letter.
  if (key.empty()) return -1;
  for (int f = 0; f < kEventFields; ++f) {
    const std::string_view name = kFieldNames[static_cast<size_t>(f)];
    if (name.size() == key.size() && name[0] == key[0] && name == key) return f;
  }
  return -1;
}

void EventLineSeen::clear() {
  present = 0;
  bad_field = -1;
  bad_type = JsonType::Null;
  bad_value.clear();
  footer_key = false;
  i = t = n = 0;
  k.clear();
}

void EventLineSeen::field(int f, JsonType type, int64_t integer, std::string_view text) {
  if (f < 0) return;
  present |= uint64_t{1} << f;
  const auto field = static_cast<EventField>(f);
  if (type != field_type(field)) {
    if (bad_field < 0) {
      bad_field = f;
      bad_type = type;
      if (type == JsonType::Integer)
        bad_value = std::to_string(integer);
      else if (type == JsonType::String && text.size() <= 30) {
        bad_value.clear();
        append_json_string(bad_value, text);
      }
    }
    return;
  }
  switch (field) {
    case EventField::I:
      i = integer;
      break;
    case EventField::T:
      t = integer;
      break;
    case EventField::N:
      n = integer;
      break;
    case EventField::K:
      k.assign(text);
      break;
    default:
      break;
  }
}

void check_event_line(const EventLineSeen& seen, size_t line_no, uint64_t index,
                      int64_t last_t_us) {
  if (seen.bad_field >= 0) {
    const auto f = static_cast<EventField>(seen.bad_field);
    fail(line_no, "expected \"" + std::string(kFieldNames[static_cast<size_t>(f)]) + "\" to be " +
                      type_name(field_type(f)) + ", got " +
                      (seen.bad_value.empty() ? type_name(seen.bad_type) : seen.bad_value));
  }
  if (!(seen.present & bit(EventField::I)) || seen.i < 0 || static_cast<uint64_t>(seen.i) != index)
    fail(line_no, "expected \"i\": " + std::to_string(index) +
                      " (events are numbered from 0 in order)" +
                      ((seen.present & bit(EventField::I)) ? ", got " + std::to_string(seen.i)
                                                           : ", found no \"i\""));
  if (!(seen.present & bit(EventField::T)))
    fail(line_no, "expected \"t\": the time in microseconds");
  if (seen.t < last_t_us || seen.t < 0)
    fail(line_no, "expected \"t\" >= " + std::to_string(last_t_us) +
                      " (events are in time order), got " + std::to_string(seen.t));
  if (!(seen.present & bit(EventField::K)) || seen.k.empty())
    fail(line_no, "expected \"k\": the event kind");
  if ((seen.present & bit(EventField::N)) && seen.n < 1)
    fail(line_no, "expected \"n\" to be a node number from 1, got " + std::to_string(seen.n));
  const uint64_t missing = required_fields(seen.k) & ~seen.present;
  if (missing != 0)
    for (int f = 0; f < kEventFields; ++f)
      if (missing & (uint64_t{1} << f))
        fail(line_no, "expected field \"" + std::string(kFieldNames[static_cast<size_t>(f)]) +
                          "\" in a \"" + seen.k + "\" event");
}

bool read_trace_line(std::istream& in, std::string& line, size_t line_no, bool& no_newline) {
  const LineRead read = read_line_capped(in, line, kMaxTraceLineBytes);
  if (read == LineRead::End) return false;
  if (read == LineRead::TooLong)
    throw InputError(
        "line " + std::to_string(line_no),
        "longer than the " + byte_size(kMaxTraceLineBytes) + " limit for a trace line");
  no_newline = in.eof();
  return true;
}

namespace {
// A line nlohmann could not parse because of a number out of range (1e400) gets the JSON path,
// line and column instead of a generic "not JSON" (sim/kernel/scenario.h check_json_text).
void throw_if_number_out_of_range(std::string_view line, size_t line_no) {
  try {
    check_json_text(std::string(line), line_no);
  } catch (const InputError& e) {
    std::string what = e.what();
    if (what.find("out of range") == std::string::npos) return;
    // "at line L, column C: ..." -> "at column C: ...": the path already names the line.
    const std::string at_line = "at line " + std::to_string(line_no) + ", column";
    if (what.rfind(at_line, 0) == 0) what = "at column" + what.substr(at_line.size());
    throw InputError("line " + std::to_string(line_no) + (e.path().empty() ? "" : ": " + e.path()),
                     what);
  }
}
}  // namespace

TraceLineReader::Line TraceLineReader::next(std::string_view line, bool no_newline) {
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return Line::Blank;
  if (footer_.has_value()) fail(line_no_, "expected nothing after the footer line");
  if (!header_.has_value()) {
    // The header is one line: check it for numbers out of range (an integer beyond 64 bits would
    // otherwise become an inexact double inside the scenario) before its fields.
    throw_if_number_out_of_range(line, line_no_);
    header_ = parse_trace_header(line, line_no_);
    return Line::Header;
  }
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() && no_newline) {  // the writer stopped in the middle of this line
    cut_mid_line_ = true;
    return Line::Cut;
  }
  if (j.is_discarded()) throw_if_number_out_of_range(line, line_no_);
  if (j.is_discarded() || !j.is_object())
    fail(line_no_, std::string("expected one JSON object per line (got ") +
                       (j.is_discarded() ? "text that is not JSON" : "another JSON value") + ")");
  if (j.contains("footer")) {
    footer_ = parse_trace_footer(line, line_no_, events_, last_t_us_);
    return Line::Footer;
  }
  EventLineSeen seen;
  for (const auto& [key, value] : j.items()) {
    const int f = event_field(key);
    if (f < 0) continue;
    const JsonType type = type_of(value);
    if (type == JsonType::Integer)
      seen.field(
          f, type,
          value.is_number_unsigned() &&
                  value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
              ? std::numeric_limits<int64_t>::max()
              : value.get<int64_t>());
    else if (type == JsonType::String)
      seen.field(f, type, 0, value.get_ref<const std::string&>());
    else
      seen.field(f, type);
  }
  check_event_line(seen, line_no_, events_, last_t_us_);
  ++events_;
  last_t_us_ = seen.t;
  last_kind_ = seen.k;
  return Line::Event;
}

void TraceLineReader::trusted_event(int64_t t_us) {
  ++line_no_;
  ++events_;
  last_t_us_ = t_us;
}

void TraceLineReader::finish() const {
  if (!header_.has_value())
    fail(1, line_no_ == 0 ? "expected the trace header, got an empty file"
                          : "expected the trace header, got only blank lines");
}

}  // namespace ballot
