#include "cli/save_failures.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/shrink.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace fs = std::filesystem;

bool prepare_failure_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    std::fprintf(stderr, "ballot: --save-failures %s: cannot create the directory\n", dir.c_str());
    return false;
  }
  return true;
}

SavedRun save_failure(const std::string& dir, const std::string& file, const std::string& algorithm,
                      uint64_t seed, const std::vector<std::string>& sets, const RunLimits& limits,
                      const std::string& saved_by, const std::string& variant) {
  SavedRun run;
  ShrinkOptions o;
  o.file = file;
  o.sets = sets;
  o.variant = variant;
  o.algorithm = algorithm;
  o.seed_given = true;
  o.seed = seed;
  o.limits = limits;
  try {
    const SavedFailure f = script_failure(o, saved_by);
    run.notes = f.notes;
    const std::string stem =
        fs::path(file).stem().string() + (variant.empty() ? "" : "." + variant);
    const fs::path path =
        fs::path(dir) / (stem + "." + algorithm + ".seed" + std::to_string(seed) + ".json");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.scenario_text;
    out.close();
    if (!out) {
      run.notes.push_back("not saved: cannot write " + path.string());
      return run;
    }
    run.saved = true;
    run.path = path.string();
  } catch (const NotFailing& e) {
    run.notes.push_back(std::string("not saved: ") + e.what());
  } catch (const InputError& e) {
    run.notes.push_back("not saved: " + e.path() + ": " + e.what());
  } catch (const std::runtime_error& e) {
    run.notes.push_back(std::string("not saved: ") + e.what());
  }
  return run;
}

std::string saved_line(const SavedRun& run) {
  std::string line = run.saved ? "saved to " + run.path : std::string();
  for (const std::string& note : run.notes) line += (line.empty() ? "" : "; ") + note;
  return line;
}

}  // namespace ballot::cli
