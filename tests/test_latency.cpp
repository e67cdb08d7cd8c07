// Network latency distributions against their definitions (docs/scenario-format.md, "network"):
// moments of the truncated and shifted laws, tails, the minimum, and no mass at 0 unless asked.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "sim/api/input_error.h"
#include "sim/api/rng.h"
#include "sim/kernel/scenario.h"

using namespace ballot;

namespace {

constexpr int kDraws = 200000;

LatencyModel latency(const std::string& body) {
  return parse_scenario(R"({"nodes": 3, "network": {"latency": )" + body + "}}", "t.json")
      .network.latency;
}

struct Sample {
  std::vector<Time_us> xs;
  double mean = 0, var = 0;
  Time_us min = INT64_MAX;
  int64_t zeros = 0;
  double fraction_above(double x) const {
    int64_t n = 0;
    for (Time_us v : xs) n += static_cast<double>(v) > x;
    return static_cast<double>(n) / static_cast<double>(xs.size());
  }
};

Sample draw(const LatencyModel& m, uint64_t seed = 11) {
  Rng rng(seed);
  Sample s;
  s.xs.reserve(kDraws);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < kDraws; ++i) {
    const Time_us v = m.sample_us(rng);
    s.xs.push_back(v);
    sum += static_cast<double>(v);
    sum_sq += static_cast<double>(v) * static_cast<double>(v);
    s.min = std::min(s.min, v);
    s.zeros += v == 0;
  }
  s.mean = sum / kDraws;
  s.var = sum_sq / kDraws - s.mean * s.mean;
  return s;
}

double phi(double z) {
  return std::exp(-z * z / 2) / std::sqrt(2 * M_PI);
}
double upper(double z) {
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

// The normal(mu, sd) truncated below at lo: mean, variance and P(X > x) (x >= lo).
struct TruncNormal {
  double mu, sd, lo;
  double alpha() const { return (lo - mu) / sd; }
  double lambda() const { return phi(alpha()) / upper(alpha()); }
  double mean() const { return mu + sd * lambda(); }
  double var() const {
    const double l = lambda();
    return sd * sd * (1 + alpha() * l - l * l);
  }
  double tail(double x) const { return upper((x - mu) / sd) / upper(alpha()); }
};

}  // namespace

TEST_CASE("normal_quantile inverts the normal CDF", "[latency]") {
  for (double p : {1e-300, 1e-15, 1e-6, 0.01, 0.02425, 0.2, 0.5, 0.7, 0.975, 0.999999}) {
    const double x = normal_quantile(p);
    CHECK(upper(-x) == Approx(p).epsilon(1e-12));
  }
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-15));
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
}

TEST_CASE("truncated_normal uses one draw per call and is pinned", "[latency]") {
  Rng a(5), b(5);
  for (int i = 0; i < 10; ++i) a.truncated_normal(5000, 3000, 0);
  for (int i = 0; i < 10; ++i) b.next_u64();
  CHECK(a.next_u64() == b.next_u64());
  Rng t(7);
  CHECK(t.truncated_normal(0, 1, 0) == 0.38454239219791303);
}

TEST_CASE("normal latency is truncated at 0, not clamped (issue 12)", "[latency]") {
  // mean 5 ms, sd 3 ms: clamping put 4.8 % of messages at exactly 0 µs.
  const LatencyModel m = latency(R"({"dist": "normal", "mean": "5ms", "stddev": "3ms"})");
  const Sample s = draw(m);
  CHECK(s.zeros == 0);
  CHECK(s.min >= 1);
  const TruncNormal t{5000, 3000, 0};
  // Rounding up to whole µs adds about 0.5 µs to the mean and 1/12 µs² to the variance.
  CHECK(s.mean == Approx(t.mean() + 0.5).epsilon(0.005));
  CHECK(s.var == Approx(t.var()).epsilon(0.015));
  for (double x : {1000.0, 5000.0, 10000.0, 14000.0}) {
    CHECK(s.fraction_above(x) == Approx(t.tail(x)).margin(0.003 + 0.03 * t.tail(x)));
  }
  // The lowest tenth of a millisecond holds what the truncated density says, not a spike.
  CHECK(1.0 - s.fraction_above(100) == Approx(1.0 - t.tail(100)).margin(0.0005));
}

TEST_CASE("normal latency with a minimum is conditioned on exceeding it", "[latency]") {
  const LatencyModel m =
      latency(R"({"dist": "normal", "mean": "5ms", "stddev": "3ms", "min": "4ms"})");
  CHECK(m.floor_us == 4000);
  const Sample s = draw(m);
  CHECK(s.min > 4000);
  const TruncNormal t{5000, 3000, 4000};
  CHECK(s.mean == Approx(t.mean() + 0.5).epsilon(0.005));
  CHECK(s.var == Approx(t.var()).epsilon(0.015));
  CHECK(s.fraction_above(8000) == Approx(t.tail(8000)).margin(0.004));

  // Far above the mean the truncated normal is still sampled exactly (inverse CDF, no loop):
  // alpha = 5, P(X > min) = 2.9e-7; the excess over min is close to exponential.
  const LatencyModel far =
      latency(R"({"dist": "normal", "mean": "1ms", "stddev": "1ms", "min": "6ms"})");
  const Sample f = draw(far);
  CHECK(f.min > 6000);
  const TruncNormal tf{1000, 1000, 6000};
  CHECK(f.mean == Approx(tf.mean() + 0.5).epsilon(0.005));
  CHECK(f.var == Approx(tf.var()).epsilon(0.03));
}

