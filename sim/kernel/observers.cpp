#include "sim/kernel/observers.h"

#include <algorithm>

namespace ballot {

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {
      "first_leader_us",
      "leader_changes",
      "split_brain_us",
      "split_brain_intervals",
      // What the followers believe (belief_*) and what clients can feel (leader_loss_*,
      // client_unavailable_*): docs/cli.md defines each.
      "belief_unavailable_us",
      "belief_downtime_max_us",
      "belief_downtime_total_us",
      "belief_leader_losses",
      "leader_loss_count",
      "leader_loss_max_us",
      "leader_loss_total_us",
      "client_unavailable_us",
      "client_unavailable_max_us",
      "leaders_at_end",
      "final_leader",
      "messages_sent",
      "messages_delivered",
      "messages_dropped",
      "bytes_sent",
      "violations",
      "events",
      "crashes",
      "client_ok",
      "client_fail",
      "client_info",
      "linearizable",
      "lost_writes",
      "job_duplicates",
      "job_missed",
      "id_duplicates",
      "job_runs",
      "ids_issued",
      "job_late_runs",
      "job_lateness_p50_us",
      "job_lateness_p99_us",
      "job_lateness_max_us",
      // The lease lock's fencing checker (algorithms/lease/checker.h).
      "fencing_stale_writes_accepted",
      "fencing_rejected_ops",
  };
  return names;
}

// ---- leadership ----

LeadershipObserver::LeadershipObserver(int32_t cluster_size, bool has_epochs)
    : n_(cluster_size),
      has_epochs_(has_epochs),
      views_(static_cast<size_t>(cluster_size)),
      paused_(static_cast<size_t>(cluster_size), false) {}

bool LeadershipObserver::can_lead(NodeId leader) const {
  const auto live = [this](NodeId i) {
    return views_[static_cast<size_t>(i)].up && !paused_[static_cast<size_t>(i)];
  };
  if (!live(leader)) return false;
  int32_t reachable = 0;
  if (component_of_) {
    for (NodeId i : component_of_(leader)) reachable += live(i);
  } else {
    for (NodeId i = 0; i < n_; ++i) reachable += live(i);
  }
  return reachable * 2 > n_;
}

void LeadershipObserver::update_ability(Time_us t) {
  const bool serving = acknowledged_leader_ != kNoNode && can_lead(acknowledged_leader_);
  if (serving_ && !serving) serving_lost_us_ = t;
  if (!serving_ && serving && had_served_) leader_losses_us_.push_back(t - serving_lost_us_);
  had_served_ |= serving;
  serving_ = serving;
  if (changes_.empty() || changes_.back().acknowledged != acknowledged_leader_ ||
      changes_.back().serving != serving)
    changes_.push_back({t, acknowledged_leader_, serving});
}

int32_t LeadershipObserver::followers_of(NodeId leader) const {
  int32_t count = 0;
  for (const NodeView& v : views_) count += v.up && v.leader == leader;
  return count;
}

void LeadershipObserver::set_view(const TraceEvent& ev, NodeId node, Role role, int64_t epoch,
                                  NodeId leader, bool up) {
  NodeView& v = views_[static_cast<size_t>(node)];
  const bool was_leader = v.open_interval >= 0;
  const bool is_leader = up && role == Role::Leader;
  if (was_leader && (!is_leader || epoch != v.epoch)) {
    intervals_[static_cast<size_t>(v.open_interval)].end_us = ev.time_us;
    v.open_interval = -1;
  }
  if (is_leader && v.open_interval < 0) {
    LeaderInterval interval;
    interval.node = node;
    interval.epoch = epoch;
    interval.begin_us = ev.time_us;
    intervals_.push_back(interval);
    v.open_interval = static_cast<int>(intervals_.size()) - 1;
    if (has_epochs_) {
      // Election Safety (Raft §5.2, and its analogues): at most one leader per epoch.
      auto [it, fresh] = leader_of_epoch_.emplace(epoch, node);
      if (!fresh && it->second != node) {
        Violation found;
        found.checker = "one_leader_per_epoch";
        found.event_index = ev.index;
        found.time_us = ev.time_us;
        found.nodes = {it->second, node};
        found.message = "two leaders in epoch " + std::to_string(epoch) + ": " +
                        node_name(it->second) + " and " + node_name(node);
        violation(std::move(found));
      }
    }
  }
  v.up = up;
  v.role = role;
  v.epoch = epoch;
  // A leader follows itself; a crashed node follows nobody.
  v.leader = !up ? kNoNode : (role == Role::Leader ? node : leader);
}

