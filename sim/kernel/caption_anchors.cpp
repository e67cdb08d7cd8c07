#include "sim/kernel/caption_anchors.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace ballot {

namespace {

// Reads one top-level integer field of a fact (a message's fields), by name.
class IntField final : public FieldSink {
 public:
  explicit IntField(std::string_view key) : key_(key) {}
  void put_int(std::string_view key, int64_t value) override {
    if (depth_ == 0 && key == key_ && !found) {
      found = true;
      value_ = value;
    }
  }
  void put_str(std::string_view, std::string_view) override {}
  void put_bool(std::string_view, bool) override {}
  void begin_list(std::string_view) override { ++depth_; }
  void end_list() override { --depth_; }
  void begin_obj(std::string_view) override { ++depth_; }
  void end_obj() override { --depth_; }
  bool found = false;
  int64_t value() const { return value_; }

 private:
  std::string_view key_;
  int depth_ = 0;
  int64_t value_ = 0;
};

bool node_matches(NodeId wanted, NodeId node) {
  return wanted == kNoNode || wanted == node;
}

// The 1-based position in the scenario's faults of a fault read from "faults[3]" (4); 0 for the
// nemesis's and the kernel's own faults.
int64_t scripted_position(const FaultSpec& spec) {
  const std::string_view prefix = "faults[";
  if (spec.path.compare(0, prefix.size(), prefix) != 0) return 0;
  int64_t index = 0;
  for (size_t i = prefix.size(); i < spec.path.size() && spec.path[i] >= '0' && spec.path[i] <= '9';
       ++i)
    index = index * 10 + (spec.path[i] - '0');
  return index + 1;
}

}  // namespace

bool CaptionAnchorWatch::needed(const Scenario& scenario) {
  for (const Caption& c : scenario.captions)
    if (c.on) return true;
  return false;
}

CaptionAnchorWatch::CaptionAnchorWatch(const Scenario& scenario,
                                       std::function<const FaultSpec*(uint64_t)> fault_spec,
                                       std::function<void(size_t)> fired,
                                       std::vector<const Observer*> others)
    : fault_spec_(std::move(fault_spec)),
      fired_(std::move(fired)),
      others_(std::move(others)),
      violations_seen_(others_.size(), 0),
      last_role_(static_cast<size_t>(scenario.nodes)),
      nodes_(scenario.nodes) {
  for (size_t i = 0; i < scenario.captions.size(); ++i) {
    const Caption& c = scenario.captions[i];
    if (!c.on) continue;
    Pending p;
    p.caption = i;
    p.anchor = &*c.on;
    p.nth = c.nth;
    if (c.on->kind == CaptionAnchor::Kind::Commit)
      p.committed.assign(static_cast<size_t>(scenario.nodes), false);
    watch_violations_ |= c.on->kind == CaptionAnchor::Kind::Violation;
    pending_.push_back(std::move(p));
  }
}

bool CaptionAnchorWatch::wants(EventKind kind) const {
  if (watch_violations_) return true;  // a checker may find one at any event
  using K = CaptionAnchor::Kind;
  for (const Pending& p : pending_) {
    switch (p.anchor->kind) {
      case K::Role:
        if (kind == EventKind::Role || kind == EventKind::Crash) return true;
        break;
      case K::Commit:
        if (kind == EventKind::Record) return true;
        break;
      case K::Fault:
        if (kind == EventKind::Fault) return true;
        break;
      case K::Crash:
        if (kind == EventKind::Crash) return true;
        break;
      case K::Restart:
        if (kind == EventKind::Restart) return true;
        break;
      case K::Pause:
        if (kind == EventKind::Pause) return true;
        break;
      case K::Resume:
        if (kind == EventKind::Resume) return true;
        break;
      case K::Violation:
        return true;
      case K::Op:
        if (kind == EventKind::ClientReturn) return true;
        break;
    }
  }
  return false;
}

std::vector<CaptionAnchorWatch::FaultChange> CaptionAnchorWatch::fault_changes(
    const TraceEvent& ev) {
  std::vector<FaultChange> changes;
  if (ev.kind != EventKind::Fault) return changes;
  const FaultSpec* spec = fault_spec_(ev.tag);
  if (spec == nullptr) return changes;
  const bool end = ev.phase == "end";
  changes.push_back({spec, end});
  const FaultKindInfo& info = fault_kind_info(spec->kind);
  if (end) {
    std::erase(network_faults_, ev.tag);
  } else if (spec->kind == FaultKind::Heal) {
    for (uint64_t other : network_faults_)
      if (const FaultSpec* healed = fault_spec_(other)) changes.push_back({healed, true});
    network_faults_.clear();
  } else if (info.on_network() && !info.instantaneous()) {
    network_faults_.push_back(ev.tag);
  }
  return changes;
}

