// The tools agree on what a valid trace is: the viewer's loader (viz/trace_model.h) and the
// line reader that `ballot replay` and `ballot export` use (cli/trace_file.h) accept and reject
// the same files, with the same line and message. The set mirrors tests/cli/trace_input_test.sh,
// which runs replay and export on it.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/runner.h"
#include "cli/trace_file.h"
#include "sim/input_error.h"
#include "viz/trace_model.h"

namespace {

std::string run_trace(const std::string& scenario, const ballot::RunLimits& limits = {}) {
  std::ostringstream out;
  ballot::run_scenario(
      ballot::load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/" + scenario), &out,
      limits);
  return out.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// Replaces the first `from` in line `line` (1-based).
std::string edit(const std::string& text, size_t line, const std::string& from,
                 const std::string& to) {
  std::vector<std::string> lines = split_lines(text);
  std::string& l = lines.at(line - 1);
  const size_t at = l.find(from);
  REQUIRE(at != std::string::npos);
  l.replace(at, from.size(), to);
  return join(lines);
}

struct Verdict {
  bool bad = false;
  std::string error;  // "line N: message"
  bool truncated = false;
};

Verdict viewer(const std::string& text) {
  Verdict v;
  try {
    v.truncated = ballot::viz::parse_trace(text, "t")->truncated();
  } catch (const ballot::InputError& e) {
    v.bad = true;
    v.error = e.path() + ": " + e.what();
  }
  return v;
}

Verdict reader(const std::string& text) {
  Verdict v;
  ballot::TraceLineReader r;
  try {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      const bool no_newline = end == std::string::npos;
      if (no_newline) end = text.size();
      r.next(std::string_view(text).substr(pos, end - pos), no_newline);
      pos = end + 1;
    }
    r.finish();
    v.truncated = !r.footer().has_value();
  } catch (const ballot::InputError& e) {
    v.bad = true;
    v.error = e.path() + ": " + e.what();
  }
  return v;
}

}  // namespace