void LeadershipObserver::update_global(const TraceEvent& ev) {
  const Time_us t = ev.time_us;
  // Split brain: two or more nodes believe they lead at once.
  std::vector<NodeId> leaders;
  for (NodeId i = 0; i < n_; ++i)
    if (views_[static_cast<size_t>(i)].open_interval >= 0) leaders.push_back(i);
  const bool split = leaders.size() >= 2;
  const bool in_split = !split_brains_.empty() && split_brains_.back().end_us == kNever_us;
  if (split && !in_split) split_brains_.push_back({t, kNever_us, leaders});
  if (split && in_split) {
    auto& all = split_brains_.back().leaders;
    for (NodeId l : leaders)
      if (std::find(all.begin(), all.end(), l) == all.end()) all.push_back(l);
    std::sort(all.begin(), all.end());
  }
  if (!split && in_split) split_brains_.back().end_us = t;

  // The acknowledged leader: a leader that a majority (itself included) follows.
  NodeId acknowledged = kNoNode;
  for (NodeId l : leaders)
    if (followers_of(l) * 2 > n_) acknowledged = l;
  const int64_t ack_epoch =
      acknowledged == kNoNode ? 0 : views_[static_cast<size_t>(acknowledged)].epoch;
  if (acknowledged != kNoNode) {
    LeaderInterval& interval =
        intervals_[static_cast<size_t>(views_[static_cast<size_t>(acknowledged)].open_interval)];
    if (interval.acknowledged_us == kNever_us) interval.acknowledged_us = t;
  }
  if (acknowledged == acknowledged_leader_ &&
      (acknowledged == kNoNode || ack_epoch == acknowledged_epoch_))
    return;
  if (acknowledged_leader_ != kNoNode && acknowledged == kNoNode) {
    lost_since_us_ = t;  // a leader loss: downtime runs until the next acknowledgement
    ++leader_losses_;
  }
  if (acknowledged != kNoNode) {
    if (acknowledged_leader_ == kNoNode) {
      unavailable_us_ += t - lost_since_us_;
      if (had_acknowledged_) downtimes_us_.push_back(t - lost_since_us_);
    }
    // A change is a different (leader, epoch) from the last acknowledged one, gap or not.
    if (had_acknowledged_ && (acknowledged != last_ack_node_ || ack_epoch != last_ack_epoch_))
      ++leader_changes_;
    if (first_leader_us_ == kNever_us) first_leader_us_ = t;
    had_acknowledged_ = true;
    last_ack_node_ = acknowledged;
    last_ack_epoch_ = ack_epoch;
  }
  acknowledged_leader_ = acknowledged;
  acknowledged_epoch_ = ack_epoch;
}

void LeadershipObserver::on_event(const TraceEvent& ev) {
  now_us_ = ev.time_us;
  switch (ev.kind) {
    case EventKind::Role:
      set_view(ev, ev.node, ev.role, ev.epoch, ev.leader, true);
      break;
    case EventKind::Crash:
      set_view(ev, ev.node, Role::Follower, views_[static_cast<size_t>(ev.node)].epoch, kNoNode,
               false);
      break;
    case EventKind::Start:
    case EventKind::Restart:
      set_view(ev, ev.node, Role::Follower, 0, kNoNode, true);
      paused_[static_cast<size_t>(ev.node)] = false;
      break;
    case EventKind::Pause:
    case EventKind::Resume:
      paused_[static_cast<size_t>(ev.node)] = ev.kind == EventKind::Pause;
      update_ability(ev.time_us);
      return;
    case EventKind::Fault:  // the network changed before the fault's event
      update_ability(ev.time_us);
      return;
    case EventKind::Send:
    case EventKind::Deliver:
    case EventKind::Drop:
    case EventKind::Timer:
    case EventKind::Clock:
    case EventKind::Note:
    case EventKind::Record:
    case EventKind::ClientInvoke:
    case EventKind::ClientReturn:
    case EventKind::Caption:
    case EventKind::Job:
    case EventKind::Id:
    case EventKind::Arm:
    case EventKind::Cancel:
      return;
  }
  update_global(ev);
  update_ability(ev.time_us);
}

