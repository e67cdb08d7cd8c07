// Captions in a run's report: when each was shown, and warnings for captions anchored to an event
// that never happened (docs/scenario-format.md#captions, docs/cli.md).
#pragma once
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "cli/runner.h"

namespace ballot::cli {

// "captions[1]: its anchor {"role":"leader","node":"n9"} never happened in the run: the caption
// is not shown", one per anchored caption not shown (none for a run cut by a limit, whose later
// captions are simply not reached).
std::vector<std::string> caption_warnings(const RunReport& report);
// The `captions` array of --json: every caption with its JSON path, text, when it was shown, and
// for an anchored one its anchor and when that fired.
nlohmann::json captions_json(const RunReport& report);
// "Captions anchored to events" and one line per such caption with the time it was shown; nothing
// when the scenario has none.
void print_anchored_captions(std::ostream& out, const RunReport& report);

}  // namespace ballot::cli
