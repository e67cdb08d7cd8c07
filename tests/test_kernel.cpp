// The event queue and local clocks.
#include <catch2/catch.hpp>

#include "sim/api/rng.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/local_clock.h"

namespace {
struct Item {
  int64_t at;
  uint64_t seq;
};
struct ItemOrder {
  bool operator()(const Item& a, const Item& b) const {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
};
}  // namespace

TEST_CASE("event queue pops by time, and equal times first-in first-out", "[kernel]") {
  ballot::EventQueue<Item, ItemOrder> q;
  ballot::Rng rng(9);
  uint64_t seq = 0;
  for (int i = 0; i < 10000; ++i) q.push({rng.uniform_int(0, 50), seq++});
  Item last{-1, 0};
  while (!q.empty()) {
    const Item it = q.pop();
    REQUIRE(it.at >= last.at);
    if (it.at == last.at) REQUIRE(it.seq > last.seq);  // FIFO among equal times
    last = it;
  }
}

TEST_CASE("local clock: drift scales time, jumps shift it, inverse is exact", "[kernel][clock]") {
  ballot::LocalClock c;
  CHECK(c.local_us(1000000) == 1000000);
  c.change(0, 100000, 0);  // 10% fast
  CHECK(c.local_us(1000000) == 1100000);
  CHECK(c.virtual_us_at(1100000) == 1000000);
  // The first virtual instant at which the local clock reads at least L.
  for (ballot::Time_us L = 0; L < 5000; L += 7) {
    const ballot::Time_us t = c.virtual_us_at(L);
    CHECK(c.local_us(t) >= L);
    if (t > 0) CHECK(c.local_us(t - 1) < L);
  }
  c.change(2000000, 100000, 500000);  // jump forward half a second at t = 2s
  CHECK(c.local_us(2000000) == 2200000 + 500000);
  c.change(3000000, -50000, -1000000);  // slow, and jump back a second
  const ballot::Time_us at3 = c.local_us(3000000);
  CHECK(c.local_us(4000000) == at3 + 950000);
  CHECK(c.virtual_us_at(at3 + 950000) == 4000000);
  CHECK(c.virtual_us_at(at3 - 10) == 3000000);  // already passed: now
}

// Without drift, local_us and virtual_us_at skip the 128-bit division (local_clock.h): the
// readings must be those of rate 1 exactly, and the inverse the first instant, around jumps and
// near the limits.
TEST_CASE("local clock without drift: exact readings and first instants", "[kernel][clock]") {
  using ballot::Time_us;
  ballot::Rng rng(77);
  for (int round = 0; round < 200; ++round) {
    ballot::LocalClock c;
    Time_us now = 0, base = 0;
    for (int step = 0; step < 5; ++step) {
      now += rng.uniform_int(0, 5 * ballot::kSecond_us);
      const Time_us jump = round % 10 == 0
                               ? rng.uniform_int(-(Time_us{1} << 62), Time_us{1} << 62)
                               : rng.uniform_int(-2 * ballot::kSecond_us, 2 * ballot::kSecond_us);
      if (step == 2) c.change(now, 1000, 0);  // drift for a while: the general path
      c.change(now, 0, jump);
      base = c.local_us(now);
      for (int k = 0; k < 20; ++k) {
        const Time_us d = rng.uniform_int(0, 10 * ballot::kSecond_us);
        INFO("round " << round << " step " << step << " d " << d);
        REQUIRE(c.local_us(now + d) == base + d);
        const Time_us target = base + rng.uniform_int(-1000, 10 * ballot::kSecond_us);
        const Time_us t = c.virtual_us_at(target);
        REQUIRE(c.local_us(t) >= target);
        if (t > now) REQUIRE(c.local_us(t - 1) < target);
        if (target <= base) REQUIRE(t == now);
      }
    }
  }
}

// Regression: a clock_jump of 2562047788h (about INT64_MAX µs) wrapped the local clock, so every
// timer landed on the same instant forever; two jumps adding past the limit wrapped it negative.
TEST_CASE("local clock arithmetic saturates instead of wrapping", "[kernel][clock]") {
  using ballot::kClockLimit_us;
  using ballot::kNever_us;
  using ballot::Time_us;
  constexpr Time_us kHuge_us = 2562047788LL * 3600 * 1000000;  // 2562047788h
  constexpr Time_us kSecond = ballot::kSecond_us;

  SECTION("one huge jump stops at the limit, and the clock still advances") {
    ballot::LocalClock c;
    c.change(kSecond, 0, kHuge_us);
    CHECK(c.local_us(kSecond) == kClockLimit_us);
    CHECK(c.local_us(2 * kSecond) == kClockLimit_us + kSecond);
    // A timer 100ms ahead lands 100ms later, not on the same instant.
    CHECK(c.virtual_us_at(c.local_us(kSecond) + 100000) == kSecond + 100000);
  }
  SECTION("two jumps that add up past the limit do not wrap negative") {
    ballot::LocalClock c;
    c.change(0, 0, kHuge_us);
    c.change(kSecond, 0, kHuge_us);
    CHECK(c.local_us(kSecond) == kClockLimit_us + kSecond);  // no further out, never negative
    CHECK(c.local_us(2 * kSecond) == kClockLimit_us + 2 * kSecond);
    c.change(2 * kSecond, 0, -kHuge_us);
    c.change(3 * kSecond, 0, -kHuge_us);
    CHECK(c.local_us(3 * kSecond) == -kClockLimit_us);
  }
  SECTION("many nemesis-sized jumps one way cannot overflow either") {
    ballot::LocalClock c;
    Time_us now = 0;
    for (int i = 0; i < 100000; ++i) {
      now += 1000;
      c.change(now, 1000000, kClockLimit_us / 4);  // double speed, a quarter of the limit each
      REQUIRE(c.local_us(now) > 0);
    }
    CHECK(c.local_us(now) <= kClockLimit_us + 2 * now);
  }
  SECTION("readings and inverses saturate at the ends of time") {
    ballot::LocalClock c;
    c.change(0, 1000000, kHuge_us);  // at the limit, running at double speed
    CHECK(c.local_us(kNever_us) == kNever_us);
    CHECK(c.local_us(-kNever_us) == -kNever_us);
    CHECK(c.local_us(c.virtual_us_at(kNever_us)) == kNever_us);
    // A deadline no representable virtual time reaches is never.
    ballot::LocalClock slow;
    slow.change(0, ballot::LocalClock::kMinDrift_ppm, kHuge_us);  // a millionth of real speed
    CHECK(slow.virtual_us_at(kNever_us) == kNever_us);
    CHECK(slow.virtual_us_at(kClockLimit_us + 5) == 5000000);
    CHECK(ballot::add_saturating(kNever_us, kNever_us) == kNever_us);
    CHECK(ballot::add_saturating(-kNever_us, -kNever_us) == -kNever_us);
    CHECK(ballot::add_saturating(kNever_us - 5, 3) == kNever_us - 2);
  }
}
