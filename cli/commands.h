// The subcommands of `ballot`. Each add_* registers a CLI11 subcommand whose callback stores the
// action to run; main() runs it and exits with its code:
// 0 all checks and expectations hold, 1 a violation or failed expectation, 2 bad input,
// 3 internal error (`ballot lincheck` also uses 3 for "undecided within its budget" and 4 for
// "nothing to check").
#pragma once
#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace ballot {
struct RunLimits;
}

namespace ballot::cli {

using Action = std::function<int()>;

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

void add_run_command(CLI::App& app, Action& action);
void add_replay_command(CLI::App& app, Action& action);
void add_list_command(CLI::App& app, Action& action);
void add_lincheck_command(CLI::App& app, Action& action);
void add_compare_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_sweep_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);
void add_log_command(CLI::App& app, Action& action);
void add_shrink_command(CLI::App& app, Action& action);
void add_merge_command(CLI::App& app, Action& action);
void add_diff_command(CLI::App& app, Action& action);

// --max-events N and --max-trace-bytes N (docs/cli.md), stored into `limits` (which must outlive
// the parse); a bad value is a parse error naming the flag (exit 2).
void add_limit_options(CLI::App* cmd, RunLimits& limits);

// --plot FILE and --plot-script FILE of compare and sweep (docs/cli.md, "Plots"); `drawn` says
// what the figure shows, for --plot's help.
void add_plot_options(CLI::App* cmd, std::string& plot, std::string& script,
                      const std::string& drawn);

// Where the curated scenarios live: $BALLOT_SCENARIOS if set; else, for an installed ballot,
// <bindir>/../share/ballot/scenarios found from the executable's own path; else, for the ballot in
// the build tree, the source tree's scenarios/.
std::string default_scenario_dir();

}  // namespace ballot::cli
