#include "viz/cluster_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>

#include <nlohmann/json.hpp>

#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/fault_shapes.h"
#include "sim/kernel/scenario.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

using nlohmann::json;

constexpr double kPi = std::numbers::pi;
// A node's disc: at most this fraction of the half-side of the square the circle fits in, and at
// most this fraction of the gap between neighbours' centres (so that discs never touch).
constexpr float kNodeOfHalfSide = 0.17f;
constexpr float kNodeOfNeighbourGap = 0.32f;
// Room outside a disc for its timer ring and the label beside it, in node radii.
constexpr float kRingRoom = 1.45f;
// A message whose arrival is not known is drawn at most this far along its link.
constexpr double kUnknownArrivalMax = 0.9;
constexpr Time_us kDefaultLatency_us = 1000;
constexpr Time_us kStillArmed_us = std::numeric_limits<Time_us>::max();

// The integer value of top-level `"key":` in one trace line (0 when absent). Lines have been
// checked by the loader (cli/trace_file.h): an arm line has an integer tag and due.
int64_t int_field(std::string_view line, std::string_view key) {
  std::string pattern = "\"";
  pattern += key;
  pattern += "\":";
  const size_t at = line.find(pattern);
  if (at == std::string_view::npos) return 0;
  size_t i = at + pattern.size();
  bool negative = false;
  if (i < line.size() && line[i] == '-') negative = true, ++i;
  int64_t value = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
    value = value * 10 + (line[i] - '0');
  return negative ? -value : value;
}

bool active_at(const Interval& span, Time_us t, Time_us model_end_us) {
  // A span that never ended within the trace lasts to its end, the end included.
  const bool open = span.end_event == span.begin_event;
  return span.begin_us <= t && (t < span.end_us || (open && t <= model_end_us));
}

bool contains(const std::vector<int32_t>& nodes, int32_t node) {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

// The `"phase":"..."` of a fault event line ("" when absent).
std::string_view fault_phase(std::string_view line) {
  constexpr std::string_view key = "\"phase\":\"";
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  const size_t from = at + key.size();
  const size_t to = line.find('"', from);
  return to == std::string_view::npos ? std::string_view{} : line.substr(from, to - from);
}

// Node numbers (1-based) of a JSON list, as the kernel's 0-based ids; nullopt when it is not a
// list of node numbers in 1..limit (a hand-edited trace: nothing is drawn for that fault).
std::optional<std::vector<NodeId>> node_ids(const json& j, int32_t limit) {
  if (!j.is_array()) return std::nullopt;
  std::vector<NodeId> out;
  for (const json& v : j) {
    if (!v.is_number_integer()) return std::nullopt;
    const auto id = v.get<int64_t>();
    if (id < 1 || id > limit) return std::nullopt;
    out.push_back(static_cast<NodeId>(id - 1));
  }
  return out;
}

// The resolved targets of a fault from its begin event's `detail` (docs/trace-format.md), as the
// kernel's FaultSpec; nodes are 1..n, and n + 1 is the fencing device.
std::optional<FaultSpec> spec_from_detail(FaultKind kind, std::string_view line, int32_t n) {
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("detail") || !j["detail"].is_object())
    return std::nullopt;
  const json& d = j["detail"];
  FaultSpec spec;
  spec.kind = kind;
  const int32_t limit = n + 1;
  if (d.contains("groups")) {
    if (!d["groups"].is_array()) return std::nullopt;
    for (const json& g : d["groups"]) {
      auto ids = node_ids(g, limit);
      if (!ids) return std::nullopt;
      spec.groups.push_back(std::move(*ids));
    }
  }
  if (d.contains("nodes")) {
    auto ids = node_ids(d["nodes"], limit);
    if (!ids) return std::nullopt;
    spec.nodes = std::move(*ids);
  }
  for (const auto& [key, end] : {std::pair{"from", &spec.from}, std::pair{"to", &spec.to}}) {
    if (!d.contains(key)) continue;
    auto ids = node_ids(json::array({d[key]}), limit);
    if (!ids) return std::nullopt;
    *end = ids->front();
  }
  if (d.contains("from_nodes") || d.contains("to_nodes")) {
    auto from = node_ids(d.value("from_nodes", json()), limit);
    auto to = node_ids(d.value("to_nodes", json()), limit);
    if (!from || !to) return std::nullopt;
    spec.link_set_form = true;
    spec.from_nodes = std::move(*from);
    spec.to_nodes = std::move(*to);
  }
  spec.both = d.contains("both") && d["both"].is_boolean() && d["both"].get<bool>();
  // A link cut or flap needs both ends.
  if ((kind == FaultKind::LinkCut && !spec.link_set_form) || kind == FaultKind::Flap)
    if (spec.from == kNoNode || spec.to == kNoNode) return std::nullopt;
  // A bridge's or majorities ring's order lists every node once.
  if (kind == FaultKind::Bridge || kind == FaultKind::MajoritiesRing) {
    std::vector<NodeId> sorted = spec.nodes;
    std::sort(sorted.begin(), sorted.end());
    if (sorted.empty() || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      return std::nullopt;
  }
  return spec;
}
}  // namespace