int64_t CaptionAnchorWatch::occurrences(Pending& p, const TraceEvent& ev,
                                        const std::vector<Violation>& fresh,
                                        const std::vector<FaultChange>& faults) {
  using K = CaptionAnchor::Kind;
  const CaptionAnchor& a = *p.anchor;
  const bool on_node = ev.node != kNoNode && ev.node >= 0 && ev.node < nodes_;
  switch (a.kind) {
    case K::Role: {
      if (ev.kind != EventKind::Role || !on_node || ev.role != a.role) return 0;
      if (!node_matches(a.node, ev.node) || (a.epoch && *a.epoch != ev.epoch)) return 0;
      // Taking the role: a role event whose role or epoch differs from the node's previous one
      // since it booted (a repeated report of the same role and epoch is not a new occurrence).
      const LastRole& last = last_role_[static_cast<size_t>(ev.node)];
      return !last.known || last.role != ev.role || last.epoch != ev.epoch ? 1 : 0;
    }
    case K::Commit: {
      if (ev.kind != EventKind::Record || !on_node || !node_matches(a.node, ev.node)) return 0;
      const size_t node = static_cast<size_t>(ev.node);
      if (p.committed[node]) return 0;
      const std::string_view type = ev.payload->type();
      bool covers = false;
      if (type == "commit") {  // Raft: commit_index advanced, past or to the index
        IntField f("commit_index");
        ev.payload->fields(f);
        covers = f.found && f.value() >= a.index;
      } else if (type == "learn") {  // Multi-Paxos: the node learned the slot's chosen value
        IntField f("slot");
        ev.payload->fields(f);
        covers = f.found && f.value() == a.index;
      }
      if (!covers) return 0;
      p.committed[node] = true;
      return 1;
    }
    case K::Fault: {
      int64_t n = 0;
      for (const FaultChange& f : faults) {
        if (f.end != a.end) continue;
        n += a.fault > 0 ? scripted_position(*f.spec) == a.fault
                         : a.fault_kind && f.spec->kind == *a.fault_kind;
      }
      return n;
    }
    case K::Crash:
      return ev.kind == EventKind::Crash && on_node && node_matches(a.node, ev.node) ? 1 : 0;
    case K::Restart:
      return ev.kind == EventKind::Restart && on_node && node_matches(a.node, ev.node) ? 1 : 0;
    case K::Pause:
      return ev.kind == EventKind::Pause && on_node && node_matches(a.node, ev.node) ? 1 : 0;
    case K::Resume:
      return ev.kind == EventKind::Resume && on_node && node_matches(a.node, ev.node) ? 1 : 0;
    case K::Violation: {
      int64_t n = 0;
      for (const Violation& v : fresh) n += a.checker.empty() || v.checker == a.checker;
      return n;
    }
    case K::Op:
      if (ev.kind != EventKind::ClientReturn || ev.op == nullptr) return 0;
      if (a.op != 0 && ev.op_id != a.op) return 0;
      return !a.outcome || ev.op->outcome == *a.outcome ? 1 : 0;
  }
  return 0;
}

void CaptionAnchorWatch::on_event(const TraceEvent& ev) {
  // The violations the other observers found at this event (they saw it before this one).
  std::vector<Violation> fresh;
  if (watch_violations_) {
    for (size_t i = 0; i < others_.size(); ++i) {
      const std::vector<Violation>& all = others_[i]->violations();
      for (size_t k = violations_seen_[i]; k < all.size(); ++k) fresh.push_back(all[k]);
      violations_seen_[i] = all.size();
    }
  }
  const std::vector<FaultChange> faults = fault_changes(ev);
  for (Pending& p : pending_) {
    if (p.done) continue;
    p.seen += occurrences(p, ev, fresh, faults);
    if (p.seen >= p.nth) {
      p.done = true;
      fired_(p.caption);
    }
  }
  if (ev.node == kNoNode || ev.node < 0 || ev.node >= nodes_) return;
  LastRole& last = last_role_[static_cast<size_t>(ev.node)];
  if (ev.kind == EventKind::Role) last = {true, ev.role, ev.epoch};
  if (ev.kind == EventKind::Crash) last.known = false;
}

}  // namespace ballot
