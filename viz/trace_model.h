// The viewer's picture of one trace (docs/trace-format.md): what every lane, arrow and overlay of
// the timeline is drawn from. Built once by load_trace() and immutable afterwards; the viewer only
// reads it (it never reaches into a running simulation).
//
// Everything the timeline needs per frame is a sorted vector, so that the visible window is found
// with std::lower_bound. The raw text of the trace is kept in one buffer; an event is an offset
// into it, so a million events cost about 24 bytes each plus their text.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ballot::viz {

using Time_us = int64_t;
inline constexpr int32_t kNoNodeNumber = 0;  // node numbers are 1-based, as in the trace

enum class EventKind : uint8_t {
  Start,
  Send,
  Deliver,
  Drop,
  Timer,
  Role,
  Fault,
  Crash,
  Restart,
  Pause,
  Resume,
  Clock,
  Note,
  Record,
  Invoke,
  Return,
  Caption,
  Arm,     // a timer armed (tag, due): the cluster view's countdown rings
  Cancel,  // an armed timer cancelled (tag)
  Other,
};
const char* event_kind_name(EventKind kind);

inline constexpr uint32_t kNoAux = 0xffffffffu;

// One line of the trace. `node` is 0 for cluster-wide events.
struct Event {
  Time_us t_us = 0;
  uint64_t offset = 0;  // of the line in TraceModel::text
  uint32_t length = 0;
  int32_t node = kNoNodeNumber;
  // What the event belongs to: the index in TraceModel::messages for send (its first copy),
  // deliver and drop; in ops for invoke and return; in faults for fault; in captions for
  // caption; kNoAux otherwise.
  uint32_t aux = kNoAux;
  EventKind kind = EventKind::Other;
};

// What a node believes over [begin_us, end_us). Crashed is the time between a crash and the
// restart; a paused node keeps its role (see TraceModel::pauses).
enum class Role : uint8_t { Follower, Candidate, Leader, Crashed };
const char* role_name(Role role);

struct RoleBand {
  Time_us begin_us = 0, end_us = 0;
  int64_t epoch = 0;
  int32_t leader = kNoNodeNumber;  // whom the node follows (itself when leading)
  Role role = Role::Follower;
  uint32_t event = 0;  // the event that began the band
};

struct Interval {
  Time_us begin_us = 0, end_us = 0;
  uint32_t begin_event = 0;
  uint32_t end_event = 0;  // == begin_event when it never ended within the trace
};

// One copy of a message: a send paired with its delivery or drop. A duplicated message gives two
// copies with the same id and send event. A message still in flight when the trace ends has
// fate InFlight and ends at the end of the trace.
struct Message {
  enum class Fate : uint8_t { Delivered, Dropped, InFlight };
  // A reply to a vote request: its boolean msg.vote_granted (or msg.granted) field.
  enum class Answer : uint8_t { None, Granted, Refused };
  Time_us send_us = 0;
  Time_us end_us = 0;  // delivery or drop time
  int64_t id = 0;
  uint32_t send_event = 0;
  uint32_t end_event = 0;  // deliver/drop event (== send_event while in flight)
  // The delivery that this send answered (same node, same instant), or -1: a timer, a client.
  int64_t cause_event = -1;
  int32_t from = 0, to = 0;
  uint16_t type = 0;        // index into TraceModel::message_types
  uint8_t drop_reason = 0;  // index into TraceModel::drop_reasons when dropped
  Fate fate = Fate::Delivered;
  bool duplicate = false;  // this copy was the network's duplicate
  bool heartbeat = false;  // see docs/viz.md: "Heartbeat" types, empty AppendEntries, their replies
  Answer answer = Answer::None;
};

// A fault instance from its `begin` to its `end` event (or the end of the trace). Instantaneous
// faults (a clock jump) have begin == end.
struct Fault {
  int64_t id = 0;
  std::string kind;  // "partition", "crash", "link_cut", ...
  // From the trace header's table of fault kinds (sim/kernel/fault_kinds.h): how to draw it
  // ("split", "isolate", "link", "loss", "delay", "heal", "crash", "pause", "clock"; "" when
  // unknown), and whether it is instantaneous (no end event).
  std::string look;
  bool instantaneous = false;
  Interval span;
  std::vector<std::vector<int32_t>> groups;  // partition
  std::vector<int32_t> nodes;                // crash, pause, clock, isolate, ...
  int32_t from = 0, to = 0;                  // link cut, flap, drop
  std::vector<Time_us> flaps_us;             // a flapping link's down/up times
  std::string summary;  // one line for labels: "partition {n1,n2} | {n3,n4,n5}"
};

struct SplitBrain {
  Time_us begin_us = 0, end_us = 0;
  std::vector<int32_t> leaders;  // every node that led during the interval
  uint32_t begin_event = 0;
};

