#include "viz/diff_marks.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ballot::viz {

tracediff::DiffRun diff_run_of(const TraceModel& m) {
  tracediff::DiffRun run;
  run.algorithm = m.algorithm;
  run.seed = m.seed;
  run.scenario_json = m.scenario_json;
  run.lines.reserve(m.events.size());
  for (uint32_t i = 0; i < m.events.size(); ++i) run.lines.push_back(m.line(i));
  if (m.has_footer) {
    // The footer is the last line that is not blank.
    std::string_view text = m.text;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.remove_suffix(1);
    const size_t nl = text.rfind('\n');
    run.footer = nl == std::string_view::npos ? text : text.substr(nl + 1);
  }
  return run;
}

namespace {

size_t lane_of(uint32_t e, const TraceModel& m) {
  const int32_t node = e < m.events.size() ? m.events[e].node : kNoNodeNumber;
  return node >= 1 && node <= m.node_count ? static_cast<size_t>(node) : 0;
}

}  // namespace

UnmatchedByLane split_by_lane(const std::vector<uint32_t>& unmatched, const TraceModel& m) {
  UnmatchedByLane out(static_cast<size_t>(std::max(m.node_count, 0)) + 1);
  for (uint32_t e : unmatched) out[lane_of(e, m)].push_back(e);
  return out;
}

LateByLane split_by_lane(const std::vector<tracediff::LooseDiff::Late>& late, const TraceModel& m) {
  LateByLane out;
  out.lanes.resize(static_cast<size_t>(std::max(m.node_count, 0)) + 1);
  for (const tracediff::LooseDiff::Late& l : late)
    if (l.event < m.events.size()) out.lanes[lane_of(l.event, m)].push_back(l);
  // A max tree per lane: leaves from `size` on, padded with the least time.
  out.trees.resize(out.lanes.size());
  for (size_t lane = 0; lane < out.lanes.size(); ++lane) {
    const auto& list = out.lanes[lane];
    if (list.empty()) continue;
    size_t size = 1;
    while (size < list.size()) size *= 2;
    std::vector<Time_us>& tree = out.trees[lane];
    tree.assign(2 * size, std::numeric_limits<Time_us>::min());
    for (size_t i = 0; i < list.size(); ++i) tree[size + i] = list[i].counterpart_us;
    for (size_t k = size - 1; k >= 1; --k) tree[k] = std::max(tree[2 * k], tree[2 * k + 1]);
  }
  return out;
}

namespace {

// The first index from `from` on whose counterpart comes after `t` (`n` if none), in the max
// tree of split_by_lane.
size_t found_after(const std::vector<Time_us>& tree, size_t n, size_t from, Time_us t) {
  if (from >= n) return n;
  const size_t size = tree.size() / 2;
  size_t k = size + from;
  while (true) {
    if (tree[k] > t) {
      while (k < size) {
        k *= 2;
        if (tree[k] <= t) ++k;
      }
      return k - size;
    }
    while (k & 1) k >>= 1;  // up to the first ancestor that is a left child (0: none)
    if (k == 0) return n;
    ++k;  // its right sibling
  }
}

}  // namespace

std::shared_ptr<const DiffMarks> compute_diff_marks(const TraceModel& main,
                                                    const TraceModel& compared) {
  auto out = std::make_shared<DiffMarks>();
  out->from[0] = &main;
  out->from[1] = &compared;
  const tracediff::DiffRun a = diff_run_of(main), b = diff_run_of(compared);
  out->diff = tracediff::diff_runs(a, b);
  out->loose = tracediff::loose_diff(a, b);
  out->label = tracediff::loose_divergence_text(out->loose, out->diff);
  out->by_lane[0] = split_by_lane(out->loose.unmatched_a, main);
  out->by_lane[1] = split_by_lane(out->loose.unmatched_b, compared);
  out->late_by_lane[0] = split_by_lane(out->loose.late_a, main);
  out->late_by_lane[1] = split_by_lane(out->loose.late_b, compared);
  return out;
}