ClusterGeometry cluster_geometry(int32_t n, float x0, float y0, float x1, float y1,
                                 float min_node_radius) {
  ClusterGeometry g;
  g.center = {(x0 + x1) * 0.5f, (y0 + y1) * 0.5f};
  if (n <= 0) return g;
  const float half = std::max(0.0f, std::min(x1 - x0, y1 - y0) * 0.5f);
  // Neighbours on a circle of radius R are 2 R sin(pi / n) apart; the disc's radius r and the
  // circle's R share the half-side: R + kRingRoom r = half.
  const float gap_per_radius = n > 1 ? 2.0f * static_cast<float>(std::sin(kPi / n)) : 2.0f;
  const float by_gap = kNodeOfNeighbourGap * gap_per_radius;  // r = by_gap * R
  float r = std::min(kNodeOfHalfSide * half, half * by_gap / (1.0f + kRingRoom * by_gap));
  r = std::max(r, min_node_radius);
  g.node_radius = r;
  g.radius = n > 1 ? std::max(0.0f, half - kRingRoom * r) : 0.0f;
  g.nodes.resize(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    // From the top (-pi/2), clockwise: with y downwards, increasing angles turn clockwise.
    const double a = -kPi / 2 + 2 * kPi * i / n;
    g.nodes[static_cast<size_t>(i)] = {g.center.x + g.radius * static_cast<float>(std::cos(a)),
                                       g.center.y + g.radius * static_cast<float>(std::sin(a))};
  }
  return g;
}

std::vector<uint64_t> election_timer_tags(std::string_view algorithm) {
  // The tags are the algorithms' own (algorithms/*/node.h, bully.h, lease/candidate.h).
  if (algorithm == "raft" || algorithm == "paxos") return {1};
  if (algorithm == "bully") return {2};
  if (algorithm == "lease") return {1, 3};
  return {};
}

std::vector<std::vector<TimerSpan>> election_timer_spans(const TraceModel& model,
                                                         const std::vector<uint64_t>& tags) {
  std::vector<std::vector<TimerSpan>> out(model.nodes.size());
  if (tags.empty()) return out;
  auto wanted = [&](uint64_t tag) {
    return std::find(tags.begin(), tags.end(), tag) != tags.end();
  };
  for (size_t n = 0; n < model.nodes.size(); ++n) {
    std::vector<TimerSpan>& spans = out[n];
    std::vector<size_t> open;  // indices in spans still armed
    auto close = [&](size_t k, Time_us t, TimerSpan::End end) {
      spans[open[k]].end_us = t;
      spans[open[k]].end = end;
      open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
    };
    auto close_tag = [&](uint64_t tag, Time_us t, TimerSpan::End end) {
      for (size_t k = 0; k < open.size(); ++k)
        if (spans[open[k]].tag == tag) return close(k, t, end);
    };
    for (uint32_t ei : model.nodes[n].events) {
      const Event& e = model.events[ei];
      switch (e.kind) {
        case EventKind::Arm: {
          const std::string_view line = model.line(ei);
          const auto tag = static_cast<uint64_t>(int_field(line, "tag"));
          if (!wanted(tag)) break;
          close_tag(tag, e.t_us, TimerSpan::End::Rearmed);
          TimerSpan s;
          s.armed_us = e.t_us;
          s.due_us = int_field(line, "due");
          s.tag = tag;
          s.end_us = kStillArmed_us;  // a prefix may be extended: it lasts as long as the model
          open.push_back(spans.size());
          spans.push_back(s);
          break;
        }
        case EventKind::Timer:
        case EventKind::Cancel: {
          const auto tag = static_cast<uint64_t>(int_field(model.line(ei), "tag"));
          if (wanted(tag))
            close_tag(
                tag, e.t_us,
                e.kind == EventKind::Timer ? TimerSpan::End::Fired : TimerSpan::End::Cancelled);
          break;
        }
        case EventKind::Crash:  // timers die with a crash
          while (!open.empty()) close(0, e.t_us, TimerSpan::End::Crashed);
          break;
        default:
          break;
      }
    }
  }
  return out;
}

