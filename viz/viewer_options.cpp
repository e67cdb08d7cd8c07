#include "viz/viewer_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <utility>

#include "sim/api/input_error.h"
#include "viz/inprocess.h"
#include "viz/lanes.h"
#include "viz/trace_query.h"

namespace ballot::viz {

namespace {

int bad_input(const std::string& message) {
  std::fprintf(stderr, "ballot-viz: %s\n", message.c_str());
  return kExitBadInput;
}

bool parse_size(const std::string& text, int& w, int& h) {
  return std::sscanf(text.c_str(), "%dx%d", &w, &h) == 2 && w >= 200 && h >= 150 && w <= 8192 &&
         h <= 8192;
}

// --window A:B, or nullopt when it does not parse or B is not after A.
std::optional<std::pair<Time_us, Time_us>> parse_window(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const auto a = parse_time(text.substr(0, colon));
  const auto b = parse_time(text.substr(colon + 1));
  if (!a || !b || *b <= *a) return std::nullopt;
  return std::make_pair(*a, *b);
}

// Checks a scenario input now: a bad one is bad input whether or not there is a display. An
// exit code when it is bad.
std::optional<int> check_scenario_input(const ViewerOptions& o, const TraceSource& main) {
  try {
    check_scenario(o.input, main.algorithm, main.seed, o.sets, main.variant);
    if (!o.compare_algo.empty())
      check_scenario(o.input, o.compare_algo, main.seed, o.sets, main.variant);
    if (o.variants.size() == 2)
      check_scenario(o.input, main.algorithm, main.seed, o.sets, o.variants[1]);
  } catch (const ballot::InputError& e) {
    // Scenario errors name the file in their path already ("file: faults[0].at").
    std::string where = o.input;
    if (!e.path().empty())
      where = e.path().rfind(o.input, 0) == 0 ? e.path() : o.input + ": " + e.path();
    return bad_input(where + ": " + e.what());
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> parse_command_line(int argc, char** argv, ViewerOptions& o) {
  CLI::App cli{
      "ballot-viz: the timeline viewer for ballot traces.\n"
      "Opens a trace written by `ballot run SCENARIO --trace FILE`, or runs a scenario in-process\n"
      "(`ballot-viz SCENARIO --algo A --seed N`) and opens its trace. See docs/viz.md."};
  cli.add_option("input", o.input, "A trace (.jsonl) or a scenario (.json) to run in-process")
      ->required();
  cli.add_option("--algo", o.algorithm,
                 "Run the scenario with this algorithm (overrides the scenario's)");
  cli.add_option("--seed", o.seed, "Run the scenario with this seed (overrides the scenario's)")
      ->each([&o](const std::string&) { o.seed_given = true; });
  cli.add_option("--set", o.sets, "Override a scenario setting, key=value (as `ballot run --set`)");
  cli.add_option("--compare", o.compare,
                 "A second trace (or scenario) to stack under the first, one time cursor");
  cli.add_option(
      "--compare-algo", o.compare_algo,
      "Compare with the same scenario and seed run with this algorithm (scenario input only)");
  cli.add_option("--variant", o.variants,
                 "Run the scenario's variant NAME (base: the file without one); give two "
                 "(--variant base --variant buggy, or --variant base,buggy) to stack them under "
                 "one cursor, each labelled with its name")
      ->delimiter(',');
  cli.add_option("--screenshot", o.screenshot,
                 "Render to this PNG and exit (needs a display; use xvfb-run)");
  cli.add_option("--at", o.at, "Time cursor for --screenshot, e.g. 4s, 250ms, 37us");
  cli.add_option("--size", o.size, "Window size WxH (default 1600x900)");
  cli.add_option("--window", o.window,
                 "Visible time window A:B, e.g. 1.9s:2.4s (default: the whole run)");
  cli.add_option("--benchmark-frames", o.benchmark_frames,
                 "Render N frames over several views, print load time and frame times, exit");
  cli.add_option("--font-size", o.font_size, "Font size in pixels (default 16)");
  cli.add_flag("--no-side-panel", o.no_side_panel,
               "Start with the side panels hidden (P toggles them)");
  cli.add_flag("--reveal", o.reveal,
               "start in reveal mode: nothing after the cursor is shown (R toggles)");
  cli.add_flag("--cluster", o.cluster,
               "Show the cluster view beside the timeline: the nodes on a circle at the cursor, "
               "with election timers and messages in flight (C toggles it)");
  cli.add_flag("--hide-heartbeats", o.hide_heartbeats,
               "Start with heartbeats hidden (H toggles them)");
  cli.add_option("--panel", o.panel,
                 "Side panel to open: inspector, filters, captions, summary, compare or fork")
      ->check(CLI::IsMember({"inspector", "filters", "captions", "summary", "compare", "fork"}));
  cli.add_option("--nodes", o.nodes,
                 "Show lanes for these nodes only, e.g. n1-n5,n9, or 'leaders' (leaders, fault "
                 "targets and nodes in violations stay shown unless 'leaders'); see docs/viz.md")
      ->each([&o](const std::string&) { o.nodes_given = true; });
  cli.add_option("--select", o.select,
                 "Select event number I (its \"i\") in the Inspector and move the cursor to it");
  cli.add_option("--record", o.record,
                 "Play the run into a video, FILE.mp4 or FILE.gif, and exit (needs a display, "
                 "use xvfb-run; and ffmpeg)");
  cli.add_option("--from", o.record_from, "Where --record starts, e.g. 1.9s (default 0)");
  cli.add_option("--to", o.record_to,
                 "Where --record ends, e.g. 2.6s (default: the end of the run)");
  cli.add_option("--fps", o.record_fps, "Frames per second of --record's video (default 30)");
  cli.add_option("--speed", o.record_speed,
                 "Run time per second of --record's video, e.g. 0.1 (the default) or 1");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  return std::nullopt;
}

std::optional<int> resolve_options(const ViewerOptions& o, AppOptions& app, int& width,
                                   int& height) {
  if (!parse_size(o.size, width, height))
    return bad_input("--size: expected WxH like 1280x720, got '" + o.size + "'");
  if (!o.at.empty()) {
    const auto t = parse_time(o.at);
    if (!t || *t < 0)
      return bad_input("--at: expected a time like 4s, 250ms or 37us, got '" + o.at + "'");
    app.cursor_us = *t;
  }
  if (!o.window.empty()) {
    app.window_us = parse_window(o.window);
    if (!app.window_us)
      return bad_input("--window: expected A:B with A < B, like 1.9s:2.4s, got '" + o.window + "'");
  }
  if (std::FILE* f = std::fopen(o.input.c_str(), "rb")) {
    std::fclose(f);
  } else {
    return bad_input(o.input + ": cannot open the file");
  }
  const bool scenario =
      !o.algorithm.empty() || o.seed_given || !o.sets.empty() || !looks_like_trace(o.input);
  app.main.path = o.input;
  app.main.is_scenario = scenario;
  if (!o.algorithm.empty()) app.main.algorithm = o.algorithm;
  if (o.seed_given) app.main.seed = o.seed;
  app.main.sets = o.sets;
  if (!o.variants.empty()) {
    if (!scenario) return bad_input("--variant needs a scenario as input, not a trace");
    if (o.variants.size() > 2)
      return bad_input("--variant: at most two variants (one to show, two to stack), got " +
                       std::to_string(o.variants.size()));
    if (o.variants.size() == 2 && (!o.compare.empty() || !o.compare_algo.empty()))
      return bad_input(
          "two --variant names stack the two runs: give no --compare or --compare-algo");
    app.main.variant = o.variants[0];
  }
  if (scenario)
    if (const auto code = check_scenario_input(o, app.main)) return code;
  if (!o.compare.empty() && !o.compare_algo.empty())
    return bad_input("--compare and --compare-algo: give one of them");
  if (!o.compare.empty()) {
    TraceSource c;
    c.path = o.compare;
    c.is_scenario = !looks_like_trace(o.compare);
    app.compare = c;
  } else if (!o.compare_algo.empty()) {
    if (!scenario) return bad_input("--compare-algo needs a scenario as input, not a trace");
    TraceSource c = app.main;
    c.algorithm = o.compare_algo;
    app.compare = c;
  } else if (o.variants.size() == 2) {
    TraceSource c = app.main;
    c.variant = o.variants[1];
    app.compare = c;
  }
  if (o.nodes_given) {
    std::string error;
    if (!parse_node_spec(o.nodes, error)) return bad_input("--nodes: " + error);
    app.nodes = o.nodes;
  }
  app.side_panel = !o.no_side_panel;
  app.hide_heartbeats = o.hide_heartbeats;
  app.reveal = o.reveal;
  app.cluster = o.cluster;
  app.panel = o.panel;
  if (o.select >= 0) app.select_event = static_cast<uint32_t>(o.select);
  return std::nullopt;
}

}  // namespace ballot::viz
