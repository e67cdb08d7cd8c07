#include "algorithms/raft/log.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "sim/api/rng.h"

namespace ballot::raft {

const char* command_kind_name(CommandKind kind) {
  switch (kind) {
    case CommandKind::Noop:
      return "noop";
    case CommandKind::Read:
      return "read";
    case CommandKind::Write:
      return "write";
    case CommandKind::Cas:
      return "cas";
    case CommandKind::Get:
      return "get";
    case CommandKind::Put:
      return "put";
    case CommandKind::Append:
      return "append";
    case CommandKind::Job:
      return "job";
    case CommandKind::Id:
      return "id";
  }
  std::abort();
}

namespace {

CommandKind to_command_kind(lin::OpKind kind) {
  switch (kind) {
    case lin::OpKind::Read:
      return CommandKind::Read;
    case lin::OpKind::Write:
      return CommandKind::Write;
    case lin::OpKind::Cas:
      return CommandKind::Cas;
    case lin::OpKind::Get:
      return CommandKind::Get;
    case lin::OpKind::Put:
      return CommandKind::Put;
    case lin::OpKind::Append:
      return CommandKind::Append;
  }
  std::abort();
}

bool has_value(CommandKind kind) {
  return kind == CommandKind::Write || kind == CommandKind::Cas || kind == CommandKind::Put ||
         kind == CommandKind::Append;
}

}  // namespace

Command Command::from_request(const ClientRequest& request) {
  Command command;
  command.kind = to_command_kind(request.kind);
  command.key = request.key;
  if (has_value(command.kind)) command.value = request.value.value_or("");
  if (command.kind == CommandKind::Cas) command.expected = request.expected;
  command.client = request.client;
  command.op_id = request.op_id;
  return command;
}

Command Command::job(int64_t period) {
  Command command;
  command.kind = CommandKind::Job;
  command.period = period;
  return command;
}

Command Command::id() {
  Command command;
  command.kind = CommandKind::Id;
  return command;
}

void Command::fields(FieldSink& sink) const {
  sink.put_str("kind", command_kind_name(kind));
  if (kind == CommandKind::Job) sink.put_int("period", period);
  if (!is_client_op()) return;
  sink.put_str("key", key);
  // Presence of `expected` is part of a cas's meaning (absent: "the key has no value").
  if (kind == CommandKind::Cas) {
    sink.put_bool("has_expected", expected.has_value());
    sink.put_str("expected", expected.value_or(""));
  }
  if (has_value(kind)) sink.put_str("value", value.value_or(""));
  sink.put_int("client", client);
  sink.put_int("op_id", static_cast<int64_t>(op_id));
}

std::string Command::describe() const {
  // Built by appending only: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string&&.
  std::string text = command_kind_name(kind);
  if (kind == CommandKind::Job) text.append(" ").append(std::to_string(period));
  if (!is_client_op()) return text;
  text.append(" ").append(key.empty() ? std::string("\"\"") : key);
  if (kind == CommandKind::Cas) {
    text.append(" ").append(expected ? *expected : std::string("nil")).append("->");
  } else if (value) {
    text.append("=");
  }
  if (value) text.append(*value);
  text.append(" (c").append(std::to_string(client)).append("#");
  text.append(std::to_string(op_id)).append(")");
  return text;
}

namespace {

// Command::digest's encoding, hashed as it is produced: FNV-1a over the same bytes that the
// length-prefixed text would hold ("4:noop0:1:-1:-2:-11:01:0" for a noop), then stable_hash's
// finaliser, so the digest equals stable_hash(text) without building the text
// (tests/test_raft_checker.cpp compares the two).
class DigestWriter {
 public:
  void part(std::string_view text) {
    number(text.size());
    bytes(":");
    bytes(text);
  }
  // "v" + *value, or "-" when absent.
  void optional_part(const std::optional<std::string>& value) {
    if (!value) return part("-");
    number(value->size() + 1);
    bytes(":v");
    bytes(*value);
  }
  template <class Int>
  void number_part(Int value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    part(std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  uint64_t finish() { return splitmix64(h_); }

 private:
  void number(size_t value) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    bytes(std::string_view(buf, static_cast<size_t>(end - buf)));
  }
  void bytes(std::string_view text) {
    for (unsigned char c : text) {
      h_ ^= c;
      h_ *= 0x100000001b3ULL;
    }
  }
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace

uint64_t Command::digest() const {
  // Length-prefixed fields so that no two different commands encode alike.
  DigestWriter w;
  w.part(command_kind_name(kind));
  w.part(key);
  w.optional_part(value);
  w.optional_part(expected);
  w.number_part(client);
  w.number_part(op_id);
  w.number_part(period);
  return w.finish();
}

}  // namespace ballot::raft
