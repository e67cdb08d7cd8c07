#include "viz/inprocess.h"

#include <fstream>
#include <sstream>

#include "cli/runner.h"
#include "sim/scenario.h"

namespace ballot::viz {

InProcessRun run_in_process(const std::string& scenario_file, const std::optional<std::string>& algorithm,
                            std::optional<uint64_t> seed, const std::vector<std::string>& sets) {
  // Algorithm and seed go through the same override path as --set, so they are validated and
  // recorded in the trace header like any other setting.
  std::vector<std::string> overrides = sets;
  if (algorithm) overrides.push_back("algorithm=\"" + *algorithm + "\"");
  if (seed) overrides.push_back("seed=" + std::to_string(*seed));
  const Scenario scenario = load_scenario(scenario_file, overrides);
  std::ostringstream out;
  run_scenario(scenario, &out);
  InProcessRun run;
  run.trace = std::move(out).str();
  run.label = scenario_file + ", " + scenario.algorithm + " seed " + std::to_string(scenario.seed);
  return run;
}

bool looks_like_trace(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string first(256, '\0');
  in.read(first.data(), static_cast<std::streamsize>(first.size()));
  first.resize(static_cast<size_t>(in.gcount()));
  return first.find("\"format\":\"ballot-trace\"") != std::string::npos ||
         first.find("\"format\": \"ballot-trace\"") != std::string::npos;
}

}  // namespace ballot::viz
