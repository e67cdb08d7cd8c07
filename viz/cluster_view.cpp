#include "viz/cluster_view.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include <imgui.h>

#include "viz/draw_util.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

constexpr float kPi = std::numbers::pi_v<float>;
// The view's share of the window beside the timeline.
constexpr float kMaxWidthShare = 0.45f;
constexpr float kPadding_px = 8.0f;
// The timer ring: this far outside the disc and this thick, in node radii (at least 2 px).
constexpr float kRingGap_radii = 0.14f;
constexpr float kRingThickness_radii = 0.13f;
constexpr uint8_t kRingTrackAlpha = 60;
// Message dots and the cross of a lost message, in node radii (at least these many px).
constexpr float kDot_radii = 0.16f;
constexpr float kDotMin_px = 3.5f;
constexpr float kCross_radii = 0.2f;
// A lost message's cross stays this many typical latencies after the loss.
constexpr Time_us kLossLinger_latencies = 2;
// The cut across a link: a red bar this long each side of the link (node radii). Cut both ways:
// two bars this far apart in the middle; one way: one bar this far along from the sender, and a
// chevron this far before it (node radii).
constexpr float kCut_radii = 0.45f;
constexpr float kCutGap_radii = 0.3f;
constexpr float kOneWayCutAt = 0.68f;
constexpr float kChevron_radii = 0.35f;
// A flapping link: dashes and gaps this long (node radii, at least 3 px).
constexpr float kDash_radii = 0.25f;
constexpr uint8_t kFlapLinkAlpha = 150;
constexpr uint8_t kLinkAlpha = 70;
constexpr uint8_t kCutLinkAlpha = 35;
constexpr uint8_t kHeartbeatDotAlpha = 190;

ImVec2 iv(ClusterPoint p) {
  return ImVec2(p.x, p.y);
}

// An arc of `fraction` of a circle from the top, clockwise.
void ring(ImDrawList* dl, ImVec2 c, float r, float fraction, ImU32 color, float thickness) {
  if (fraction <= 0) return;
  const float a0 = -kPi / 2, a1 = a0 + 2 * kPi * std::min(fraction, 1.0f);
  const int segments = std::max(6, static_cast<int>(48 * fraction));
  dl->PathArcTo(c, r, a0, a1, segments);
  dl->PathStroke(color, false, thickness);
}

// Diagonal hatching inside a disc (clipped to its inscribed square, which stays inside it).
void hatch_disc(ImDrawList* dl, ImVec2 c, float r, ImU32 color) {
  const float s = r * 0.70f;
  hatch_rect(dl, ImVec2(c.x - s, c.y - s), ImVec2(c.x + s, c.y + s), color,
             std::max(3.0f, r * 0.28f), std::max(1.0f, r * 0.06f));
}

// A dashed line from a to b.
void dashed_line(ImDrawList* dl, ClusterPoint a, ClusterPoint b, float node_radius, ImU32 color) {
  const float dx = b.x - a.x, dy = b.y - a.y;
  const float len = std::sqrt(dx * dx + dy * dy);
  const float dash = std::max(3.0f, node_radius * kDash_radii);
  if (len <= 0) return;
  for (float s = 0; s < len; s += 2 * dash) {
    const float e = std::min(len, s + dash);
    dl->AddLine(ImVec2(a.x + dx * s / len, a.y + dy * s / len),
                ImVec2(a.x + dx * e / len, a.y + dy * e / len), color, 1.5f);
  }
}

char group_letter(int group) {
  return static_cast<char>('A' + std::min(group, 25));
}

}  // namespace

float ClusterView::width_for(float available, float height) {
  return std::max(0.0f, std::min(height, available * kMaxWidthShare));
}

void ClusterView::refresh(const TraceModel& m) {
  if (cached_ == &m && cached_events_ == m.events.size() && cached_text_ == m.text.size()) return;
  cached_ = &m;
  cached_events_ = m.events.size();
  cached_text_ = m.text.size();
  spans_ = election_timer_spans(m, election_timer_tags(m.algorithm));
  cuts_ = cut_faults(m);
  typical_us_ = typical_latency(m);
}

