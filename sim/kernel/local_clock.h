// A node's local clock: virtual time seen through a drift rate and jumps, piecewise linear.
// local(t) = base_local + (t - base_virtual) * (1 + drift_ppm / 1e6), in integer arithmetic.
//
// Time arithmetic here never wraps. A jump moves the clock's reading to at most kClockLimit_us
// from zero (clamped, however many jumps add up), and every reading and inverse is computed in
// 128 bits and saturated to [-kNever_us, kNever_us]. The limit sits far below INT64_MAX, so a
// clock at the limit still advances for longer than any run (about 2^61 µs of virtual time at
// double speed) and a timer set on it lands at a later instant, never on the same one forever.
#pragma once
#include <cstdint>

#include "sim/api/int128.h"
#include "sim/api/require.h"
#include "sim/api/time.h"

namespace ballot {

// 2^61 µs, about 73,000 years: the farthest a local clock's reading is ever set from zero.
inline constexpr Time_us kClockLimit_us = Time_us{1} << 61;

// a + b, saturated to [-kNever_us, kNever_us] instead of wrapping.
inline Time_us add_saturating(Time_us a, Time_us b) {
  const i128 sum = static_cast<i128>(a) + b;
  if (sum > kNever_us) return kNever_us;
  if (sum < -kNever_us) return -kNever_us;
  return static_cast<Time_us>(sum);
}

class LocalClock {
 public:
  // Drift must keep the clock moving forward: drift_ppm > -1e6.
  static constexpr int64_t kMinDrift_ppm = -999999;

  Time_us local_us(Time_us virtual_us) const {
    const i128 elapsed = static_cast<i128>(virtual_us) - base_virtual_us_;
    // Without drift the reading is base + elapsed exactly (the division below would be exact);
    // this skips the 128-bit division on the hot path of every timer.
    if (drift_ppm_ == 0) return saturate(base_local_us_ + elapsed);
    const i128 scaled = elapsed * (kMillion + drift_ppm_);
    // Floor division, so that the clock is monotone through zero.
    i128 q = scaled / kMillion;
    if (scaled % kMillion != 0 && scaled < 0) --q;
    return saturate(base_local_us_ + q);
  }

  // The earliest virtual time at which the local clock reads at least `local`; kNever_us when no
  // representable virtual time gets there.
  Time_us virtual_us_at(Time_us local) const {
    if (local <= base_local_us_) return base_virtual_us_;
    if (drift_ppm_ == 0 && local < kNever_us) {
      // Exactly what the general case finds at rate 1: base_virtual + (local - base_local).
      const i128 elapsed = static_cast<i128>(local) - base_local_us_;
      if (base_virtual_us_ + elapsed >= kNever_us) return kNever_us;
      return base_virtual_us_ + static_cast<Time_us>(elapsed);
    }
    const i128 need = (static_cast<i128>(local) - base_local_us_) * kMillion;
    const i128 rate = kMillion + drift_ppm_;
    const i128 elapsed = (need + rate - 1) / rate;
    if (base_virtual_us_ + elapsed >= kNever_us) return kNever_us;
    Time_us t = base_virtual_us_ + static_cast<Time_us>(elapsed);
    // Integer rounding: step to the exact first instant.
    while (t < kNever_us && local_us(t) < local) ++t;
    while (t > base_virtual_us_ && local_us(t - 1) >= local) --t;
    return t;
  }

  // From `now` on, run at `drift_ppm`, after jumping by `jump_us`. A jump stops at
  // +-kClockLimit_us (or where the clock already is, if it ran past the limit on its own): it
  // never carries the reading further out, and a change without a jump never moves it.
  void change(Time_us now_us, int64_t drift_ppm, Time_us jump_us) {
    BALLOT_REQUIRE(drift_ppm >= kMinDrift_ppm, "drift must keep the clock moving forward");
    const Time_us before = local_us(now_us);
    i128 local = static_cast<i128>(before) + jump_us;
    if (jump_us > 0 && local > kClockLimit_us) {
      local = before > kClockLimit_us ? before : kClockLimit_us;
    }
    if (jump_us < 0 && local < -kClockLimit_us) {
      local = before < -kClockLimit_us ? before : -kClockLimit_us;
    }
    base_local_us_ = static_cast<Time_us>(local);
    base_virtual_us_ = now_us;
    drift_ppm_ = drift_ppm;
  }

  int64_t drift_ppm() const { return drift_ppm_; }

 private:
  static constexpr int64_t kMillion = 1000000;

  static Time_us saturate(i128 v) {
    if (v > kNever_us) return kNever_us;
    if (v < -kNever_us) return -kNever_us;
    return static_cast<Time_us>(v);
  }

  Time_us base_virtual_us_ = 0;
  Time_us base_local_us_ = 0;
  int64_t drift_ppm_ = 0;
};

}  // namespace ballot
