#include "sim/kernel/fault_kinds.h"

#include "sim/api/require.h"

namespace ballot {

namespace {

using T = FaultFieldType;
using On = FaultActsOn;
using Ends = FaultEnds;
using Look = FaultLook;

constexpr std::string_view kNetworkHeals =
    "after `duration`, at a `heal`, or at the end of the run";

// Long on purpose: the table itself, one entry per kind, read top to bottom like the docs.
std::vector<FaultKindInfo> make_table() {
  return {
      {FaultKind::Partition,
       "partition",
       On::Network,
       Ends::DurationOrHeal,
       Look::Split,
       "split the nodes into groups that cannot talk (symmetric)",
       "symmetric split: each group talks only within itself; nodes in no group form one more "
       "group",
       kNetworkHeals,
       {{"groups", T::Groups, true, ""}}},
      {FaultKind::Isolate,
       "isolate",
       On::Network,
       Ends::DurationOrHeal,
       Look::Isolate,
       "cut nodes off from everyone else, both ways",
       "those nodes are cut from everyone else, both ways",
       kNetworkHeals,
       {{"nodes", T::Nodes, true, ""}}},
      {FaultKind::LinkCut,
       "link_cut",
       On::Network,
       Ends::DurationOrHeal,
       Look::Link,
       "cut the link from one node to another, one way (or both)",
       "messages from → to are lost (one-way); `both: true` cuts the reverse too. Every link from "
       "a node of `from` to a node of `to` is cut",
       kNetworkHeals,
       {{"from", T::NodeSet, true, ""},
        {"to", T::NodeSet, true, "shares no node with `from`"},
        {"both", T::Bool, false, ""}}},
      {FaultKind::Bridge,
       "bridge",
       On::Network,
       Ends::DurationOrHeal,
       Look::Split,
       "two halves joined only through one bridge node (Jepsen)",
       "Jepsen's bridge: two halves that see one bridge node, which sees both",
       kNetworkHeals,
       {{"nodes", T::NodeOrder, false,
         "the first half, the middle node and the second half; without, an order drawn from the "
         "seed"}}},
      {FaultKind::MajoritiesRing,
       "majorities_ring",
       On::Network,
       Ends::DurationOrHeal,
       Look::Split,
       "each node sees a majority, no two the same (Jepsen)",
       "Jepsen's majorities ring: each node sees its nearest neighbours on the ring, a majority, "
       "and no two nodes see the same majority",
       kNetworkHeals,
       {{"nodes", T::NodeOrder, false, "the ring; without, an order drawn from the seed"}}},
      {FaultKind::Heal,
       "heal",
       On::Network,
       Ends::Instant,
       Look::Heal,
       "end every network fault in force",
       "ends every network fault in force",
       "instantaneous",
       {}},
      {FaultKind::Drop,
       "drop",
       On::Network,
       Ends::DurationOrHeal,
       Look::Loss,
       "drop messages by type, sender, receiver, with a probability",
       "drop messages of `type` (every type when absent) from `from` to `to` (any node when "
       "absent) with `probability`",
       kNetworkHeals,
       {{"type", T::MessageType, false, ""},
        {"from", T::Node, false, ""},
        {"to", T::Node, false, ""},
        {"probability", T::Probability, false, "default 1.0"}}},
      {FaultKind::DelaySpike,
       "delay_spike",
       On::Network,
       Ends::DurationOrHeal,
       Look::Delay,
       "add delay to messages of some nodes (or all)",
       "extra delay on messages from and to `nodes` (all messages when absent or empty)",
       kNetworkHeals,
       {{"delay", T::Delay, true, ""}, {"nodes", T::Nodes, false, "may be empty: every node"}}},
      {FaultKind::LossBurst,
       "loss_burst",
       On::Network,
       Ends::DurationOrHeal,
       Look::Loss,
       "add a loss probability to messages of some nodes (or all)",
       "extra loss on messages from and to `nodes` (all when absent or empty)",
       kNetworkHeals,
       {{"loss", T::Probability, true, ""},
        {"nodes", T::Nodes, false, "may be empty: every node"}}},
      {FaultKind::Flap,
       "flap",
       On::Network,
       Ends::DurationOrHeal,
       Look::Link,
       "a link goes down and up every period",
       "the link between from and to goes down and up every `period`",
       kNetworkHeals,
       {{"from", T::Node, true, ""},
        {"to", T::Node, true, "not `from`"},
        {"period", T::Delay, true, ""}}},
      {FaultKind::Crash,
       "crash",
       On::Nodes,
       Ends::Duration,
       Look::Crash,
       "crash nodes (volatile state lost); restart after the duration",
       "crash: volatile state lost, in-flight messages to it lost",
       "restarts from durable state after `duration` (never if 0)",
       {{"nodes", T::Nodes, true, ""}}},
      {FaultKind::Pause,
       "pause",
       On::Nodes,
       Ends::Duration,
       Look::Pause,
       "freeze nodes (GC or VM pause); resume after the duration",
       "freeze (a GC or VM pause): what arrives meanwhile runs at the resume, in order",
       "resumes after `duration` (never if 0)",
       {{"nodes", T::Nodes, true, ""}}},
      {FaultKind::ClockDrift,
       "clock_drift",
       On::Nodes,
       Ends::Duration,
       Look::Clock,
       "a node's clock runs fast or slow (ppm)",
       "the nodes' clocks run fast (+) or slow (−) by that many parts per million",
       "reverts after `duration` (never if 0)",
       {{"nodes", T::Nodes, true, ""}, {"drift_ppm", T::Ppm, true, ""}}},
      {FaultKind::ClockJump,
       "clock_jump",
       On::Nodes,
       Ends::Instant,
       Look::Clock,
       "a node's clock jumps forward or back",
       "the nodes' clocks jump by `jump`",
       "instantaneous",
       {{"nodes", T::Nodes, true, ""}, {"jump", T::Jump, true, ""}}},
      {FaultKind::SlowNode,
       "slow_node",
       On::Network,
       Ends::DurationOrHeal,
       Look::Delay,
       "every message from and to a node is delayed",
       "`delay` added to every message from and to the nodes",
       kNetworkHeals,
       {{"nodes", T::Nodes, true, ""}, {"delay", T::Delay, true, ""}}},
      {FaultKind::DiskLoss,
       "disk_loss",
       On::Nodes,
       Ends::Duration,
       Look::Crash,
       "crash and lose durable writes not yet synced",
       "crash losing unsynced durable writes",
       "restarts from what was synced after `duration` (never if 0)",
       {{"nodes", T::Nodes, true, ""}}},
      {FaultKind::DropMessage,
       "drop_message",
       On::Network,
       Ends::Instant,
       Look::Loss,
       "drop one message: the nth of a type from one node to another",
       "the `nth` message of `type` sent from `from` to `to`, counted from the start of the run "
       "(every send counts, whatever became of it), is lost; inert when it was sent before `at` "
       "or never is",
       "after its one message (a heal does not disarm it)",
       {{"from", T::Node, true, ""},
        {"to", T::Node, true, "not `from`"},
        {"type", T::MessageType, true, "as the trace names it; checked against the algorithm's"},
        {"nth", T::Count, true, "1 is the first such message of the run"}}},
  };
}

const char* field_type_words(FaultFieldType type) {
  switch (type) {
    case T::Groups:
      return "disjoint [node sets](#value-conventions)";
    case T::NodeSet:
      return "[node set](#value-conventions)";
    case T::Nodes:
      return "nodes or a selector";
    case T::NodeOrder:
      return "every node once, in order";
    case T::Node:
      return "node";
    case T::Bool:
      return "bool, default false";
    case T::MessageType:
      return "message type";
    case T::Probability:
      return "probability";
    case T::Delay:
      return "duration > 0";
    case T::Ppm:
      return "integer in [-999999, 1000000]";
    case T::Jump:
      return "duration, may be negative";
    case T::Count:
      return "integer >= 1";
  }
  return "";
}

constexpr std::pair<FaultLook, const char*> kLookNames[] = {
    {Look::Split, "split"}, {Look::Isolate, "isolate"}, {Look::Link, "link"},
    {Look::Loss, "loss"},   {Look::Delay, "delay"},     {Look::Heal, "heal"},
    {Look::Crash, "crash"}, {Look::Pause, "pause"},     {Look::Clock, "clock"},
};

}  // namespace

const FaultField* FaultKindInfo::field(std::string_view field_name) const {
  for (const FaultField& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

const std::vector<FaultKindInfo>& fault_kinds() {
  static const std::vector<FaultKindInfo> table = [] {
    std::vector<FaultKindInfo> t = make_table();
    for (size_t i = 0; i < t.size(); ++i)
      BALLOT_REQUIRE(static_cast<size_t>(t[i].kind) == i, "the fault table is out of enum order");
    return t;
  }();
  return table;
}

const FaultKindInfo& fault_kind_info(FaultKind kind) {
  const auto& table = fault_kinds();
  const auto i = static_cast<size_t>(kind);
  BALLOT_REQUIRE(i < table.size(), "a fault kind missing from the table");
  return table[i];
}

const char* fault_kind_name(FaultKind kind) {
  return fault_kind_info(kind).name.data();
}

std::optional<FaultKind> fault_kind_from_name(const std::string& name) {
  for (const FaultKindInfo& k : fault_kinds())
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::vector<std::string> fault_kind_names() {
  std::vector<std::string> names;
  for (const FaultKindInfo& k : fault_kinds()) names.emplace_back(k.name);
  return names;
}

const char* fault_acts_on_name(FaultActsOn acts_on) {
  switch (acts_on) {
    case On::Network:
      return "network";
    case On::Nodes:
      return "nodes";
  }
  return "";
}

const char* fault_look_name(FaultLook look) {
  for (const auto& [l, name] : kLookNames)
    if (l == look) return name;
  return "";
}

std::optional<FaultLook> fault_look_from_name(std::string_view name) {
  for (const auto& [l, n] : kLookNames)
    if (name == n) return l;
  return std::nullopt;
}

std::string fault_kinds_markdown() {
  std::string out = "| `kind` | acts on | fields | ends | effect |\n|---|---|---|---|---|\n";
  for (const FaultKindInfo& k : fault_kinds()) {
    std::string fields;
    for (const FaultField& f : k.fields) {
      if (!fields.empty()) fields += "; ";
      const bool every = f.type == T::MessageType && !f.required;  // absent: every type
      fields += "`" + std::string(f.name) + "` (" + field_type_words(f.type) +
                (every ? ", default every type" : "") + (f.required ? ", required" : "") + ")";
      if (!f.help.empty()) fields += ": " + std::string(f.help);
    }
    out += "| `" + std::string(k.name) + "` | " + fault_acts_on_name(k.acts_on) + " | " +
           (fields.empty() ? "—" : fields) + " | " + std::string(k.heals) + " | " +
           std::string(k.effect) + " |\n";
  }
  return out;
}

std::string fault_kinds_json() {
  std::string out = "{";
  for (const FaultKindInfo& k : fault_kinds()) {
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(k.name) + "\":{\"acts_on\":\"" + fault_acts_on_name(k.acts_on) +
           "\",\"instantaneous\":" + (k.instantaneous() ? "true" : "false") + ",\"look\":\"" +
           fault_look_name(k.look) + "\"}";
  }
  return out + "}";
}

}  // namespace ballot
