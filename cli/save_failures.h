// --save-failures DIR of sweep, compare and check: each failing run written as a self-contained
// scenario (script_failure in cli/shrink.h) to DIR/<scenario stem>.<algorithm>.seed<N>.json.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cli/runner.h"

namespace ballot::cli {

// Creates DIR when missing; prints "ballot: --save-failures DIR: ..." and returns false when it
// cannot.
bool prepare_failure_dir(const std::string& dir);

struct SavedRun {
  bool saved = false;
  std::string path;                // where it went (when saved)
  std::vector<std::string> notes;  // for people: what could not be scripted, or why not saved
};

// Saves one failing run (file, algorithm, seed, --set values). Never throws for a run that cannot
// be saved: the reason is a note. `saved_by` names the command ("ballot sweep").
SavedRun save_failure(const std::string& dir, const std::string& file, const std::string& algorithm,
                      uint64_t seed, const std::vector<std::string>& sets, const RunLimits& limits,
                      const std::string& saved_by, const std::string& variant = "");

// "saved to DIR/x.json" or "not saved: ..." and the notes, one line: for a failure's listing.
std::string saved_line(const SavedRun& run);

}  // namespace ballot::cli