// A client operation from invoke to return (or to the end of the trace while pending).
struct ClientOp {
  enum class Outcome : uint8_t { Ok, Fail, Info, Pending };
  Time_us invoke_us = 0, return_us = 0;
  int64_t op = 0;
  int32_t client = 0;
  uint32_t invoke_event = 0, return_event = 0;
  Outcome outcome = Outcome::Pending;
  bool blamed = false;  // listed in the footer's lincheck.failing_ops
  bool lost = false;    // an acknowledged write listed in the footer's damage.lost_writes
  // The operation, key, value and result: "write k0 3 ok", "read k0 -> 5", "cas k0 1->2 fail",
  // "write k1 4 ?" (unknown), "write k1 4" while pending; short: "write ok", "read -> 5".
  std::string label, short_label;
};

struct Caption {
  Time_us t_us = 0;
  std::string text;
  bool pause = false;  // from the header's scenario.captions
  uint32_t event = 0;
};

struct Violation {
  std::string checker, message;
  Time_us t_us = 0;
  int64_t event = -1;
  std::vector<int32_t> nodes;
};

// The footer's "damage": who did what, when (node numbers 1-based, 0 when unknown).
struct DamageOccurrence {
  int32_t node = kNoNodeNumber;
  int64_t epoch = 0;
  Time_us t_us = 0;
};
// An acknowledged write that is gone: its op, who acknowledged it, and where it was erased when
// the algorithm shows it (Bully: the delivery at which `erased_node` took `erased_from`'s state).
struct LostWrite {
  int64_t op = 0;
  std::string f, key, value;
  DamageOccurrence acknowledged;
  int64_t erased_event = -1;  // -1: not known
  Time_us erased_us = 0;
  int32_t erased_node = kNoNodeNumber, erased_from = kNoNodeNumber;
  int64_t return_event = -1;  // the op's return event in this trace, -1 when it has none
};
// A job period run twice, or an id handed out twice (`what` is the period or the id).
struct DuplicateRun {
  int64_t what = 0;
  DamageOccurrence first, again;
};

struct Expectation {
  std::string path, wanted, got;
  bool ok = false;
};

// A vote: the node granted its vote to `candidate` for `term`: a reply with msg.vote_granted (or
// msg.granted) true, not a pre-vote's (type containing "PreVote"); or, in a trace whose messages
// carry that field, the node's own vote when it became candidate in `term` (candidate is then
// the node itself). What the Inspector shows as "voted for".
struct Vote {
  Time_us t_us = 0;
  int64_t term = 0;
  int32_t candidate = 0;
};

// Facts a node recorded about its log (record events append / truncate / commit / apply): the
// Inspector replays them up to the cursor to show each node's log.
struct LogFact {
  enum class Kind : uint8_t { Append, Truncate, Commit, Apply };
  Time_us t_us = 0;
  int64_t index = 0;  // append/apply: entry index; truncate: from_index; commit: commit_index
  int64_t term = 0;
  uint32_t event = 0;
  Kind kind = Kind::Append;
};

struct NodeTrack {
  std::vector<RoleBand> bands;     // contiguous, sorted by begin
  std::vector<Interval> pauses;    // sorted
  std::vector<uint32_t> events;    // every event at this node, in order
  std::vector<uint32_t> marks;     // restart, clock, note, record: drawn as ticks
  std::vector<Vote> votes;         // sorted by time
  std::vector<LogFact> log_facts;  // sorted by time
};

struct TraceModel {
  // Header.
  std::string file_label;  // the path it was loaded from, or "<algo> seed N (in-process)"
  // The scenario variant it is a run of, when run in-process as one ("buggy"; "base" for the file
  // without a variant; docs/scenario-format.md#variants); "" otherwise.
  std::string variant;
  std::string scenario_file, scenario_name, algorithm, ballot_version;
  std::string scenario_json;  // the header's resolved scenario, pretty-printed
  uint64_t seed = 0;
  int32_t node_count = 0;
  bool has_epochs = false;  // some role event carries a non-zero epoch (Bully has none)

  // The whole text; events point into it.
  std::string text;
  std::vector<Event> events;

  std::vector<NodeTrack> nodes;   // [0] is n1
  std::vector<Message> messages;  // sorted by (send_us, send_event)
  // messages_end_max_us[i] = max end_us over messages[0..i]: non-decreasing, so the first
  // message that can still be visible at time t is found by binary search.
  std::vector<Time_us> messages_end_max_us;
  std::vector<std::string> message_types;  // interned, in order of first appearance
  std::vector<int64_t> message_type_sent;  // sends per type
  std::vector<std::string> drop_reasons;
  std::vector<Fault> faults;  // sorted by begin
  std::vector<SplitBrain> split_brains;
  std::vector<ClientOp> ops;  // sorted by invoke
  std::vector<Time_us> ops_end_max_us;
  int32_t client_count = 0;  // clients are numbered from 0
  std::vector<Caption> captions;

