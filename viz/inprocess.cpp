#include "viz/inprocess.h"

#include <fstream>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"

namespace ballot::viz {

namespace {

// Algorithm and seed go through the same override path as --set, so they are validated and
// recorded in the trace header like any other setting.
Scenario load(const std::string& scenario_file, const std::optional<std::string>& algorithm,
              std::optional<uint64_t> seed, const std::vector<std::string>& sets,
              const std::string& variant) {
  std::vector<std::string> overrides = sets;
  if (algorithm) overrides.push_back("algorithm=\"" + *algorithm + "\"");
  if (seed) overrides.push_back("seed=" + std::to_string(*seed));
  return load_scenario(scenario_file, overrides, variant);
}

}  // namespace

void check_scenario(const std::string& scenario_file, const std::optional<std::string>& algorithm,
                    std::optional<uint64_t> seed, const std::vector<std::string>& sets,
                    const std::string& variant) {
  const Scenario scenario = load(scenario_file, algorithm, seed, sets, variant);
  if (find_algorithm(scenario.algorithm) == nullptr) {
    std::string known;
    for (const AlgorithmInfo& a : algorithms()) known += (known.empty() ? "" : ", ") + a.name;
    throw InputError("algorithm",
                     "unknown algorithm '" + scenario.algorithm + "' (known: " + known + ")");
  }
}

InProcessRun run_in_process(const std::string& scenario_file,
                            const std::optional<std::string>& algorithm,
                            std::optional<uint64_t> seed, const std::vector<std::string>& sets,
                            const std::string& variant) {
  const Scenario scenario = load(scenario_file, algorithm, seed, sets, variant);
  std::ostringstream out;
  run_scenario(scenario, &out);
  InProcessRun run;
  run.trace = std::move(out).str();
  run.label = scenario_file + ", " + scenario.algorithm + " seed " + std::to_string(scenario.seed);
  run.variant = variant;
  return run;
}

bool looks_like_trace(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::string first(256, '\0');
  in.read(first.data(), static_cast<std::streamsize>(first.size()));
  first.resize(static_cast<size_t>(in.gcount()));
  if (first.find("\"format\":\"ballot-trace\"") != std::string::npos ||
      first.find("\"format\": \"ballot-trace\"") != std::string::npos)
    return true;
  const bool jsonl = file.size() >= 6 && file.compare(file.size() - 6, 6, ".jsonl") == 0;
  return jsonl;  // a .jsonl that is not a trace gets the trace parser's error, with a line number
}

}  // namespace ballot::viz
