// `ballot replay TRACE`: re-run a trace from its header and compare, event by event, then the
// footer and the header.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "cli/report.h"
#include "cli/runner.h"
#include "cli/trace_file.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {

using json = nlohmann::json;

struct ReplayOptions {
  std::string trace;
  RunLimits limits;
};

// Reads the next line; false at the end of the file. `no_newline`: the file ended without one.
bool next_line(std::istream& in, std::string& line, size_t line_no, bool& no_newline) {
  return read_trace_line(in, line, line_no, no_newline);
}

// Compares each event the re-run produces with the next line of the trace file, streaming, so
// that a large trace is never held in memory. Lines equal to the re-run's are valid by
// construction; any other line goes through the shared checks (trace_file.h), so that a
// malformed trace is bad input rather than a divergence.
class ReplayComparator : public Observer {
 public:
  ReplayComparator(std::istream& in, TraceLineReader& reader) : in_(in), reader_(reader) {}
  void on_event(const TraceEvent& ev) override {
    if (stopped_) return;
    produced_.clear();
    append_event_json(produced_, ev);
    std::string& line = line_;
    bool no_newline = false;
    try {
      for (;;) {
        if (!next_line(in_, line, reader_.line_number() + 1, no_newline)) {
          stop(ev.index, Stop::Ended);
          return;
        }
        if (!is_blank_trace_line(line)) break;
        reader_.skip_blank();
      }
    } catch (const InputError& e) {  // a line over the cap
      error_ = e;
      stop(ev.index, Stop::BadInput);
      return;
    }
    if (line.back() == '\r') line.pop_back();  // a trace that went through a CRLF editor
    if (line == produced_ && !no_newline) {
      reader_.trusted_event(ev.time_us);
      ++matched_;
      return;
    }
    try {
      switch (reader_.next(line, no_newline)) {
        case TraceLineReader::Line::Event:
          // A last line without a newline that is still a whole, valid event is no cut.
          if (line == produced_) {
            ++matched_;
            return;
          }
          expected_ = line;
          stop(ev.index, Stop::Diverged);
          return;
        case TraceLineReader::Line::Footer:
          footer_line_ = line;
          stop(ev.index, Stop::FooterEarly);
          return;
        case TraceLineReader::Line::Cut:
          stop(ev.index, Stop::CutMidLine);
          return;
        default:
          return;  // blank lines were skipped; the header was read before the run
      }
    } catch (const InputError& e) {
      error_ = e;
      stop(ev.index, Stop::BadInput);
    }
  }

  enum class Stop { None, Diverged, FooterEarly, Ended, CutMidLine, BadInput };
  Stop why_ = Stop::None;
  bool stopped_ = false;
  uint64_t index_ = 0;
  size_t line_no_ = 0;  // of the line where the comparison stopped
  uint64_t matched_ = 0;
  std::string expected_, produced_at_stop_, footer_line_;
  std::optional<InputError> error_;

 private:
  void stop(uint64_t index, Stop why) {
    stopped_ = true;
    why_ = why;
    index_ = index;
    line_no_ = reader_.line_number();
    produced_at_stop_ = produced_;
  }
  std::istream& in_;
  TraceLineReader& reader_;
  std::string produced_, line_;
};

// The footer's "cut", read from the end of the file before the re-run (which needs the same
// limit). Anything malformed is left to the checks of the streaming pass.
std::optional<TraceCut> read_cut_ahead(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size <= 0) return std::nullopt;
  const std::streamoff chunk = std::min<std::streamoff>(size, 4 << 20);
  std::string tail(static_cast<size_t>(chunk), '\0');
  in.seekg(size - chunk);
  in.read(tail.data(), chunk);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  const size_t start = tail.rfind('\n');
  const std::string last = start == std::string::npos ? tail : tail.substr(start + 1);
  const json j = json::parse(last, nullptr, false);
  if (!j.is_object() || !j.contains("footer") || !j.contains("cut") || !j["cut"].is_object())
    return std::nullopt;
  const json& c = j["cut"];
  if (!c.contains("limit") || !c["limit"].is_string() || !c.contains("value") ||
      !c["value"].is_number_unsigned())
    return std::nullopt;
  TraceCut cut;
  cut.limit = c["limit"].get<std::string>();
  cut.value = c["value"].get<uint64_t>();
  if (cut.limit != "max_events" && cut.limit != "max_trace_bytes") return std::nullopt;
  return cut;
}

std::string shorten(const json& v) {
  std::string text = v.dump();
  if (text.size() > 160) text = text.substr(0, 150) + "...";
  return text;
}

