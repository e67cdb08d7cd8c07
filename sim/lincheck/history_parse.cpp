// Parsers for Jepsen histories and the EDN writer. Input is untrusted: every malformed byte ends in
// a ParseError naming the line, never in undefined behaviour (the EDN reader bounds nesting; no
// unchecked integer conversion).
#include "sim/lincheck/history_parse.h"

#include "sim/input/input_file.h"
#include "sim/lincheck/lin_edn.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ballot::lin {
namespace {

using detail::Edn;
using detail::fail;
using detail::InputFailure;
using detail::read_edn;
using detail::render;

// ---------------------------------------------------------------------------------------------
// Records: one line of history, validated, whichever the format.

enum class RecordType { Invoke, Ok, Fail, Info };

struct Record {
  int64_t line = 0;
  int32_t process = 0;
  RecordType type = RecordType::Invoke;
  OpKind f = OpKind::Read;
  std::optional<std::string> key;
  Edn value;
};

int32_t to_process(const Edn& e, int64_t line) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), value);
  if (ec != std::errc() || end != e.text.data() + e.text.size() || value < 0 || value > INT32_MAX) {
    fail(line, "expected :process to be a non-negative 32-bit integer, got " + e.text);
  }
  return static_cast<int32_t>(value);
}

RecordType to_type(const Edn& e, int64_t line) {
  static const std::map<std::string, RecordType, std::less<>> kTypes = {
      {"invoke", RecordType::Invoke},
      {"ok", RecordType::Ok},
      {"fail", RecordType::Fail},
      {"info", RecordType::Info}};
  if (e.type == Edn::Type::Keyword) {
    if (auto it = kTypes.find(e.text); it != kTypes.end()) return it->second;
  }
  fail(line, "expected :type to be :invoke, :ok, :fail or :info, got " + render(e));
}

OpKind to_kind(const Edn& e, int64_t line) {
  static const std::map<std::string, OpKind, std::less<>> kKinds = {
      {"read", OpKind::Read}, {"write", OpKind::Write}, {"cas", OpKind::Cas},
      {"get", OpKind::Get},   {"put", OpKind::Put},     {"append", OpKind::Append}};
  if (e.type == Edn::Type::Keyword) {
    if (auto it = kKinds.find(e.text); it != kKinds.end()) return it->second;
  }
  fail(line, "expected :f to be :read, :write, :cas, :get, :put or :append, got " + render(e));
}

std::optional<std::string> to_key(const Edn& e, int64_t line) {
  switch (e.type) {
    case Edn::Type::String:
    case Edn::Type::Int:
    case Edn::Type::Keyword:
    case Edn::Type::Symbol:
      return e.text;
    case Edn::Type::Nil:
      return std::nullopt;
    default:
      fail(line, "expected :key to be a string, an integer or a keyword, got " + render(e));
  }
}

// nil, an integer or a string (the forms a register or map value takes).
std::optional<std::string> to_scalar(const Edn& e, int64_t line, const char* what) {
  switch (e.type) {
    case Edn::Type::Nil:
      return std::nullopt;
    case Edn::Type::Int:
    case Edn::Type::Float:
    case Edn::Type::String:
    case Edn::Type::Bool:
    case Edn::Type::Char:  // \a reads as the one-character string "a"
      return e.text;
    default:
      fail(line, std::string("expected ") + what + " to be nil, an integer or a string, got " +
                     render(e));
  }
}

// nullopt: the entry is not a client operation and is skipped (counted in ParseStats). Jepsen
// histories hold such entries: its fault injector logs as process :nemesis, and maps without a
// :process or a :type are log messages, not operations. An entry that is an operation but is
// malformed is an error.
std::optional<Record> make_record(int64_t line, const Edn* process, const Edn* type, const Edn* f,
                                  const Edn* key, const Edn* value) {
  if (!process || !type) return std::nullopt;
  if (process->type == Edn::Type::Keyword || process->type == Edn::Type::Symbol)
    return std::nullopt;
  if (process->type != Edn::Type::Int)
    fail(line, "expected :process to be an integer, got " + render(*process));
  if (!f) fail(line, "expected an :f");
  Record record;
  record.line = line;
  record.process = to_process(*process, line);
  record.type = to_type(*type, line);
  record.f = to_kind(*f, line);
  if (key) record.key = to_key(*key, line);
  if (value) record.value = *value;
  return record;
}

