#include "algorithms/paxos/messages.h"

#include <string>

#include "sim/rng.h"

namespace ballot::paxos {

namespace {

// Nominal wire sizes for the bytes-by-type metric: a fixed header plus the values carried.
constexpr int64_t kHeaderBytes = 32;
constexpr int64_t kValueOverheadBytes = 24;

int64_t value_bytes(const Value& value) {
  const Command& c = value.command;
  return kValueOverheadBytes + static_cast<int64_t>(c.key.size()) +
         static_cast<int64_t>(c.value.value_or("").size()) +
         static_cast<int64_t>(c.expected.value_or("").size());
}

void put_value(FieldSink& sink, std::string_view key, const Value& value) {
  sink.begin_obj(key);
  sink.put_int("proposed_in", value.proposed_in);
  value.command.fields(sink);
  sink.end_obj();
}

}  // namespace

void Value::fields(FieldSink& sink) const {
  put_value(sink, "value", *this);
}

uint64_t Value::digest() const {
  uint64_t state = command.digest() ^ (static_cast<uint64_t>(proposed_in) * 0x9e3779b97f4a7c15ULL);
  return splitmix64(state);
}

std::string Value::describe() const {
  std::string text = command.describe();
  text.append(" @b").append(std::to_string(proposed_in));
  return text;
}

void Prepare::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("from_slot", from_slot);
}

void Promise::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.begin_list("accepted");
  for (const AcceptedProposal& a : accepted) {
    sink.begin_obj("");
    sink.put_int("slot", a.slot);
    sink.put_int("ballot", a.ballot);
    put_value(sink, "value", a.value);
    sink.end_obj();
  }
  sink.end_list();
}

int64_t Promise::size_bytes() const {
  int64_t bytes = kHeaderBytes;
  for (const AcceptedProposal& a : accepted) bytes += value_bytes(a.value);
  return bytes;
}

void Accept::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("slot", slot);
  put_value(sink, "value", value);
}

int64_t Accept::size_bytes() const {
  return kHeaderBytes + value_bytes(value);
}

void Accepted::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("slot", slot);
}

void Nack::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("promised", promised);
}

void Heartbeat::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("first_unchosen", first_unchosen);
}

void HeartbeatReply::fields(FieldSink& sink) const {
  sink.put_int("ballot", ballot);
  sink.put_int("first_unchosen", first_unchosen);
}

void Decide::fields(FieldSink& sink) const {
  sink.begin_list("chosen");
  for (const Entry& e : chosen) {
    sink.begin_obj("");
    sink.put_int("slot", e.slot);
    put_value(sink, "value", e.value);
    sink.end_obj();
  }
  sink.end_list();
}

int64_t Decide::size_bytes() const {
  int64_t bytes = kHeaderBytes;
  for (const Entry& e : chosen) bytes += value_bytes(e.value);
  return bytes;
}

void ProposeFact::fields(FieldSink& sink) const {
  sink.put_int("slot", slot);
  sink.put_int("ballot", ballot);
  put_value(sink, "value", value);
}

void AcceptFact::fields(FieldSink& sink) const {
  sink.put_int("slot", slot);
  sink.put_int("ballot", ballot);
  put_value(sink, "value", value);
}

void LearnFact::fields(FieldSink& sink) const {
  sink.put_int("slot", slot);
  put_value(sink, "value", value);
}

// "index" and "term" are the names the viewer's log track reads (viz/trace_model.cpp): the slot,
// and the ballot the value was first proposed in.
void ApplyFact::fields(FieldSink& sink) const {
  sink.put_int("index", slot);
  sink.put_int("term", value.proposed_in);
  put_value(sink, "value", value);
}

}  // namespace ballot::paxos
