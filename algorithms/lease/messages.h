// The lease lock's messages (candidate <-> lock service, holder <-> storage) and the facts its
// nodes record for the fencing checker and the viewer. Requests and replies are one-way messages.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "algorithms/kit/fields.h"
#include "sim/api/message.h"
#include "sim/api/node_api.h"
#include "sim/api/time.h"

namespace ballot::lease {

// ---- candidate <-> lock service ----

// "Give me the lease." `sent_us` is the candidate's local clock, echoed in the reply: the holder
// dates its lease from when it asked, which is before the service started the TTL.
struct Acquire final : kit::Msg<Acquire> {
  static constexpr std::string_view kType = "Acquire";
  Time_us sent_us = 0;
  static constexpr auto declared_fields() {
    using S = Acquire;
    return kit::fields(kit::num("sent_us", &S::sent_us));
  }
};

// "Keep my lease alive." Carries the token the holder believes it holds.
struct Renew final : kit::Msg<Renew> {
  static constexpr std::string_view kType = "Renew";
  int64_t token = 0;
  Time_us sent_us = 0;
  static constexpr auto declared_fields() {
    using S = Renew;
    return kit::fields(kit::num("token", &S::token), kit::num("sent_us", &S::sent_us));
  }
};

// The lease is yours with this fencing token (for a grant) or still yours (for a renewal).
struct Granted final : kit::Msg<Granted> {
  static constexpr std::string_view kType = "Granted";
  int64_t token = 0;
  bool renewal = false;
  Time_us sent_us = 0;  // echoed from the Acquire or Renew
  static constexpr auto declared_fields() {
    using S = Granted;
    return kit::fields(kit::num("token", &S::token), kit::flag("renewal", &S::renewal),
                       kit::num("sent_us", &S::sent_us));
  }
};

// Not granted: someone else holds it (`holder`, with `token`), or the renewed lease is gone.
struct Denied final : kit::Msg<Denied> {
  static constexpr std::string_view kType = "Denied";
  NodeId holder = kNoNode;
  int64_t token = 0;          // the holder's token, or the highest issued when nobody holds it
  int64_t renewed_token = 0;  // for a refused Renew: the token the asker wanted renewed
  static constexpr auto declared_fields() {
    using S = Denied;
    return kit::fields(kit::node("holder", &S::holder), kit::num("token", &S::token),
                       kit::num("renewed_token", &S::renewed_token));
  }
};

// ---- holder <-> storage (the protected resource) ----

// One operation on the storage, carrying the holder's fencing token. With `value` it writes the
// key; without, it reads it (a cas that does not match is confirmed this way).
struct StorageOp final : kit::Msg<StorageOp> {
  static constexpr std::string_view kType = "StorageOp";
  uint64_t seq = 0;  // the holder's id for the operation, echoed
  int64_t token = 0;
  std::string key;
  std::optional<std::string> value;
  static constexpr auto declared_fields() {
    using S = StorageOp;
    return kit::fields(kit::num("seq", &S::seq), kit::num("token", &S::token),
                       kit::str("key", &S::key), kit::opt_str("value", &S::value));
  }
  int64_t size_bytes() const override;
};

struct StorageResult final : kit::Msg<StorageResult> {
  static constexpr std::string_view kType = "StorageResult";
  uint64_t seq = 0;
  bool accepted = false;
  int64_t highest_token = 0;         // the highest token the storage had seen
  std::optional<std::string> value;  // the key's value after the operation (when accepted)
  static constexpr auto declared_fields() {
    using S = StorageResult;
    return kit::fields(kit::num("seq", &S::seq), kit::flag("accepted", &S::accepted),
                       kit::num("highest_token", &S::highest_token),
                       kit::opt_str("value", &S::value));
  }
};

// A new holder loads the whole resource before serving. The load carries its token, so from then
// on the storage refuses the previous holder (with fencing on).
struct StorageLoad final : kit::Msg<StorageLoad> {
  static constexpr std::string_view kType = "StorageLoad";
  uint64_t seq = 0;
  int64_t token = 0;
  static constexpr auto declared_fields() {
    using S = StorageLoad;
    return kit::fields(kit::num("seq", &S::seq), kit::num("token", &S::token));
  }
};

struct StorageSnapshot final : kit::Msg<StorageSnapshot> {
  static constexpr std::string_view kType = "StorageSnapshot";
  uint64_t seq = 0;
  bool accepted = false;
  int64_t highest_token = 0;
  std::map<std::string, std::string> state;
  static constexpr auto declared_fields() {
    using S = StorageSnapshot;
    return kit::fields(kit::num("seq", &S::seq), kit::flag("accepted", &S::accepted),
                       kit::num("highest_token", &S::highest_token),
                       kit::key_values("state", &S::state));
  }
  int64_t size_bytes() const override;
};

// ---- facts (Context::record) ----

// The lock service granted, renewed or expired a lease.
struct LeaseFact final : kit::Msg<LeaseFact> {
  static constexpr std::string_view kType = "lease";
  std::string_view what;  // "granted", "renewed", "expired" (static strings)
  NodeId holder = kNoNode;
  int64_t token = 0;
  Time_us expires_us = 0;  // the service's local clock
  static constexpr auto declared_fields() {
    using S = LeaseFact;
    return kit::fields(kit::str("what", &S::what), kit::node("holder", &S::holder),
                       kit::num("token", &S::token), kit::num("expires_us", &S::expires_us));
  }
};

// The storage accepted or rejected an operation. The fencing checker reads these.
struct StorageFact final : kit::Msg<StorageFact> {
  static constexpr std::string_view kType = "storage";
  NodeId from = kNoNode;      // the holder that sent it
  int64_t token = 0;          // the operation's fencing token
  int64_t highest_token = 0;  // the highest token the storage had seen before it
  bool write = false;         // it changes the resource (a load or a read does not)
  bool accepted = false;
  bool fencing = true;  // the storage enforces tokens
  std::string key;
  static constexpr auto declared_fields() {
    using S = StorageFact;
    return kit::fields(kit::node("from", &S::from), kit::num("token", &S::token),
                       kit::num("highest_token", &S::highest_token), kit::flag("write", &S::write),
                       kit::flag("accepted", &S::accepted), kit::flag("fencing", &S::fencing),
                       kit::str("key", &S::key));
  }
};

}  // namespace ballot::lease
