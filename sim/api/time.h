// Virtual time: signed 64-bit microseconds since the start of a run.
#pragma once
#include <cstdint>

namespace ballot {

using Time_us = int64_t;

inline constexpr Time_us kMicrosecond_us = 1;
inline constexpr Time_us kMillisecond_us = 1000;
inline constexpr Time_us kSecond_us = 1000 * 1000;
// A time no event reaches: used for "never" (pending operations, timers that cannot fire).
inline constexpr Time_us kNever_us = INT64_MAX;

}  // namespace ballot
