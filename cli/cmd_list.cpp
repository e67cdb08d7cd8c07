// `ballot list algorithms|scenarios|faults|situations`, `ballot list variants FILE`
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "algorithms/registry.h"
#include "cli/commands.h"
#include "cli/report.h"
#include "sim/api/input_error.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/scenario.h"

namespace ballot::cli {

namespace {

// `ballot list variants FILE`: each variant's name and description, in file order.
int list_variants(const std::string& file) {
  if (file.empty()) {
    std::fprintf(stderr, "ballot: list variants: expected a scenario file (list variants FILE)\n");
    return kExitBadInput;
  }
  try {
    const Scenario s = load_scenario(file);
    if (s.variants.empty()) {
      std::printf("%s declares no variants\n", file.c_str());
      return kExitOk;
    }
    for (const VariantInfo& v : s.variants)
      std::printf("%-20s %s\n", v.name.c_str(), v.description.c_str());
  } catch (const InputError& e) {
    print_input_error(file, e);
    return kExitBadInput;
  }
  return kExitOk;
}

// `dir_flag` is --dir, or empty for the shipped scenarios.
int list(const std::string& what, const std::string& dir_flag, bool markdown,
         const std::string& algo_flag) {
  if (what == "situations") {
    // Each algorithm's table of situations (sim/api/situation.h); --markdown prints the table
    // that docs/<algo>.md holds.
    std::vector<const AlgorithmInfo*> chosen;
    for (const AlgorithmInfo& a : algorithms())
      if (algo_flag.empty() || a.name == algo_flag) chosen.push_back(&a);
    if (chosen.empty()) {
      std::fprintf(stderr, "ballot: --algo: unknown algorithm '%s'\n", algo_flag.c_str());
      return kExitBadInput;
    }
    for (const AlgorithmInfo* a : chosen) {
      if (markdown) {
        if (chosen.size() > 1) std::printf("### %s\n\n", a->name.c_str());
        std::fputs(situations_markdown(*a).c_str(), stdout);
        if (chosen.size() > 1) std::printf("\n");
        continue;
      }
      for (const Situation& s : a->situations)
        std::printf("%-8s %-30s %.*s\n", a->name.c_str(), std::string(s.name).c_str(),
                    static_cast<int>(s.definition.size()), s.definition.data());
    }
    return kExitOk;
  }
  if (what == "algorithms") {
    for (const AlgorithmInfo& a : algorithms())
      std::printf("%-8s %s\n", a.name.c_str(), a.description.c_str());
    return kExitOk;
  }
  if (what == "faults") {
    // The table of fault kinds (sim/kernel/fault_kinds.cpp); --markdown prints the table that
    // docs/scenario-format.md holds.
    if (markdown) {
      std::fputs(fault_kinds_markdown().c_str(), stdout);
      return kExitOk;
    }
    for (const FaultKindInfo& k : fault_kinds())
      std::printf("%-16s %-8s %.*s\n", std::string(k.name).c_str(), fault_acts_on_name(k.acts_on),
                  static_cast<int>(k.summary.size()), k.summary.data());
    std::printf(
        "\nTargets may be node names (\"n1\") or one selector: leader, random_follower,\n"
        "random_minority, random_majority, random_node. See docs/scenario-format.md.\n");
    return kExitOk;
  }
  // scenarios
  namespace fs = std::filesystem;
  const std::string dir = dir_flag.empty() ? default_scenario_dir() : dir_flag;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (dir_flag.empty()) {
      std::fprintf(stderr,
                   "ballot: %s: not a directory of scenarios (the shipped ones are missing: give "
                   "--dir, or set BALLOT_SCENARIOS)\n",
                   dir.c_str());
    } else {
      std::fprintf(stderr, "ballot: --dir %s: not a directory\n", dir.c_str());
    }
    return kExitBadInput;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  int status = kExitOk;
  for (const fs::path& p : files) {
    try {
      const Scenario s = load_scenario(p.string());
      std::string variants;
      for (const VariantInfo& v : s.variants) variants += (variants.empty() ? "" : ", ") + v.name;
      std::printf("%-40s %-7s %s%s\n", p.filename().string().c_str(), s.algorithm.c_str(),
                  s.description.c_str(),
                  variants.empty() ? "" : (" (variants: " + variants + ")").c_str());
    } catch (const InputError& e) {
      std::printf("%-40s (invalid: %s: %s)\n", p.filename().string().c_str(), e.path().c_str(),
                  e.what());
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

// An installed ballot finds its scenarios beside itself, at the same place relative to its own
// executable as the install put them (BALLOT_SCENARIOS_FROM_BINDIR, e.g.
// ../share/ballot/scenarios), so a prefix that is moved or packaged elsewhere keeps working. Only
// the ballot in the build tree falls back to the source tree: an installed one must never depend
// on a source checkout that a user may not have, or silently read an old one.
std::string default_scenario_dir() {
  if (const char* env = std::getenv("BALLOT_SCENARIOS"); env != nullptr && *env != '\0') return env;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return BALLOT_SOURCE_SCENARIOS;  // no /proc: only a build-tree ballot gets this far
  const fs::path bindir = exe.parent_path();
  const fs::path installed = (bindir / BALLOT_SCENARIOS_FROM_BINDIR).lexically_normal();
  if (fs::is_directory(installed, ec)) return installed.string();
  if (fs::equivalent(bindir, BALLOT_BUILD_BINDIR, ec)) return BALLOT_SOURCE_SCENARIOS;
  return installed.string();  // missing: `list` and `check` then name where they looked
}

void add_list_command(CLI::App& app, Action& action) {
  auto what = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("list",
                         "List the algorithms, curated scenarios, fault kinds, situations, or a "
                         "scenario file's variants.");
  cmd->add_option("what", *what, "algorithms | scenarios | faults | situations | variants")
      ->required()
      ->check(CLI::IsMember({"algorithms", "scenarios", "faults", "situations", "variants"}));
  auto file = std::make_shared<std::string>();
  cmd->add_option("file", *file, "For 'list variants': the scenario file");
  auto algo = std::make_shared<std::string>();
  cmd->add_option("--algo", *algo, "For 'list situations': only this algorithm's");
  cmd->add_option("--dir", *dir,
                  "Scenario directory for 'list scenarios' (default: the shipped one)");
  auto markdown = std::make_shared<bool>(false);
  cmd->add_flag("--markdown", *markdown,
                "For 'list faults' and 'list situations': the table the docs hold, in Markdown");
  cmd->callback([what, dir, markdown, algo, file, &action] {
    action = [what, dir, markdown, algo, file] {
      if (*what == "variants") return list_variants(*file);
      if (!file->empty()) {
        std::fprintf(stderr, "ballot: list %s: takes no file (only 'list variants FILE' does)\n",
                     what->c_str());
        return kExitBadInput;
      }
      return list(*what, *dir, *markdown, *algo);
    };
  });
}

}  // namespace ballot::cli
