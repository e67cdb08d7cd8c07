#include "viz/cdf_plot.h"

#include <algorithm>

#include "cli/cdf.h"

namespace ballot::viz {

CdfPlotGeometry layout_cdf_plot(const std::vector<std::vector<Time_us>>& samples, float x0,
                                float y0, float x1, float y1) {
  CdfPlotGeometry g;
  g.x0 = x0;
  g.y0 = y0;
  g.x1 = x1;
  g.y1 = y1;
  Time_us top = 0;
  for (const std::vector<Time_us>& s : samples)
    for (Time_us v : s) top = std::max(top, v);
  g.x_max_us = std::max<Time_us>(1, top + top / 20);
  auto x_of = [&](double v) {
    return x0 + static_cast<float>(v / static_cast<double>(g.x_max_us)) * (x1 - x0);
  };
  auto y_of = [&](double f) { return y1 - static_cast<float>(f) * (y1 - y0); };
  for (const std::vector<Time_us>& s : samples) {
    CdfPlotGeometry::Curve c;
    c.samples = s.size();
    const std::vector<cli::CdfStep> steps =
        cli::empirical_cdf(std::vector<double>(s.begin(), s.end()));
    double below = 0;
    for (const cli::CdfStep& st : steps) {
      const float x = x_of(st.value);
      c.line.push_back({x, y_of(below)});
      c.line.push_back({x, y_of(st.fraction)});
      c.points.push_back({x, y_of(st.fraction)});
      below = st.fraction;
    }
    if (!steps.empty()) c.line.push_back({x1, y_of(1)});
    g.curves.push_back(std::move(c));
  }
  return g;
}

}  // namespace ballot::viz
