// Raft log entries and the commands they carry (Raft §5.3: "each log entry stores a state machine
// command along with the term number when the entry was received by the leader").
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/api/message.h"
#include "sim/api/node_api.h"

namespace ballot::raft {

// Noop is the entry a new leader appends at the start of its term (thesis §6.4); Read..Append are
// the client operations of sim/api/history.h; Job and Id are the leader duties of the workload (the
// scheduled job's period `period`, and one unique id), which a leader performs only once their
// entry is applied.
enum class CommandKind : uint8_t { Noop, Read, Write, Cas, Get, Put, Append, Job, Id };
const char* command_kind_name(CommandKind kind);

// A state machine command. Client commands carry their client and op_id, which makes every client
// entry unique in a run (two identical puts from different operations are different entries).
struct Command {
  CommandKind kind = CommandKind::Noop;
  std::string key;                      // "" is the single register
  std::optional<std::string> value;     // write/put/append argument; cas new value
  std::optional<std::string> expected;  // cas old value (absent: "expect no value")
  int32_t client = -1;
  uint64_t op_id = 0;
  int64_t period = 0;  // Job only

  static Command job(int64_t period);
  static Command id();
  bool is_client_op() const {
    return kind != CommandKind::Noop && kind != CommandKind::Job && kind != CommandKind::Id;
  }

  static Command from_request(const ClientRequest& request);
  bool is_read() const { return kind == CommandKind::Read || kind == CommandKind::Get; }
  // The fields of this command, in a fixed order that depends only on `kind`.
  void fields(FieldSink& sink) const;
  // A stable hash of everything above, for the checkers.
  uint64_t digest() const;
  // "put x=1 (c2#17)", for notes and violation messages.
  std::string describe() const;
  bool operator==(const Command&) const = default;
};

struct LogEntry {
  int64_t term = 0;  // the leader's term when it received the command
  Command command;
  bool operator==(const LogEntry&) const = default;
};

// Log indices start at 1 (Figure 2); index 0 is the empty prefix with term 0.
using Log = std::vector<LogEntry>;

}  // namespace ballot::raft
