// Raft's safety properties (Figure 3 of the extended paper), checked on the trace from the facts a
// RaftNode records ("append", "truncate", "commit", "apply") and the role reports:
//
//   election_safety          at most one leader can be elected in a given term (§5.2)
//   leader_append_only       a leader never overwrites or deletes entries in its log (§5.3)
//   log_matching             if two logs contain an entry with the same index and term, the logs
//                            are identical in all entries up through that index (§5.3)
//   leader_completeness      an entry committed in a term is in the logs of the leaders of all
//                            higher terms (§5.4)
//   state_machine_safety     no two servers commit or apply different entries at one index (§5.4.3)
//   committed_entry_deleted  no server deletes an entry committed in its current term or an
//                            earlier one (a consequence of Leader Completeness, §5.4)
//
// One observer keeps one model of every node's log and checks all six, so the logs are tracked
// once. Each log is summarized by prefix hashes: two logs agree up through index i exactly when
// their prefix hashes at i agree, so every check is O(1) or O(log) per fact.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/raft/log.h"
#include "sim/api/trace.h"

namespace ballot::raft {

class RaftSafetyChecker final : public Observer {
 public:
  enum Property : int {
    kElectionSafety,
    kLeaderAppendOnly,
    kLogMatching,
    kLeaderCompleteness,
    kStateMachineSafety,
    kCommittedEntryDeleted,
    kPropertyCount
  };
  static const char* property_name(Property property);

  explicit RaftSafetyChecker(int32_t cluster_size);
  void on_event(const TraceEvent& ev) override;
  void add_metrics(std::map<std::string, int64_t>& metrics) const override;
  // Violations found per property (all of them; only the first few are kept as Violations).
  int64_t count(Property property) const { return counts_[property]; }

 private:
  struct NodeEntry {
    LogEntry entry;
    uint64_t prefix = 0;  // hash of entries 1..this one
  };
  struct NodeModel {
    std::vector<NodeEntry> log;  // log[i - 1]: this node's entry at index i, as its facts tell
    Role role = Role::Follower;
    int64_t term = 0;
    int64_t last_applied = 0;  // volatile: 0 again after a crash
    bool up = true;
    // Under a disk model (scenario "storage") the kernel notes each sync ("sync: on disk in
    // <d>"); a crash keeps only what the last completed sync wrote. The log each sync wrote, by
    // completion time, and the log on disk.
    std::vector<std::pair<Time_us, std::vector<NodeEntry>>> syncs_in_flight;
    std::vector<NodeEntry> on_disk;
    bool disk_model = false;
    void settle_syncs(Time_us now_us);
    bool leader() const { return up && role == Role::Leader; }
    uint64_t prefix(int64_t index) const { return index == 0 ? 0 : log[index - 1].prefix; }
  };
  struct Seen {  // the first sighting of something at an index, to compare later ones against
    uint64_t hash = 0;
    NodeId node = kNoNode;
    uint64_t event_index = 0;
    int64_t term = 0;  // committed_: the committer's term; elsewhere the entry's term
    LogEntry entry;
  };

  void on_role(const TraceEvent& ev);
  void on_append(const TraceEvent& ev, int64_t index, const LogEntry& entry);
  void on_truncate(const TraceEvent& ev, int64_t from_index);
  void on_commit(const TraceEvent& ev, int64_t commit_index);
  void on_apply(const TraceEvent& ev, int64_t index, const LogEntry& entry);
  // Leader Completeness for `leader`: it must hold every entry committed in a term below `term`.
  void check_leader_has_committed(const TraceEvent& ev, NodeId leader, int64_t term);
  void report(Property property, const TraceEvent& ev, std::vector<NodeId> nodes,
              std::string message);
  NodeModel* node(NodeId id);

  std::vector<NodeModel> nodes_;
  std::map<int64_t, NodeId> leader_of_term_;
  // (index, term) -> the first entry seen there, with its prefix hash (Log Matching).
  std::map<std::pair<int64_t, int64_t>, Seen> entry_at_;
  // committed_[i - 1]: the entry committed at index i, as first committed (hash = prefix hash).
  std::vector<Seen> committed_;
  // applied_[index]: the first entry applied there (hash = entry hash).
  std::map<int64_t, Seen> applied_;
  std::array<int64_t, kPropertyCount> counts_{};
};

// The observers AlgorithmInfo::checkers returns for Raft.
std::vector<std::unique_ptr<Observer>> raft_checkers(int32_t cluster_size);

}  // namespace ballot::raft
