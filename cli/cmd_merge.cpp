// `ballot merge PART... [--json]`: the parts of a sharded sweep (`ballot sweep --shard K/N --json`,
// one per shard) combined into the summary, stats and failure list of the unsharded sweep, byte
// for byte (cli/sweep_report.h, docs/scale-out.md).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/sweep_report.h"

namespace ballot::cli {

namespace {
struct MergeOptions {
  std::vector<std::string> parts;
  bool json = false;
};
}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine the parts of a sharded sweep ('ballot sweep --shard K/N --json', one per shard) "
      "into what the unsharded sweep prints. Exit 1 if any run failed.");
  cmd->add_option("parts", o->parts, "Part files (JSON), every shard 1/N..N/N once")->required();
  cmd->add_flag("--json", o->json, "Print one JSON object (as 'ballot sweep --json' does)");
  cmd->callback([o, &action] { action = [o] { return merge_parts(o->parts, o->json); }; });
}

}  // namespace ballot::cli
