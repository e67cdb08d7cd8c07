// Seed ranges on the command line: "1..100", "7", "1,5,9" or a mix ("1..3,10").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ballot::cli {

// Throws InputError(flag, message) for a malformed or empty range, or more than kMaxSeeds seeds.
std::vector<uint64_t> parse_seed_range(const std::string& text, const std::string& flag);

// A bound on one command's runs (docs/cli.md): a sweep keeps every seed's outcome in memory, and
// a range of billions is a typo, not a plan.
inline constexpr uint64_t kMaxSeeds = 1'000'000;

}  // namespace ballot::cli
