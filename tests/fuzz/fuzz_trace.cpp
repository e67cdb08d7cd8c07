// Trace readers on arbitrary bytes:
//   - the viewer's model (viz/trace_model.h parse_trace), which has no GUI dependency;
//   - what `ballot replay` reads before re-running: the header line, its format fields and the
//     resolved scenario in it, which goes through the scenario reader and the parameter
//     validation (cli/cmd_replay.cpp does the same steps; the re-run itself is not fuzzed, its
//     length is the scenario's).
// Bad input must be an InputError (or, for replay's header, a rejected header), never a crash.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "algorithms/registry.h"
#include "sim/input_error.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "sim/trace.h"
#include "tests/fuzz/fuzz_check.h"
#include "viz/trace_model.h"

namespace {

void viewer_model(std::string text) {
  try {
    const auto model = ballot::viz::parse_trace(std::move(text), "fuzz.trace", {});
    FUZZ_REQUIRE(model != nullptr);
    for (uint32_t i = 0; i < model->events.size() && i < 64; ++i) {
      (void)ballot::viz::event_fields(*model, i);
    }
  } catch (const ballot::InputError& e) {
    FUZZ_REQUIRE(std::string_view(e.what()).size() > 0);
  }
}

bool field_is(const nlohmann::json& object, const char* key, const nlohmann::json& wanted) {
  const auto it = object.find(key);
  return it != object.end() && *it == wanted;
}

void replay_header(std::string_view text) {
  const std::string header_line(text.substr(0, text.find('\n')));
  const nlohmann::json header = nlohmann::json::parse(header_line, nullptr, false);
  // The checks cmd_replay.cpp makes before reading the scenario, without its value() calls:
  // those throw on a wrong-typed field (see the report of issue 9; the trace-tool hardening
  // makes them exit 2), which would stop this target at the first such input.
  if (header.is_discarded() || !header.is_object() || !field_is(header, "format", "ballot-trace"))
    return;
  if (!field_is(header, "format_version", ballot::kTraceFormatVersion)) return;
  if (!header.contains("scenario") || !header["scenario"].is_object()) return;
  try {
    const ballot::Scenario scenario =
        ballot::parse_scenario(header["scenario"].dump(), "fuzz.trace (header)");
    const ballot::AlgorithmInfo* algo = ballot::find_algorithm(scenario.algorithm);
    if (algo == nullptr) return;  // replay reports it (an InputError at "algorithm")
    FUZZ_REQUIRE(ballot::make_simulator(*algo, scenario) != nullptr);
  } catch (const ballot::InputError& e) {
    FUZZ_REQUIRE(std::string_view(e.what()).size() > 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  viewer_model(std::string(text));
  replay_header(text);
  return 0;
}
