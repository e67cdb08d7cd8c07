// A node's local clock: virtual time seen through a drift rate and jumps, piecewise linear.
// local(t) = base_local + (t - base_virtual) * (1 + drift_ppm / 1e6), in integer arithmetic.
#pragma once
#include <cassert>
#include <cstdint>

#include "sim/int128.h"
#include "sim/time.h"

namespace ballot {

class LocalClock {
 public:
  // Drift must keep the clock moving forward: drift_ppm > -1e6.
  static constexpr int64_t kMinDrift_ppm = -999999;

  Time_us local_us(Time_us virtual_us) const {
    const i128 elapsed = virtual_us - base_virtual_us_;
    i128 scaled = elapsed * (kMillion + drift_ppm_);
    // Floor division, so that the clock is monotone through zero.
    i128 q = scaled / kMillion;
    if (scaled % kMillion != 0 && scaled < 0) --q;
    return base_local_us_ + static_cast<Time_us>(q);
  }

  // The earliest virtual time at which the local clock reads at least `local`.
  Time_us virtual_us_at(Time_us local) const {
    if (local <= base_local_us_) return base_virtual_us_;
    const i128 need = static_cast<i128>(local - base_local_us_) * kMillion;
    const i128 rate = kMillion + drift_ppm_;
    i128 elapsed = (need + rate - 1) / rate;
    Time_us t = base_virtual_us_ + static_cast<Time_us>(elapsed);
    // Integer rounding: step to the exact first instant.
    while (local_us(t) < local) ++t;
    while (t > base_virtual_us_ && local_us(t - 1) >= local) --t;
    return t;
  }

  // From `now` on, run at `drift_ppm`, after jumping by `jump_us`.
  void change(Time_us now_us, int64_t drift_ppm, Time_us jump_us) {
    assert(drift_ppm >= kMinDrift_ppm);
    base_local_us_ = local_us(now_us) + jump_us;
    base_virtual_us_ = now_us;
    drift_ppm_ = drift_ppm;
  }

  int64_t drift_ppm() const { return drift_ppm_; }

 private:
  static constexpr int64_t kMillion = 1000000;
  Time_us base_virtual_us_ = 0;
  Time_us base_local_us_ = 0;
  int64_t drift_ppm_ = 0;
};

}  // namespace ballot
