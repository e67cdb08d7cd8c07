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
#include "sim/api/input_error.h"
#include "support/datadriven.h"
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

// The trace a record of tests/data/trace/rejected.txt describes, made from `good`.
std::string bad_trace(const ballot::testkit::DataCase& c, const std::string& good) {
  std::vector<std::string> lines = split_lines(good);
  const size_t n = lines.size();
  if (c.command == "edit") {
    const size_t newline = c.input.find('\n');
    REQUIRE(newline != std::string::npos);
    const std::string at = c.arg("line");
    return edit(good, at == "last" ? n : std::stoul(at), c.input.substr(0, newline),
                c.input.substr(newline + 1));
  }
  if (c.command == "append") return good + c.input + "\n";
  if (c.command == "move-footer") {
    const std::string footer = lines.back();
    lines.pop_back();
    lines.insert(lines.begin() + static_cast<long>(std::stoul(c.arg("to")) - 1), footer);
    return join(lines);
  }
  if (c.command == "swap-lines") {
    std::swap(lines.at(std::stoul(c.arg("a")) - 1), lines.at(std::stoul(c.arg("b")) - 1));
    return join(lines);
  }
  REQUIRE(c.command == "text");
  return c.input;
}

// `text` with {last} and {next} replaced by the footer's line number and the one after it.
std::string with_lines(std::string text, size_t n) {
  for (const auto& [name, value] :
       {std::pair<std::string, size_t>{"{last}", n}, {"{next}", n + 1}}) {
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name))
      text.replace(at, name.size(), std::to_string(value));
  }
  return text;
}

}  // namespace

TEST_CASE("the viewer and the replay/export reader reject the same files, the same way",
          "[trace][viz]") {
  const std::string good = run_trace("split-brain-3-2.json");
  const size_t n = split_lines(good).size();
  const auto cases = ballot::testkit::read_data_cases(std::string(BALLOT_SOURCE_DIR) +
                                                      "/tests/data/trace/rejected.txt");
  REQUIRE_FALSE(cases.empty());
  for (const ballot::testkit::DataCase& c : cases) {
    INFO(c.where());
    const std::string text = bad_trace(c, good);
    const Verdict v = viewer(text);
    const Verdict r = reader(text);
    CHECK(v.bad);
    CHECK(r.bad);
    CHECK_THAT(r.error, Catch::StartsWith(with_lines(c.expect("error"), n)));
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
