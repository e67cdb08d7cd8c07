// Trace readers on arbitrary bytes:
//   - the viewer's model (viz/trace_model.h parse_trace), which has no GUI dependency;
//   - the shared trace checks that replay, export and log read every line through
//     (cli/trace_file.h), then the header's resolved scenario through the scenario reader and the
//     parameter validation, as replay does before re-running (the re-run itself is not fuzzed:
//     its length is the scenario's).
// Bad input must be an InputError (or, for replay's header, a rejected header), never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "algorithms/registry.h"
#include "cli/trace_file.h"
#include "sim/api/input_error.h"
#include "sim/api/trace.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
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

// What replay, export and log read: every line through the shared checks (cli/trace_file.h),
// then, as replay does, the header's scenario through the scenario reader and the parameters.
void shared_reader(std::string_view text) {
  ballot::TraceLineReader reader;
  std::string header_scenario;
  try {
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      const bool no_newline = end == std::string_view::npos;
      if (no_newline) end = text.size();
      const auto kind = reader.next(text.substr(begin, end - begin), no_newline);
      if (kind == ballot::TraceLineReader::Line::Header)
        header_scenario = reader.header().scenario_json;
      begin = end + 1;
    }
    reader.finish();
  } catch (const ballot::InputError& e) {
    FUZZ_REQUIRE(std::string_view(e.what()).size() > 0);
    FUZZ_REQUIRE(e.path().rfind("line ", 0) == 0);  // every trace error names its line
  }
  if (header_scenario.empty()) return;
  try {
    const ballot::Scenario scenario =
        ballot::parse_scenario(header_scenario, "fuzz.trace (header)");
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
  shared_reader(text);
  return 0;
}
