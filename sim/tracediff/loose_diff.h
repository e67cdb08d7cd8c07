// A looser comparison of two runs than diff_runs() (trace_diff.h), for the viewer's compare
// marks (docs/viz.md, "Compare"): events are compared by what they are, not when they happen.
// `ballot diff` does not use it (its output is diff_runs()'s).
//
// An event's content is its trace line without the fields that only say when or in which order
// it happened: the index `i`, the time `t`, the sequence numbers (`id` of a send, deliver or
// drop, `op` of an invoke or return: numbered in the order things happen, so one more renumbers
// every later one; an operation's client, key and unique value still tell it apart), and the
// fields that hold a time of the run (`due`, `sent_us`, `expires_us`,
// `local_us`, at any depth), which count relative to the event's time (a timer armed for 150 ms
// stays the same timer when it is armed later). Captions are no part of the execution (the trace
// hash leaves them out, docs/trace-format.md): they are never compared.
//
// Matching: among the events of one content, the k-th of A pairs with the k-th of B when both
// runs have as many. When the counts differ by d (1 to kMaxSkips), the pairing is the
// order-preserving one that leaves d events of the longer list out with the least total time
// shift (a dynamic program, linear in the events of that content for a fixed d); beyond, the
// k-th pairs with the k-th and the extra ones at the end are left out. Sorting the contents
// makes the whole n log n.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/tracediff/trace_diff.h"

namespace ballot::tracediff {

struct LooseDiff {
  static constexpr size_t kMaxSkips = 16;

  // Events (indices into each run's lines, sorted) with no counterpart of the same content.
  std::vector<uint32_t> unmatched_a, unmatched_b;
  // Pairs whose times differ, the first of them in A's order (its A and B events and times),
  // and the largest shift |tb - ta|.
  size_t shifted = 0;
  uint32_t first_shifted_a = 0, first_shifted_b = 0;
  int64_t first_shifted_a_us = 0, first_shifted_b_us = 0;
  int64_t max_shift_us = 0;
  size_t captions_a = 0, captions_b = 0;  // left out of the comparison
  // Events whose counterpart comes later than themselves, with its time, sorted by event: up to
  // a time between the two, the other run has not done it yet (the viewer's reveal mode).
  struct Late {
    uint32_t event = 0;
    int64_t counterpart_us = 0;
  };
  std::vector<Late> late_a, late_b;

  // The first divergence: the earliest event without a counterpart (A's first at equal times).
  bool has_divergence = false;
  bool divergence_in_a = true;  // whose event it is
  uint32_t divergence_event = 0;
  int64_t divergence_us = 0;
  std::string divergence_kind;  // its `k`, and its node (0: cluster-wide)
  int64_t divergence_node = 0;
};

LooseDiff loose_diff(const DiffRun& a, const DiffRun& b);

// The content key of one event line (what matching compares), and its `t`; `caption` is set for
// a caption. Exposed for tests.
struct EventContent {
  uint64_t key = 0;
  int64_t t = 0;
  bool caption = false;
};
EventContent event_content(std::string_view line);

// One line for a label: "first divergence: B's event #1352 (fault) at 2500.000ms has no
// counterpart in A", "the same events, 840 of them at other times (the first: ...)", ...; `exact`
// is diff_runs()'s result for the same runs (identical runs, footers that differ).
std::string loose_divergence_text(const LooseDiff& d, const TraceDiff& exact);

}  // namespace ballot::tracediff
