// A whole trace in memory, checked as replay checks it (cli/trace_file.h), for the commands that
// need every event at once: `ballot export --format perfetto|shiviz` and `ballot diff`.
// Included only by cli/*.cpp files of the ballot executable.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/trace_file.h"

namespace ballot::cli {

struct LoadedTrace {
  TraceHeader header;
  std::vector<std::string> lines;              // each event line as written (no newline)
  std::vector<nlohmann::ordered_json> events;  // the same, parsed (fields in trace order)
  std::optional<nlohmann::ordered_json> footer;
  bool cut_mid_line = false;
  int nodes = 0;  // the scenario's "nodes", or the highest node an event names
};

// Reads and checks `path`. Bad input (unreadable, invalid): prints "ballot: FILE: line N: ..."
// to standard error and returns std::nullopt (the caller exits 2).
std::optional<LoadedTrace> load_trace(const std::string& path);

}  // namespace ballot::cli