TEST_CASE("a normal with nothing above min is refused when read", "[latency]") {
  try {
    latency(R"({"dist": "normal", "mean": "1ms", "stddev": "1ms", "min": "20ms"})");
    FAIL("expected an input error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("almost no mass above min") != std::string::npos);
    CHECK(e.path() == "network.latency.min");
  }
  CHECK_THROWS_AS(latency(R"({"dist": "normal", "mean": "1ms", "stddev": 0, "min": "2ms"})"),
                  InputError);
  // stddev 0 at or above min is the constant mean.
  const LatencyModel point = latency(R"({"dist": "normal", "mean": "3ms", "stddev": 0})");
  Rng rng(1);
  CHECK(point.sample_us(rng) == 3000);
}

TEST_CASE("exponential latency is shifted by min", "[latency]") {
  const Sample plain = draw(latency(R"({"dist": "exponential", "mean": "2ms"})"));
  CHECK(plain.zeros == 0);
  CHECK(plain.mean == Approx(2000.5).epsilon(0.01));
  CHECK(std::sqrt(plain.var) == Approx(2000).epsilon(0.01));
  CHECK(plain.fraction_above(6000) == Approx(std::exp(-3.0)).margin(0.003));
  const Sample shifted = draw(latency(R"({"dist": "exponential", "mean": "2ms", "min": "3ms"})"));
  CHECK(shifted.min > 3000);
  CHECK(shifted.mean == Approx(5000.5).epsilon(0.01));
  CHECK(std::sqrt(shifted.var) == Approx(2000).epsilon(0.01));
  CHECK(shifted.fraction_above(9000) == Approx(std::exp(-3.0)).margin(0.003));
}

TEST_CASE("lognormal latency is shifted by min", "[latency]") {
  const double mu = 7.6, sigma = 0.5;
  const double mean = std::exp(mu + sigma * sigma / 2);
  const double var = (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma);
  const Sample plain = draw(latency(R"({"dist": "lognormal", "mu": 7.6, "sigma": 0.5})"));
  CHECK(plain.zeros == 0);
  CHECK(plain.mean == Approx(mean + 0.5).epsilon(0.01));
  CHECK(plain.var == Approx(var).epsilon(0.03));
  // P(X > median * e^sigma) = P(Z > 1).
  CHECK(plain.fraction_above(std::exp(mu + sigma)) == Approx(upper(1)).margin(0.004));
  const Sample shifted =
      draw(latency(R"({"dist": "lognormal", "mu": 7.6, "sigma": 0.5, "min": "10ms"})"));
  CHECK(shifted.min > 10000);
  CHECK(shifted.mean == Approx(10000 + mean + 0.5).epsilon(0.005));
  CHECK(shifted.var == Approx(var).epsilon(0.03));
}

TEST_CASE("pareto latency is truncated at min", "[latency]") {
  // shape 3: mean a xm / (a - 1), variance xm^2 a / ((a - 1)^2 (a - 2)).
  const double a = 3;
  auto mean = [&](double xm) { return a * xm / (a - 1); };
  auto var = [&](double xm) { return xm * xm * a / ((a - 1) * (a - 1) * (a - 2)); };
  const Sample plain = draw(latency(R"({"dist": "pareto", "scale": "1ms", "shape": 3})"));
  CHECK(plain.min >= 1000);
  CHECK(plain.mean == Approx(mean(1000)).epsilon(0.01));
  CHECK(plain.var == Approx(var(1000)).epsilon(0.2));  // heavy tail: the variance converges slowly
  CHECK(plain.fraction_above(2000) == Approx(0.125).margin(0.003));
  // min below scale changes nothing; above it, X conditioned on X >= min is Pareto(min, shape).
  const Sample below =
      draw(latency(R"({"dist": "pareto", "scale": "1ms", "shape": 3, "min": "500us"})"));
  CHECK(below.xs == plain.xs);
  const Sample above =
      draw(latency(R"({"dist": "pareto", "scale": "1ms", "shape": 3, "min": "4ms"})"));
  CHECK(above.min >= 4000);
  CHECK(above.mean == Approx(mean(4000)).epsilon(0.01));
  CHECK(above.fraction_above(8000) == Approx(0.125).margin(0.003));
}

TEST_CASE("constant and uniform latency respect min", "[latency]") {
  const Sample c = draw(latency(R"({"dist": "constant", "value": "3ms", "min": "2ms"})"));
  CHECK(c.min == 3000);
  CHECK(c.var == 0);
  try {
    latency(R"({"dist": "constant", "value": "1ms", "min": "2ms"})");
    FAIL("expected an input error");
  } catch (const InputError& e) {
    CHECK(e.path() == "network.latency.value");
  }
  // Uniform's own min is its lower bound; it asks for no mass at 0 only when min is 0.
  const Sample u = draw(latency(R"({"dist": "uniform", "min": "1ms", "max": "5ms"})"));
  CHECK(u.min == 1000);
  CHECK(u.mean == Approx(3000).epsilon(0.005));
  CHECK(u.var == Approx((4001.0 * 4001.0 - 1) / 12).epsilon(0.02));
  const Sample z = draw(latency(R"({"dist": "uniform", "min": 0, "max": "10us"})"));
  CHECK(z.zeros > 0);  // asked for
}
