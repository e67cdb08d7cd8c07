#include "algorithms/raft/messages.h"

namespace ballot::raft {

namespace {

// Nominal wire sizes for the bytes-by-type metric: a fixed header plus the entries.
constexpr int64_t kHeaderBytes = 32;
constexpr int64_t kEntryOverheadBytes = 24;

}  // namespace

void write_entry(FieldSink& sink, const LogEntry& entry) {
  sink.put_int("term", entry.term);
  entry.command.fields(sink);
}

int64_t AppendEntries::size_bytes() const {
  int64_t bytes = kHeaderBytes;
  for (const LogEntry& entry : entries) {
    const Command& c = entry.command;
    bytes += kEntryOverheadBytes + static_cast<int64_t>(c.key.size()) +
             static_cast<int64_t>(c.value.value_or("").size()) +
             static_cast<int64_t>(c.expected.value_or("").size());
  }
  return bytes;
}

void EntryFactFields::fields(FieldSink& sink) const {
  sink.put_int("index", index);
  sink.put_int("term", entry.term);
  sink.begin_obj("command");
  entry.command.fields(sink);
  sink.end_obj();
}

}  // namespace ballot::raft
