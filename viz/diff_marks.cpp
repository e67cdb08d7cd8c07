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

std::shared_ptr<const DiffMarks> compute_diff_marks(const TraceModel& main,
                                                    const TraceModel& compared) {
  auto out = std::make_shared<DiffMarks>();
  out->from[0] = &main;
  out->from[1] = &compared;
  out->diff = tracediff::diff_runs(diff_run_of(main), diff_run_of(compared));
  out->label = tracediff::divergence_text(out->diff);
  return out;
}

std::vector<DiffDot> diff_dots(const std::vector<uint32_t>& unmatched, const TraceModel& m,
                               const SectionLayout& section, const TimeAxis& axis,
                               float spacing_px) {
  std::vector<DiffDot> out;
  // The first unmatched event at or after the window's start: events are in time order.
  auto it = std::lower_bound(
      unmatched.begin(), unmatched.end(), axis.t0,
      [&](uint32_t e, Time_us t) { return e < m.events.size() && m.events[e].t_us < t; });
  // The last pixel column marked per lane (index node; 0 the strip).
  std::vector<int64_t> last_column(static_cast<size_t>(section.node_count) + 1, INT64_MIN);
  for (; it != unmatched.end(); ++it) {
    if (*it >= m.events.size()) break;  // past a prefix's end
    const Event& e = m.events[*it];
    if (e.t_us > axis.t1) break;
    float y;
    if (e.node == kNoNodeNumber) {
      if (section.split_h <= 0) continue;
      y = section.split_y + section.split_h * 0.5f;
    } else if (section.lane_visible(e.node)) {
      y = section.lane_center(e.node);
    } else {
      continue;
    }
    const float x = axis.x(e.t_us);
    const auto column =
        static_cast<int64_t>(std::floor((x - axis.x0) / std::max(spacing_px, 1.0f)));
    const size_t lane = e.node < 0 || e.node > section.node_count ? 0 : static_cast<size_t>(e.node);
    if (last_column[lane] == column) continue;
    last_column[lane] = column;
    out.push_back(DiffDot{x, y, *it});
  }
  return out;
}

}  // namespace ballot::viz
