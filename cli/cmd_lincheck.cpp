// `ballot lincheck FILE [--model register|kv] [--json]`: decide whether a recorded client history
// (Jepsen etcd log or EDN) is linearizable. Exit codes: 0 linearizable, 1 not linearizable,
// 2 bad input, 3 budget exceeded, 4 nothing to check (no operations).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <variant>

#include "cli/commands.h"
#include "cli/runner.h"
#include "sim/lincheck/history_parse.h"
#include "sim/lincheck/lincheck.h"

namespace ballot::cli {
namespace {

// Exit codes: kExitOk (0) linearizable, kExitFailed (1) not linearizable, kExitBadInput (2); and
// for this command 3 means the search budget ran out: no verdict either way.
constexpr int kExitBudgetExceeded = 3;
// A history without operations is vacuously linearizable, but calling that a pass would hide the
// usual cause: the wrong file, or a run without clients. It is no verdict and no syntax error
// either, so it gets its own code, which scripts can tell apart from both.
constexpr int kExitNothingToCheck = 4;

struct LincheckOptions {
  std::string file;
  std::string model;  // "", "register" or "kv"
  bool json = false;
  lin::CheckOptions budget;
};

std::string json_string(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_optional(const std::optional<std::string>& s) {
  return s ? json_string(*s) : "null";
}

bool is_pending(const lin::Op& op) {
  return op.ret == lin::kPendingReturn || op.outcome == lin::Outcome::Info;
}

std::string json_op(const lin::History& history, size_t index) {
  const lin::Op& op = history.ops[index];
  std::string s =
      "{\"index\": " + std::to_string(index) + ", \"process\": " + std::to_string(op.process) +
      ", \"f\": \"" + lin::op_kind_name(op.kind) + "\", \"key\": " + json_string(op.key) +
      ", \"value\": " + json_optional(op.value) + ", \"expected\": " + json_optional(op.expected) +
      ", \"call\": " + std::to_string(op.call) +
      ", \"return\": " + (is_pending(op) ? std::string("null") : std::to_string(op.ret)) +
      ", \"outcome\": \"" + lin::outcome_name(op.outcome) +
      "\", \"text\": " + json_string(lin::describe(op)) + "}";
  return s;
}

void print_json(const LincheckOptions& options, const lin::History& history,
                const lin::ParseStats& stats, lin::Model model, const lin::Verdict& verdict) {
  std::string s = "{\"file\": " + json_string(options.file) + ", \"model\": \"" +
                  (model == lin::Model::Register ? "register" : "kv") +
                  "\", \"operations\": " + std::to_string(history.ops.size()) +
                  ", \"skipped\": " + std::to_string(stats.skipped) + ", \"verdict\": \"" +
                  (verdict.linearizable ? "linearizable"
                   : verdict.timed_out  ? "undecided"
                                        : "not linearizable") +
                  "\"" + ", \"linearizable\": " + (verdict.linearizable ? "true" : "false") +
                  ", \"timed_out\": " + (verdict.timed_out ? "true" : "false") +
                  ", \"explanation\": " + json_string(verdict.explanation) +
                  ", \"window_minimal\": " + (verdict.window_minimal ? "true" : "false") +
                  ", \"window_cut\": " +
                  (verdict.window_cut ? std::to_string(*verdict.window_cut) : std::string("null")) +
                  ", \"failing_window\": [";
  for (size_t i = 0; i < verdict.failing_window.size(); ++i) {
    s += (i ? ", " : "") + json_op(history, verdict.failing_window[i]);
  }
  s += "]}\n";
  std::fputs(s.c_str(), stdout);
}

// Entries that are not client operations (Jepsen's :nemesis, log maps without :process or :type)
// are left out of the check; saying how many keeps a history that lost its operations to a
// format mismatch from passing unnoticed.
void print_skipped(const lin::ParseStats& stats) {
  if (stats.skipped == 0) return;
  std::printf("skipped %lld %s (first on line %lld)\n", static_cast<long long>(stats.skipped),
              stats.skipped == 1 ? "entry that is not a client operation"
                                 : "entries that are not client operations",
              static_cast<long long>(stats.first_skipped_line));
}

void print_text(const LincheckOptions& options, const lin::History& history,
                const lin::ParseStats& stats, lin::Model model, const lin::Verdict& verdict) {
  const char* model_name = model == lin::Model::Register ? "register" : "kv";
  if (verdict.linearizable) {
    std::printf("linearizable: %s (%zu operations, model %s)\n", options.file.c_str(),
                history.ops.size(), model_name);
    print_skipped(stats);
    return;
  }
  if (verdict.timed_out) {
    std::printf("no verdict: %s (%zu operations, model %s)\n", options.file.c_str(),
                history.ops.size(), model_name);
    print_skipped(stats);
    std::printf("%s\n", verdict.explanation.c_str());
    return;
  }
  std::printf("not linearizable: %s (%zu operations, model %s)\n", options.file.c_str(),
              history.ops.size(), model_name);
  print_skipped(stats);
  std::printf("%s\n", verdict.explanation.c_str());
  if (verdict.window_minimal) {
    std::printf(
        "minimal failing window: these %zu operations cannot all have had the outcomes "
        "recorded, even if every other read is ignored and every other update took effect "
        "at any time after its call or not at all; give any one of them that benefit of "
        "the doubt too and the history is linearizable.\n",
        verdict.failing_window.size());
  } else if (verdict.window_cut) {
    std::printf(
        "failing window from a time cut at %lld (not shrunk): whatever value the register held "
        "then, these operations, called from then on up to where the search got stuck, cannot "
        "all have had the outcomes recorded (docs/lincheck.md):\n",
        static_cast<long long>(*verdict.window_cut));
  } else if (options.budget.max_window_steps == 0) {
    std::printf("where the search got stuck (not shrunk, --max-window-steps 0):\n");
  } else {
    std::printf(
        "failing window, not shown to be minimal (shrinking it ran out of budget; raise "
        "--max-window-steps):\n");
  }
  std::printf("  %-15s %-8s %s\n", "lines", "process", "operation");
  for (size_t index : verdict.failing_window) {
    const lin::Op& op = history.ops[index];
    const std::string lines = std::to_string(op.call) + "-" +
                              (is_pending(op) ? std::string("open") : std::to_string(op.ret));
    std::printf("  %-15s %-8d %s\n", lines.c_str(), op.process, lin::describe(op).c_str());
  }
}

// Whether the file starts with a ballot trace header (`ballot run --trace` writes it first).
bool is_ballot_trace(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  char start[64] = {};
  in.read(start, sizeof start - 1);
  const std::string text(start, static_cast<size_t>(in.gcount()));
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos &&
         text.compare(first, std::strlen(kTraceHeaderStart), kTraceHeaderStart) == 0;
}

int run_lincheck(const LincheckOptions& options) {
  lin::ParseStats stats;
  lin::ParseResult parsed = lin::parse_history_file(options.file, lin::HistoryFormat::Auto, &stats);
  if (const auto* error = std::get_if<lin::ParseError>(&parsed)) {
    if (error->line > 0 && is_ballot_trace(options.file)) {
      std::fprintf(stderr,
                   "ballot lincheck: %s: this is a ballot trace, not a client history; convert "
                   "its client history first:\n  ballot export %s --format jepsen -o history.edn"
                   "\n  ballot lincheck history.edn\n",
                   options.file.c_str(), shell_quote(options.file).c_str());
      return kExitBadInput;
    }
    if (error->line == 0)  // the file as a whole (unreadable, too large)
      std::fprintf(stderr, "ballot lincheck: %s: %s\n", error->file.c_str(),
                   error->message.c_str());
    else
      std::fprintf(stderr, "ballot lincheck: %s:%lld: %s\n", error->file.c_str(),
                   static_cast<long long>(error->line), error->message.c_str());
    return kExitBadInput;
  }
  const lin::History& history = std::get<lin::History>(parsed);
  if (history.ops.empty()) {
    if (options.json)
      std::printf(
          "{\"file\": %s, \"operations\": 0, \"skipped\": %lld, "
          "\"verdict\": \"nothing to check\"}\n",
          json_string(options.file).c_str(), static_cast<long long>(stats.skipped));
    else
      std::printf(
          "nothing to check: %s has no operations%s (is it the right file? did the run "
          "have clients?)\n",
          options.file.c_str(),
          stats.skipped > 0 ? (", only " + std::to_string(stats.skipped) +
                               " entries that are not client operations")
                                  .c_str()
                            : "");
    return kExitNothingToCheck;
  }
  lin::Model model = lin::infer_model(history);
  if (options.model == "register") model = lin::Model::Register;
  if (options.model == "kv") model = lin::Model::KeyValue;
  const lin::Verdict verdict = lin::check(history, model, options.budget);
  if (options.json) {
    print_json(options, history, stats, model, verdict);
  } else {
    print_text(options, history, stats, model, verdict);
  }
  if (verdict.linearizable) return kExitOk;
  return verdict.timed_out ? kExitBudgetExceeded : kExitFailed;
}

}  // namespace

void add_lincheck_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<LincheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "lincheck",
      "Check that a client history is linearizable (Jepsen etcd log or EDN history).\n"
      "Exit code: 0 linearizable, 1 not linearizable (prints the failing window), 2 bad input, "
      "3 search budget exceeded, 4 nothing to check (no operations).");
  cmd->add_option("file", options->file,
                  "History file: Jepsen etcd log, or EDN (one op map per line or a vector)")
      ->required();
  cmd->add_option("--model", options->model,
                  "Sequential specification: register (read/write/cas, initially nil) or kv "
                  "(get/put/append, every key initially \"\"); default: from the operations")
      ->check(CLI::IsMember({"register", "kv"}));
  cmd->add_flag("--json", options->json, "Print the verdict as one JSON object");
  cmd->add_option("--max-states", options->budget.max_states, "Budget: memoized search states")
      ->capture_default_str();
  cmd->add_option("--max-steps", options->budget.max_steps, "Budget: linearization attempts")
      ->capture_default_str();
  cmd->add_option("--max-window-steps", options->budget.max_window_steps,
                  "Budget for shrinking a violation's failing window to a minimal one "
                  "(linearization attempts over all re-checks); 0: report where the search got "
                  "stuck instead")
      ->capture_default_str();
  cmd->callback([options, &action] { action = [options] { return run_lincheck(*options); }; });
}

}  // namespace ballot::cli
