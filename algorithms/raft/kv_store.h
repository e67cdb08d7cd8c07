// The replicated state machine: a map of string keys (Raft §5: "replicated state machines").
// The register ops (read/write/cas) use key ""; get/put/append/cas use named keys. It also
// remembers which job periods have run and how many unique ids were handed out, so that the
// leader duties happen at most once per committed decision.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>

#include "algorithms/raft/log.h"
#include "sim/api/node_api.h"

namespace ballot::raft {

struct ApplyResult {
  ClientStatus status = ClientStatus::Ok;  // a job period already run: Fail
  std::optional<std::string> value;        // the read result for read/get
  int64_t id = 0;                          // the id an Id entry hands out
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
  std::set<int64_t> jobs_run_;  // periods whose job has run
  int64_t last_id_ = 0;         // ids handed out so far are 1..last_id_
};

// Shared by Raft and Paxos, once the command at a position (log index, slot) is applied.
//
// The answer to the client operation `op_id` that waited at that position: its result if
// `applied` is its command; NotLeader if another command took the position, for good.
ClientResponse answer_waiting_client(uint64_t op_id, const Command& applied,
                                     const ApplyResult& result, NodeId leader);
// A leader duty this node proposed was applied with `result`: tells the kernel the job ran (a
// period run twice fails in the state machine) or the id was handed out.
void report_duty(Context& ctx, const Command& duty, const ApplyResult& result);

}  // namespace ballot::raft
