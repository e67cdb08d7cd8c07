// A client history: what clients invoked and what they saw, for the linearizability checker.
// The simulator records these, the parsers in sim/lincheck/history_parse.h read them from Jepsen
// files, and sim/lincheck/lincheck.h decides whether they are linearizable. Standard headers only:
// many areas include it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ballot::lin {

// Read/Write/Cas act on a register (initially nil); Get/Put/Append on a key-value map (every key
// initially ""). Both kinds may carry a key: keys are independent objects.
enum class OpKind { Read, Write, Cas, Get, Put, Append };

// Ok: completed with the recorded result.
// Fail: definitely did not take effect. A failed cas is a definite "compare did not match"
//   (the current value differed from `expected`); a failed read has no result and is ignored.
// Info: the outcome is unknown: the operation may have taken effect at any point after its call,
//   or never. Its return time does not constrain anything.
enum class Outcome { Ok, Fail, Info };

// The names traces, histories and reports use: "read", "write", "cas", "get", "put", "append";
// "ok", "fail", "info".
constexpr const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::Read:
      return "read";
    case OpKind::Write:
      return "write";
    case OpKind::Cas:
      return "cas";
    case OpKind::Get:
      return "get";
    case OpKind::Put:
      return "put";
    case OpKind::Append:
      return "append";
  }
  return "?";
}
constexpr const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Ok:
      return "ok";
    case Outcome::Fail:
      return "fail";
    case Outcome::Info:
      return "info";
  }
  return "?";
}

// Return time of an operation that is still pending, or whose outcome is unknown.
inline constexpr int64_t kPendingReturn = INT64_MAX;

struct Op {
  int32_t process = 0;
  OpKind kind = OpKind::Read;
  std::string key;                      // "" for a single register
  std::optional<std::string> value;     // write/put/append argument, cas 'to', or read result
  std::optional<std::string> expected;  // cas 'from'
  // Monotone timestamps of the invocation and the completion: line numbers for files,
  // microseconds of virtual time for the simulator. call <= ret.
  int64_t call = 0;
  int64_t ret = kPendingReturn;  // kPendingReturn while pending or unknown
  Outcome outcome = Outcome::Info;
};

// Operations in invocation order (the parsers guarantee it; the checker does not rely on it).
struct History {
  std::vector<Op> ops;
};

}  // namespace ballot::lin
