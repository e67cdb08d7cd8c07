// `ballot replay TRACE`: re-run a trace from its header and compare, event by event.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "sim/input_error.h"
#include "sim/input_file.h"

namespace ballot::cli {

namespace {

// Compares each event the re-run produces with the next line of the trace file, streaming, so
// that a large trace is never held in memory.
class ReplayComparator : public Observer {
 public:
  explicit ReplayComparator(std::istream& in) : in_(in) {}
  void on_event(const TraceEvent& ev) override {
    if (diverged_) return;
    const std::string produced = event_to_json(ev);
    std::string expected;
    const LineRead read = read_line_capped(in_, expected, kMaxTraceLineBytes);
    if (read == LineRead::TooLong) {
      diverged_ = too_long_ = true;
      index_ = ev.index;
      return;
    }
    if (read == LineRead::End || is_footer(expected)) {
      diverged_ = true;
      index_ = ev.index;
      expected_ = expected_end_ = "(the trace ends here)";
      produced_ = produced;
      ran_past_end_ = true;
      return;
    }
    if (expected != produced) {
      diverged_ = true;
      index_ = ev.index;
      expected_ = expected;
      produced_ = produced;
    }
    ++matched_;
  }
  static bool is_footer(const std::string& line) { return line.rfind("{\"footer\":", 0) == 0; }

  std::istream& in_;
  bool diverged_ = false;
  bool ran_past_end_ = false;
  bool too_long_ = false;  // the line for event index_ is longer than kMaxTraceLineBytes
  uint64_t index_ = 0;
  uint64_t matched_ = 0;
  std::string expected_, expected_end_, produced_;
};

int replay(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "ballot: %s: cannot open the trace file\n", file.c_str());
    return kExitBadInput;
  }
  std::string header_line;
  const LineRead first = read_line_capped(in, header_line, kMaxTraceLineBytes);
  if (first == LineRead::TooLong) {
    std::fprintf(stderr, "ballot: %s: line 1: longer than the %s limit for a trace line\n",
                 file.c_str(), byte_size(kMaxTraceLineBytes).c_str());
    return kExitBadInput;
  }
  if (first == LineRead::End) {
    std::fprintf(stderr, "ballot: %s: line 1: expected a trace header, the file is empty\n",
                 file.c_str());
    return kExitBadInput;
  }
  nlohmann::json header = nlohmann::json::parse(header_line, nullptr, false);
  if (header_line.rfind(kTraceHeaderStart, 0) == 0) {
    try {
      // Names the path and column of a number out of range, which nlohmann would discard the
      // header for or read as an inexact double.
      check_json_text(header_line);
    } catch (const InputError& e) {
      print_input_error(file, e);
      return kExitBadInput;
    }
  }
  if (header.is_discarded() || !header.is_object() || header.value("format", "") != "ballot-trace") {
    std::fprintf(stderr,
                 "ballot: %s: line 1: expected a ballot trace header "
                 "({\"format\":\"ballot-trace\",...}), got something else\n",
                 file.c_str());
    return kExitBadInput;
  }
  if (header.value("format_version", 0) != kTraceFormatVersion) {
    std::fprintf(stderr, "ballot: %s: line 1: format_version: expected %d, got %s\n", file.c_str(),
                 kTraceFormatVersion, header.value("format_version", nlohmann::json()).dump().c_str());
    return kExitBadInput;
  }
  if (!header.contains("scenario") || !header["scenario"].is_object()) {
    std::fprintf(stderr, "ballot: %s: line 1: scenario: expected the resolved scenario object\n",
                 file.c_str());
    return kExitBadInput;
  }
  Scenario scenario;
  try {
    scenario = parse_scenario(header["scenario"].dump(), file + " (header)");
    scenario.file = header.value("file", file);
  } catch (const InputError& e) {
    print_input_error(file + " (header scenario)", e);
    return kExitBadInput;
  }

  ReplayComparator comparator(in);
  RunReport report;
  try {
    // The comparator watches the run; the header is not compared (it is what we ran).
    report = run_scenario_watched(scenario, &comparator);
  } catch (const InputError& e) {
    print_input_error(file + " (header scenario)", e);
    return kExitBadInput;
  }
  if (comparator.too_long_) {
    // Event i is on line i + 2, after the header.
    std::fprintf(stderr, "ballot: %s: line %llu: longer than the %s limit for a trace line\n",
                 file.c_str(), static_cast<unsigned long long>(comparator.index_ + 2),
                 byte_size(kMaxTraceLineBytes).c_str());
    return kExitBadInput;
  }
  if (comparator.diverged_) {
    std::printf("DIVERGED at event %llu (after %llu matching events)\n",
                static_cast<unsigned long long>(comparator.index_),
                static_cast<unsigned long long>(comparator.matched_));
    std::printf("  expected: %s\n  produced: %s\n", comparator.expected_.c_str(),
                comparator.produced_.c_str());
    return kExitFailed;
  }
  std::string footer_line;
  if (read_line_capped(in, footer_line, kMaxTraceLineBytes) == LineRead::TooLong) {
    std::fprintf(stderr, "ballot: %s: line %llu: longer than the %s limit for a trace line\n",
                 file.c_str(), static_cast<unsigned long long>(report.result.events + 2),
                 byte_size(kMaxTraceLineBytes).c_str());
    return kExitBadInput;
  }
  if (!ReplayComparator::is_footer(footer_line)) {
    std::printf("DIVERGED: the re-run ended after %llu events but the trace goes on:\n  %s\n",
                static_cast<unsigned long long>(report.result.events), footer_line.c_str());
    if (footer_line.empty())
      std::printf("  (the trace has no footer: it may be truncated)\n");
    return kExitFailed;
  }
  nlohmann::json footer = nlohmann::json::parse(footer_line, nullptr, false);
  const std::string recorded = footer.is_object() ? footer.value("trace_hash", "") : "";
  const std::string now = hash_hex(report.result.trace_hash);
  if (recorded != now) {
    std::printf("DIVERGED: every event matches but the footer's trace hash is %s, the re-run's %s\n",
                recorded.c_str(), now.c_str());
    return kExitFailed;
  }
  std::printf("replay ok: %llu events identical, trace hash %s\n",
              static_cast<unsigned long long>(report.result.events), now.c_str());
  return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app, Action& action) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Re-run a trace from its header; confirm the same events and hash, or show the first "
      "diverging event (its index, the expected line and the line produced).");
  cmd->add_option("trace", *file, "Trace file written by 'ballot run --trace'")->required();
  cmd->callback([file, &action] { action = [file] { return replay(*file); }; });
}

}  // namespace ballot::cli
