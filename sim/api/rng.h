// Seeded randomness with our own generator and distributions.
//
// Why our own: the standard library's distributions are implementation-defined, so its normal
// distribution gives different numbers on libstdc++ and libc++ (and may change between versions). A
// run must be identical everywhere, so every number comes from the code below, and
// tests/test_rng.cpp pins the first outputs for a fixed seed.
#pragma once
#include <cstdint>
#include <string_view>

namespace ballot {

// xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0);

  // A child stream whose numbers do not depend on how much this one has been used: the child's
  // seed mixes this stream's *seed* with the name. One consumer's use of randomness therefore
  // never shifts another's ("network", "faults", "workload", "node/3", ...).
  Rng substream(std::string_view name) const;

  uint64_t next_u64();
  // Uniform in [0, 1) with 53 bits.
  double uniform01();
  // Uniform integer in [lo, hi], inclusive; unbiased (Lemire's method with rejection).
  int64_t uniform_int(int64_t lo, int64_t hi);
  double uniform_real(double lo, double hi);
  bool bernoulli(double p);
  double exponential(double mean);
  // Marsaglia's polar method; one value per call (the spare is discarded so that the number of
  // draws per call does not depend on history).
  double normal(double mean, double stddev);
  double lognormal(double mu, double sigma);
  // Pareto type I with scale x_m > 0 and shape alpha > 0.
  double pareto(double scale, double shape);
  // The normal(mean, stddev) conditioned on being above `lo` (the truncated normal), by inverse-CDF
  // sampling from the upper tail: exactly one next_u64() per call, so the number of draws never
  // depends on the parameters. Needs stddev > 0 and a tail P(X > lo) that is not negligible
  // (normal_upper_tail((lo - mean) / stddev) >= 1e-15; scenario reading checks this).
  double truncated_normal(double mean, double stddev, double lo);

  uint64_t seed() const { return seed_; }

 private:
  uint64_t seed_;
  uint64_t s_[4];
};

// P(Z > z) for a standard normal Z (0.5 * erfc(z / sqrt 2)).
double normal_upper_tail(double z);
// The standard normal's quantile (inverse CDF) for p in (0, 1): Acklam's rational approximation
// refined by one Halley step, so it is accurate to a few ulps over the whole range.
double normal_quantile(double p);

// SplitMix64 step: used to expand seeds and to mix names into seeds.
uint64_t splitmix64(uint64_t& state);
// FNV-1a over bytes, then a SplitMix finaliser: stable across platforms.
uint64_t stable_hash(std::string_view bytes);

}  // namespace ballot
