// Presenting a run: the text summary, the --json object, and bad-input messages.
#pragma once
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "cli/runner.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

// `trace_file` is where the trace was written ("" for none): lists cut short say where the rest is.
void print_summary(std::ostream& out, const RunReport& report, const std::string& trace_file);
nlohmann::json report_json(const RunReport& report);
// The `faults` array of --json: every fault that fired (docs/cli.md).
nlohmann::json faults_json(const std::vector<FiredFault>& faults);
// "ballot: FILE: warning: MESSAGE" on stderr for each of the scenario's warnings.
void print_warnings(const Scenario& scenario);
// "ballot: FILE: PATH: MESSAGE" on stderr.
void print_input_error(const std::string& file, const InputError& e);

}  // namespace ballot::cli
