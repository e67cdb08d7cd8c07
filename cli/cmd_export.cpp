// `ballot export TRACE --format jepsen -o FILE`: the client history of a trace as a
// Jepsen/Knossos EDN history, so that it can also be checked with those tools.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "sim/history.h"
#include "sim/history_parse.h"
#include "sim/input_file.h"
#include "sim/input_error.h"
#include "sim/scenario.h"

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

int export_trace(const ExportOptions& o) {
  std::ifstream in(o.trace, std::ios::binary);
  if (!in) return fail(o.trace, "cannot open the trace file");
  lin::History history;
  std::map<int64_t, size_t> index_of_op;
  std::string line;
  size_t line_no = 0;
  bool footer = false;
  for (LineRead read; (read = read_line_capped(in, line, kMaxTraceLineBytes)) != LineRead::End;) {
    ++line_no;
    const std::string where = o.trace + ": line " + std::to_string(line_no);
    if (read == LineRead::TooLong)
      return fail(where, "longer than the " + byte_size(kMaxTraceLineBytes) + " limit for a trace line");
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    const std::string k = j.is_object() ? j.value("k", "") : "";
    // A number out of range makes nlohmann discard the line, or read an integer as an inexact
    // double: name its path and column instead (client events only, to keep export fast).
    if (j.is_discarded() || k == "invoke" || k == "return") {
      try {
        check_json_text(line, line_no);
      } catch (const InputError& e) {
        return fail(e.path().empty() ? o.trace : o.trace + ": " + e.path(), e.what());
      }
    }
    if (j.is_discarded() || !j.is_object()) return fail(where, "expected one JSON object per line");
    if (line_no == 1) {
      if (j.value("format", "") != "ballot-trace")
        return fail(where, "expected a ballot trace header ({\"format\":\"ballot-trace\",...})");
      continue;
    }
    if (j.contains("footer")) {
      footer = true;
      break;
    }
    if (k != "invoke" && k != "return") continue;
    try {
      const int64_t id = j.at("op").get<int64_t>();
      if (k == "invoke") {
        lin::Op op;
        op.process = j.at("client").get<int32_t>();
        if (!op_kind(j.at("f").get<std::string>(), op.kind))
          return fail(where, "f: expected read, write, cas, get, put or append");
        op.key = j.value("key", "");
        if (j.contains("value")) op.value = j["value"].get<std::string>();
        if (j.contains("expected")) op.expected = j["expected"].get<std::string>();
        op.call = j.at("t").get<int64_t>();
        index_of_op[id] = history.ops.size();
        history.ops.push_back(op);
      } else {
        auto it = index_of_op.find(id);
        if (it == index_of_op.end()) return fail(where, "op " + std::to_string(id) + " returns but was never invoked");
        lin::Op& op = history.ops[it->second];
        const std::string outcome = j.at("outcome").get<std::string>();
        if (outcome == "ok") {
          op.outcome = lin::Outcome::Ok;
          op.ret = j.at("t").get<int64_t>();
          if (op.kind == lin::OpKind::Read || op.kind == lin::OpKind::Get)
            op.value = j.contains("value") ? std::optional<std::string>(j["value"].get<std::string>())
                                           : std::nullopt;
        } else if (outcome == "fail") {
          op.outcome = lin::Outcome::Fail;
          op.ret = j.at("t").get<int64_t>();
        }  // info: stays unknown
      }
    } catch (const nlohmann::json::exception& e) {
      return fail(where, std::string("malformed client event: ") + e.what());
    }
  }
  if (line_no == 0) return fail(o.trace, "the file is empty");
  if (!footer)
    std::fprintf(stderr, "ballot: %s: warning: no footer (the trace may be truncated); exported what is there\n",
                 o.trace.c_str());
  const std::string edn = lin::to_edn(history);
  if (o.output.empty() || o.output == "-") {
    std::fwrite(edn.data(), 1, edn.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
  if (!out) return fail("-o " + o.output, "cannot open the file for writing");
  out << edn;
  out.close();
  if (!out) return fail("-o " + o.output, "writing failed");
  std::fprintf(stderr, "wrote %zu operations to %s\n", history.ops.size(), o.output.c_str());
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Convert a trace: --format jepsen writes its client history as a Jepsen/Knossos "
                "EDN history (checkable with 'ballot lincheck', Knossos or Porcupine).");
  cmd->add_option("trace", o->trace, "Trace file written by 'ballot run --trace'")->required();
  cmd->add_option("--format", o->format, "Output format")
      ->check(CLI::IsMember({"jepsen"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Output file (default: standard output)");
  cmd->callback([o, &action] { action = [o] { return export_trace(*o); }; });
}

}  // namespace ballot::cli
