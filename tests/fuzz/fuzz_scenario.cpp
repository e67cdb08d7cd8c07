// The scenario reader (sim/kernel/scenario.h) with "--set" overrides, and the parameter validation
// that `ballot run` does before running (algorithms/registry.h). Input: the scenario text, then
// zero or more overrides, each after a NUL byte ("{...}\0seed=7\0faults[0].at=3s"), so that
// libFuzzer mutates both. Bad input must be an InputError with a message; anything else is a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/registry.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string text(input.substr(0, nul));
  std::vector<std::string> overrides;
  for (size_t pos = nul; pos != std::string_view::npos && pos < input.size();) {
    const size_t next = input.find('\0', pos + 1);
    overrides.emplace_back(input.substr(
        pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1));
    pos = next;
  }
  try {
    const ballot::Scenario scenario = ballot::parse_scenario(text, "fuzz.json", overrides);
    FUZZ_REQUIRE(!scenario.resolved_json.empty());
    const ballot::AlgorithmInfo* algo = ballot::find_algorithm(scenario.algorithm);
    if (algo == nullptr) return 0;  // the runner reports it (an InputError at "algorithm")
    // Building the simulator validates the algorithm's parameters and sets up nodes and
    // network, as `ballot run` does before its first event. The run itself is not fuzzed here:
    // its length is the scenario's to choose.
    const auto simulator = ballot::make_simulator(*algo, scenario);
    FUZZ_REQUIRE(simulator != nullptr);
  } catch (const ballot::InputError& e) {
    FUZZ_REQUIRE(std::string_view(e.what()).size() > 0);
  }
  return 0;
}
