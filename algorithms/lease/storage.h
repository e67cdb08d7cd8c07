// The protected resource: a key-value store that every holder writes through, each operation
// carrying the holder's fencing token. With fencing on it refuses any token lower than the highest
// it has seen (Kleppmann's fencing recipe); with fencing off it accepts everything.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ballot::lease {

// What the storage keeps on disk: the data and the highest token it has seen (forgetting that
// token in a crash would let a stale holder in again).
struct StorageState {
  std::map<std::string, std::string> data;
  int64_t highest_token = 0;
  // (token, key) -> the holder's sequence number of the last operation applied. A holder sends a
  // key's operations one at a time with increasing numbers, so a lower or equal number is a
  // duplicate delivery or an operation overtaken by a later one (sent after a timeout): applying it
  // would move the key back in time.
  std::map<std::pair<int64_t, std::string>, uint64_t> last_seq;
};

class FencedStorage {
 public:
  FencedStorage(bool fencing, StorageState state) : fencing_(fencing), state_(std::move(state)) {}

  struct Outcome {
    bool duplicate = false;  // an old operation, ignored (neither accepted nor refused)
    bool accepted = false;
    int64_t highest_before = 0;        // the highest token seen before this operation
    std::optional<std::string> value;  // the key's value afterwards (when accepted)
  };

  // Writes `value` to `key` (or only reads the key when `value` is empty) for a holder with
  // `token`; `seq` is the holder's number for the operation. Every accepted operation raises the
  // highest token seen to `token`.
  Outcome apply(int64_t token, uint64_t seq, const std::string& key,
                const std::optional<std::string>& value);
  // A new holder reads everything; this too raises the highest token, so the previous holder is
  // refused from the moment its successor has loaded (not just once the successor writes).
  Outcome load(int64_t token);

  bool fencing() const { return fencing_; }
  const StorageState& state() const { return state_; }

 private:
  bool admits(int64_t token) const { return !fencing_ || token >= state_.highest_token; }

  bool fencing_;
  StorageState state_;  // durable: the caller persists it after every change
};

}  // namespace ballot::lease
