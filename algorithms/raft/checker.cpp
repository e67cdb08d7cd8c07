#include "algorithms/raft/checker.h"
#include "algorithms/kit/dispatch.h"

#include "algorithms/raft/messages.h"
#include "sim/api/params.h"
#include "sim/api/rng.h"

namespace ballot::raft {

namespace {

// Only the first few violations of each property are kept in full; all are counted.
constexpr int64_t kViolationsKeptPerProperty = 10;
// The note the kernel writes for each sync under a disk model (sim/kernel/node_runtime.cpp).
constexpr std::string_view kSyncNote = "sync: on disk in ";

uint64_t entry_hash(const LogEntry& entry) {
  uint64_t state =
      entry.command.digest() ^ (static_cast<uint64_t>(entry.term) * 0x9e3779b97f4a7c15ULL);
  return splitmix64(state);
}

uint64_t extend_prefix(uint64_t prefix, const LogEntry& entry) {
  uint64_t state = (prefix * 0x100000001b3ULL) ^ entry_hash(entry);
  return splitmix64(state);
}

std::string name(NodeId id) {
  return node_name(id);
}

std::string show(const LogEntry& entry) {
  std::string text = "t";
  text += std::to_string(entry.term);
  text += ' ';
  text += entry.command.describe();
  return text;
}

}  // namespace

const char* RaftSafetyChecker::property_name(Property property) {
  switch (property) {
    case kElectionSafety:
      return "election_safety";
    case kLeaderAppendOnly:
      return "leader_append_only";
    case kLogMatching:
      return "log_matching";
    case kLeaderCompleteness:
      return "leader_completeness";
    case kStateMachineSafety:
      return "state_machine_safety";
    case kCommittedEntryDeleted:
      return "committed_entry_deleted";
    case kPropertyCount:
      break;
  }
  return "?";
}

RaftSafetyChecker::RaftSafetyChecker(int32_t cluster_size)
    : nodes_(static_cast<size_t>(cluster_size)) {}

RaftSafetyChecker::NodeModel* RaftSafetyChecker::node(NodeId id) {
  if (id < 0 || id >= static_cast<NodeId>(nodes_.size())) return nullptr;
  return &nodes_[static_cast<size_t>(id)];
}

void RaftSafetyChecker::report(Property property, const TraceEvent& ev, std::vector<NodeId> nodes,
                               std::string message) {
  if (++counts_[property] > kViolationsKeptPerProperty) return;
  violation(Violation{property_name(property), ev.index, ev.time_us, std::move(nodes),
                      std::move(message)});
}

void RaftSafetyChecker::add_metrics(std::map<std::string, int64_t>& metrics) const {
  for (int p = 0; p < kPropertyCount; ++p) {
    metrics[std::string("raft_") + property_name(static_cast<Property>(p)) + "_violations"] =
        counts_[p];
  }
}

void RaftSafetyChecker::NodeModel::settle_syncs(Time_us now_us) {
  size_t done = 0;
  while (done < syncs_in_flight.size() && syncs_in_flight[done].first <= now_us) ++done;
  if (done == 0) return;
  on_disk = std::move(syncs_in_flight[done - 1].second);
  syncs_in_flight.erase(syncs_in_flight.begin(),
                        syncs_in_flight.begin() + static_cast<std::ptrdiff_t>(done));
}

void RaftSafetyChecker::on_event(const TraceEvent& ev) {
  NodeModel* model = node(ev.node);
  if (model == nullptr) return;
  switch (ev.kind) {
    case EventKind::Role:
      on_role(ev);
      break;
    case EventKind::Note:
      // The kernel's disk model (sim/kernel/node_runtime.cpp, start_sync).
      if (ev.text.starts_with(kSyncNote)) {
        model->settle_syncs(ev.time_us);
        model->disk_model = true;
        const Time_us latency_us =
            parse_duration_us(std::string(ev.text.substr(kSyncNote.size())), "note");
        model->syncs_in_flight.emplace_back(ev.time_us + latency_us, model->log);
      }
      break;
    case EventKind::Crash:
      if (model->disk_model) {  // writes not yet on disk are lost
        model->settle_syncs(ev.time_us);
        model->syncs_in_flight.clear();
        model->log = model->on_disk;
      }
      model->up = false;
      model->role = Role::Follower;
      model->last_applied = 0;
      break;
    case EventKind::Start:
    case EventKind::Restart:
      model->up = true;
      model->last_applied = 0;
      break;
    case EventKind::Record:
      if (ev.payload == nullptr) break;
      if (auto* f = kit::message_as<AppendFact>(ev.payload)) {
        on_append(ev, f->index, f->entry);
      } else if (auto* t = kit::message_as<TruncateFact>(ev.payload)) {
        on_truncate(ev, t->from_index);
      } else if (auto* c = kit::message_as<CommitFact>(ev.payload)) {
        on_commit(ev, c->commit_index);
      } else if (auto* a = kit::message_as<ApplyFact>(ev.payload)) {
        on_apply(ev, a->index, a->entry);
      }
      break;
    default:
      break;
  }
}

// Election Safety (§5.2): at most one leader per term. A new leader must also hold every entry
// committed in earlier terms (Leader Completeness, §5.4).
void RaftSafetyChecker::on_role(const TraceEvent& ev) {
  NodeModel& model = *node(ev.node);
  model.role = ev.role;
  model.term = ev.epoch;
  model.up = true;
  if (ev.role != Role::Leader) return;
  auto [it, inserted] = leader_of_term_.emplace(ev.epoch, ev.node);
  if (!inserted && it->second != ev.node) {
    report(kElectionSafety, ev, {it->second, ev.node},
           "two leaders in term " + std::to_string(ev.epoch) + ": " + name(it->second) + " and " +
               name(ev.node));
  }
  if (inserted) check_leader_has_committed(ev, ev.node, ev.epoch);
}

void RaftSafetyChecker::check_leader_has_committed(const TraceEvent& ev, NodeId leader,
                                                   int64_t term) {
  const NodeModel& model = *node(leader);
  // The committed entries that must be there: those committed in terms below `term`.
  int64_t required = static_cast<int64_t>(committed_.size());
  while (required > 0 && committed_[required - 1].term >= term) --required;
  if (required == 0) return;
  const int64_t have = static_cast<int64_t>(model.log.size());
  if (have >= required && model.prefix(required) == committed_[required - 1].hash) return;
  // Name the first committed entry the leader lacks.
  int64_t index = 1;
  while (index <= std::min(have, required) && model.prefix(index) == committed_[index - 1].hash) {
    ++index;
  }
  const Seen& c = committed_[index - 1];
  std::string has = index <= have ? show(model.log[index - 1].entry) : std::string("nothing");
  report(kLeaderCompleteness, ev, {leader, c.node},
         name(leader) + " leads term " + std::to_string(term) + " without committed index " +
             std::to_string(index) + " (" + show(c.entry) + ", committed by " + name(c.node) +
             " in term " + std::to_string(c.term) + " at event " + std::to_string(c.event_index) +
             "); it has " + has + " there");
}

// Log Matching (§5.3) and Leader Append-Only (§5.3).
void RaftSafetyChecker::on_append(const TraceEvent& ev, int64_t index, const LogEntry& entry) {
  NodeModel& model = *node(ev.node);
  const int64_t have = static_cast<int64_t>(model.log.size());
  if (index != have + 1) {
    if (model.leader() && index <= have) {
      report(kLeaderAppendOnly, ev, {ev.node},
             "leader " + name(ev.node) + " overwrote index " + std::to_string(index) + " (" +
                 show(model.log[index - 1].entry) + ") with " + show(entry));
    } else if (index > have + 1) {
      report(kLogMatching, ev, {ev.node},
             name(ev.node) + " appended index " + std::to_string(index) + " to a log of " +
                 std::to_string(have) + " entries (the fact stream skipped entries)");
      return;
    }
    model.log.resize(static_cast<size_t>(index - 1));
  }
  const uint64_t prefix = extend_prefix(model.prefix(index - 1), entry);
  model.log.push_back(NodeEntry{entry, prefix});
  // Looked up before anything is built: emplace would copy the entry even when it is seen again.
  const std::pair<int64_t, int64_t> at{index, entry.term};
  auto it = entry_at_.lower_bound(at);
  if (it == entry_at_.end() || it->first != at) {
    entry_at_.emplace_hint(it, at, Seen{prefix, ev.node, ev.index, entry.term, entry});
    return;
  }
  if (it->second.hash == prefix) return;
  const Seen& first = it->second;
  std::string what = first.entry == entry
                         ? "the same entry (" + show(entry) + ") but their logs differ before it"
                         : "different entries: " + name(first.node) + " has " + show(first.entry) +
                               ", " + name(ev.node) + " has " + show(entry);
  report(kLogMatching, ev, {first.node, ev.node},
         name(first.node) + " (event " + std::to_string(first.event_index) + ") and " +
             name(ev.node) + " hold index " + std::to_string(index) + " in term " +
             std::to_string(entry.term) + " with " + what);
}

// Leader Append-Only (§5.3). A committed entry is never deleted by a node whose term is at least
// the term it was committed in: that node's leader must hold it (Leader Completeness, §5.4). A
// node of an older term may still delete it, on the word of an older leader (say, after a long
// pause), and get it back later.
void RaftSafetyChecker::on_truncate(const TraceEvent& ev, int64_t from_index) {
  NodeModel& model = *node(ev.node);
  const int64_t have = static_cast<int64_t>(model.log.size());
  if (from_index < 1 || from_index > have) return;
  if (model.leader()) {
    report(kLeaderAppendOnly, ev, {ev.node},
           "leader " + name(ev.node) + " of term " + std::to_string(model.term) +
               " deleted its entries from index " + std::to_string(from_index));
  }
  const int64_t committed = static_cast<int64_t>(committed_.size());
  if (from_index <= committed && model.prefix(from_index) == committed_[from_index - 1].hash &&
      committed_[from_index - 1].term <= model.term) {
    const Seen& c = committed_[from_index - 1];
    report(kCommittedEntryDeleted, ev, {ev.node, c.node},
           name(ev.node) + " in term " + std::to_string(model.term) + " deleted index " +
               std::to_string(from_index) + " (" + show(c.entry) + "), committed by " +
               name(c.node) + " in term " + std::to_string(c.term) + " at event " +
               std::to_string(c.event_index));
  }
  model.log.resize(static_cast<size_t>(from_index - 1));
}

// State Machine Safety for commits (§5.4.3): every node commits the same entry at an index. New
// committed entries must be in the log of every leader of a later term (Leader Completeness).
void RaftSafetyChecker::on_commit(const TraceEvent& ev, int64_t commit_index) {
  NodeModel& model = *node(ev.node);
  const int64_t have = static_cast<int64_t>(model.log.size());
  if (commit_index > have) {
    report(kStateMachineSafety, ev, {ev.node},
           name(ev.node) + " committed index " + std::to_string(commit_index) +
               " but its log has " + std::to_string(have) + " entries");
    return;
  }
  const int64_t known = static_cast<int64_t>(committed_.size());
  const int64_t overlap = std::min(known, commit_index);
  if (overlap > 0 && model.prefix(overlap) != committed_[overlap - 1].hash) {
    int64_t index = 1;
    while (model.prefix(index) == committed_[index - 1].hash) ++index;
    const Seen& c = committed_[index - 1];
    report(kStateMachineSafety, ev, {c.node, ev.node},
           name(ev.node) + " committed " + show(model.log[index - 1].entry) + " at index " +
               std::to_string(index) + ", but " + name(c.node) + " committed " + show(c.entry) +
               " there (event " + std::to_string(c.event_index) + ")");
    return;
  }
  if (commit_index <= known) return;
  for (int64_t index = known + 1; index <= commit_index; ++index) {
    committed_.push_back(
        Seen{model.prefix(index), ev.node, ev.index, model.term, model.log[index - 1].entry});
  }
  for (NodeId id = 0; id < static_cast<NodeId>(nodes_.size()); ++id) {
    const NodeModel& other = nodes_[static_cast<size_t>(id)];
    if (other.leader() && other.term > model.term) check_leader_has_committed(ev, id, other.term);
  }
}

// State Machine Safety (§5.4.3): "if a server has applied a log entry at a given index to its state
// machine, no other server will ever apply a different log entry for the same index". Entries are
// also applied in index order.
void RaftSafetyChecker::on_apply(const TraceEvent& ev, int64_t index, const LogEntry& entry) {
  NodeModel& model = *node(ev.node);
  if (index != model.last_applied + 1) {
    report(kStateMachineSafety, ev, {ev.node},
           name(ev.node) + " applied index " + std::to_string(index) + " after index " +
               std::to_string(model.last_applied));
  }
  model.last_applied = index;
  const uint64_t hash = entry_hash(entry);
  auto it = applied_.lower_bound(index);
  if (it == applied_.end() || it->first != index) {
    applied_.emplace_hint(it, index, Seen{hash, ev.node, ev.index, entry.term, entry});
    return;
  }
  if (it->second.hash == hash) return;
  report(kStateMachineSafety, ev, {it->second.node, ev.node},
         name(ev.node) + " applied " + show(entry) + " at index " + std::to_string(index) +
             ", but " + name(it->second.node) + " applied " + show(it->second.entry) +
             " there (event " + std::to_string(it->second.event_index) + ")");
}

std::vector<std::unique_ptr<Observer>> raft_checkers(int32_t cluster_size) {
  std::vector<std::unique_ptr<Observer>> checkers;
  checkers.push_back(std::make_unique<RaftSafetyChecker>(cluster_size));
  return checkers;
}

}  // namespace ballot::raft