double ring_fraction(const TimerSpan& span, Time_us t) {
  const bool open = span.end == TimerSpan::End::Open;
  if (t < span.armed_us || t > span.end_us || (t == span.end_us && !open)) return -1;
  if (span.due_us <= span.armed_us) return 0;
  const double left =
      static_cast<double>(span.due_us - t) / static_cast<double>(span.due_us - span.armed_us);
  return std::clamp(left, 0.0, 1.0);
}

const TimerSpan* armed_at(const std::vector<TimerSpan>& spans, Time_us t) {
  // Spans are sorted by armed_us; walk back from the last armed at or before t. Spans of one tag
  // do not overlap, so only as many steps as there are tags (and ended spans) are taken.
  auto it = std::upper_bound(spans.begin(), spans.end(), t,
                             [](Time_us x, const TimerSpan& s) { return x < s.armed_us; });
  constexpr int kLookBack = 8;
  for (int k = 0; it != spans.begin() && k < kLookBack; ++k) {
    --it;
    if (ring_fraction(*it, t) >= 0) return &*it;
  }
  return nullptr;
}

Time_us typical_latency(const TraceModel& model) {
  std::vector<Time_us> latencies;
  for (const Message& m : model.messages)
    if (m.fate == Message::Fate::Delivered) latencies.push_back(m.end_us - m.send_us);
  if (latencies.empty()) return kDefaultLatency_us;
  const size_t mid = latencies.size() / 2;
  std::nth_element(latencies.begin(), latencies.begin() + static_cast<std::ptrdiff_t>(mid),
                   latencies.end());
  return std::max<Time_us>(1, latencies[mid]);
}

double flight_fraction(const Message& msg, Time_us t, Time_us typical_us) {
  if (t < msg.send_us) return -1;
  const double elapsed = static_cast<double>(t - msg.send_us);
  const double typical = static_cast<double>(std::max<Time_us>(1, typical_us));
  switch (msg.fate) {
    case Message::Fate::Delivered:
      if (t >= msg.end_us) return -1;
      return elapsed / static_cast<double>(msg.end_us - msg.send_us);
    case Message::Fate::Dropped:
      if (t >= msg.end_us) return -1;
      return std::min(elapsed / typical, kUnknownArrivalMax);
    case Message::Fate::InFlight:
      if (t > msg.end_us) return -1;
      return std::min(elapsed / typical, kUnknownArrivalMax);
  }
  return -1;
}

std::vector<MessageMark> message_marks(const TraceModel& model, Time_us t, Time_us typical_us,
                                       Time_us linger_us, bool hide_heartbeats) {
  std::vector<MessageMark> out;
  const IndexRange r = messages_in(model, t - std::max<Time_us>(0, linger_us), t);
  for (size_t i = r.first; i < r.last; ++i) {
    const Message& msg = model.messages[i];
    if (hide_heartbeats && msg.heartbeat) continue;
    const double f = flight_fraction(msg, t, typical_us);
    if (f >= 0) {
      out.push_back({static_cast<uint32_t>(i), static_cast<float>(f), false});
    } else if (msg.fate == Message::Fate::Dropped && msg.end_us <= t &&
               t - msg.end_us < linger_us) {
      // Where it was when lost: as far as it had come (a loss as it was sent: at the sender).
      const double at = flight_fraction(msg, msg.end_us - 1, typical_us);
      out.push_back({static_cast<uint32_t>(i), static_cast<float>(std::max(0.0, at)), true});
    }
  }
  return out;
}

ClusterPoint along_link(ClusterPoint a, ClusterPoint b, float node_radius, float fraction) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  if (len <= 2 * node_radius) return {(a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f};
  const float ux = dx / len, uy = dy / len;
  const float travel = len - 2 * node_radius;
  const float d = node_radius + travel * std::clamp(fraction, 0.0f, 1.0f);
  return {a.x + ux * d, a.y + uy * d};
}

ClusterNodeState cluster_node_state(const TraceModel& model, int32_t node, Time_us t) {
  ClusterNodeState s;
  if (node < 1 || node > static_cast<int32_t>(model.nodes.size())) return s;
  const NodeState ns = state_at(model, node, t);
  if (ns.band != nullptr) {
    s.started = true;
    s.role = ns.band->role;
    s.epoch = ns.band->epoch;
  }
  for (const Interval& p : model.nodes[static_cast<size_t>(node - 1)].pauses)
    if (active_at(p, t, model.end_us)) s.paused = true;
  for (const Fault& f : model.faults) {
    if (f.instantaneous || f.groups.empty() || !active_at(f.span, t, model.end_us)) continue;
    for (size_t g = 0; g < f.groups.size(); ++g)
      if (contains(f.groups[g], node)) s.group = static_cast<int>(g);
  }
  return s;
}

