// ballot-viz's command line: parsed and checked as far as it can be without a display, into what
// the App opens (docs/viz.md). CLI11 stays in the .cpp.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "viz/app.h"

namespace ballot::viz {

// Exit codes: 0 ok; 1 no display (or no OpenGL 3.3); 2 bad input (flags, trace, scenario); 3
// --record could not make its video (kExitRecordFailed in viz/record.h).
inline constexpr int kExitOk = 0, kExitNoDisplay = 1, kExitBadInput = 2;

struct ViewerOptions {
  std::string input;
  std::string algorithm;
  uint64_t seed = 0;
  bool seed_given = false;
  std::vector<std::string> sets;
  std::string compare, compare_algo;
  std::vector<std::string> variants;  // --variant: one to show, or two to stack
  std::string screenshot;
  std::string at, size = "1600x900", window;
  int benchmark_frames = 0;
  float font_size = 16.0f;
  bool no_side_panel = false;
  bool hide_heartbeats = false;
  bool reveal = false;
  bool cluster = false;
  int64_t select = -1;
  std::string panel;
  // --record FILE --from T --to T --fps N --speed X (viz/record.h); empty when not given.
  std::string record, record_from, record_to, record_fps, record_speed;
  std::string nodes;  // --nodes
  bool nodes_given = false;
};

// Parses argv into `o`; an exit code when the program should stop (--help, a bad flag).
std::optional<int> parse_command_line(int argc, char** argv, ViewerOptions& o);

// Everything that does not need a display: the window's size and what the App opens. An exit
// code (with the reason on stderr) when the input is bad.
std::optional<int> resolve_options(const ViewerOptions& o, AppOptions& app, int& width,
                                   int& height);

}  // namespace ballot::viz