// The first place where the trace's value differs from the re-run's: a dotted path and a
// description, or nothing when they are equal.
std::optional<std::pair<std::string, std::string>> first_difference(const json& trace,
                                                                    const json& rerun,
                                                                    const std::string& path) {
  if (trace.is_object() && rerun.is_object()) {
    for (const auto& [key, value] : rerun.items()) {
      const std::string sub = path.empty() ? key : path + "." + key;
      if (!trace.contains(key))
        return std::make_pair(sub, "missing in the trace; the re-run has " + shorten(value));
      if (auto d = first_difference(trace[key], value, sub)) return d;
    }
    for (const auto& [key, value] : trace.items())
      if (!rerun.contains(key))
        return std::make_pair(path.empty() ? key : path + "." + key,
                              "the trace has " + shorten(value) + ", the re-run has none");
    return std::nullopt;
  }
  if (trace.is_array() && rerun.is_array()) {
    if (trace.size() != rerun.size())
      return std::make_pair(path, "the trace lists " + std::to_string(trace.size()) +
                                      ", the re-run " + std::to_string(rerun.size()) + ": " +
                                      shorten(rerun));
    for (size_t i = 0; i < trace.size(); ++i)
      if (auto d = first_difference(trace[i], rerun[i], path + "[" + std::to_string(i) + "]"))
        return d;
    return std::nullopt;
  }
  if (trace == rerun) return std::nullopt;
  return std::make_pair(path, "the trace has " + shorten(trace) + ", the re-run " + shorten(rerun));
}

int bad_input(const std::string& file, const InputError& e) {
  print_input_error(file, e);
  return kExitBadInput;
}

