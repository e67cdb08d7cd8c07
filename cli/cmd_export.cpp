// `ballot export TRACE --format jepsen|perfetto|shiviz -o FILE`: the client history of a trace as
// a Jepsen/Knossos EDN history, so that it can also be checked with those tools; or the whole run
// for Perfetto's UI or ShiViz (cli/export_formats.cpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "cli/export_formats.h"
#include "cli/trace_file.h"
#include "sim/api/history.h"
#include "sim/api/input_error.h"
#include "sim/lincheck/history_parse.h"

namespace ballot::cli {

namespace {

struct ExportOptions {
  std::string trace;
  std::string format = "jepsen";
  std::string output;
};

bool op_kind(const std::string& f, lin::OpKind& kind) {
  static const std::map<std::string, lin::OpKind> kinds = {
      {"read", lin::OpKind::Read}, {"write", lin::OpKind::Write}, {"cas", lin::OpKind::Cas},
      {"get", lin::OpKind::Get},   {"put", lin::OpKind::Put},     {"append", lin::OpKind::Append}};
  auto it = kinds.find(f);
  if (it == kinds.end()) return false;
  kind = it->second;
  return true;
}

int fail(const std::string& where, const std::string& what) {
  std::fprintf(stderr, "ballot: %s: %s\n", where.c_str(), what.c_str());
  return kExitBadInput;
}

int write_output(const ExportOptions& o, const std::string& text, const std::string& what) {
  if (o.output.empty() || o.output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out) return fail("-o " + o.output, "cannot open the file for writing");
  out << text;
  out.close();
  if (!out) return fail("-o " + o.output, "writing failed");
  std::fprintf(stderr, "wrote %s to %s\n", what.c_str(), o.output.c_str());
  return kExitOk;
}

// perfetto, shiviz: the whole trace, read at once.
int export_whole(const ExportOptions& o) {
  const std::optional<LoadedTrace> t = load_trace(o.trace);
  if (!t) return kExitBadInput;
  if (!t->footer)
    std::fprintf(stderr,
                 "ballot: %s: warning: no footer (the trace is truncated%s); exported what is "
                 "there\n",
                 o.trace.c_str(), t->cut_mid_line ? ", its last line cut in the middle" : "");
  const std::string what = std::to_string(t->events.size()) + " events";
  return write_output(o, o.format == "perfetto" ? to_perfetto(*t) : to_shiviz(*t), what);
}

int export_trace(const ExportOptions& o) {
  if (o.format != "jepsen") return export_whole(o);
  std::ifstream in(o.trace, std::ios::binary);
  if (!in) return fail(o.trace, "cannot open the trace file");
  lin::History history;
  std::map<int64_t, size_t> index_of_op;
  TraceLineReader reader;
  std::string line;
  try {
    for (bool no_newline = false;
         read_trace_line(in, line, reader.line_number() + 1, no_newline);) {
      // The shared checks (cli/trace_file.h): the same files as replay and the viewer.
      if (reader.next(line, no_newline) != TraceLineReader::Line::Event) continue;
      const std::string& k = reader.last_kind();
      if (k != "invoke" && k != "return") continue;
      const std::string where = "line " + std::to_string(reader.line_number());
      // Types and required fields were checked above.
      const nlohmann::json j = nlohmann::json::parse(line);
      const int64_t id = j["op"].get<int64_t>();
      if (k == "invoke") {
        lin::Op op;
        op.process = static_cast<int32_t>(j["client"].get<int64_t>());
        if (!op_kind(j["f"].get<std::string>(), op.kind))
          throw InputError(where, "expected \"f\" to be read, write, cas, get, put or append");
        op.key = j["key"].get<std::string>();
        if (j.contains("value")) op.value = j["value"].get<std::string>();
        if (j.contains("expected")) op.expected = j["expected"].get<std::string>();
        op.call = j["t"].get<int64_t>();
        index_of_op[id] = history.ops.size();
        history.ops.push_back(op);
      } else {
        auto it = index_of_op.find(id);
        if (it == index_of_op.end())
          throw InputError(where, "expected an \"invoke\" of op " + std::to_string(id) +
                                      " before its \"return\"");
        lin::Op& op = history.ops[it->second];
        const std::string outcome = j["outcome"].get<std::string>();
        if (outcome == "ok") {
          op.outcome = lin::Outcome::Ok;
          op.ret = j["t"].get<int64_t>();
          if (op.kind == lin::OpKind::Read || op.kind == lin::OpKind::Get)
            op.value = j.contains("value")
                           ? std::optional<std::string>(j["value"].get<std::string>())
                           : std::nullopt;
        } else if (outcome == "fail") {
          op.outcome = lin::Outcome::Fail;
          op.ret = j["t"].get<int64_t>();
        } else if (outcome != "info") {  // info: stays unknown
          throw InputError(where,
                           "expected \"outcome\" to be ok, fail or info, got \"" + outcome + "\"");
        }
      }
    }
    reader.finish();
  } catch (const InputError& e) {
    return fail(o.trace + ": " + e.path(), e.what());
  }
  if (!reader.footer())
    std::fprintf(stderr,
                 "ballot: %s: warning: no footer (the trace is truncated%s); exported what is "
                 "there\n",
                 o.trace.c_str(), reader.cut_mid_line() ? ", its last line cut in the middle" : "");
  return write_output(o, lin::to_edn(history), std::to_string(history.ops.size()) + " operations");
}

}  // namespace

void add_export_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Convert a trace: --format jepsen writes its client history as a Jepsen/Knossos "
      "EDN history (checkable with 'ballot lincheck', Knossos or Porcupine); perfetto the "
      "whole run as Trace Event Format JSON (Perfetto's UI, chrome://tracing); shiviz a ShiViz "
      "log with vector clocks.");
  cmd->add_option("trace", o->trace, "Trace file written by 'ballot run --trace'")->required();
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"jepsen", "perfetto", "shiviz"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Output file (default: standard output)");
  cmd->callback([o, &action] { action = [o] { return export_trace(*o); }; });
}

}  // namespace ballot::cli
