// Flags shared by several commands: the guard rails of run, sweep, compare, check and replay,
// and the plots of compare and sweep.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"

namespace ballot::cli {

namespace {
void add_limit(CLI::App* cmd, const std::string& flag, uint64_t& target, const std::string& help) {
  cmd->add_option_function<std::string>(
         flag,
         [flag, &target](const std::string& text) {
           try {
             target = parse_limit(text, flag);
           } catch (const InputError& e) {
             throw CLI::ValidationError(flag, e.what());
           }
         },
         help)
      ->type_name("N");
}
}  // namespace

void add_limit_options(CLI::App* cmd, RunLimits& limits) {
  add_limit(cmd, "--max-events", limits.max_events,
            "Stop a run after this many events (default " + show_limit(kDefaultMaxEvents) +
                "; suffixes K M G, Ki Mi Gi); a run that hits it exits 2");
  add_limit(cmd, "--max-trace-bytes", limits.max_trace_bytes,
            "Stop a run once its trace file reaches this size (default " +
                show_limit(kDefaultMaxTraceBytes) + "); a run that hits it exits 2");
}

void add_plot_options(CLI::App* cmd, std::string& plot, std::string& script,
                      const std::string& drawn) {
  cmd->add_option("--plot", plot,
                  "Draw FILE.svg or FILE.png with gnuplot: " + drawn + " (docs/cli.md, \"Plots\")");
  cmd->add_option("--plot-script", script,
                  "With --plot: keep the gnuplot script (data inline) in this file, to restyle");
}

}  // namespace ballot::cli
