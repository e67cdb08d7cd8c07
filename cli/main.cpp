// ballot: the command line. See `ballot --help` and docs/cli.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"
#include "cli/runner.h"

int main(int argc, char** argv) {
  using namespace ballot::cli;
  CLI::App app{
      "ballot: a deterministic simulator for leader election and consensus.\n"
      "One scenario file plus one seed gives exactly one execution.",
      "ballot"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("ballot ") + ballot::kBallotVersion);
  app.footer(
      "Exit codes: 0 all checks and expectations hold, 1 a violation or failed expectation,\n"
      "2 bad input, 3 internal error.");
  Action action;
  add_run_command(app, action);
  add_replay_command(app, action);
  add_list_command(app, action);
  add_compare_command(app, action);
  add_sweep_command(app, action);
  add_merge_command(app, action);
  add_check_command(app, action);
  add_export_command(app, action);
  add_diff_command(app, action);
  add_log_command(app, action);
  add_lincheck_command(app, action);
  add_shrink_command(app, action);
  std::string names;
  bool known = false;
  for (const CLI::App* sub : app.get_subcommands({})) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
    known |= argc > 1 && sub->get_name() == argv[1];
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::fprintf(stderr,
                 "ballot: unknown command '%s' (commands: %s)\nRun 'ballot --help' for usage.\n",
                 argv[1], names.c_str());
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ballot: %s\nRun 'ballot --help' for usage.\n", e.what());
    return kExitBadInput;
  }
  if (!action) return kExitOk;
  try {
    return action();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ballot: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