// The records of a history and what was skipped on the way.
struct Records {
  std::vector<Record> records;
  ParseStats stats;

  void add(std::optional<Record> record, int64_t line) {
    if (record) {
      records.push_back(std::move(*record));
      return;
    }
    if (stats.skipped++ == 0) stats.first_skipped_line = line;
  }
};

// ---------------------------------------------------------------------------------------------
// Pairs each process's invocation with its completion.

class HistoryBuilder {
 public:
  void add(const Record& record, int64_t time) {
    if (record.type == RecordType::Invoke) {
      invoke(record, time);
    } else {
      complete(record, time);
    }
  }

  // Operations still open at the end are pending: their outcome is unknown.
  History finish() { return std::move(history_); }

 private:
  void invoke(const Record& record, int64_t time) {
    if (auto it = open_.find(record.process); it != open_.end()) {
      fail(record.line, "expected process " + std::to_string(record.process) +
                            " to complete its operation from line " +
                            std::to_string(invoke_line_[it->second]) + " before invoking another");
    }
    Op op;
    op.process = record.process;
    op.kind = record.f;
    op.key = record.key.value_or("");
    op.call = time;
    op.ret = kPendingReturn;
    op.outcome = Outcome::Info;
    set_arguments(op, record);
    open_.emplace(record.process, history_.ops.size());
    invoke_line_.push_back(record.line);
    history_.ops.push_back(std::move(op));
  }

  static void set_arguments(Op& op, const Record& record) {
    if (op.kind == OpKind::Read || op.kind == OpKind::Get) return;  // the result comes later
    if (op.kind != OpKind::Cas) {
      op.value = to_scalar(record.value, record.line, ":value");
      return;
    }
    const Edn& v = record.value;
    if (v.type != Edn::Type::Vector || v.items.size() != 2) {
      fail(record.line, "expected :value [from to] for :cas, got " + render(v));
    }
    op.expected = to_scalar(v.items[0], record.line, "the cas 'from' value");
    op.value = to_scalar(v.items[1], record.line, "the cas 'to' value");
  }

  void complete(const Record& record, int64_t time) {
    static constexpr const char* kTypeNames[] = {":invoke", ":ok", ":fail", ":info"};
    const auto it = open_.find(record.process);
    if (it == open_.end()) {
      fail(record.line, std::string("expected an :invoke by process ") +
                            std::to_string(record.process) + " before this " +
                            kTypeNames[static_cast<int>(record.type)] + ", found none open");
    }
    Op& op = history_.ops[it->second];
    if (op.kind != record.f) {
      fail(record.line, "expected :f to match the invocation on line " +
                            std::to_string(invoke_line_[it->second]));
    }
    if (op.key.empty() && record.key) op.key = *record.key;
    open_.erase(it);
    switch (record.type) {
      case RecordType::Ok:
        op.outcome = Outcome::Ok;
        op.ret = time;
        if (op.kind == OpKind::Read || op.kind == OpKind::Get) {
          op.value = to_scalar(record.value, record.line, "the result");
        } else if (op.kind != OpKind::Cas && !op.value) {
          op.value = to_scalar(record.value, record.line, ":value");
        }
        break;
      case RecordType::Fail:
        op.outcome = Outcome::Fail;
        op.ret = time;
        break;
      default:
        op.outcome = Outcome::Info;  // may take effect later still: no return time
        op.ret = kPendingReturn;
    }
  }

  History history_;
  std::map<int32_t, size_t> open_;  // process -> index of its open operation
  std::vector<int64_t> invoke_line_;
};

