// The lease lock's messages (candidate <-> lock service, holder <-> storage) and the facts its
// nodes record for the fencing checker and the viewer. Requests and replies are one-way messages.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/message.h"
#include "sim/node_api.h"
#include "sim/time.h"

namespace ballot::lease {

// ---- candidate <-> lock service ----

// "Give me the lease." `sent_us` is the candidate's local clock, echoed in the reply: the holder
// dates its lease from when it asked, which is before the service started the TTL.
struct Acquire final : MessageBase<Acquire> {
  static constexpr std::string_view kType = "Acquire";
  Time_us sent_us = 0;
  void fields(FieldSink& sink) const override;
};

// "Keep my lease alive." Carries the token the holder believes it holds.
struct Renew final : MessageBase<Renew> {
  static constexpr std::string_view kType = "Renew";
  int64_t token = 0;
  Time_us sent_us = 0;
  void fields(FieldSink& sink) const override;
};

// The lease is yours with this fencing token (for a grant) or still yours (for a renewal).
struct Granted final : MessageBase<Granted> {
  static constexpr std::string_view kType = "Granted";
  int64_t token = 0;
  bool renewal = false;
  Time_us sent_us = 0;  // echoed from the Acquire or Renew
  void fields(FieldSink& sink) const override;
};

// Not granted: someone else holds it (`holder`, with `token`), or the renewed lease is gone.
struct Denied final : MessageBase<Denied> {
  static constexpr std::string_view kType = "Denied";
  NodeId holder = kNoNode;
  int64_t token = 0;          // the holder's token, or the highest issued when nobody holds it
  int64_t renewed_token = 0;  // for a refused Renew: the token the asker wanted renewed
  void fields(FieldSink& sink) const override;
};

// ---- holder <-> storage (the protected resource) ----

// One operation on the storage, carrying the holder's fencing token. With `value` it writes the
// key; without, it reads it (a cas that does not match is confirmed this way).
struct StorageOp final : MessageBase<StorageOp> {
  static constexpr std::string_view kType = "StorageOp";
  uint64_t seq = 0;  // the holder's id for the operation, echoed
  int64_t token = 0;
  std::string key;
  std::optional<std::string> value;
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

struct StorageResult final : MessageBase<StorageResult> {
  static constexpr std::string_view kType = "StorageResult";
  uint64_t seq = 0;
  bool accepted = false;
  int64_t highest_token = 0;         // the highest token the storage had seen
  std::optional<std::string> value;  // the key's value after the operation (when accepted)
  void fields(FieldSink& sink) const override;
};

// A new holder loads the whole resource before serving. The load carries its token, so from then
// on the storage refuses the previous holder (with fencing on).
struct StorageLoad final : MessageBase<StorageLoad> {
  static constexpr std::string_view kType = "StorageLoad";
  uint64_t seq = 0;
  int64_t token = 0;
  void fields(FieldSink& sink) const override;
};

struct StorageSnapshot final : MessageBase<StorageSnapshot> {
  static constexpr std::string_view kType = "StorageSnapshot";
  uint64_t seq = 0;
  bool accepted = false;
  int64_t highest_token = 0;
  std::map<std::string, std::string> state;
  void fields(FieldSink& sink) const override;
  int64_t size_bytes() const override;
};

// ---- facts (Context::record) ----

// The lock service granted, renewed or expired a lease.
struct LeaseFact final : MessageBase<LeaseFact> {
  static constexpr std::string_view kType = "lease";
  std::string_view what;  // "granted", "renewed", "expired" (static strings)
  NodeId holder = kNoNode;
  int64_t token = 0;
  Time_us expires_us = 0;  // the service's local clock
  void fields(FieldSink& sink) const override;
};

// The storage accepted or rejected an operation. The fencing checker reads these.
struct StorageFact final : MessageBase<StorageFact> {
  static constexpr std::string_view kType = "storage";
  NodeId from = kNoNode;      // the holder that sent it
  int64_t token = 0;          // the operation's fencing token
  int64_t highest_token = 0;  // the highest token the storage had seen before it
  bool write = false;         // it changes the resource (a load or a read does not)
  bool accepted = false;
  bool fencing = true;  // the storage enforces tokens
  std::string key;
  void fields(FieldSink& sink) const override;
};

}  // namespace ballot::lease
