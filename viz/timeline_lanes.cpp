// Many nodes (docs/viz.md#many-nodes): the aggregated lane that stands for the nodes without a
// lane of their own, the rule under the pinned lanes, and the lanes' scrollbar.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "viz/draw_util.h"
#include "viz/timeline_draw.h"
#include "viz/trace_query.h"

namespace ballot::viz::timeline {

namespace {

// The aggregated lane is drawn per column of this many pixels.
constexpr int kAggregateColumnPx = 2;
// A role held by at least one folded node in a column is at least this tall.
constexpr float kAggregateMinBar_px = 2.0f;
constexpr float kPinnedRule_px = 2.0f;
constexpr float kScrollThumbRounding_px = 4.0f;

}  // namespace

void draw_aggregated_lane(Frame& f, const Section& s) {
  if (!s.aggregated()) return;
  ImDrawList* dl = f.dl;
  const TraceModel& m = *s.m;
  const TimeAxis& g = f.axis();
  const float top = s.more_y, y0 = top + s.lane_h * kBandTop_lanes,
              y1 = top + s.lane_h * kBandBottom_lanes;
  const float left = f.label_x(), font = f.L.font;
  dl->AddRectFilled(ImVec2(left, top), ImVec2(f.L.right, top + 1), col(kLaneAltColor));
  const std::string label = "+" + std::to_string(s.folded.size()) + " more";
  text_at(dl, TextSize::Lane, ImVec2(left + kLabelInset_px, top + s.lane_h * 0.5f - font * 0.55f),
          col(kLaneLabelColor), label.c_str());
  dl->AddRectFilled(ImVec2(g.x0, y0), ImVec2(g.x1, y1), col(kAggregateColor));
  // Per column, how many folded nodes lead, run for election or are down there: difference
  // arrays filled from each node's bands in view (followers are the background), so the cost is
  // their bands in view plus the columns, whatever the zoom.
  const int cols = std::max(1, static_cast<int>(std::ceil((g.x1 - g.x0) / kAggregateColumnPx)));
  constexpr Role kShown[] = {Role::Leader, Role::Candidate, Role::Crashed};
  std::vector<int> diff(static_cast<size_t>(cols + 1) * 3, 0);
  for (int32_t n : s.folded) {
    const NodeTrack& track = m.nodes[static_cast<size_t>(n - 1)];
    const IndexRange r = bands_in(track, g.t0, g.t1);
    for (size_t i = r.first; i < r.last; ++i) {
      const RoleBand& b = track.bands[i];
      if (b.role == Role::Follower) continue;
      const size_t k = b.role == Role::Leader ? 0 : b.role == Role::Candidate ? 1 : 2;
      const SpanX sx = span_x(g, b.begin_us, b.end_us);
      const int ca = std::clamp(static_cast<int>((sx.a - g.x0) / kAggregateColumnPx), 0, cols - 1);
      const int cb =
          std::clamp(static_cast<int>(std::ceil((sx.b - g.x0) / kAggregateColumnPx)), ca + 1, cols);
      diff[static_cast<size_t>(ca) * 3 + k] += 1;
      diff[static_cast<size_t>(cb) * 3 + k] -= 1;
    }
  }
  // Stacked from the bottom of the band: leaders, candidates, crashed; a bar's height is its
  // share of the folded nodes, at least kAggregateMinBar_px. Columns alike are one rectangle.
  const float h = y1 - y0, per_node = h / static_cast<float>(s.folded.size());
  int count[3] = {0, 0, 0};
  int run_count[3] = {-1, -1, -1};
  float run_x0 = g.x0;
  auto flush = [&](float x_end) {
    float yb = y1;
    for (size_t k = 0; k < 3; ++k) {
      if (run_count[k] <= 0) continue;
      const float bh = std::max(kAggregateMinBar_px, per_node * static_cast<float>(run_count[k]));
      const float yt = std::max(y0, yb - bh);
      const Rgb c = role_color(kShown[k]);
      dl->AddRectFilled(ImVec2(run_x0, yt), ImVec2(x_end, yb), col(c));
      yb = yt;
    }
  };
  for (int c = 0; c < cols; ++c) {
    for (size_t k = 0; k < 3; ++k) count[k] += diff[static_cast<size_t>(c) * 3 + k];
    if (count[0] != run_count[0] || count[1] != run_count[1] || count[2] != run_count[2]) {
      const float x = g.x0 + static_cast<float>(c * kAggregateColumnPx);
      if (c > 0) flush(x);
      std::copy(count, count + 3, run_count);
      run_x0 = x;
    }
  }
  flush(g.x1);
}

void draw_pinned_rule(Frame& f, const Section& s) {
  if (s.scroll_max <= 0 && !s.aggregated()) return;
  if (s.pinned == 0 || s.pinned >= s.lanes.size()) return;
  const float y = s.scrolled_top();
  f.dl->AddRectFilled(ImVec2(f.label_x(), y - kPinnedRule_px * 0.5f),
                      ImVec2(f.L.right, y + kPinnedRule_px * 0.5f), col(kPinnedRuleColor));
}

void draw_lane_scrollbar(Frame& f, const Section& s) {
  if (s.scroll_max <= 0) return;
  const Rect& t = s.scroll_track;
  const Rect& b = s.scroll_thumb;
  f.dl->AddRectFilled(ImVec2(t.x0, t.y0), ImVec2(t.x1, t.y1), col(kScrollTrackColor));
  f.dl->AddRectFilled(ImVec2(b.x0, b.y0), ImVec2(b.x1, b.y1), col(kScrollThumbColor),
                      kScrollThumbRounding_px);
}

}  // namespace ballot::viz::timeline
