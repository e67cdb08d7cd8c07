// Golden entries (scenarios/*.json "golden"): what `ballot check` records for a run, beside its
// trace hash a readable summary, so that a mismatch shows what changed; and the rewrite of a
// scenario file's "golden" object that `ballot check --update-golden` does. The format is in
// docs/scenario-format.md#golden.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cli/runner.h"

namespace ballot {

// One golden entry: the run's trace hash and its summary.
struct GoldenRecord {
  std::string hash;     // 16 hex digits
  std::string summary;  // a JSON object, compact text
};

// At most this many leader intervals are listed in a summary (the first ones and the last).
inline constexpr size_t kGoldenMaxLeaders = 12;

// The record of a run: hash, and a summary of events (captions not counted), leader intervals,
// messages sent by type, drops, client outcomes, damage and safety violations.
GoldenRecord golden_record(const RunReport& report);

// What differs between a recorded summary and a new one (compact JSON texts), one line per
// difference ("leaders[2]: expected \"n1 epoch 3 1.2s-4s\", got \"n2 epoch 3 1.2s-4s\""), at most
// `max_lines` (the last says how many more). Empty when they are equal.
std::vector<std::string> golden_summary_diff(const std::string& expected, const std::string& got,
                                             size_t max_lines = 12);

// What to show under a golden hash that differs: the summary's differences (recorded in the
// scenario against `got`), or why there are none to show.
std::vector<std::string> golden_mismatch_lines(const Scenario& scenario, const std::string& key,
                                               const GoldenRecord& got);

// The text of a scenario file with the value of its top-level "golden" object (with `variant` >=
// 0, that of "variants"[variant]) replaced by `entries`, in that order; every other byte of the
// file is kept. The new object is indented one step (two spaces) deeper than the line of its key.
// Throws InputError (path "golden") when the text has no such "golden" key or is not a JSON
// object.
std::string rewrite_golden(const std::string& text,
                           const std::vector<std::pair<std::string, GoldenRecord>>& entries,
                           int variant = -1);

// The keys of a scenario file's "golden" object (with `variant` >= 0, "variants"[variant]'s) in
// the order they appear in its text.
std::vector<std::string> golden_keys_in_order(const std::string& text, int variant = -1);

}  // namespace ballot