  // Navigation targets (event indices, in order).
  std::vector<uint32_t> fault_events;          // fault, crash, restart, pause, resume, clock
  std::vector<uint32_t> leader_change_events;  // a node becomes leader

  // Footer.
  bool has_footer = false;
  bool last_line_incomplete = false;  // the file ended in the middle of a line
  Time_us end_us = 0;                 // footer end_us, else the last event's time
  std::string trace_hash;
  std::vector<std::pair<std::string, std::string>> metrics;  // name -> value as text
  std::vector<Time_us> leader_losses_us;  // the footer's leader_loss_us: each leader loss
  std::vector<Violation> violations;
  std::vector<Expectation> expectations;
  // The footer's "lincheck" object, when the run had a client workload.
  bool has_lincheck = false;
  bool linearizable = true;
  bool lincheck_timed_out = false;
  std::string lincheck_explanation;
  bool lincheck_window_minimal = false;       // the blamed ops are a minimal failing window
  std::vector<int64_t> lincheck_failing_ops;  // op ids the checker blames
  // The footer's "damage" lists (empty when the run did none, or the footer has none).
  std::vector<LostWrite> lost_writes;
  std::vector<DuplicateRun> job_duplicates, id_duplicates;

  std::string_view line(uint32_t event) const {
    const Event& e = events[event];
    return std::string_view(text).substr(e.offset, e.length);
  }
  // Reveal mode (docs/viz.md#reveal-mode): this model is the run's prefix up to
  // revealed_until_us, built by reveal_until(); -1 for a whole trace. A prefix has no footer
  // (verdict, metrics, damage and violations are revealed at the end) and is not "truncated".
  Time_us revealed_until_us = -1;
  Time_us revealed_from_end_us = 0;  // a prefix: the whole trace's end_us
  bool revealed() const { return revealed_until_us >= 0; }
  // The whole run's end: end_us, or for a prefix the end of the trace it was cut from.
  Time_us run_end_us() const { return revealed() ? revealed_from_end_us : end_us; }
  bool truncated() const { return !has_footer && !revealed(); }
  // A limit stopped the run (the footer's "cut": "max_events" or "max_trace_bytes"); the trace
  // is complete up to there.
  std::string cut_limit;
  uint64_t cut_value = 0;
};

// Every field of an event as (dotted path, value as JSON text), in the line's order: what the
// Inspector lists. Nested objects are flattened ("msg.term"); lists of objects get "[i]".
std::vector<std::pair<std::string, std::string>> event_fields(const TraceModel& model,
                                                              uint32_t event);

// What the Summary may say about safety. A green "No safety violations" is only true when a
// safety checker watched the run (Bully has none: primary-backup makes no safety promise) and
// the run did no visible damage.
bool safety_checked(const TraceModel& model);
// The damage in the footer's metrics, for people ("77 lost writes, 38 duplicate job runs"),
// empty when there was none (or no footer).
std::string damage_text(const TraceModel& model);

// Progress of a load: bytes parsed so far out of the total.
using LoadProgress = std::function<void(uint64_t done, uint64_t total)>;

// Parses a whole trace held in `text` (moved into the model). Throws ballot::InputError whose
// path is "line <k>" (1-based) and whose message says what was expected there. The structure,
// the header, the footer and every event's fields are checked by the rules `ballot replay` and
// `ballot export` share (cli/trace_file.h). A trace without a
// footer loads, flagged truncated(); a last line cut in the middle is dropped and flagged.
std::shared_ptr<const TraceModel> parse_trace(std::string text, const std::string& label,
                                              const LoadProgress& progress = {},
                                              const std::string& variant = "");
// Reveal mode: the model of `full`'s prefix up to `cursor_us`, as if the run had been recorded
// only that far: every event with t > cursor_us is left out (bands, pauses, faults, operations
// and messages still open then end at cursor_us; in-flight messages stay in flight), and so is
// the footer. Event indices are those of `full`. Returns `full` itself when the cursor is at or
// after its end. Costs a parse of the prefix.
std::shared_ptr<const TraceModel> reveal_until(const std::shared_ptr<const TraceModel>& full,
                                               Time_us cursor_us);
// The prefix itself, always cut (cursor_us before full's end).
std::shared_ptr<TraceModel> cut_prefix(const TraceModel& full, Time_us cursor_us);
// Moves a prefix's cut forward to `cursor_us` in place when no event of `full` lies between its
// cut and the cursor: what is still going on (the open band, pause, fault, split brain, messages
// in flight, pending ops) then just lasts longer, which costs a pass over the messages and ops
// instead of a parse (playback in reveal mode). Returns false, changing nothing, otherwise.
bool extend_prefix(TraceModel& prefix, const TraceModel& full, Time_us cursor_us);
// Reads and parses a file. Throws InputError with an empty path when the file cannot be read;
// see parse_trace for the rest.
std::shared_ptr<const TraceModel> load_trace_file(const std::string& path,
                                                  const LoadProgress& progress = {});

}  // namespace ballot::viz