void LeadershipObserver::on_finish(Time_us end_us) {
  end_us_ = end_us;
  if (acknowledged_leader_ == kNoNode) {
    unavailable_us_ += end_us - lost_since_us_;
    if (had_acknowledged_) downtimes_us_.push_back(end_us - lost_since_us_);
  }
  if (!serving_ && had_served_) leader_losses_us_.push_back(end_us - serving_lost_us_);
  if (!split_brains_.empty() && split_brains_.back().end_us == kNever_us)
    split_brains_.back().end_us = end_us;
}

void LeadershipObserver::add_metrics(std::map<std::string, int64_t>& metrics) const {
  Time_us split_us = 0;
  for (const auto& s : split_brains_) split_us += s.end_us - s.begin_us;
  Time_us downtime_max_us = 0, downtime_total_us = 0;
  for (Time_us d : downtimes_us_) {
    downtime_max_us = std::max(downtime_max_us, d);
    downtime_total_us += d;
  }
  Time_us loss_max_us = 0, loss_total_us = 0;
  for (Time_us d : leader_losses_us_) {
    loss_max_us = std::max(loss_max_us, d);
    loss_total_us += d;
  }
  int64_t leaders_at_end = 0;
  for (const NodeView& v : views_) leaders_at_end += v.open_interval >= 0;
  metrics["first_leader_us"] = first_leader_us_ == kNever_us ? -1 : first_leader_us_;
  metrics["leader_changes"] = leader_changes_;
  metrics["belief_leader_losses"] = leader_losses_;
  metrics["leader_loss_count"] = static_cast<int64_t>(leader_losses_us_.size());
  metrics["leader_loss_max_us"] = loss_max_us;
  metrics["leader_loss_total_us"] = loss_total_us;
  metrics["split_brain_us"] = split_us;
  metrics["split_brain_intervals"] = static_cast<int64_t>(split_brains_.size());
  metrics["belief_unavailable_us"] = unavailable_us_;
  metrics["belief_downtime_max_us"] = downtime_max_us;
  metrics["belief_downtime_total_us"] = downtime_total_us;
  metrics["leaders_at_end"] = leaders_at_end;
  metrics["final_leader"] = acknowledged_leader_ == kNoNode ? 0 : acknowledged_leader_ + 1;
}

// ---- traffic ----

TrafficObserver::Counts& TrafficObserver::counts_for(std::string_view type) {
  // Message types are static strings, so a type is nearly always seen again at the same address:
  // the same address and size is a sure hit; otherwise look the name up by its contents (never
  // order or key by address).
  for (const Seen& s : seen_)
    if (s.type.data() == type.data() && s.type.size() == type.size()) return *s.counts;
  auto it = by_type_.find(type);
  if (it == by_type_.end()) it = by_type_.emplace(std::string(type), Counts{}).first;
  if (seen_.size() < 64) seen_.push_back(Seen{type, &it->second});
  return it->second;
}

