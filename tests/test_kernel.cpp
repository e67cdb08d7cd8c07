// The event queue and local clocks.
#include <catch2/catch.hpp>

#include "sim/event_queue.h"
#include "sim/local_clock.h"
#include "sim/rng.h"

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
