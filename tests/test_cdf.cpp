// The empirical CDF that `ballot compare --plot`, `ballot sweep --stats M --plot` and the viewer's
// Compare panel draw (cli/cdf.h).
#include <catch2/catch.hpp>
#include <cmath>

#include "cli/cdf.h"

using ballot::cli::CdfStep;
using ballot::cli::empirical_cdf;

TEST_CASE("cdf: known samples give one step per value with the share at or below it") {
  const std::vector<CdfStep> steps = empirical_cdf({30, 10, 20, 40});
  REQUIRE(steps.size() == 4);
  const double values[] = {10, 20, 30, 40};
  const double fractions[] = {0.25, 0.5, 0.75, 1.0};
  for (size_t i = 0; i < 4; ++i) {
    CHECK(steps[i].value == values[i]);
    CHECK(steps[i].fraction == Approx(fractions[i]));
    CHECK(steps[i].count == 1);
  }
}

TEST_CASE("cdf: ties make one step that counts them all") {
  const std::vector<CdfStep> steps = empirical_cdf({5, 1, 5, 5, 1, 9, 5, 5});
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].value == 1);
  CHECK(steps[0].count == 2);
  CHECK(steps[0].fraction == Approx(2.0 / 8));
  CHECK(steps[1].value == 5);
  CHECK(steps[1].count == 5);
  CHECK(steps[1].fraction == Approx(7.0 / 8));
  CHECK(steps[2].value == 9);
  CHECK(steps[2].count == 1);
  CHECK(steps[2].fraction == 1.0);
}

TEST_CASE("cdf: all samples equal give a single step to 1") {
  const std::vector<CdfStep> steps = empirical_cdf({0, 0, 0});
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].value == 0);
  CHECK(steps[0].count == 3);
  CHECK(steps[0].fraction == 1.0);
}

TEST_CASE("cdf: no samples give no steps, and NaNs are no samples") {
  CHECK(empirical_cdf({}).empty());
  CHECK(empirical_cdf({std::nan("")}).empty());
  const std::vector<CdfStep> steps = empirical_cdf({std::nan(""), 2, 4});
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].fraction == Approx(0.5));
  CHECK(steps[1].fraction == 1.0);
}

TEST_CASE("cdf: negative values and large microsecond counts keep their order") {
  const std::vector<CdfStep> steps = empirical_cdf({-3, 2e9, 7, -3});
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].value == -3);
  CHECK(steps[0].fraction == Approx(0.5));
  CHECK(steps[1].value == 7);
  CHECK(steps[2].value == 2e9);
  // The fractions never go down, and the counts add up to the samples.
  CHECK(steps[0].count + steps[1].count + steps[2].count == 4);
}
