#include "algorithms/paxos/messages.h"

#include <string>

#include "sim/api/rng.h"

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

}  // namespace

void write_value(FieldSink& sink, const Value& value) {
  sink.put_int("proposed_in", value.proposed_in);
  value.command.fields(sink);
}

void Value::fields(FieldSink& sink) const {
  sink.begin_obj("value");
  write_value(sink, *this);
  sink.end_obj();
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

int64_t Promise::size_bytes() const {
  int64_t bytes = kHeaderBytes;
  for (const AcceptedProposal& a : accepted) bytes += value_bytes(a.value);
  return bytes;
}

int64_t Accept::size_bytes() const {
  return kHeaderBytes + value_bytes(value);
}

int64_t Decide::size_bytes() const {
  int64_t bytes = kHeaderBytes;
  for (const Entry& e : chosen) bytes += value_bytes(e.value);
  return bytes;
}

// "index" and "term" are the names the viewer's log track reads (viz/trace_model.cpp): the slot,
// and the ballot the value was first proposed in.
void ApplyFact::fields(FieldSink& sink) const {
  sink.put_int("index", slot);
  sink.put_int("term", value.proposed_in);
  sink.begin_obj("value");
  write_value(sink, value);
  sink.end_obj();
}

}  // namespace ballot::paxos
