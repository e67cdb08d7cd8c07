// Running a scenario inside the viewer: `ballot-viz SCENARIO --algo A --seed N` runs it with the
// ballot library and reads the trace it writes, exactly as if it had been written to a file.
// The viewer still only reads the trace; it never looks at the simulation's state.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ballot::viz {

struct InProcessRun {
  std::string trace;    // the whole trace text: header, events, footer
  std::string label;    // "scenarios/x.json, bully seed 1"
  std::string variant;  // the variant run, as asked for ("buggy", "base"; "" : none asked for)
};

// Loads the scenario (with "--set k=v" overrides, after the variant's own when `variant` names
// one: docs/scenario-format.md#variants), overrides algorithm and seed when given, runs it and
// returns the trace. Throws ballot::InputError for a bad scenario, variant or algorithm; the path
// already names the file.
InProcessRun run_in_process(const std::string& scenario_file,
                            const std::optional<std::string>& algorithm,
                            std::optional<uint64_t> seed, const std::vector<std::string>& sets,
                            const std::string& variant = "");

// Checks, without running, what run_in_process would reject first: the scenario file, the
// variant, the overrides and the algorithm's name. Throws ballot::InputError like run_in_process.
void check_scenario(const std::string& scenario_file, const std::optional<std::string>& algorithm,
                    std::optional<uint64_t> seed, const std::vector<std::string>& sets,
                    const std::string& variant = "");

// Whether a file is a trace rather than a scenario: its first line is a ballot-trace header, or
// its name ends in .jsonl.
bool looks_like_trace(const std::string& file);

}  // namespace ballot::viz
