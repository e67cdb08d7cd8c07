#include "cli/trace_load.h"

#include <cstdio>
#include <fstream>

#include "sim/api/input_error.h"

namespace ballot::cli {

std::optional<LoadedTrace> load_trace(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "ballot: %s: cannot open the trace file\n", path.c_str());
    return std::nullopt;
  }
  LoadedTrace out;
  TraceLineReader reader;
  std::string line;
  try {
    for (bool no_newline = false;
         read_trace_line(in, line, reader.line_number() + 1, no_newline);) {
      const TraceLineReader::Line kind = reader.next(line, no_newline);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (kind == TraceLineReader::Line::Event) {
        out.lines.push_back(line);
        out.events.push_back(nlohmann::ordered_json::parse(line));
      } else if (kind == TraceLineReader::Line::Footer) {
        out.footer = nlohmann::ordered_json::parse(line);
      }
    }
    reader.finish();
  } catch (const InputError& e) {
    std::fprintf(stderr, "ballot: %s: %s: %s\n", path.c_str(), e.path().c_str(), e.what());
    return std::nullopt;
  }
  out.header = reader.header();
  out.cut_mid_line = reader.cut_mid_line();
  const auto scenario = nlohmann::json::parse(out.header.scenario_json, nullptr, false);
  if (scenario.is_object() && scenario.contains("nodes") && scenario["nodes"].is_number_integer())
    out.nodes = scenario["nodes"].get<int>();
  for (const auto& e : out.events)
    for (const char* f : {"n", "to", "from"})
      if (e.contains(f) && e[f].is_number_integer())
        out.nodes = std::max(out.nodes, e[f].get<int>());
  return out;
}

}  // namespace ballot::cli
