#include "algorithms/lease/messages.h"

namespace ballot::lease {

void Acquire::fields(FieldSink& sink) const {
  sink.put_int("sent_us", sent_us);
}

void Renew::fields(FieldSink& sink) const {
  sink.put_int("token", token);
  sink.put_int("sent_us", sent_us);
}

void Granted::fields(FieldSink& sink) const {
  sink.put_int("token", token);
  sink.put_bool("renewal", renewal);
  sink.put_int("sent_us", sent_us);
}

void Denied::fields(FieldSink& sink) const {
  sink.put_int("holder", holder == kNoNode ? 0 : int64_t{holder} + 1);
  sink.put_int("token", token);
  sink.put_int("renewed_token", renewed_token);
}

void StorageOp::fields(FieldSink& sink) const {
  sink.put_int("seq", static_cast<int64_t>(seq));
  sink.put_int("token", token);
  sink.put_str("key", key);
  if (value) sink.put_str("value", *value);
}

int64_t StorageOp::size_bytes() const {
  return 32 + static_cast<int64_t>(key.size() + (value ? value->size() : 0));
}

void StorageResult::fields(FieldSink& sink) const {
  sink.put_int("seq", static_cast<int64_t>(seq));
  sink.put_bool("accepted", accepted);
  sink.put_int("highest_token", highest_token);
  if (value) sink.put_str("value", *value);
}

void StorageLoad::fields(FieldSink& sink) const {
  sink.put_int("seq", static_cast<int64_t>(seq));
  sink.put_int("token", token);
}

void StorageSnapshot::fields(FieldSink& sink) const {
  sink.put_int("seq", static_cast<int64_t>(seq));
  sink.put_bool("accepted", accepted);
  sink.put_int("highest_token", highest_token);
  sink.put_key_values("state", state);
}

int64_t StorageSnapshot::size_bytes() const {
  int64_t bytes = 32;
  for (const auto& [key, value] : state) bytes += static_cast<int64_t>(key.size() + value.size());
  return bytes;
}

void LeaseFact::fields(FieldSink& sink) const {
  sink.put_str("what", what);
  sink.put_int("holder", holder == kNoNode ? 0 : int64_t{holder} + 1);
  sink.put_int("token", token);
  sink.put_int("expires_us", expires_us);
}

void StorageFact::fields(FieldSink& sink) const {
  sink.put_int("from", from == kNoNode ? 0 : int64_t{from} + 1);
  sink.put_int("token", token);
  sink.put_int("highest_token", highest_token);
  sink.put_bool("write", write);
  sink.put_bool("accepted", accepted);
  sink.put_bool("fencing", fencing);
  sink.put_str("key", key);
}

}  // namespace ballot::lease
