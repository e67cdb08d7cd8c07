// Messages between the node lanes: an arrow each while they can be told apart, else folded into
// traffic ticks per pixel column; losses (an X) and the selected message drawn over the bands.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// Every arrow is drawn while there are at most this many (and this many per pixel of width) in
// view; beyond, they are folded into traffic ticks. Heartbeats fold sooner: they are many and
// alike. Software OpenGL pays for every long thin triangle, so these are kept modest.
constexpr size_t kArrowBudget = 1500;
constexpr float kArrowsPerPx = 0.8f;
constexpr size_t kHeartbeatArrowBudget = 400;
constexpr float kHeartbeatArrowsPerPx = 0.3f;
// Beyond this many messages in the window they are not counted: both classes fold.
constexpr size_t kCountLimit = 20000;
// More messages in view than this per pixel of width: arrows are drawn fainter.
constexpr float kDenseMessagesPerPx = 0.25f;
// Folded traffic is drawn per column of this many pixels, looking at most at
// kMaxMessagesPerColumn messages of each.
constexpr int kTrafficColumnPx = 2;
constexpr int kMaxMessagesPerColumn = 24;
constexpr float kArrowThickness_px = 1.7f;
constexpr float kHeartbeatThickness_px = 1.0f;
// Arrowheads grow with the lane, within bounds.
constexpr float kArrowHead_lanes = 0.16f;
constexpr float kArrowHeadMin_px = 5.0f;
constexpr float kArrowHeadMax_px = 9.0f;
// Opacity: heartbeats fainter than the rest, everything fainter when dense, in-flight faintest.
constexpr uint8_t kArrowAlpha = 240;
constexpr uint8_t kDenseArrowAlpha = 170;
constexpr uint8_t kHeartbeatAlpha = 150;
constexpr uint8_t kDenseHeartbeatAlpha = 70;
constexpr uint8_t kInFlightAlpha = 90;
// A loss is an X at the arrow's end, a duplicate a ring.
constexpr float kDropMarkDense_px = 3.0f;
constexpr float kDropMarkMin_px = 3.5f;
constexpr float kDropMark_heads = 0.55f;
constexpr float kDropMarkLine_px = 2.0f;
constexpr float kDuplicateRing_px = 4.0f;
// A vote reply's answer: a disc this far along the arrow from the voter, this fraction of a head.
constexpr float kAnswerAlong = 0.3f;
constexpr float kAnswerMark_heads = 0.6f;
constexpr float kAnswerMarkMin_px = 4.0f;
// The selected message: thicker, in the cursor colour, ringed at both ends.
constexpr float kSelectedThickness_px = 3.0f;
constexpr float kSelectedHead_px = 10.0f;
constexpr float kSelectedSendRing_px = 6.0f;
constexpr float kSelectedEndRing_px = 8.0f;
// Traffic ticks above and below the sender's band.
constexpr float kTrafficTick_lanes = 0.14f;
constexpr float kTrafficTickMax_px = 7.0f;
constexpr uint8_t kTrafficAlpha = 230;
constexpr uint8_t kHeartbeatTrafficAlpha = 120;

