#include "viz/diff_marks.h"

#include <algorithm>
#include <cmath>

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

UnmatchedByLane split_by_lane(const std::vector<uint32_t>& unmatched, const TraceModel& m) {
  UnmatchedByLane out(static_cast<size_t>(std::max(m.node_count, 0)) + 1);
  for (uint32_t e : unmatched) {
    const int32_t node = e < m.events.size() ? m.events[e].node : kNoNodeNumber;
    const size_t lane = node >= 1 && node <= m.node_count ? static_cast<size_t>(node) : 0;
    out[lane].push_back(e);
  }
  return out;
}

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
  return out;
}

std::vector<DiffDot> diff_dots(const UnmatchedByLane& by_lane, const TraceModel& m,
                               const SectionLayout& section, const TimeAxis& axis,
                               float spacing_px) {
  std::vector<DiffDot> out;
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
  }
  return out;
}

}  // namespace ballot::viz