bool CutFault::cuts_link(int32_t from, int32_t to) const {
  if (from < 1 || to < 1 || from > n || to > n) return false;
  return cuts[static_cast<size_t>(from - 1) * static_cast<size_t>(n) + static_cast<size_t>(to - 1)];
}

std::vector<CutFault> cut_faults(const TraceModel& model) {
  const auto n = static_cast<int32_t>(model.nodes.size());
  std::vector<CutFault> out;
  std::vector<int64_t> of_fault(model.faults.size(), -1);  // index in out, per fault
  for (size_t fi = 0; fi < model.faults.size(); ++fi) {
    const Fault& f = model.faults[fi];
    if (f.instantaneous) continue;
    const std::optional<FaultKind> kind = fault_kind_from_name(f.kind);
    // A kind this viewer does not know has a shape it does not know either.
    if (!kind || !fault_kind_info(*kind).on_network()) continue;
    const std::optional<FaultSpec> spec =
        spec_from_detail(*kind, model.line(f.span.begin_event), n);
    if (!spec) continue;
    // The fencing device, when there is one, is node n + 1 (index n): the shapes may name it, the
    // view draws no link to it.
    Links links = links_cut(n + 1, *spec);
    std::erase_if(links, [n](const Link& l) { return l.first >= n || l.second >= n; });
    if (links.empty()) continue;
    CutFault c;
    c.fault = static_cast<uint32_t>(fi);
    c.flapping = *kind == FaultKind::Flap;
    c.begin_us = f.span.begin_us;
    c.end_us = f.span.end_us;
    c.open = f.span.end_event == f.span.begin_event;
    c.n = n;
    c.cuts.assign(static_cast<size_t>(n) * static_cast<size_t>(n), false);
    for (const auto& [a, b] : links)
      c.cuts[static_cast<size_t>(a) * static_cast<size_t>(n) + static_cast<size_t>(b)] = true;
    of_fault[fi] = static_cast<int64_t>(out.size());
    out.push_back(std::move(c));
  }
  if (out.empty()) return out;

  // Their down times, from their fault events in order: from the begin and each `down` to the
  // next `up`, and at the latest to the end of the fault's span (its end event, or the heal that
  // ended it: the model ends it there).
  for (uint32_t ev : model.fault_events) {
    const Event& e = model.events[ev];
    if (e.kind != EventKind::Fault || e.aux >= model.faults.size() || of_fault[e.aux] < 0) continue;
    CutFault& c = out[static_cast<size_t>(of_fault[e.aux])];
    if (!c.open && e.t_us >= c.end_us) continue;
    const std::string_view phase = fault_phase(model.line(ev));
    if ((phase == "begin" || phase == "down") && !c.down_open) {
      c.down.emplace_back(e.t_us, e.t_us);
      c.down_open = true;
    } else if (phase == "up" && c.down_open) {
      c.down.back().second = e.t_us;
      c.down_open = false;
    }
  }
  for (CutFault& c : out)
    if (c.down_open && !c.open) {
      c.down.back().second = c.end_us;
      c.down_open = false;
    }
  return out;
}

LinkCutsAt link_cuts_at(const std::vector<CutFault>& faults, Time_us t, Time_us model_end_us) {
  // As a span of the model: its end excluded, to the end of the model (included) while open.
  auto within = [&](Time_us begin, Time_us end, bool open) {
    return begin <= t && (open ? t <= model_end_us : t < end);
  };
  LinkCutsAt at;
  for (const CutFault& c : faults) {
    if (!within(c.begin_us, c.end_us, c.open)) continue;
    if (c.flapping) at.flapping.push_back(&c);
    // The down times are in order: the last one that began at or before t decides.
    auto it = std::upper_bound(
        c.down.begin(), c.down.end(), t,
        [](Time_us x, const std::pair<Time_us, Time_us>& d) { return x < d.first; });
    if (it == c.down.begin()) continue;
    --it;
    const bool last = it + 1 == c.down.end();
    if (within(it->first, it->second, last && c.down_open)) at.cutting.push_back(&c);
  }
  return at;
}

bool LinkCutsAt::cut(int32_t from, int32_t to) const {
  for (const CutFault* c : cutting)
    if (c->cuts_link(from, to)) return true;
  return false;
}

bool LinkCutsAt::flaps(int32_t a, int32_t b) const {
  for (const CutFault* c : flapping)
    if (c->cuts_link(a, b) || c->cuts_link(b, a)) return true;
  return false;
}

bool link_cut(const TraceModel& model, int32_t from, int32_t to, Time_us t) {
  const std::vector<CutFault> faults = cut_faults(model);
  return link_cuts_at(faults, t, model.end_us).cut(from, to);
}

}  // namespace ballot::viz
