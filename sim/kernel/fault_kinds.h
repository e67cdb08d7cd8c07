// The one table of fault kinds: per kind its name, the fields a scenario gives it (with their
// types and help), whether it acts on the network or on nodes, how it ends, and how the viewer
// draws it. The scenario reader, the kernel, `ballot list faults`, docs/scenario-format.md (its
// fault table is generated from here and a test checks it) and the viewer (through the trace
// header) all read it. Adding a kind: its enum value, its row in fault_kinds.cpp, then every
// switch over FaultKind that -Wswitch-enum points at (none has a `default:`).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ballot {

enum class FaultKind {
  Partition,       // groups: symmetric split; nodes in no group form one more group
  Isolate,         // nodes (or selector): cut from everyone else, both ways
  LinkCut,         // from -> to only (one-way); `both` makes it symmetric
  Bridge,          // Jepsen: two halves joined by one bridge node that sees both
  MajoritiesRing,  // Jepsen: each node sees a majority, no two see the same one
  Heal,            // ends every network fault in force
  Drop,            // message-type-selective drop: msg_type, from, to, probability
  DelaySpike,      // extra delay_us on messages from/to `nodes` (all when empty)
  LossBurst,       // extra loss probability on messages from/to `nodes` (all when empty)
  Flap,            // the link between from and to goes down and up every period_us
  Crash,           // nodes crash; restart after duration (never when duration is 0)
  Pause,           // nodes freeze; resume after duration
  ClockDrift,      // nodes' clocks run at drift_ppm; reverts after duration (if any)
  ClockJump,       // nodes' clocks jump by jump_us (may be negative); instantaneous
  SlowNode,        // delay_us added to every message from and to the node
  DiskLoss,        // the node crashes and loses unsynced durable writes; restart after duration
  DropMessage,     // the nth message of type from -> to (counted from the start of the run) is lost
};

// The type of a scenario field of a fault (how the reader reads it, how the docs name it).
enum class FaultFieldType {
  Groups,       // a list of disjoint node sets (sim/kernel/node_set.h)
  NodeSet,      // one node set: names, ranges "n1..n3", "majority"/"minority", selectors
  Nodes,        // a list of distinct nodes, or one selector
  NodeOrder,    // every node exactly once, in an order that matters
  Node,         // one node name
  Bool,         // true or false
  MessageType,  // a message type as the algorithm names it
  Probability,  // a number in [0, 1]
  Delay,        // a duration > 0
  Ppm,          // an integer in [-999999, 1000000]
  Jump,         // a duration that may be negative
  Count,        // an integer >= 1
};

struct FaultField {
  std::string_view name;  // as in the scenario file
  FaultFieldType type;
  bool required = false;
  std::string_view help;  // what it means for this kind (docs)
};

// What a fault acts on: the network (links, messages; a `heal` ends it) or nodes (their process
// or clock; a `heal` leaves it alone).
enum class FaultActsOn { Network, Nodes };

// How a fault ends.
enum class FaultEnds {
  DurationOrHeal,  // after `duration`, at a `heal`, or at the end of the run (0: no duration)
  Duration,        // after `duration` only (0: never); a heal does not end it
  Instant,         // it happens at once and has nothing to end (takes no `duration`)
};

// How the viewer draws a fault (a colour and a shading, not a kind name).
enum class FaultLook { Split, Isolate, Link, Loss, Delay, Heal, Crash, Pause, Clock };

struct FaultKindInfo {
  FaultKind kind;
  std::string_view name;
  FaultActsOn acts_on;
  FaultEnds ends;
  FaultLook look;
  std::string_view summary;        // one line for `ballot list faults`
  std::string_view effect;         // the docs' description
  std::string_view heals;          // how it ends, in words
  std::vector<FaultField> fields;  // besides at, kind and duration, in documentation order

  bool instantaneous() const { return ends == FaultEnds::Instant; }
  bool on_network() const { return acts_on == FaultActsOn::Network; }
  const FaultField* field(std::string_view name) const;
};

// Every kind, in enum order.
const std::vector<FaultKindInfo>& fault_kinds();
const FaultKindInfo& fault_kind_info(FaultKind kind);

const char* fault_kind_name(FaultKind kind);
std::optional<FaultKind> fault_kind_from_name(const std::string& name);
std::vector<std::string> fault_kind_names();
const char* fault_acts_on_name(FaultActsOn acts_on);  // "network", "nodes"
const char* fault_look_name(FaultLook look);          // "split", "crash", ...
std::optional<FaultLook> fault_look_from_name(std::string_view name);

// The fault table of docs/scenario-format.md, as Markdown (`ballot list faults --markdown`).
std::string fault_kinds_markdown();
// The kinds for the trace header: {"partition":{"acts_on":"network","instantaneous":false,
// "look":"split"},...} (the header is not hashed; the viewer reads it).
std::string fault_kinds_json();

}  // namespace ballot