// Line numbers as timestamps when every record has its own line, else record ordinals.
History build(const std::vector<Record>& records) {
  bool distinct_lines = true;
  for (size_t i = 1; i < records.size(); ++i)
    distinct_lines &= records[i].line > records[i - 1].line;
  HistoryBuilder builder;
  for (size_t i = 0; i < records.size(); ++i) {
    builder.add(records[i], distinct_lines ? records[i].line : static_cast<int64_t>(i + 1));
  }
  return builder.finish();
}

// ---------------------------------------------------------------------------------------------
// Formats.

const Edn* field(const Edn& map, std::string_view name) {
  for (size_t i = 0; i + 1 < map.items.size(); i += 2) {
    const Edn& k = map.items[i];
    if (k.type == Edn::Type::Keyword && k.text == name) return &map.items[i + 1];
  }
  return nullptr;
}

std::optional<Record> record_from_map(const Edn& map) {
  if (map.type != Edn::Type::Map)
    fail(map.line, "expected an operation map {:process .. :type .. :f ..}, got " + render(map));
  // EDN maps have unique keys; a record saying two things about one field is malformed.
  std::set<std::string_view> keywords;
  for (size_t i = 0; i < map.items.size(); i += 2) {
    const Edn& k = map.items[i];
    if (k.type == Edn::Type::Keyword && !keywords.insert(k.text).second)
      fail(map.line, "expected each key once in a map, found :" + k.text + " twice");
  }
  return make_record(map.line, field(map, "process"), field(map, "type"), field(map, "f"),
                     field(map, "key"), field(map, "value"));
}

History parse_edn(std::string_view text, ParseStats& stats) {
  const std::vector<Edn> forms = read_edn(text, 1);
  Records records;
  auto add = [&](const Edn& map) { records.add(record_from_map(map), map.line); };
  const bool one_vector =
      !forms.empty() && (forms[0].type == Edn::Type::Vector || forms[0].type == Edn::Type::List);
  if (one_vector) {
    if (forms.size() > 1) fail(forms[1].line, "expected end of input after the history vector");
    for (const Edn& item : forms[0].items) add(item);
  } else {
    for (const Edn& form : forms) add(form);
  }
  stats = records.stats;
  return build(records.records);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

constexpr const char* kEtcdShape =
    "a log line `INFO  jepsen.util - <process> :<type> :<f> <value>`";

// `LEVEL  logger - payload`: the payload of jepsen.util lines, nothing for other loggers.
std::optional<std::string_view> etcd_payload(std::string_view line, int64_t line_number) {
  const size_t dash = line.find(" - ");
  if (dash == std::string_view::npos) fail(line_number, std::string("expected ") + kEtcdShape);
  std::string_view head = trim(line.substr(0, dash));
  const size_t gap = head.find_first_of(" \t");
  if (gap == std::string_view::npos) fail(line_number, std::string("expected ") + kEtcdShape);
  if (trim(head.substr(gap)) != "jepsen.util") return std::nullopt;
  return line.substr(dash + 3);
}

History parse_etcd_log(std::string_view text, ParseStats& stats) {
  Records records;
  int64_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    ++line_number;
    start = end + 1;
    if (line.empty()) continue;
    const auto payload = etcd_payload(line, line_number);
    if (!payload) continue;
    const std::vector<Edn> forms = read_edn(*payload, line_number);
    if (forms.size() < 3 || forms.size() > 4)
      fail(line_number, std::string("expected ") + kEtcdShape);
    records.add(make_record(line_number, &forms[0], &forms[1], &forms[2], nullptr,
                            forms.size() == 4 ? &forms[3] : nullptr),
                line_number);
  }
  stats = records.stats;
  return build(records.records);
}

// ---------------------------------------------------------------------------------------------
// Writing EDN.