// Messages too dense for arrows (heartbeats, the others, or both): per pixel column, a tick
// above and below each sender's band, and a red one under it where a message was lost.
void draw_traffic(Frame& f, const Section& s, bool heartbeats, bool others) {
  const TraceModel& m = *s.m;
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const auto& ms = m.messages;
  const float tick = std::min(s.lane_h * kTrafficTick_lanes, kTrafficTickMax_px);
  // Per lane: whether the column saw a message leave it, a non-heartbeat one (its colour), a loss.
  std::vector<int> seen(static_cast<size_t>(m.node_count), 0);
  std::vector<Rgb> color(static_cast<size_t>(m.node_count));
  std::vector<bool> lost(static_cast<size_t>(m.node_count));
  // Adjacent columns of the same colour are drawn as one rectangle: far fewer primitives.
  struct Run {
    float x0 = 0, x1 = 0;
    ImU32 c = 0;
  };
  std::vector<Run> runs(static_cast<size_t>(m.node_count)),
      lost_runs(static_cast<size_t>(m.node_count));
  auto flush = [&](Run& r, int32_t n, bool is_lost) {
    if (r.c == 0) return;
    const float yb = s.band_bottom(n), yt = s.band_top(n);
    if (is_lost) {
      dl->AddRectFilled(ImVec2(r.x0, yb + 2 + tick), ImVec2(r.x1, yb + 4 + tick), r.c);
    } else {
      dl->AddRectFilled(ImVec2(r.x0, yb + 1), ImVec2(r.x1, yb + 1 + tick), r.c);
      dl->AddRectFilled(ImVec2(r.x0, yt - 1 - tick), ImVec2(r.x1, yt - 1), r.c);
    }
    ++f.stats.arrows;
    r.c = 0;
  };
  auto extend = [&](Run& r, float x, ImU32 c, int32_t n, bool is_lost) {
    if (c != 0 && c == r.c && r.x1 >= x) {
      r.x1 = x + kTrafficColumnPx;
      return;
    }
    flush(r, n, is_lost);
    if (c != 0) r = {x, x + kTrafficColumnPx, c};
  };
  auto it = ms.begin();
  for (float x = g.x0; x < g.x1; x += kTrafficColumnPx) {
    const Time_us c0 = g.t(x), c1 = g.t(x + kTrafficColumnPx);
    it = std::lower_bound(it, ms.end(), c0,
                          [](const Message& msg, Time_us t) { return msg.send_us < t; });
    std::fill(seen.begin(), seen.end(), 0);
    std::fill(lost.begin(), lost.end(), false);
    int looked = 0;
    for (auto k = it; k != ms.end() && k->send_us < c1 && looked < kMaxMessagesPerColumn;
         ++k, ++looked) {
      if ((k->heartbeat ? !heartbeats : !others) || !s.lane_visible(k->from) ||
          !s.lane_visible(k->to) || !message_shown(*k, f.view.filters, s.type_hidden))
        continue;
      const auto n = static_cast<size_t>(k->from - 1);
      if (seen[n] < 2 && !k->heartbeat) color[n] = s.type_color[k->type], seen[n] = 2;
      if (seen[n] == 0) color[n] = kHeartbeatColor, seen[n] = 1;
      lost[n] = lost[n] || k->fate == Message::Fate::Dropped;
    }
    if (looked > 0) ++f.stats.folded_columns;
    for (int32_t n : s.lanes) {
      const auto i = static_cast<size_t>(n - 1);
      extend(
          runs[i], x,
          seen[i] == 0 ? 0 : col(color[i], seen[i] == 2 ? kTrafficAlpha : kHeartbeatTrafficAlpha),
          n, false);
      extend(lost_runs[i], x, lost[i] ? col(kDropColor) : 0, n, true);
    }
  }
  for (int32_t n : s.lanes) {
    flush(runs[static_cast<size_t>(n - 1)], n, false);
    flush(lost_runs[static_cast<size_t>(n - 1)], n, true);
  }
}

}  // namespace

bool message_shown(const Message& msg, const Filters& f, const std::vector<bool>& type_hidden) {
  if (!f.show_messages) return false;
  if (f.hide_heartbeats && msg.heartbeat) return false;
  if (msg.fate == Message::Fate::Dropped && !f.show_drops) return false;
  if (msg.type < type_hidden.size() && type_hidden[msg.type]) return false;
  if (f.node_hidden(msg.from) || f.node_hidden(msg.to)) return false;
  return true;
}

