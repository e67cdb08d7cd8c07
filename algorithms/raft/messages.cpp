#include "algorithms/raft/messages.h"

namespace ballot::raft {

namespace {

// Traces name nodes 1-based everywhere (docs/trace-format.md), 0 for none; NodeId is 0-based.
int64_t node_number(NodeId id) {
  return id == kNoNode ? 0 : int64_t{id} + 1;
}

// Nominal wire sizes for the bytes-by-type metric: a fixed header plus the entries.
constexpr int64_t kHeaderBytes = 32;
constexpr int64_t kEntryOverheadBytes = 24;

void put_entry(FieldSink& sink, std::string_view key, const LogEntry& entry) {
  sink.begin_obj(key);
  sink.put_int("term", entry.term);
  entry.command.fields(sink);
  sink.end_obj();
}

}  // namespace

void RequestVote::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_int("candidate_id", node_number(candidate_id));
  sink.put_int("last_log_index", last_log_index);
  sink.put_int("last_log_term", last_log_term);
}

void RequestVoteReply::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_bool("vote_granted", vote_granted);
}

void PreVote::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_int("candidate_id", node_number(candidate_id));
  sink.put_int("last_log_index", last_log_index);
  sink.put_int("last_log_term", last_log_term);
}

void PreVoteReply::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_bool("vote_granted", vote_granted);
}

void AppendEntries::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_int("leader_id", node_number(leader_id));
  sink.put_int("prev_log_index", prev_log_index);
  sink.put_int("prev_log_term", prev_log_term);
  sink.begin_list("entries");
  for (const LogEntry& entry : entries) put_entry(sink, "", entry);
  sink.end_list();
  sink.put_int("leader_commit", leader_commit);
  sink.put_int("sent_us", sent_us);
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

void AppendEntriesReply::fields(FieldSink& sink) const {
  sink.put_int("term", term);
  sink.put_bool("success", success);
  sink.put_int("match_index", match_index);
  sink.put_int("conflict_index", conflict_index);
  sink.put_int("sent_us", sent_us);
}

void AppendFact::fields(FieldSink& sink) const {
  sink.put_int("index", index);
  sink.put_int("term", entry.term);
  sink.begin_obj("command");
  entry.command.fields(sink);
  sink.end_obj();
}

void TruncateFact::fields(FieldSink& sink) const {
  sink.put_int("from_index", from_index);
  sink.put_int("last_index", last_index);
}

void CommitFact::fields(FieldSink& sink) const {
  sink.put_int("commit_index", commit_index);
  sink.put_int("term", term);
}

void ApplyFact::fields(FieldSink& sink) const {
  sink.put_int("index", index);
  sink.put_int("term", entry.term);
  sink.begin_obj("command");
  entry.command.fields(sink);
  sink.end_obj();
}

}  // namespace ballot::raft
