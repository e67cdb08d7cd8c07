// What a valid trace file is (docs/trace-format.md), checked in one place so that `ballot replay`,
// `ballot export` and the viewer accept and reject the same files.
//
// Structure: blank lines are skipped; the first line is the header; then event lines; then
// at most one footer line (a JSON object with a "footer" key), after which nothing may follow.
// A file without a footer is readable but truncated; a last line without a newline that is not
// valid JSON was cut mid-line (the writer stopped there): it is dropped and the trace is
// truncated. Every field the format defines must have its type; fields it does not define are
// allowed (a newer writer may add some).
//
// Errors are InputError with path "line N" (1-based) and a message that quotes the field and
// says what was expected; callers prefix the file name.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ballot {

struct TraceHeader {
  int64_t format_version = 0;
  std::string ballot_version, file, algorithm;
  uint64_t seed = 0;
  std::string scenario_json;  // the "scenario" object, as JSON text
  // How the writer's table of fault kinds (sim/kernel/fault_kinds.h) describes each kind, by name:
  // the viewer draws faults from this rather than from kind names. From the header's "fault_kinds";
  // a trace without it (older, or made by hand) gets this ballot's table.
  struct FaultKind {
    std::string acts_on;  // "network" or "nodes"
    bool instantaneous = false;
    std::string look;  // "split", "isolate", "link", "loss", "delay", "heal", "crash", ...
  };
  std::map<std::string, FaultKind> fault_kinds;
};

// A run stopped by a limit (the footer's "cut"): which limit ("max_events" or
// "max_trace_bytes") and its value.
struct TraceCut {
  std::string limit;
  uint64_t value = 0;
};

struct TraceFooter {
  uint64_t events = 0;
  int64_t end_us = 0;
  std::string trace_hash;
  std::optional<TraceCut> cut;
};

// Parses and checks a header line. Throws InputError("line <line_no>", ...).
TraceHeader parse_trace_header(std::string_view line, size_t line_no = 1);
// Parses and checks a footer line that follows `events_above` events whose last time is
// `last_t_us`. Throws InputError("line <line_no>", ...).
TraceFooter parse_trace_footer(std::string_view line, size_t line_no, uint64_t events_above,
                               int64_t last_t_us);

// The top-level fields of an event line that the format defines, each with one JSON type.
enum class EventField : uint8_t {
  I,
  T,
  K,
  N,
  To,
  From,
  Id,
  Type,
  Msg,
  Dup,
  Reason,
  Tag,
  Role,
  Epoch,
  Leader,
  Fault,
  Kind,
  Phase,
  Detail,
  Why,
  Text,
  Fact,
  Op,
  Client,
  F,
  Key,
  Value,
  Expected,
  Outcome,
  Period,
  Node,  // invoke / return: the node a client operation went to or was answered by
  Due,   // arm: when the timer is due
};
inline constexpr int kEventFields = static_cast<int>(EventField::Due) + 1;
enum class JsonType : uint8_t { Null, Boolean, Integer, Float, String, Array, Object };
// The field a top-level key names, or -1 for a key the format does not define.
int event_field(std::string_view key);

// What a reader saw of one event line's top-level fields (filled by a DOM or a SAX reader, then
// judged by check_event_line).
struct EventLineSeen {
  uint64_t present = 0;  // bit per EventField
  int bad_field = -1;    // the first defined field with the wrong type
  JsonType bad_type = JsonType::Null;
  std::string bad_value;  // its JSON text, when short and known
  bool footer_key = false;
  int64_t i = 0, t = 0, n = 0;
  std::string k;
  void clear();
  // Records field `f` (from event_field) with a value of type `type`; integers pass `integer`,
  // strings `text` (the kind is kept from "k").
  void field(int f, JsonType type, int64_t integer = 0, std::string_view text = {});
};

// Judges one event line: types, "i" == index, "t" >= last_t_us (and >= 0), "k" present, "n" a
// node number from 1, and the fields its kind requires. Throws InputError("line N", ...).
void check_event_line(const EventLineSeen& seen, size_t line_no, uint64_t index, int64_t last_t_us);

// std::getline under the trace line cap (sim/input/input_file.h: a trace is streamed, only a line
// is held at once): false at the end of the file; `no_newline` when the file ended without one.
// Throws InputError("line <line_no>", ...) for a line longer than the cap.
bool read_trace_line(std::istream& in, std::string& line, size_t line_no, bool& no_newline);

// Reads a trace line by line with the checks above (parsing every line): for tools that do not
// keep the trace (export; replay for lines that differ from the re-run's).
class TraceLineReader {
 public:
  enum class Line { Blank, Header, Event, Footer, Cut };
  // Checks the next line (without its newline; a trailing '\r' is ignored). `no_newline`: it is
  // the file's last line and had no newline. Throws InputError("line N", ...).
  Line next(std::string_view line, bool no_newline);
  // The next line is an event known to be valid (replay: it equals the re-run's line).
  void trusted_event(int64_t t_us);
  // A line that is not an event, header or footer: blank counts (replay skips blank lines too).
  void skip_blank() { ++line_no_; }
  // After the last line: throws when there was no header.
  void finish() const;

  size_t line_number() const { return line_no_; }
  uint64_t events() const { return events_; }
  int64_t last_t_us() const { return last_t_us_; }
  bool has_header() const { return header_.has_value(); }
  const TraceHeader& header() const { return *header_; }
  const std::optional<TraceFooter>& footer() const { return footer_; }
  bool cut_mid_line() const { return cut_mid_line_; }
  // The kind ("k") of the last event line read by next().
  const std::string& last_kind() const { return last_kind_; }

 private:
  size_t line_no_ = 0;
  uint64_t events_ = 0;
  int64_t last_t_us_ = 0;
  std::optional<TraceHeader> header_;
  std::optional<TraceFooter> footer_;
  bool cut_mid_line_ = false;
  std::string last_kind_;
};

// True for a blank line ("" or "\r"), which every reader skips.
inline bool is_blank_trace_line(std::string_view line) {
  return line.empty() || line == "\r";
}

}  // namespace ballot
