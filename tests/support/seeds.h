// How many seeds the seed sweeps run: in full in Release, a fifth under the sanitizers, which are
// there to find memory errors and run 5-10x slower.
#pragma once
#include <cstdint>

namespace ballot::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr uint64_t kSeedDivisor = 5;
#else
inline constexpr uint64_t kSeedDivisor = 1;
#endif

constexpr uint64_t sweep_seeds(uint64_t full) {
  return full / kSeedDivisor;
}

}  // namespace ballot::test