int replay(const ReplayOptions& o) {
  const std::string& file = o.trace;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "ballot: %s: cannot open the trace file\n", file.c_str());
    return kExitBadInput;
  }
  TraceLineReader reader;
  std::string header_line;
  Scenario scenario;
  try {
    std::string line;
    bool no_newline = false;
    while (!reader.has_header() && next_line(in, line, reader.line_number() + 1, no_newline))
      if (reader.next(line, no_newline) == TraceLineReader::Line::Header) header_line = line;
    reader.finish();
  } catch (const InputError& e) {
    return bad_input(file, e);
  }
  // The scenario is the header's "scenario" object: its errors name the line and the field.
  const std::string header_where = "line " + std::to_string(reader.line_number()) + ": scenario";
  auto scenario_error = [&](const InputError& e) {
    return bad_input(file,
                     InputError(header_where + (e.path().empty() ? "" : "." + e.path()), e.what()));
  };
  try {
    scenario = parse_scenario(reader.header().scenario_json, file + " (header)");
    scenario.file = reader.header().file;
  } catch (const InputError& e) {
    return scenario_error(e);
  }
  const TraceHeader& header = reader.header();
  // The header's own fields must agree with the scenario it carries (which is what runs).
  if (header.algorithm != scenario.algorithm || header.seed != scenario.seed) {
    const bool algo = header.algorithm != scenario.algorithm;
    std::printf("DIVERGED: the header's \"%s\" is %s but its scenario runs %s\n",
                algo ? "algorithm" : "seed",
                algo ? header.algorithm.c_str() : std::to_string(header.seed).c_str(),
                algo ? scenario.algorithm.c_str() : std::to_string(scenario.seed).c_str());
    return kExitFailed;
  }

  // A trace cut by a limit is re-run with the same limit (the footer says which).
  RunLimits limits = o.limits;
  const std::optional<TraceCut> cut = read_cut_ahead(file);
  if (cut && cut->limit == "max_events")
    limits.max_events = std::min(limits.max_events, cut->value);
  if (cut && cut->limit == "max_trace_bytes") {
    limits.max_trace_bytes = cut->value;
    limits.count_trace_bytes = true;
  }

  ReplayComparator comparator(in, reader);
  RunReport report;
  try {
    report = run_scenario_watched(scenario, &comparator, limits);
  } catch (const InputError& e) {  // an unknown algorithm, bad parameters
    return scenario_error(e);
  }
  if (comparator.error_) return bad_input(file, *comparator.error_);
  // The rest of the file: still checked, so that a malformed trace is bad input even when it
  // also diverges.
  std::string rest_first, footer_line = comparator.footer_line_;
  bool rest_has_events = false;
  try {
    std::string line;
    bool no_newline = false;
    while (next_line(in, line, reader.line_number() + 1, no_newline)) {
      const TraceLineReader::Line kind = reader.next(line, no_newline);
      if (kind == TraceLineReader::Line::Blank) continue;
      if (kind == TraceLineReader::Line::Footer) footer_line = line;
      if (kind == TraceLineReader::Line::Event && !rest_has_events) {
        rest_has_events = true;
        rest_first = line;
      }
    }
  } catch (const InputError& e) {
    return bad_input(file, e);
  }

  using Stop = ReplayComparator::Stop;
  const uint64_t matched = comparator.matched_;
  if (comparator.why_ == Stop::Diverged) {
    std::printf("DIVERGED at event %llu (line %llu, after %llu matching events)\n",
                static_cast<unsigned long long>(comparator.index_),
                static_cast<unsigned long long>(comparator.line_no_),
                static_cast<unsigned long long>(matched));
    std::printf("  expected: %s\n  produced: %s\n", comparator.expected_.c_str(),
                comparator.produced_at_stop_.c_str());
    return kExitFailed;
  }
  const bool rerun_cut_by_user =
      !report.cut_limit.empty() &&
      (!cut || cut->limit != report.cut_limit || cut->value != report.cut_value);
  if (rerun_cut_by_user) {
    std::fprintf(stderr, "ballot: %s: %s\n", file.c_str(), cut_message(report).c_str());
    return kExitBadInput;
  }
  if (comparator.why_ == Stop::FooterEarly) {
    std::printf(
        "DIVERGED at event %llu (after %llu matching events): the trace ends here\n"
        "  expected: (the footer) %s\n  produced: %s\n",
        static_cast<unsigned long long>(comparator.index_),
        static_cast<unsigned long long>(matched), shorten(json::parse(footer_line)).c_str(),
        comparator.produced_at_stop_.c_str());
    return kExitFailed;
  }
  if (comparator.why_ == Stop::CutMidLine || comparator.why_ == Stop::Ended) {
    std::printf(
        "truncated: the trace %s after %llu events (all identical to the re-run's), "
        "without a footer; the re-run has %llu events\n",
        comparator.why_ == Stop::CutMidLine ? "is cut in the middle of a line" : "ends",
        static_cast<unsigned long long>(matched),
        static_cast<unsigned long long>(report.result.events));
    return kExitFailed;
  }
  if (!reader.footer().has_value() && !rest_has_events) {
    std::printf(
        "truncated: the trace has no footer%s; its %llu events are identical to the "
        "re-run's\n",
        reader.cut_mid_line() ? " (its last line is cut in the middle)" : "",
        static_cast<unsigned long long>(matched));
    return kExitFailed;
  }
  if (rest_has_events) {
    std::printf(
        "DIVERGED at event %llu: the re-run ended after %llu events but the trace goes on\n"
        "  expected: %s\n  produced: (the run ends here)\n",
        static_cast<unsigned long long>(report.result.events),
        static_cast<unsigned long long>(report.result.events), rest_first.c_str());
    return kExitFailed;
  }

  // Every event matches: now the footer, field by field, and the header.
  const json recorded = json::parse(footer_line);
  const json rerun = json::parse(trace_footer(report));
  const std::string now = hash_hex(report.result.trace_hash);
  if (recorded["trace_hash"] != now) {
    std::printf(
        "DIVERGED: every event matches but the footer's trace hash is %s, the re-run's %s\n",
        recorded["trace_hash"].get<std::string>().c_str(), now.c_str());
    return kExitFailed;
  }
  if (auto d = first_difference(recorded, rerun, "")) {
    std::printf("DIVERGED: every event matches but the footer's \"%s\" differs: %s\n",
                d->first.c_str(), d->second.c_str());
    return kExitFailed;
  }
  const json recorded_header = json::parse(header_line);
  json rerun_header = json::parse(trace_header(report.scenario));
  // A trace written by another ballot version may replay identically: say so, do not fail.
  const std::string written_by = recorded_header["ballot_version"].get<std::string>();
  if (written_by != kBallotVersion)
    std::printf("note: written by ballot %s, replayed by %s\n", written_by.c_str(), kBallotVersion);
  rerun_header["ballot_version"] = written_by;
  // The table of fault kinds describes the ballot that wrote the trace, not the run.
  if (recorded_header.contains("fault_kinds"))
    rerun_header["fault_kinds"] = recorded_header["fault_kinds"];
  else
    rerun_header.erase("fault_kinds");
  if (auto d = first_difference(recorded_header, rerun_header, "")) {
    std::printf("DIVERGED: every event matches but the header's \"%s\" differs: %s\n",
                d->first.c_str(), d->second.c_str());
    return kExitFailed;
  }
  std::printf("replay ok: %llu events identical, trace hash %s, footer and header identical%s\n",
              static_cast<unsigned long long>(report.result.events), now.c_str(),
              report.cut_limit.empty() ? ""
                                       : (" (cut at " + report.cut_limit + " " +
                                          show_limit(report.cut_value) + ", as recorded)")
                                             .c_str());
  return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Re-run a trace from its header; confirm the same events, footer and header, or show the "
      "first difference (a diverging event: its index, the expected line and the line produced).");
  cmd->add_option("trace", o->trace, "Trace file written by 'ballot run --trace'")->required();
  add_limit_options(cmd, o->limits);
  cmd->callback([o, &action] { action = [o] { return replay(*o); }; });
}

}  // namespace ballot::cli
