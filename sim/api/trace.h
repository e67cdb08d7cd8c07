// Trace events: what the kernel tells observers, the trace file and the trace hash.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/api/history.h"
#include "sim/api/message.h"
#include "sim/api/node_api.h"
#include "sim/api/time.h"

namespace ballot {

// 2: node ids in message fields (Raft candidate_id, leader_id) are 1-based like `n`.
inline constexpr int kTraceFormatVersion = 2;

enum class EventKind : uint8_t {
  Start,         // a node boots (first time): on_start runs
  Send,          // node -> peer, msg_id, payload
  Deliver,       // at node, from peer, msg_id, payload; `duplicate` set for a duplicate copy
  Drop,          // a message lost: node = intended receiver, peer = sender, text = reason
  Timer,         // a timer fires at node: tag
  Role,          // node reports role, epoch, leader
  Fault,         // a fault begins or ends: text = fault kind, fault_id, phase, payload = details
  Crash,         // node crashes (volatile state lost)
  Restart,       // node restarts from durable state
  Pause,         // node freezes
  Resume,        // node resumes
  Clock,         // node's clock changes: drift_ppm / jump_us in payload
  Note,          // free text from a node: text
  Record,        // structured fact from a node (payload): "append", "commit", ...
  ClientInvoke,  // client op invoked: op; peer = the node it was sent to
  ClientReturn,  // client op completes: op (with outcome); peer, epoch = who answered (if any)
  Caption,       // a lesson caption: text
  Job,           // node ran the scheduled job: tag = period
  Id,            // node handed out a unique id: tag = id
  Arm,           // node arms a timer: tag, due_us (virtual time it is due at when armed)
  Cancel,        // node cancels an armed timer before it fired: tag
};
inline constexpr size_t kEventKinds = static_cast<size_t>(EventKind::Cancel) + 1;
const char* event_kind_name(EventKind kind);

struct TraceEvent {
  uint64_t index = 0;  // position in the trace, from 0
  Time_us time_us = 0;
  EventKind kind = EventKind::Note;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;
  uint64_t msg_id = 0;
  bool duplicate = false;
  const Message* payload = nullptr;  // message, fact or fault details
  std::string_view text;             // drop reason, note text, fault kind, caption
  uint64_t tag = 0;                  // timer tag; fault id
  Time_us due_us = 0;                // arm: when the timer is due (virtual time)
  std::string_view phase;            // fault: "begin" / "end"
  Role role = Role::Follower;        // role events
  int64_t epoch = 0;
  NodeId leader = kNoNode;
  const lin::Op* op = nullptr;  // client events
  uint64_t op_id = 0;
};

// Writes an event's canonical fields (everything but index) to a sink: the single definition of
// what a trace line contains and what the hash covers.
void write_event_fields(const TraceEvent& ev, FieldSink& sink);
// "n3" for node 2; "-" for kNoNode.
std::string node_name(NodeId id);

// The trace hash: folds every event's canonical fields (values, their types and the nesting of
// lists and objects, in order; not the key names, which the kind implies) into 64 bits, except
// captions': a caption is a lesson's text, not something the run did, so editing one keeps the
// hash (the golden hashes in scenarios/*.json are this hash). Computed for every run, whether or
// not a trace file is written. Defined in docs/trace-format.md.
class TraceHasher {
 public:
  void add(const TraceEvent& ev);
  // Counts the event without folding it in: for runs whose hash nobody reads
  // (Simulator::set_trace_hash(false)); events() stays right, value() is then meaningless.
  void count(const TraceEvent&) { ++events_; }
  uint64_t value() const;
  uint64_t events() const { return events_; }  // every event added, captions included

 private:
  uint64_t h_ = 0x62616c6c6f742d31ULL;  // "ballot-1"
  uint64_t events_ = 0;
  uint64_t hashed_ = 0;  // the events folded in: all but captions
};
std::string hash_hex(uint64_t hash);

// Writes JSON text for fields (escaping strings), for trace lines and message inspection.
class JsonWriter final : public FieldSink {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void put_int(std::string_view key, int64_t value) override;
  void put_str(std::string_view key, std::string_view value) override;
  void put_bool(std::string_view key, bool value) override;
  void begin_list(std::string_view key) override;
  void end_list() override;
  void begin_obj(std::string_view key) override;
  void end_obj() override;

 private:
  void key(std::string_view k);
  std::string& out_;
  std::vector<bool> first_{true};
};
void append_json_string(std::string& out, std::string_view text);
// One trace line (no newline): {"i":index, ...canonical fields...}.
std::string event_to_json(const TraceEvent& ev);
// The same, appended to `line` (reuses its capacity).
void append_event_json(std::string& line, const TraceEvent& ev);

struct Violation {
  std::string checker;  // "election_safety", "state_machine_safety", ...
  uint64_t event_index = 0;
  Time_us time_us = 0;
  std::vector<NodeId> nodes;
  std::string message;
};

// Sees every event in order, as it happens. Observers must not influence the run.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_event(const TraceEvent& ev) = 0;
  // Which kinds of event to deliver (asked once, before the run): observers that care about a
  // few kinds keep the hot path free of calls they would ignore.
  virtual bool wants(EventKind kind) const {
    (void)kind;
    return true;
  }
  virtual void on_finish(Time_us end_us) { (void)end_us; }
  // Integer metrics, units last in the name ("split_brain_us", "leader_changes").
  virtual void add_metrics(std::map<std::string, int64_t>& metrics) const { (void)metrics; }
  const std::vector<Violation>& violations() const { return violations_; }

 protected:
  void violation(Violation v) { violations_.push_back(std::move(v)); }

 private:
  std::vector<Violation> violations_;
};

}  // namespace ballot
