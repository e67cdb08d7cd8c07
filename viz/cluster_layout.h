// The cluster view's geometry and state at the time cursor, as pure functions (no ImGui): where
// the nodes sit on their circle, how much of each node's election timer is left, where a message
// in flight is along its link, and what each node and link looks like at a time. The cluster
// view (viz/cluster_view.cpp) draws what these return; tests check them without a display.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "viz/trace_model.h"

namespace ballot::viz {

struct ClusterPoint {
  float x = 0, y = 0;
};

// The nodes of a cluster of n on a circle inside the rectangle [x0, x1] x [y0, y1]: n1 at the
// top, then clockwise (on a screen, y grows downwards). Each node is a disc of node_radius, at
// least min_node_radius (what its text needs), with room around it for its timer ring.
struct ClusterGeometry {
  ClusterPoint center;
  float radius = 0;                 // of the circle the nodes' centres lie on
  float node_radius = 0;            // of each node's disc
  std::vector<ClusterPoint> nodes;  // [0] is n1
};
ClusterGeometry cluster_geometry(int32_t n, float x0, float y0, float x1, float y1,
                                 float min_node_radius = 0);

// ---- election timers ----

// The timer tags that an algorithm's election timer has (what starts a bid for leadership, or
// ends a holder's belief that it holds): Raft and Paxos tag 1 (election timeout), Bully tag 2
// (no word from the coordinator), the lease lock tags 1 (acquire) and 3 (the end of the holder's
// belief). Empty for an algorithm the viewer does not know: no rings are drawn.
std::vector<uint64_t> election_timer_tags(std::string_view algorithm);

// One arming of an election timer at a node, from its `arm` event to what ended it: it fired
// (`timer`), was cancelled (`cancel`), was armed again (a new `arm` of the same tag), or the node
// crashed. end_us is the largest Time_us while it is still armed at the end of the model.
struct TimerSpan {
  enum class End : uint8_t { Fired, Cancelled, Rearmed, Crashed, Open };
  Time_us armed_us = 0, due_us = 0, end_us = 0;
  uint64_t tag = 0;
  End end = End::Open;
};
// Per node ([0] is n1), the spans of the timers whose tag is in `tags`, sorted by armed_us.
std::vector<std::vector<TimerSpan>> election_timer_spans(const TraceModel& model,
                                                         const std::vector<uint64_t>& tags);

// The part of the timer still to run at t: 1 when just armed, 0 when due (and while overdue, a
// paused node's for example); outside [armed_us, end_us) -1 (not armed then).
double ring_fraction(const TimerSpan& span, Time_us t);
// The node's election timer at t: the latest-armed span armed at t, or nullptr when none is.
const TimerSpan* armed_at(const std::vector<TimerSpan>& spans, Time_us t);

// ---- messages ----

// A typical delivery time in the model: the median latency of its delivered messages (1 ms when
// none were delivered). What the view assumes for a message whose arrival it cannot know.
Time_us typical_latency(const TraceModel& model);

// Where a message is along its link at t, from 0 (at the sender) to 1 (at the receiver):
// delivered: the fraction of its flight elapsed; in flight at the end of what is known (the end
// of the trace, or the cursor in reveal mode): as if it took `typical_us`, at most 0.9; dropped:
// as if it took `typical_us`, up to where it was lost. -1 when it is not on its link at t (not
// yet sent, or arrived, or lost).
double flight_fraction(const Message& msg, Time_us t, Time_us typical_us);

// A mark the view draws for one message at t: a dot on the link, or the cross where a lost
// message was lost, shown for `linger_us` after the loss.
struct MessageMark {
  uint32_t message = 0;  // index in TraceModel::messages
  float fraction = 0;    // along the link from the sender
  bool lost = false;     // the cross of a lost message
};
// Every mark at t: messages on their link, and crosses of messages lost in (t - linger_us, t].
// Heartbeats are left out when hide_heartbeats.
std::vector<MessageMark> message_marks(const TraceModel& model, Time_us t, Time_us typical_us,
                                       Time_us linger_us, bool hide_heartbeats);

// The point `fraction` of the way from node a's disc edge to node b's (the dot's position).
ClusterPoint along_link(ClusterPoint a, ClusterPoint b, float node_radius, float fraction);

// ---- nodes and links ----

struct ClusterNodeState {
  bool started = false;  // before its start event a node is drawn unknown
  Role role = Role::Follower;
  int64_t epoch = 0;
  bool paused = false;
  int group = -1;  // the partition group it is in while a partition lasts ("A" is 0), else -1
};
ClusterNodeState cluster_node_state(const TraceModel& model, int32_t node, Time_us t);

// ---- cut links ----

// A network fault that cuts links, resolved once per model: which directed links it cuts,
// computed by the kernel's own fault shapes (sim/kernel/fault_shapes.h) from the resolved targets
// in its `begin` event's detail (partition, isolate, link_cut with single nodes or node sets, one
// way or both, bridge, majorities_ring, flap), and when they are cut: over the fault's span, from
// its `begin` to its `end` or the `heal` that ended it; a flap's link only from its begin and
// each `down` event to the next `up`.
struct CutFault {
  uint32_t fault = 0;  // index in TraceModel::faults
  bool flapping = false;
  // While the fault is in force: [begin, end), or to the end of the model when still open (as
  // for any span that has not ended within what is known).
  Time_us begin_us = 0, end_us = 0;
  bool open = true;
  // The times its links are cut: [first, second), the last one possibly open (the same rule).
  std::vector<std::pair<Time_us, Time_us>> down;
  bool down_open = false;  // the last of `down` has not ended
  int32_t n = 0;
  std::vector<bool> cuts;  // n * n: (from - 1) * n + (to - 1)
  bool cuts_link(int32_t from, int32_t to) const;
};
// Every fault of the model that cuts a link between two of its nodes, in the order of the faults.
std::vector<CutFault> cut_faults(const TraceModel& model);

// The links cut at one time: the faults cutting then, and the flapping links in force then (down
// or up). Points into the vector it was made from.
struct LinkCutsAt {
  std::vector<const CutFault*> cutting, flapping;
  // Messages from `from` to `to` are lost.
  bool cut(int32_t from, int32_t to) const;
  // A flap fault is in force on the link between a and b (either direction), down or up.
  bool flaps(int32_t a, int32_t b) const;
};
// At t, for a model that ends at model_end_us (in reveal mode the cursor: nothing after it).
LinkCutsAt link_cuts_at(const std::vector<CutFault>& faults, Time_us t, Time_us model_end_us);

// Whether messages from `from` to `to` are cut at t by a network fault in force then (one query;
// the view resolves cut_faults once per model instead).
bool link_cut(const TraceModel& model, int32_t from, int32_t to, Time_us t);

}  // namespace ballot::viz