std::vector<DiffDot> diff_dots(const UnmatchedByLane& by_lane, const TraceModel& m,
                               const SectionLayout& section, const TimeAxis& axis, float spacing_px,
                               const LateByLane* late) {
  std::vector<DiffDot> out, lane_late;
  const float spacing = std::max(spacing_px, 1.0f);
  // The first unmatched event of a lane at or after time t, from `from` on: events are in time
  // order (an index past a prefix's end counts as later than any time).
  auto first_at = [&](std::vector<uint32_t>::const_iterator from,
                      std::vector<uint32_t>::const_iterator end, Time_us t) {
    return std::lower_bound(from, end, t, [&](uint32_t e, Time_us at) {
      return e < m.events.size() && m.events[e].t_us < at;
    });
  };
  for (size_t lane = 0; lane < by_lane.size(); ++lane) {
    float y;
    if (lane == 0) {
      if (section.split_h <= 0) continue;
      y = section.split_y + section.split_h * 0.5f;
    } else if (section.lane_visible(static_cast<int32_t>(lane))) {
      y = section.lane_center(static_cast<int32_t>(lane));
    } else {
      continue;
    }
    const std::vector<uint32_t>& list = by_lane[lane];
    const size_t lane_begin = out.size();
    // One mark per `spacing` columns: after a mark, skip to the next column's first event, so
    // the cost follows the marks drawn, not the events in the window.
    for (auto it = first_at(list.begin(), list.end(), axis.t0); it != list.end();) {
      if (*it >= m.events.size()) break;  // past a prefix's end
      const Event& e = m.events[*it];
      if (e.t_us > axis.t1) break;
      const float x = axis.x(e.t_us);
      out.push_back(DiffDot{x, y, *it});
      const float next_x = axis.x0 + (std::floor((x - axis.x0) / spacing) + 1) * spacing;
      const Time_us next_t = std::max(axis.t(next_x), e.t_us + 1);
      it = first_at(it + 1, list.end(), next_t);
    }
    if (late == nullptr || !m.revealed() || lane >= late->lanes.size()) continue;
    // Reveal mode: the events up to the cursor whose counterpart comes after it, between the
    // unmatched ones, one per column as well.
    const Time_us cursor = m.revealed_until_us, until = std::min(axis.t1, cursor);
    const auto& candidates = late->lanes[lane];
    const size_t n = candidates.size();
    auto first_late_at = [&](size_t from, Time_us t) {
      return static_cast<size_t>(
          std::lower_bound(candidates.begin() + static_cast<std::ptrdiff_t>(from), candidates.end(),
                           t,
                           [&](const tracediff::LooseDiff::Late& l, Time_us at) {
                             return l.event < m.events.size() && m.events[l.event].t_us < at;
                           }) -
          candidates.begin());
    };
    lane_late.clear();
    for (size_t i = first_late_at(0, axis.t0);;) {
      i = found_after(late->trees[lane], n, i, cursor);
      if (i >= n || candidates[i].event >= m.events.size()) break;
      const Event& e = m.events[candidates[i].event];
      if (e.t_us > until) break;
      const float x = axis.x(e.t_us);
      lane_late.push_back(DiffDot{x, y, candidates[i].event});
      const float next_x = axis.x0 + (std::floor((x - axis.x0) / spacing) + 1) * spacing;
      i = first_late_at(i + 1, std::max(axis.t(next_x), e.t_us + 1));
    }
    if (lane_late.empty()) continue;
    // Merge with the lane's unmatched marks in time order, one per column.
    std::vector<DiffDot> merged(out.begin() + static_cast<std::ptrdiff_t>(lane_begin), out.end());
    merged.insert(merged.end(), lane_late.begin(), lane_late.end());
    std::sort(merged.begin(), merged.end(),
              [](const DiffDot& p, const DiffDot& q) { return p.event < q.event; });
    out.resize(lane_begin);
    float column = -1;
    for (const DiffDot& d : merged) {
      const float c = std::floor((d.x - axis.x0) / spacing);
      if (c == column) continue;
      column = c;
      out.push_back(d);
    }
  }
  return out;
}

}  // namespace ballot::viz
