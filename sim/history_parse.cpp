// Parsers for Jepsen histories and the EDN writer. Input is untrusted: every malformed byte ends in
// a ParseError naming the line, never in undefined behaviour (no recursion deeper than
// kMaxNesting, no unchecked integer conversion).
#include "sim/history_parse.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace ballot::lin {
namespace {

// Internal control flow for bad input; converted to a ParseError at the API boundary.
struct Failure {
  int64_t line;
  std::string message;
};

[[noreturn]] void fail(int64_t line, std::string message) {
  throw Failure{line, std::move(message)};
}

// ---------------------------------------------------------------------------------------------
// A small EDN reader: enough of https://github.com/edn-format/edn for Jepsen histories. Tagged
// elements (#jepsen.history.Op{...}, #inst "...") read as their untagged form.

struct Edn {
  enum class Type : uint8_t {
    Nil,
    Bool,
    Int,
    Float,
    String,
    Keyword,
    Symbol,
    Char,
    Vector,
    List,
    Map,
    Set
  };
  Type type = Type::Nil;
  std::string text;        // Int/Float digits, String contents, Keyword/Symbol name (no ':')
  std::vector<Edn> items;  // collections; a Map holds key, value, key, value, ...
  int64_t line = 0;        // where the form starts
};

constexpr int kMaxNesting = 64;

std::string byte_name(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

class EdnReader {
 public:
  EdnReader(std::string_view text, int64_t first_line) : text_(text), line_(first_line) {}

  // Skips whitespace and comments; true if no form follows.
  bool at_end() {
    skip_blank();
    return pos_ >= text_.size();
  }

  int64_t line() const { return line_; }

  Edn read() { return read_form(0); }

 private:
  static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
  }
  static bool is_symbol_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return false;
    return std::isalnum(u) != 0 ||
           std::string_view(".*+!-_?$%&=<>/:#'").find(c) != std::string_view::npos;
  }
  static bool is_delimiter(char c) {
    return is_blank(c) || std::string_view("{}[]()\";").find(c) != std::string_view::npos;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool more() const { return pos_ < text_.size(); }
  char next() {
    const char c = text_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }

  void skip_blank() {
    while (more()) {
      if (is_blank(peek())) {
        next();
      } else if (peek() == ';') {
        while (more() && peek() != '\n') next();
      } else {
        break;
      }
    }
  }

  Edn read_form(int depth) {
    if (depth > kMaxNesting)
      fail(line_, "expected at most " + std::to_string(kMaxNesting) + " nested collections");
    skip_blank();
    if (!more()) fail(line_, "expected an EDN value, found end of input");
    Edn form;
    form.line = line_;
    const char c = peek();
    switch (c) {
      case '{':
        next();
        read_items(form, Edn::Type::Map, '}', depth);
        break;
      case '[':
        next();
        read_items(form, Edn::Type::Vector, ']', depth);
        break;
      case '(':
        next();
        read_items(form, Edn::Type::List, ')', depth);
        break;
      case '"':
        next();
        read_string(form);
        break;
      case '#':
        return read_dispatch(depth);
      case '\\':
        next();
        form.type = Edn::Type::Char;
        form.text = read_token();
        break;
      case ':':
        next();
        form.type = Edn::Type::Keyword;
        form.text = read_token();
        if (form.text.empty()) fail(form.line, "expected a keyword name after ':'");
        break;
      case '}':
      case ']':
      case ')':
        fail(line_, std::string("expected an EDN value, found an unmatched '") + c + "'");
      default:
        if (!is_symbol_char(c))
          fail(line_, "expected an EDN value, found " + byte_name(static_cast<unsigned char>(c)));
        read_atom(form);
    }
    return form;
  }

  void read_items(Edn& form, Edn::Type type, char close, int depth) {
    form.type = type;
    const int64_t open_line = form.line;
    while (true) {
      skip_blank();
      if (!more()) {
        fail(open_line, std::string("expected '") + close +
                            "' to close the collection opened on line " +
                            std::to_string(open_line) + ", found end of input");
      }
      if (peek() == close) {
        next();
        break;
      }
      if (peek() == '}' || peek() == ']' || peek() == ')') {
        fail(line_, std::string("expected '") + close +
                        "' to close the collection opened on line " + std::to_string(open_line) +
                        ", found '" + peek() + "'");
      }
      form.items.push_back(read_form(depth + 1));
    }
    if (type == Edn::Type::Map && form.items.size() % 2 != 0) {
      fail(open_line, "expected a map with a value for every key, found an odd number of forms");
    }
  }

  Edn read_dispatch(int depth) {
    const int64_t start_line = line_;
    next();  // '#'
    if (peek() == '{') {
      Edn set;
      set.line = start_line;
      next();
      read_items(set, Edn::Type::Set, '}', depth);
      return set;
    }
    if (peek() == '_') {
      next();
      read_form(depth + 1);  // discarded
      if (at_end())
        fail(line_, "expected an EDN value after the discarded form, found end of input");
      return read_form(depth);
    }
    if (!more() || !std::isalpha(static_cast<unsigned char>(peek()))) {
      fail(start_line, "expected a tag, '{' or '_' after '#'");
    }
    read_token();  // the tag: its element reads as the plain form
    return read_form(depth + 1);
  }

  std::string read_token() {
    const size_t start = pos_;
    while (more() && !is_delimiter(peek())) {
      if (!is_symbol_char(peek())) {
        fail(line_,
             "expected a symbol character, found " + byte_name(static_cast<unsigned char>(peek())));
      }
      next();
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  void read_atom(Edn& form) {
    const std::string token = read_token();
    const bool signed_number = (token[0] == '-' || token[0] == '+') && token.size() > 1 &&
                               std::isdigit(static_cast<unsigned char>(token[1]));
    if (std::isdigit(static_cast<unsigned char>(token[0])) || signed_number) {
      read_number(form, token);
    } else if (token == "nil") {
      form.type = Edn::Type::Nil;
    } else if (token == "true" || token == "false") {
      form.type = Edn::Type::Bool;
      form.text = token;
    } else {
      form.type = Edn::Type::Symbol;
      form.text = token;
    }
  }

  void read_number(Edn& form, std::string token) {
    if (token[0] == '+') token.erase(0, 1);
    if (token.back() == 'N') token.pop_back();
    const size_t digits_start = token[0] == '-' ? 1 : 0;
    const bool all_digits =
        token.size() > digits_start &&
        std::all_of(token.begin() + static_cast<ptrdiff_t>(digits_start), token.end(),
                    [](char d) { return std::isdigit(static_cast<unsigned char>(d)) != 0; });
    if (all_digits) {
      form.type = Edn::Type::Int;
      form.text = token;
      return;
    }
    if (token.back() == 'M') token.pop_back();
    if (token.find_first_not_of("0123456789+-.eE") != std::string::npos) {
      fail(form.line, "expected a number, found '" + token + "'");
    }
    form.type = Edn::Type::Float;
    form.text = token;
  }

  void read_string(Edn& form) {
    form.type = Edn::Type::String;
    while (true) {
      if (!more())
        fail(form.line, "expected '\"' to close the string opened on line " +
                            std::to_string(form.line) + ", found end of input");
      const char c = next();
      if (c == '"') return;
      if (c != '\\') {
        form.text += c;
        continue;
      }
      if (!more()) continue;  // reported as unterminated on the next iteration
      read_escape(form.text, next());
    }
  }

  void read_escape(std::string& out, char escape) {
    switch (escape) {
      case 'n':
        out += '\n';
        return;
      case 't':
        out += '\t';
        return;
      case 'r':
        out += '\r';
        return;
      case 'b':
        out += '\b';
        return;
      case 'f':
        out += '\f';
        return;
      case '"':
      case '\\':
      case '/':
        out += escape;
        return;
      case 'u':
        append_utf8(out, read_hex4());
        return;
      default:
        fail(line_,
             std::string("expected a string escape (\\n \\t \\r \\\" \\\\ \\uXXXX), found ") +
                 byte_name(static_cast<unsigned char>(escape)));
    }
  }

  uint32_t read_hex4() {
    if (text_.size() - pos_ < 4) fail(line_, "expected 4 hex digits after \\u");
    uint32_t code = 0;
    const char* begin = text_.data() + pos_;
    const auto [end, ec] = std::from_chars(begin, begin + 4, code, 16);
    if (ec != std::errc() || end != begin + 4) fail(line_, "expected 4 hex digits after \\u");
    pos_ += 4;
    return code;
  }

  static void append_utf8(std::string& out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_;
};

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

std::string render(const Edn& e) {
  switch (e.type) {
    case Edn::Type::Nil:
      return "nil";
    case Edn::Type::Keyword:
      return ":" + e.text;
    case Edn::Type::String:
      return "\"" + e.text + "\"";
    case Edn::Type::Vector:
      return "a vector";
    case Edn::Type::Map:
      return "a map";
    case Edn::Type::List:
      return "a list";
    case Edn::Type::Set:
      return "a set";
    default:
      return e.text;
  }
}

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
      return e.text;
    default:
      fail(line, std::string("expected ") + what + " to be nil, an integer or a string, got " +
                     render(e));
  }
}

// `process` null: skip the record (nemesis and other non-client records). Fields may be null.
std::optional<Record> make_record(int64_t line, const Edn* process, const Edn* type, const Edn* f,
                                  const Edn* key, const Edn* value) {
  if (!process) fail(line, "expected a :process");
  if (process->type != Edn::Type::Int) {
    // Jepsen logs its fault injector as process :nemesis; those records are not client operations.
    if (process->type == Edn::Type::Keyword || process->type == Edn::Type::Symbol)
      return std::nullopt;
    fail(line, "expected :process to be an integer, got " + render(*process));
  }
  if (!type) fail(line, "expected a :type");
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
  return make_record(map.line, field(map, "process"), field(map, "type"), field(map, "f"),
                     field(map, "key"), field(map, "value"));
}

History parse_edn(std::string_view text) {
  EdnReader reader(text, 1);
  std::vector<Record> records;
  auto add = [&](const Edn& map) {
    if (auto record = record_from_map(map)) records.push_back(std::move(*record));
  };
  if (!reader.at_end()) {
    Edn first = reader.read();
    if (first.type == Edn::Type::Vector || first.type == Edn::Type::List) {
      for (const Edn& item : first.items) add(item);
      if (!reader.at_end()) fail(reader.line(), "expected end of input after the history vector");
    } else {
      add(first);
      while (!reader.at_end()) add(reader.read());
    }
  }
  return build(records);
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

History parse_etcd_log(std::string_view text) {
  std::vector<Record> records;
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
    EdnReader reader(*payload, line_number);
    std::vector<Edn> forms;
    while (!reader.at_end() && forms.size() < 5) forms.push_back(reader.read());
    if (forms.size() < 3 || forms.size() > 4)
      fail(line_number, std::string("expected ") + kEtcdShape);
    auto record = make_record(line_number, &forms[0], &forms[1], &forms[2], nullptr,
                              forms.size() == 4 ? &forms[3] : nullptr);
    if (record) records.push_back(std::move(*record));
  }
  return build(records);
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

ParseResult parse_history(std::string_view text, std::string_view file_name, HistoryFormat format) {
  if (format == HistoryFormat::Auto) format = detect_format(text);
  try {
    return format == HistoryFormat::EtcdLog ? parse_etcd_log(text) : parse_edn(text);
  } catch (const Failure& failure) {
    return ParseError{std::string(file_name), failure.line, failure.message};
  }
}

ParseResult parse_history_file(const std::string& path, HistoryFormat format) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return ParseError{path, 0, "expected a history file, found a directory"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ParseError{path, 0, "expected a readable file"};
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return ParseError{path, 0, "expected a readable file (read error)"};
  return parse_history(contents.str(), path, format);
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
