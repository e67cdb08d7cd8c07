#include "viz/timeline_input.h"

#include <algorithm>
#include <cmath>

#include "viz/sizes.h"

namespace ballot::viz {

namespace {

float distance_sq(float px, float py, float ax, float ay, float bx, float by) {
  const float dx = bx - ax, dy = by - ay;
  const float len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0.0f;
  t = std::clamp(t, 0.0f, 1.0f);
  const float cx = ax + t * dx - px, cy = ay + t * dy - py;
  return cx * cx + cy * cy;
}

}  // namespace

int scroll_section_at(const Layout& layout, float x, float y) {
  for (size_t i = 0; i < layout.sections.size() && i < 2; ++i) {
    const SectionLayout& s = layout.sections[i];
    if (s.scroll_max <= 0 || y < s.scrolled_top() || y > s.scrolled_bottom()) continue;
    if (x < layout.axis.x0 || (x >= s.scroll_track.x0 && x <= s.scroll_track.x1))
      return static_cast<int>(i);
  }
  return -1;
}

PointerResult apply_pointer(const PointerInput& in, const Layout& layout, DragState& drag,
                            ViewState& view) {
  const TimeAxis& g = layout.axis;
  PointerResult r;
  r.in_plot = in.hovered && layout.in_plot_x(in.x);
  r.in_ruler = in.hovered && layout.in_ruler(in.y);
  const int scrolled = in.hovered ? scroll_section_at(layout, in.x, in.y) : -1;
  if (in.activated) {
    const SectionLayout* s =
        scrolled >= 0 ? &layout.sections[static_cast<size_t>(scrolled)] : nullptr;
    drag.scrollbar = s != nullptr && in.left_down && in.x >= s->scroll_track.x0 ? scrolled : -1;
  }
  if (drag.scrollbar >= 0 && static_cast<size_t>(drag.scrollbar) < layout.sections.size()) {
    if (in.active)
      view.lane_scroll[drag.scrollbar] =
          layout.sections[static_cast<size_t>(drag.scrollbar)].scroll_at(in.y);
    if (in.deactivated) drag.scrollbar = -1;
    return r;
  }
  if (scrolled >= 0 && in.wheel != 0.0f) {
    const SectionLayout& s = layout.sections[static_cast<size_t>(scrolled)];
    const int by = static_cast<int>(std::lround(in.wheel * kScrollLanesPerNotch));
    view.lane_scroll[scrolled] = std::clamp(s.scroll - by, 0, s.scroll_max);
    return r;
  }
  if (in.hovered && in.wheel != 0.0f) {
    if (in.pan_modifier) {
      const Time_us d =
          static_cast<Time_us>(static_cast<double>(view.span_us()) * kWheelPanFraction * in.wheel);
      view.t0_us -= d;
      view.t1_us -= d;
    } else {
      const Time_us anchor = r.in_plot ? g.t(in.x) : view.cursor_us;
      zoom(view, std::pow(kWheelZoomFactor, static_cast<double>(in.wheel)), anchor,
           layout.full_span_us);
    }
  }
  if (in.activated) {
    drag.ruler = r.in_ruler && in.left_down;
    drag.plot = !drag.ruler;
  }
  if (in.active && drag.ruler) {
    view.cursor_us = std::clamp(g.t(in.x), Time_us{0}, layout.full_span_us);
    view.cursor_event = -1;
    view.playing = false;
  } else if (in.active && drag.plot && in.dragging) {
    const Time_us d = static_cast<Time_us>(std::llround(in.delta_x / g.px_per_us));
    view.t0_us -= d;
    view.t1_us -= d;
  }
  if (in.deactivated && drag.plot)
    r.clicked = std::abs(in.drag_x) < kClickSlop_px && std::abs(in.drag_y) < kClickSlop_px;
  if (in.hovered && in.double_clicked && r.in_plot && !r.in_ruler) {
    view.cursor_us = std::clamp(g.t(in.x), Time_us{0}, layout.full_span_us);
    view.cursor_event = -1;
  }
  return r;
}

const Hit* pick(const std::vector<Hit>& hits, float x, float y) {
  const Hit* best = nullptr;
  float best_d = kHitRadius_px * kHitRadius_px;
  for (const Hit& h : hits) {
    if (!h.segment) continue;
    const float d = distance_sq(x, y, h.ax, h.ay, h.bx, h.by);
    if (d <= best_d) best_d = d, best = &h;
  }
  if (best != nullptr) return best;
  static constexpr Hit::Kind kOrder[] = {Hit::Kind::Event, Hit::Kind::Op, Hit::Kind::Fault,
                                         Hit::Kind::SplitBrain, Hit::Kind::Band};
  for (Hit::Kind kind : kOrder)
    for (const Hit& h : hits)
      if (!h.segment && h.kind == kind && x >= h.ax - 1 && x <= h.bx + 1 && y >= h.ay && y <= h.by)
        return &h;
  return nullptr;
}

Selection selection_of(const Hit& hit) {
  Selection sel;
  sel.kind = hit.kind;
  sel.model = hit.model;
  sel.index = hit.index;
  sel.node = hit.node;
  return sel;
}

const Hit* hover_and_click(const std::vector<Hit>& hits, const PointerInput& in,
                           const Layout& layout, bool clicked, ViewState& view) {
  view.hovered = {};
  if (!in.hovered || !layout.in_plot_x(in.x) || layout.in_ruler(in.y)) return nullptr;
  const Hit* best = pick(hits, in.x, in.y);
  if (best == nullptr) {
    // A click on empty space moves the time cursor there.
    if (clicked) {
      view.cursor_us = std::max<Time_us>(0, layout.axis.t(in.x));
      view.cursor_event = -1;
    }
    return nullptr;
  }
  view.hovered = selection_of(*best);
  if (clicked) view.selection = view.hovered;
  return best;
}

}  // namespace ballot::viz
