// How many seeds the Raft sweeps run. The Release build runs them in full (1000 and 500 seeds);
// a sanitized build runs a fifth, since it is there to find memory errors, and is 5-10x slower.
#pragma once
#include <cstdint>

namespace raft_test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr uint64_t kSeedDivisor = 5;
#else
inline constexpr uint64_t kSeedDivisor = 1;
#endif

constexpr uint64_t sweep_seeds(uint64_t full) {
  return full / kSeedDivisor;
}

}  // namespace raft_test
