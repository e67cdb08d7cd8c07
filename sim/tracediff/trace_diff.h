// How two runs differ, from their traces (docs/trace-format.md): where they part (the first
// divergence), which events have no counterpart in the other run, and a summary (leader
// intervals, damage and violations, messages sent by type). `ballot diff` prints it
// (cli/cmd_diff.cpp); the viewer's compare mode draws it (viz/trace_diff_view.h).
//
// Plain data in and out: the caller hands over the lines of a trace as written; this library
// parses them itself, so no JSON library shows in this header.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ballot::tracediff {

// What the summary needs of one event: its top-level `t`, `n`, `epoch` (0 when absent or not
// integers), `k`, `role` and `type` ("" when absent or not strings).
struct EventFacts {
  int64_t t = 0, n = 0, epoch = 0;
  std::string k, role, type;
};

// One run as its trace has it. The views must outlive diff_runs().
struct DiffRun {
  std::string algorithm;
  uint64_t seed = 0;
  std::string scenario_json;               // the header's resolved scenario
  std::vector<std::string_view> lines;     // every event line as written (no newline)
  std::optional<std::string_view> footer;  // the footer line; absent when the run is truncated
  // Optional, one per line: the facts, from a caller that has parsed the lines already (else
  // they are read from the lines).
  std::vector<EventFacts> facts;
};

// A node leads from the `role` event that makes it leader until its next role change or crash,
// or the end of the run.
struct LeaderInterval {
  int64_t node = 0, epoch = 0, from_us = 0, to_us = 0;
  bool operator==(const LeaderInterval& o) const {
    return node == o.node && epoch == o.epoch && from_us == o.from_us && to_us == o.to_us;
  }
};

struct RunSummary {
  size_t events = 0;
  int64_t end_us = 0;                   // the last event's time, or the footer's end_us when later
  std::vector<LeaderInterval> leaders;  // sorted by (from, node)
  // The footer's lost_writes, job_duplicates, id_duplicates and violations (counts); empty
  // when there is no footer (unknown).
  std::map<std::string, int64_t> damage;
  std::map<std::string, int64_t> sent_by_type;  // send events per message type
};

struct TraceDiff {
  // Header.
  bool same_algorithm = true, same_seed = true, same_scenario = true;
  std::string scenario_fields;  // the scenario's top-level fields that differ ("?": unreadable)

  // Events, aligned index by index: events [0, first) are the same line for line.
  size_t first = 0;
  enum class Divergence : uint8_t {
    None,    // the same events and footer: identical runs
    Footer,  // the same events, different footers
    Event,   // event `first` differs
    Prefix,  // one run ends after `first` events, the other goes on
  };
  Divergence divergence = Divergence::None;
  // Event: the fields that differ; Footer: the footer fields that differ, or "presence (one run
  // is truncated)".
  std::string fields;
  int64_t a_us = 0, b_us = 0;  // Event: both events' times; Prefix: the longer run's event's
  bool a_longer = false;       // Prefix: A is the one that goes on
  int64_t divergence_us() const { return a_us < b_us ? a_us : b_us; }
  bool identical() const { return divergence == Divergence::None; }

  // Events without a counterpart, sorted. A counterpart of an event is an event of the other run
  // whose line is the same apart from its index `i` (same time, kind, nodes and fields); the
  // k-th occurrence of a line in A pairs with the k-th occurrence of that line in B.
  std::vector<uint32_t> unmatched_a, unmatched_b;

  RunSummary a, b;
};

// Aligns and summarises. Expects traces that the shared checks accepted (cli/trace_file.h); a
// line that is not a JSON object counts as having no fields.
TraceDiff diff_runs(const DiffRun& a, const DiffRun& b);

// "750us", "2000.000ms": how `ballot diff` prints a time.
std::string us_text(int64_t us);

// One line naming the first divergence, for a label: "first divergence: event #1351 at
// 2000.000ms, differs in: k, fault", "first divergence: event #40 at 3.100ms, B ends after 40
// events", "events identical, footers differ in: end_us", or "identical runs".
std::string divergence_text(const TraceDiff& d);

}  // namespace ballot::tracediff
