#include "cli/cdf.h"

#include <algorithm>
#include <cmath>

namespace ballot::cli {

std::vector<CdfStep> empirical_cdf(std::vector<double> samples) {
  samples.erase(
      std::remove_if(samples.begin(), samples.end(), [](double v) { return std::isnan(v); }),
      samples.end());
  std::sort(samples.begin(), samples.end());
  std::vector<CdfStep> steps;
  const double n = static_cast<double>(samples.size());
  for (size_t i = 0; i < samples.size();) {
    size_t j = i;
    while (j < samples.size() && samples[j] == samples[i]) ++j;
    steps.push_back({samples[i], static_cast<double>(j) / n, j - i});
    i = j;
  }
  return steps;
}

}  // namespace ballot::cli
