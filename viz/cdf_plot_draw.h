// Draws the Compare panel's CDF plot (viz/cdf_plot.h) into the current ImGui window.
#pragma once
#include <string>
#include <vector>

#include "viz/cdf_plot.h"

namespace ballot::viz {

// One curve per sample set (at most two: A and B, in kCdfColors), each named in the legend by
// its label; takes the window's width and `height` pixels. Returns what it drew.
CdfPlotGeometry DrawCdfPlot(const std::vector<std::vector<Time_us>>& samples,
                            const std::vector<std::string>& labels, float height);

}  // namespace ballot::viz
