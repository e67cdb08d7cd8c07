// The replicated state machine: a map of string keys (Raft §5: "replicated state machines").
// The register ops (read/write/cas) use key ""; get/put/append/cas use named keys.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "algorithms/raft/log.h"
#include "sim/node_api.h"

namespace ballot::raft {

struct ApplyResult {
  ClientStatus status = ClientStatus::Ok;
  std::optional<std::string> value;  // the read result for read/get
};

class KvStore {
 public:
  // Applies a committed command. Deterministic: every replica gets the same results.
  ApplyResult apply(const Command& command);
  // Answers a read without changing anything (lease reads, and read entries when applied).
  ApplyResult read(const std::string& key) const;
  const std::map<std::string, std::string>& data() const { return data_; }

 private:
  // The current value: the register "" has none until written (nil); a named key starts as ""
  // (the key-value model of the linearizability checker).
  std::optional<std::string> current(const std::string& key) const;

  std::map<std::string, std::string> data_;
};

}  // namespace ballot::raft