TEST_CASE("the viewer and the replay/export reader reject the same files, the same way",
          "[trace][viz]") {
  const std::string good = run_trace("split-brain-3-2.json");
  const std::vector<std::string> lines = split_lines(good);
  const size_t n = lines.size();
  const std::string last = std::to_string(n);
  struct Case {
    const char* name;
    std::string text;
    std::string error;  // expected start of "line N: message"
  };
  std::string after_footer = good + R"({"i":0,"t":0,"k":"note","n":1,"text":"after"})"
                                    "\n";
  std::vector<std::string> middle(lines.begin(), lines.begin() + 10);
  middle.push_back(lines.back());
  middle.insert(middle.end(), lines.begin() + 10, lines.end() - 1);
  std::vector<std::string> swapped = lines;
  std::swap(swapped[0], swapped[1]);
  const std::vector<Case> cases = {
      {"format_version a string", edit(good, 1, R"("format_version":2)", R"("format_version":"2")"),
       "line 1: expected \"format_version\": 2"},
      {"file a number", edit(good, 1, R"("file":")", R"("file":5,"x":")"),
       "line 1: expected \"file\" to be a string, got 5"},
      {"format a number", edit(good, 1, R"("format":"ballot-trace")", R"("format":5)"),
       "line 1: expected a ballot trace header"},
      {"seed a string", edit(good, 1, R"("seed":1)", R"("seed":"1")"),
       "line 1: expected \"seed\" to be an integer, got \"1\""},
      {"footer trace_hash a number", edit(good, n, R"("trace_hash":")", R"("trace_hash":12,"x":")"),
       "line " + last + ": expected \"trace_hash\" to be a string, got 12"},
      {"a metric a string", edit(good, n, R"("crashes":0)", R"("crashes":"0")"),
       "line " + last + ": expected \"metrics.crashes\" to be an integer, got \"0\""},
      {"lincheck verdict a string",
       edit(good, n, R"("linearizable":false)", R"("linearizable":"no")"),
       "line " + last + ": expected \"lincheck.linearizable\" to be a boolean, got \"no\""},
      {"metrics contradicting the footer",
       edit(good, n, R"("violations":0})", R"("violations":2})"),
       "line " + last +
           ": expected \"metrics.violations\" to be 0 (the entries of \"violations\"), got 2"},
      {"a lost write's node a name",
       edit(good, n, R"("acknowledged_by":{"node":)", R"("acknowledged_by":{"node":"n3","x":)"),
       "line " + last +
           ": expected \"damage.lost_writes[0].acknowledged_by.node\" to be an integer, got "
           "\"n3\""},
      {"an erasure's event a string",
       edit(good, n, R"("erased":{"event":)", R"("erased":{"event":"5","x":)"),
       "line " + last +
           ": expected \"damage.lost_writes[0].erased.event\" to be an integer, got \"5\""},
      {"a duplicate job run's period a boolean",
       edit(good, n, R"("job_duplicates":[{"period":)", R"("job_duplicates":[{"period":true,"x":)"),
       "line " + last +
           ": expected \"damage.job_duplicates[0].period\" to be an integer, got true"},
      {"a duplicate id not an object",
       edit(good, n, R"("id_duplicates":[)", R"("id_duplicates":[5,)"),
       "line " + last + ": expected \"damage.id_duplicates[0]\" to be an object"},
      {"metrics contradicting the damage list",
       edit(good, n, R"("lost_writes":)", R"("lost_writes":100000,"x":)"),
       "line " + last + ": expected \"metrics.lost_writes\" to be "},
      {"event time a string", edit(good, 3, R"("t":0)", R"("t":"0")"),
       "line 3: expected \"t\" to be an integer, got \"0\""},
      {"event node a boolean", edit(good, 3, R"("n":1)", R"("n":true)"),
       "line 3: expected \"n\" to be an integer, got a boolean"},
      {"event type a number", edit(good, 3, R"("type":"Election")", R"("type":7)"),
       "line 3: expected \"type\" to be a string, got 7"},
      {"event dup a string", edit(good, 3, R"("msg":{})", R"("msg":{},"dup":"yes")"),
       "line 3: expected \"dup\" to be a boolean, got \"yes\""},
      {"event msg a list", edit(good, 3, R"("msg":{})", R"("msg":[])"),
       "line 3: expected \"msg\" to be an object, got a list"},
      {"a send without its type", edit(good, 3, R"("type":"Election",)", ""),
       "line 3: expected field \"type\" in a \"send\" event"},
      {"text after the footer", after_footer,
       "line " + std::to_string(n + 1) + ": expected nothing after the footer line"},
      {"a footer in the middle", join(middle), "line 11: expected the footer's \"events\" to be 9"},
      {"an unknown format version", edit(good, 1, R"("format_version":2)", R"("format_version":1)"),
       "line 1: expected \"format_version\": 2"},
      {"a header that is not first", join(swapped), "line 1: expected a ballot trace header"},
      {"an empty file", "", "line 1: expected the trace header, got an empty file"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const Verdict v = viewer(c.text);
    const Verdict r = reader(c.text);
    CHECK(v.bad);
    CHECK(r.bad);
    CHECK_THAT(r.error, Catch::StartsWith(c.error));
    CHECK(v.error == r.error);
  }
}

TEST_CASE("the viewer and the reader accept the same cut-short and cut-by-limit traces",
          "[trace][viz]") {
  const std::string good = run_trace("split-brain-3-2.json");
  const std::vector<std::string> lines = split_lines(good);
  CHECK_FALSE(viewer(good).truncated);
  CHECK_FALSE(reader(good).bad);

  // No footer: readable, truncated.
  const std::string no_footer = join({lines.begin(), lines.end() - 1});
  for (const Verdict& v : {viewer(no_footer), reader(no_footer)}) {
    CHECK_FALSE(v.bad);
    CHECK(v.truncated);
  }
  // Cut in the middle of a line: the partial line is dropped.
  const std::string mid_line =
      join({lines.begin(), lines.begin() + 100}) + lines[100].substr(0, 20);
  for (const Verdict& v : {viewer(mid_line), reader(mid_line)}) {
    CHECK_FALSE(v.bad);
    CHECK(v.truncated);
  }
  CHECK(ballot::viz::parse_trace(mid_line, "t")->events.size() == 99);

  // Stopped by --max-events: a footer with "cut", loaded as complete.
  ballot::RunLimits limits;
  limits.max_events = 2000;
  const std::string cut = run_trace("split-brain-3-2.json", limits);
  CHECK_FALSE(reader(cut).bad);
  const auto m = ballot::viz::parse_trace(cut, "cut");
  CHECK_FALSE(m->truncated());
  CHECK(m->cut_limit == "max_events");
  CHECK(m->cut_value == 2000);
  CHECK(m->events.size() >= 2000);
  CHECK(m->events.size() < 2100);
}
