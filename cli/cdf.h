// The empirical cumulative distribution function of a set of samples: what `ballot compare
// --plot`, `ballot sweep --stats M --plot` and the viewer's Compare panel draw. One pure function,
// shared by the command line and the viewer, so that both draw the same steps.
#pragma once
#include <cstddef>
#include <vector>

namespace ballot::cli {

// One step of an empirical CDF: `fraction` of the samples are <= `value`; `count` samples equal
// `value` (ties make one step).
struct CdfStep {
  double value = 0;
  double fraction = 0;  // in (0, 1]; the last step is 1
  size_t count = 0;
};

// The steps of the empirical CDF of `samples`: one per distinct value, in increasing order; the
// fraction at a value is the share of samples at or below it. Empty for no samples. NaNs are
// left out (they are not samples of anything).
std::vector<CdfStep> empirical_cdf(std::vector<double> samples);

}  // namespace ballot::cli
