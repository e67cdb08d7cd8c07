// A fixture for determinism:sources_catch_violations, never compiled: a kernel file that walks
// a hash map, reads the wall clock and uses the standard library's randomness. Mentions in
// comments, like std::unordered_map or std::mt19937 here, are not reported.
#include <chrono>
#include <random>
#include <unordered_map>

int walk() {
  std::unordered_map<int, int> seen{{1, 2}, {3, 4}};
  int first = 0;
  for (const auto& [key, value] : seen) first = key;  // the order is the library's
  const auto now = std::chrono::steady_clock::now();
  std::mt19937 engine(7);
  std::uniform_int_distribution<int> die(1, 6);
  return first + die(engine) + static_cast<int>(now.time_since_epoch().count());
}
