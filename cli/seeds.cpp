#include "cli/seeds.h"

#include <charconv>

#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {
uint64_t number(const std::string& text, const std::string& flag, const std::string& whole) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw InputError(flag, "expected seeds like 1..100 or 1,5,9, got '" + whole + "'");
  return value;
}

[[noreturn]] void too_many(const std::string& flag, const std::string& whole) {
  throw InputError(flag, "at most " + std::to_string(kMaxSeeds) + " seeds (runs) at once, got '" +
                             whole + "'; split a larger sweep into several commands");
}
}  // namespace

std::vector<uint64_t> parse_seed_range(const std::string& text, const std::string& flag) {
  std::vector<uint64_t> seeds;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t dots = part.find("..");
    if (dots == std::string::npos) {
      if (seeds.size() >= kMaxSeeds) too_many(flag, text);
      seeds.push_back(number(part, flag, text));
    } else {
      const uint64_t a = number(part.substr(0, dots), flag, text);
      const uint64_t b = number(part.substr(dots + 2), flag, text);
      if (b < a) throw InputError(flag, "expected A..B with A <= B, got '" + part + "'");
      if (b - a >= kMaxSeeds || seeds.size() + (b - a + 1) > kMaxSeeds) too_many(flag, text);
      // Counting up to b inclusive, stopping at b itself: "s <= b" never fails when b is the
      // largest uint64_t, and the counter would wrap.
      for (uint64_t s = a;; ++s) {
        seeds.push_back(s);
        if (s == b) break;
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return seeds;
}

}  // namespace ballot::cli