void TrafficObserver::on_event(const TraceEvent& ev) {
  switch (ev.kind) {
    case EventKind::Send: {
      Counts& c = counts_for(ev.payload->type());
      const int64_t bytes = ev.payload->size_bytes();
      ++c.sent;
      c.bytes_sent += bytes;
      ++total_.sent;
      total_.bytes_sent += bytes;
      break;
    }
    case EventKind::Deliver:
      ++counts_for(ev.payload->type()).delivered;
      ++total_.delivered;
      break;
    case EventKind::Drop:
      ++counts_for(ev.payload->type()).dropped;
      ++total_.dropped;
      break;
    case EventKind::Start:
    case EventKind::Timer:
    case EventKind::Role:
    case EventKind::Fault:
    case EventKind::Crash:
    case EventKind::Restart:
    case EventKind::Pause:
    case EventKind::Resume:
    case EventKind::Clock:
    case EventKind::Note:
    case EventKind::Record:
    case EventKind::ClientInvoke:
    case EventKind::ClientReturn:
    case EventKind::Caption:
    case EventKind::Job:
    case EventKind::Id:
    case EventKind::Arm:
    case EventKind::Cancel:
      break;
  }
}

void TrafficObserver::add_metrics(std::map<std::string, int64_t>& metrics) const {
  metrics["messages_sent"] = total_.sent;
  metrics["messages_delivered"] = total_.delivered;
  metrics["messages_dropped"] = total_.dropped;
  metrics["bytes_sent"] = total_.bytes_sent;
}

// ---- damage ----

void DamageObserver::on_event(const TraceEvent& ev) {
  if (ev.kind == EventKind::Role) {
    epoch_of_[ev.node] = ev.epoch;
    return;
  }
  auto epoch = epoch_of_.find(ev.node);
  const Occurrence now{ev.node, epoch == epoch_of_.end() ? 0 : epoch->second, ev.time_us};
  auto note = [&now](std::map<int64_t, Occurrence>& first, std::vector<Duplicate>& dups,
                     int64_t what) {
    auto [it, fresh] = first.emplace(what, now);
    if (!fresh) dups.push_back({what, it->second, now});
  };
  if (ev.kind == EventKind::Job) note(first_job_, job_dups_, static_cast<int64_t>(ev.tag));
  if (ev.kind == EventKind::Id) note(first_id_, id_dups_, static_cast<int64_t>(ev.tag));
  if (ev.kind == EventKind::Job) {
    const auto period = static_cast<int64_t>(ev.tag);
    ++job_runs_[period];
    const Time_us late_us =
        std::max<Time_us>(0, ev.time_us - (start_us_ + period * job_period_us_));
    lateness_us_.emplace(period, late_us);  // the period's first run
    late_runs_ += late_us > job_period_us_;
  }
  if (ev.kind == EventKind::Id) ++ids_[static_cast<int64_t>(ev.tag)];
}

void DamageObserver::add_metrics(std::map<std::string, int64_t>& metrics) const {
  if (job_period_us_ > 0) {
    int64_t runs = 0, duplicates = 0, missed = 0;
    for (const auto& [period, count] : job_runs_) {
      runs += count;
      duplicates += count - 1;
    }
    // Every period that ended before the run did should have run once.
    const int64_t due = end_us_ > start_us_ ? (end_us_ - start_us_) / job_period_us_ : 0;
    for (int64_t k = 0; k < due; ++k) missed += job_runs_.count(k) == 0;
    metrics["job_runs"] = runs;
    metrics["job_duplicates"] = duplicates;
    metrics["job_missed"] = missed;
    metrics["job_late_runs"] = late_runs_;
    if (!lateness_us_.empty()) {
      std::vector<Time_us> late;
      for (const auto& [period, us] : lateness_us_) late.push_back(us);
      std::sort(late.begin(), late.end());
      // Nearest rank: the smallest value with at least q of the periods at or below it.
      auto rank = [&late](int64_t percent) {
        const size_t k = (late.size() * static_cast<size_t>(percent) + 99) / 100;
        return late[k == 0 ? 0 : k - 1];
      };
      metrics["job_lateness_p50_us"] = rank(50);
      metrics["job_lateness_p99_us"] = rank(99);
      metrics["job_lateness_max_us"] = late.back();
    }
  }
  if (id_interval_us_ > 0) {
    int64_t issued = 0, duplicates = 0;
    for (const auto& [id, count] : ids_) {
      issued += count;
      duplicates += count - 1;
    }
    metrics["ids_issued"] = issued;
    metrics["id_duplicates"] = duplicates;
  }
}

}  // namespace ballot