void ClusterView::Draw(const std::vector<const TraceModel*>& models, const ViewState& view) {
  if (models.empty() || models.front() == nullptr) return;
  const TraceModel& m = *models.front();
  refresh(m);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 p1(p0.x + std::max(avail.x, 1.0f), p0.y + std::max(avail.y, 1.0f));
  dl->PushClipRect(p0, p1, true);
  dl->AddRectFilled(p0, p1, col(kLaneColor));
  const Time_us t = std::min(view.cursor_us, m.run_end_us());

  // Title: what and when.
  const std::string title = "cluster at " + format_time(t);
  text_at(dl, TextSize::Normal, ImVec2(p0.x + kPadding_px, p0.y + kPadding_px * 0.5f),
          col(kHeaderTextColor), title.c_str());
  const float title_h = font_px(TextSize::Normal) + kPadding_px;

  const int32_t n = static_cast<int32_t>(m.nodes.size());
  const float lane_px = font_px(TextSize::Lane), small_px = font_px(TextSize::Small);
  // The disc holds the node's name and epoch: two lines of text.
  const float min_r = (lane_px + small_px) * 0.62f;
  const ClusterGeometry geo = cluster_geometry(n, p0.x + kPadding_px, p0.y + title_h,
                                               p1.x - kPadding_px, p1.y - kPadding_px, min_r);
  const float r = geo.node_radius;
  const std::vector<std::string> types = union_message_types(models);

  // Links, and the cut across each cut one: a red bar across the link nearer the receiver whose
  // messages are lost, with a chevron pointing at it, for a one-way cut; two bars in the middle
  // for a cut both ways. A flapping link is dashed red while its fault lasts (cut while down).
  std::vector<ClusterNodeState> states(static_cast<size_t>(n));
  for (int32_t i = 1; i <= n; ++i) states[static_cast<size_t>(i - 1)] = cluster_node_state(m, i, t);
  const LinkCutsAt cuts = link_cuts_at(cuts_, t, m.end_us);
  const float cut_w = std::max(2.0f, r * 0.08f);
  for (int32_t a = 1; a <= n; ++a) {
    for (int32_t b = a + 1; b <= n; ++b) {
      if (view.filters.node_hidden(a) || view.filters.node_hidden(b)) continue;
      const ClusterPoint pa = geo.nodes[static_cast<size_t>(a - 1)];
      const ClusterPoint pb = geo.nodes[static_cast<size_t>(b - 1)];
      const bool ab = cuts.cut(a, b), ba = cuts.cut(b, a);
      if (cuts.flaps(a, b))
        dashed_line(dl, pa, pb, r, col(kDropColor, kFlapLinkAlpha));
      else
        dl->AddLine(iv(pa), iv(pb), col(kTickColor, ab || ba ? kCutLinkAlpha : kLinkAlpha), 1.0f);
      if (!ab && !ba) continue;
      const float dx = pb.x - pa.x, dy = pb.y - pa.y;
      const float len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
      const float ux = dx / len, uy = dy / len;  // along the link, from a to b
      const float h = r * kCut_radii;
      const ImVec2 across(-uy * h, ux * h);
      auto bar = [&](ClusterPoint at) {
        dl->AddLine(ImVec2(at.x - across.x, at.y - across.y),
                    ImVec2(at.x + across.x, at.y + across.y), col(kDropColor), cut_w);
      };
      if (ab && ba) {
        const float gap = std::max(2.0f * cut_w, r * kCutGap_radii) * 0.5f;
        const ClusterPoint mid = {(pa.x + pb.x) * 0.5f, (pa.y + pb.y) * 0.5f};
        bar({mid.x - ux * gap, mid.y - uy * gap});
        bar({mid.x + ux * gap, mid.y + uy * gap});
        continue;
      }
      // One way: the bar nearer the receiver, a chevron on the sender's side pointing at it.
      const ClusterPoint from = ab ? pa : pb, to = ab ? pb : pa;
      const float sx = ab ? ux : -ux, sy = ab ? uy : -uy;  // from the sender to the receiver
      const ClusterPoint at = {from.x + (to.x - from.x) * kOneWayCutAt,
                               from.y + (to.y - from.y) * kOneWayCutAt};
      bar(at);
      const float tip_back = r * kChevron_radii, wing = h * 0.7f;
      const ImVec2 tip(at.x - sx * tip_back, at.y - sy * tip_back);
      const ImVec2 base(tip.x - sx * wing, tip.y - sy * wing);
      dl->AddLine(ImVec2(base.x - sy * wing, base.y + sx * wing), tip, col(kDropColor), cut_w);
      dl->AddLine(ImVec2(base.x + sy * wing, base.y - sx * wing), tip, col(kDropColor), cut_w);
    }
  }

  // Messages on their links; crosses where lost ones were lost (drawn over the nodes, since a
  // message lost as it was sent is lost at its sender's edge).
  const float dot = std::max(kDotMin_px, r * kDot_radii);
  std::vector<ImVec2> crosses;
  const Filters& filters = view.filters;
  for (const MessageMark& mk : message_marks(m, t, typical_us_, typical_us_ * kLossLinger_latencies,
                                             filters.hide_heartbeats)) {
    const Message& msg = m.messages[mk.message];
    if (msg.from < 1 || msg.to < 1 || msg.from > n || msg.to > n) continue;
    if (filters.node_hidden(msg.from) || filters.node_hidden(msg.to)) continue;
    if (!filters.show_messages || filters.hidden_types.count(m.message_types[msg.type]) > 0)
      continue;
    if (mk.lost && !filters.show_drops) continue;
    const ClusterPoint p = along_link(geo.nodes[static_cast<size_t>(msg.from - 1)],
                                      geo.nodes[static_cast<size_t>(msg.to - 1)], r, mk.fraction);
    if (mk.lost) {
      crosses.push_back(iv(p));
      continue;
    }
    const Rgb c = msg.duplicate   ? kDuplicateColor
                  : msg.heartbeat ? kHeartbeatColor
                                  : message_type_color(types, m.message_types[msg.type]);
    dl->AddCircleFilled(iv(p), dot, col(c, msg.heartbeat ? kHeartbeatDotAlpha : 255), 16);
    if (msg.answer != Message::Answer::None) {
      // A vote reply: ringed green when granted, red when refused.
      const bool granted = msg.answer == Message::Answer::Granted;
      dl->AddCircle(iv(p), dot + 2.0f, col(granted ? kVoteGrantedColor : kVoteRefusedColor), 16,
                    2.5f);
    }
  }

  // Nodes: a disc in the role colour, the timer ring, name and epoch, crashed, paused, group.
  const float ring_r = r * (1 + kRingGap_radii);
  const float ring_w = std::max(2.0f, r * kRingThickness_radii);
  for (int32_t i = 1; i <= n; ++i) {
    if (filters.node_hidden(i)) continue;
    const ClusterNodeState& s = states[static_cast<size_t>(i - 1)];
    const ImVec2 c = iv(geo.nodes[static_cast<size_t>(i - 1)]);
    const bool crashed = s.started && s.role == Role::Crashed;
    const Rgb fill = !s.started ? kUnknownColor : role_color(s.role);
    dl->AddCircleFilled(c, r, col(fill), 40);
    if (crashed) hatch_disc(dl, c, r, col(kCrashedHatchColor));
    if (s.paused) {
      hatch_disc(dl, c, r, col(kPausedColor, 220));
      dl->AddCircle(c, r, col(kPausedColor), 40, std::max(2.0f, r * 0.1f));
    }
    // The election timer: the part still to run, from the top clockwise.
    if (!crashed && static_cast<size_t>(i - 1) < spans_.size()) {
      dl->AddCircle(c, ring_r, col(kTickColor, kRingTrackAlpha), 40, ring_w);
      if (const TimerSpan* span = armed_at(spans_[static_cast<size_t>(i - 1)], t))
        ring(dl, c, ring_r, static_cast<float>(ring_fraction(*span, t)), col(kWhite), ring_w);
    }
    const std::string name = node_name(i);
    const Rgb text_bg = crashed ? kCrashedColor : fill;
    const ImU32 text = crashed ? col(kCrashedTextColor) : text_color_on(text_bg);
    std::string second = crashed ? "down" : s.paused ? "paused" : "";
    if (second.empty() && s.started && m.has_epochs) second = "e" + std::to_string(s.epoch);
    const ImVec2 ns = text_size(TextSize::Lane, name.c_str());
    const float block = ns.y + (second.empty() ? 0 : small_px);
    text_at(dl, TextSize::Lane, ImVec2(c.x - ns.x * 0.5f, c.y - block * 0.5f), text, name.c_str());
    if (!second.empty()) {
      const ImVec2 ss = text_size(TextSize::Small, second.c_str());
      text_at(dl, TextSize::Small, ImVec2(c.x - ss.x * 0.5f, c.y - block * 0.5f + ns.y), text,
              second.c_str());
    }
    if (s.group >= 0) {
      const char tag[2] = {group_letter(s.group), 0};
      label_with_background(dl, ImVec2(c.x + r * 0.8f, c.y - r * 1.3f), col(kPartitionColor), tag);
    }
  }
  for (const ImVec2& p : crosses)
    x_mark(dl, p, std::max(dot, r * kCross_radii), col(kDropColor), 2.5f);
  dl->PopClipRect();
  ImGui::Dummy(avail);
}

}  // namespace ballot::viz