std::string edn_string(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool is_edn_integer(const std::string& s) {
  const size_t digits = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == digits || s.size() - digits > 18) return false;
  if (s[digits] == '0' && s.size() > digits + 1) return false;  // "07" is a string, not 7
  return std::all_of(s.begin() + static_cast<ptrdiff_t>(digits), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Register values that look like integers are written as integers, as Jepsen does.
std::string edn_value(const Op& op, const std::optional<std::string>& v) {
  if (!v) return "nil";
  const bool register_op =
      op.kind == OpKind::Read || op.kind == OpKind::Write || op.kind == OpKind::Cas;
  return register_op && is_edn_integer(*v) ? *v : edn_string(*v);
}

std::string edn_record(const Op& op, const char* type, bool completion) {
  static constexpr const char* kNames[] = {"read", "write", "cas", "get", "put", "append"};
  std::string s = "{:process " + std::to_string(op.process) + ", :type :" + type +
                  ", :f :" + kNames[static_cast<int>(op.kind)];
  const bool kv = op.kind == OpKind::Get || op.kind == OpKind::Put || op.kind == OpKind::Append;
  if (kv || !op.key.empty()) s += ", :key " + edn_string(op.key);
  s += ", :value ";
  if (op.kind == OpKind::Cas) {
    s += "[" + edn_value(op, op.expected) + " " + edn_value(op, op.value) + "]";
  } else if (op.kind == OpKind::Read || op.kind == OpKind::Get) {
    s += completion && op.outcome == Outcome::Ok ? edn_value(op, op.value) : "nil";
  } else {
    s += edn_value(op, op.value);
  }
  return s + "}\n";
}

const char* completion_type(const Op& op) {
  if (op.ret == kPendingReturn) return "info";  // no return known: unknown outcome
  switch (op.outcome) {
    case Outcome::Ok:
      return "ok";
    case Outcome::Fail:
      return "fail";
    default:
      return "info";
  }
}

}  // namespace

HistoryFormat detect_format(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    if (!line.empty())
      return line.find("jepsen.util") != std::string_view::npos ? HistoryFormat::EtcdLog
                                                                : HistoryFormat::Edn;
    start = end + 1;
  }
  return HistoryFormat::Edn;
}

ParseResult parse_history(std::string_view text, std::string_view file_name, HistoryFormat format,
                          ParseStats* stats) {
  if (format == HistoryFormat::Auto) format = detect_format(text);
  try {
    ParseStats local;
    History history =
        format == HistoryFormat::EtcdLog ? parse_etcd_log(text, local) : parse_edn(text, local);
    if (stats) *stats = local;
    return history;
  } catch (const InputFailure& failure) {
    return ParseError{std::string(file_name), failure.line, failure.message};
  }
}

ParseResult parse_history_file(const std::string& path, HistoryFormat format, ParseStats* stats) {
  std::string contents, error;
  if (!read_file_capped(path, kMaxHistoryBytes, "history", contents, error)) {
    return ParseError{path, 0, error};
  }
  return parse_history(contents, path, format, stats);
}

std::string to_edn(const History& history) {
  // Invocations before completions at equal times keeps operations that touch concurrent, as the
  // checker sees them; but a process's completion always precedes its next invocation.
  struct Event {
    int64_t time;
    bool completion;
    size_t op;
  };
  std::vector<Event> events;
  for (size_t i = 0; i < history.ops.size(); ++i) {
    const Op& op = history.ops[i];
    events.push_back({op.call, false, i});
    if (op.ret != kPendingReturn && op.outcome != Outcome::Info)
      events.push_back({op.ret, true, i});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.completion < b.completion;
  });
  std::string out;
  std::vector<bool> completed(history.ops.size(), false);
  std::map<int32_t, size_t> open;  // process -> op
  auto write_completion = [&](size_t i) {
    if (completed[i]) return;
    completed[i] = true;
    out += edn_record(history.ops[i], completion_type(history.ops[i]), true);
    open.erase(history.ops[i].process);
  };
  for (const Event& event : events) {
    const Op& op = history.ops[event.op];
    if (event.completion) {
      write_completion(event.op);
      continue;
    }
    if (auto it = open.find(op.process); it != open.end()) write_completion(it->second);
    out += edn_record(op, "invoke", false);
    open[op.process] = event.op;
  }
  for (size_t i = 0; i < history.ops.size(); ++i) {
    if (!completed[i]) write_completion(i);
  }
  return out;
}

}  // namespace ballot::lin
