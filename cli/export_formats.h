// Whole-trace exports (docs/cli.md, `ballot export`): Perfetto / Trace Event Format JSON and a
// ShiViz log. Included only by cli/*.cpp files of the ballot executable.
#pragma once
#include <string>

#include "cli/trace_load.h"

namespace ballot::cli {

std::string to_perfetto(const LoadedTrace& t);
// The ShiViz log: line 1 the parsing regex (kShivizRegex), line 2 the (empty) delimiter of
// multiple executions, then two lines per event of a node: the event's text, then
// "<host> <vector clock JSON>".
extern const char* const kShivizRegex;
std::string to_shiviz(const LoadedTrace& t);

}  // namespace ballot::cli
