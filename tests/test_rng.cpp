// Our own generator and distributions: pinned outputs, so any change to the numbers (and so to
// every run's behaviour) is caught; and basic statistical sanity.
#include <catch2/catch.hpp>
#include <cmath>

#include "sim/api/rng.h"

using ballot::Rng;

TEST_CASE("splitmix64 matches the reference sequence", "[rng]") {
  uint64_t state = 0;
  // Vigna's reference implementation, seed 0.
  CHECK(ballot::splitmix64(state) == 0xe220a8397b1dcdafULL);
  CHECK(ballot::splitmix64(state) == 0x6e789e6aa1b965f4ULL);
}

TEST_CASE("xoshiro256** outputs are pinned for a fixed seed", "[rng]") {
  Rng r(42);
  CHECK(r.next_u64() == 0x15780b2e0c2ec716ULL);
  CHECK(r.next_u64() == 0x6104d9866d113a7eULL);
  CHECK(r.next_u64() == 0xae17533239e499a1ULL);
  CHECK(r.next_u64() == 0xecb8ad4703b360a1ULL);
}

TEST_CASE("distributions are pinned for a fixed seed", "[rng]") {
  Rng s(42);
  CHECK(s.uniform_int(1, 6) == 1);
  CHECK(s.uniform_int(1, 6) == 3);
  CHECK(s.uniform_int(-1000, 1000) == 360);
  Rng t(7);
  // Exact doubles: the same on every machine and build type (no FMA contraction, own algorithms).
  CHECK(t.uniform01() == 0.7005764821796896);
  CHECK(t.exponential(10) == 3.2677116580430909);
  CHECK(t.normal(0, 1) == -0.30393012386565671);
  CHECK(t.lognormal(1, 0.5) == 3.1657727454085705);
  CHECK(t.pareto(1, 2) == 4.0477404390650733);
  CHECK(t.uniform_real(5, 6) == 5.8808507617894055);
}

TEST_CASE("substreams depend on the name and the seed, not on use", "[rng]") {
  Rng a(42);
  const Rng net_before = a.substream("network");
  for (int i = 0; i < 100; ++i) a.next_u64();
  Rng net_after = a.substream("network");
  Rng copy = net_before;
  CHECK(copy.next_u64() == net_after.next_u64());
  CHECK(Rng(42).substream("network").next_u64() == 0xab6e106dfcd0d41fULL);
  CHECK(Rng(42).substream("faults").next_u64() == 0x815e7e1c1651f96fULL);
  CHECK(Rng(43).substream("faults").next_u64() != 0x815e7e1c1651f96fULL);
}

TEST_CASE("uniform_int stays in range and covers it", "[rng]") {
  Rng r(1);
  int counts[7] = {};
  for (int i = 0; i < 70000; ++i) {
    const int64_t v = r.uniform_int(0, 6);
    REQUIRE(v >= 0);
    REQUIRE(v <= 6);
    ++counts[v];
  }
  for (int c : counts) CHECK(std::abs(c - 10000) < 600);
  CHECK(r.uniform_int(5, 5) == 5);
  CHECK(r.uniform_int(INT64_MIN, INT64_MAX) != r.uniform_int(INT64_MIN, INT64_MAX));
}

TEST_CASE("distribution means are right", "[rng]") {
  Rng r(3);
  constexpr int kN = 200000;
  double sum_exp = 0, sum_norm = 0, sum_sq = 0;
  for (int i = 0; i < kN; ++i) {
    sum_exp += r.exponential(5.0);
    const double x = r.normal(2.0, 3.0);
    sum_norm += x;
    sum_sq += (x - 2.0) * (x - 2.0);
  }
  CHECK(sum_exp / kN == Approx(5.0).epsilon(0.02));
  CHECK(sum_norm / kN == Approx(2.0).margin(0.03));
  CHECK(std::sqrt(sum_sq / kN) == Approx(3.0).epsilon(0.02));
  double sum_pareto = 0;
  for (int i = 0; i < kN; ++i) sum_pareto += r.pareto(1.0, 3.0);  // mean = a*xm/(a-1) = 1.5
  CHECK(sum_pareto / kN == Approx(1.5).epsilon(0.03));
}
