// The Compare panel's plot: the empirical CDF of each trace's leader losses (the footer's
// `leader_loss_us`, one sample per loss), the same curve `ballot compare --plot` draws per
// algorithm (cli/cdf.h computes both). The layout is a pure function (pixels from samples, no
// ImGui), drawn by DrawCdfPlot.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "sim/api/time.h"
#include "viz/colors.h"

namespace ballot::viz {

// Trace A's curve and trace B's: the timeline's blue and amber families, apart for the common
// colour-vision deficiencies.
inline constexpr Rgb kCdfColors[] = {{86, 180, 233}, {230, 159, 0}};
inline constexpr Rgb kCdfFrameColor{150, 150, 160};

struct CdfPlotGeometry {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the plot area, in pixels (y grows downwards)
  Time_us x_max_us = 1;                  // the x axis runs from 0 to here
  struct Curve {
    size_t samples = 0;
    // The CDF as a polyline: from 0 at the first value, up each step, on to the right edge at 1.
    std::vector<std::array<float, 2>> line;
    std::vector<std::array<float, 2>> points;  // the top of each step (one per distinct value)
  };
  std::vector<Curve> curves;
};

// Lays out one curve per sample set in the rectangle (x0, y0)-(x1, y1): x from 0 to the largest
// sample (a little past it), y from 0 (bottom) to 1 (top). A set with no samples has no line.
CdfPlotGeometry layout_cdf_plot(const std::vector<std::vector<Time_us>>& samples, float x0,
                                float y0, float x1, float y1);

}  // namespace ballot::viz