void draw_messages(Frame& f, const Section& s) {
  const TraceModel& m = *s.m;
  const ViewState& view = f.view;
  if (!view.filters.show_messages || m.messages.empty()) return;
  ImDrawList* dl = f.dl;
  const TimeAxis& g = f.axis();
  const IndexRange r = messages_in(m, g.t0, g.t1);
  const size_t in_window = r.last - r.first;
  const float width = std::max(1.0f, g.x1 - g.x0);
  auto shown = [&](const Message& msg) {
    return s.lane_visible(msg.from) && s.lane_visible(msg.to) &&
           message_shown(msg, view.filters, s.type_hidden);
  };
  // Heartbeats and the other messages are decided apart: each class gets arrows while they can
  // be told apart, else it is folded into per-column traffic ticks (draw_traffic). Counting what
  // is shown costs one pass over the window, so beyond kCountLimit both classes fold unseen.
  size_t shown_hb = 0, shown_other = 0;
  const bool counted = in_window <= kCountLimit;
  if (counted)
    for (size_t i = r.first; i < r.last; ++i) {
      const Message& msg = m.messages[i];
      if (msg.end_us < g.t0 || !shown(msg)) continue;
      ++(msg.heartbeat ? shown_hb : shown_other);
    }
  const bool arrows_other = counted && shown_other <= kArrowBudget &&
                            static_cast<float>(shown_other) <= kArrowsPerPx * width;
  const bool arrows_hb = counted && shown_hb <= kHeartbeatArrowBudget &&
                         static_cast<float>(shown_hb) <= kHeartbeatArrowsPerPx * width;
  const bool dense = static_cast<float>(shown_hb + shown_other) > kDenseMessagesPerPx * width;
  const float head = std::clamp(s.lane_h * kArrowHead_lanes, kArrowHeadMin_px, kArrowHeadMax_px);
  dl->PushClipRect(ImVec2(g.x0, s.lanes_y - 2), ImVec2(g.x1, s.bottom), true);

  auto draw_one = [&](size_t i) {
    const Message& msg = m.messages[i];
    if (!shown(msg)) return;
    const Segment seg = s.message_segment(g, msg);
    const ImVec2 a(seg.ax, seg.ay), b(seg.bx, seg.by);
    const Rgb c = msg.duplicate   ? kDuplicateColor
                  : msg.heartbeat ? kHeartbeatColor
                                  : s.type_color[msg.type];
    const uint8_t alpha = msg.heartbeat ? (dense ? kDenseHeartbeatAlpha : kHeartbeatAlpha)
                                        : (dense ? kDenseArrowAlpha : kArrowAlpha);
    const float thick = msg.heartbeat ? kHeartbeatThickness_px : kArrowThickness_px;
    const ImU32 color = col(c, alpha);
    if (msg.fate == Message::Fate::Dropped) {
      dl->AddLine(a, b, color, thick);
      f.drop_marks.push_back(
          {b.x, b.y,
           dense ? kDropMarkDense_px : std::max(kDropMarkMin_px, head * kDropMark_heads)});
    } else if (msg.fate == Message::Fate::InFlight) {
      dl->AddLine(a, b, col(c, kInFlightAlpha), thick);
    } else {
      arrow(dl, a, b, color, thick, head);
      if (msg.duplicate) dl->AddCircle(b, kDuplicateRing_px, col(kDuplicateColor), 8, 2.0f);
    }
    if (msg.answer != Message::Answer::None && !dense)
      f.answer_marks.push_back({a.x + (b.x - a.x) * kAnswerAlong, a.y + (b.y - a.y) * kAnswerAlong,
                                std::max(kAnswerMarkMin_px, head * kAnswerMark_heads),
                                msg.answer == Message::Answer::Granted});
    if (view.selection.kind == Selection::Kind::Message && view.selection.model == s.model &&
        view.selection.index == static_cast<int64_t>(i))
      f.selected_hit = static_cast<int64_t>(f.hits.size());
    f.hits.push_back(
        {Hit::Kind::Message, true, a.x, a.y, b.x, b.y, s.model, static_cast<int64_t>(i), 0});
    ++f.stats.arrows;
  };

  if (arrows_other || arrows_hb)
    for (size_t i = r.first; i < r.last; ++i) {
      const Message& msg = m.messages[i];
      if (msg.end_us >= g.t0 && (msg.heartbeat ? arrows_hb : arrows_other)) draw_one(i);
    }
  if (!arrows_other || !arrows_hb) draw_traffic(f, s, !arrows_hb, !arrows_other);
  dl->PopClipRect();
}

void draw_message_overlays(Frame& f, const Section& s) {
  ImDrawList* dl = f.dl;
  for (const DropMark& d : f.drop_marks)
    x_mark(dl, ImVec2(d.x, d.y), d.r, col(kDropColor), kDropMarkLine_px);
  f.drop_marks.clear();
  for (const AnswerMark& v : f.answer_marks) {
    const ImVec2 p(v.x, v.y);
    const float r = v.r;
    dl->AddCircleFilled(p, r, col(v.granted ? kVoteGrantedColor : kVoteRefusedColor), 12);
    if (v.granted)  // a tick
      dl->AddPolyline(std::array<ImVec2, 3>{ImVec2(p.x - r * 0.5f, p.y),
                                            ImVec2(p.x - r * 0.1f, p.y + r * 0.45f),
                                            ImVec2(p.x + r * 0.55f, p.y - r * 0.45f)}
                          .data(),
                      3, col(kWhite), 0, 1.6f);
    else  // a bar
      dl->AddLine(ImVec2(p.x - r * 0.55f, p.y), ImVec2(p.x + r * 0.55f, p.y), col(kWhite), 1.8f);
  }
  f.answer_marks.clear();
  if (f.selected_hit >= 0) {
    const Hit& h = f.hits[static_cast<size_t>(f.selected_hit)];
    const Message& msg = s.m->messages[static_cast<size_t>(h.index)];
    if (msg.fate == Message::Fate::Delivered)
      arrow(dl, ImVec2(h.ax, h.ay), ImVec2(h.bx, h.by), col(kCursorColor), kSelectedThickness_px,
            kSelectedHead_px);
    else
      dl->AddLine(ImVec2(h.ax, h.ay), ImVec2(h.bx, h.by), col(kCursorColor), kSelectedThickness_px);
    // Rings at both ends, so that a short or vertical selection still stands out.
    dl->AddCircle(ImVec2(h.ax, h.ay), kSelectedSendRing_px, col(kCursorColor), 12, 2.0f);
    dl->AddCircle(ImVec2(h.bx, h.by), kSelectedEndRing_px, col(kCursorColor), 12, 2.0f);
    f.selected_hit = -1;
  }
}

}  // namespace ballot::viz::timeline
