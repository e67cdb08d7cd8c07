// Units of the command line: the progress line (with a fake clock), seed ranges, shell quoting
// of repro lines, and the capped input reader.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "cli/progress.h"
#include "cli/runner.h"
#include "cli/seeds.h"
#include "sim/api/input_error.h"
#include "sim/input/input_file.h"

using namespace ballot;
using namespace ballot::cli;

namespace {

struct FakeClock {
  double now_s = 100;  // any start: only differences matter
  std::function<double()> fn() {
    return [this] { return now_s; };
  }
};

size_t count_of(const std::string& text, const std::string& piece) {
  size_t n = 0;
  for (size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("progress: the runs line, its rate, ETA and failures", "[cli][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress progress(out, true, clock.fn(), "sweep");
  clock.now_s += 2;
  progress.runs(10, 100, 0);
  CHECK(out.str() == "\rsweep  10/100 runs  5.0 runs/s  ETA 18s\033[K");
  out.str("");
  clock.now_s += 2;
  progress.runs(40, 100, 3);
  CHECK(out.str() == "\rsweep  40/100 runs  10.0 runs/s  ETA 6s  3 failed\033[K");
  out.str("");
  clock.now_s += 1;
  progress.runs(0, 100, 0);  // nothing done yet: no rate to extrapolate from
  CHECK(out.str() == "\rsweep  0/100 runs  0.0 runs/s  ETA ?\033[K");
}

TEST_CASE("progress: a long run's simulated time and events per second", "[cli][progress]") {
  FakeClock clock;
  std::ostringstream out;
  Progress progress(out, true, clock.fn(), "run");
  clock.now_s += 2;
  progress.simulated(12'345'678, 60 * kSecond_us, 100'000);
  CHECK(out.str() == "\rrun  simulated 12.3s of 60s (20%)  50k events/s\033[K");

  // RunProgress looks at the clock once per kEventsPerLook events only.
  out.str("");
  clock.now_s += 1;
  RunProgress watcher(progress, 60 * kSecond_us);
  TraceEvent ev;
  ev.time_us = 30 * kSecond_us;
  for (uint64_t i = 1; i < RunProgress::kEventsPerLook; ++i) watcher.on_event(ev);
  CHECK(out.str().empty());
  watcher.on_event(ev);
  CHECK(out.str().find("simulated 30s of 60s (50%)") != std::string::npos);
}

TEST_CASE("progress: silent for the first second, then at most every 0.25 s", "[cli][progress]") {
  FakeClock clock;  // steps of 1/8 and 1/16 s: exact in binary, so the boundaries are exact
  std::ostringstream out;
  Progress progress(out, true, clock.fn(), "check");
  for (int i = 0; i < 7; ++i) {
    clock.now_s += 0.125;
    progress.runs(static_cast<uint64_t>(i), 10, 0);
  }
  CHECK(out.str().empty());  // 0.875 s: a short command never shows a line
  clock.now_s += 0.125;
  progress.runs(9, 10, 0);
  CHECK(count_of(out.str(), "\r") == 1);
  // 32 updates over 2 s: redrawn every 0.25 s, not 32 times.
  for (int i = 0; i < 32; ++i) {
    clock.now_s += 0.0625;
    progress.runs(9, 10, 0);
  }
  CHECK(count_of(out.str(), "\r") == 1 + 8);
  // Clearing erases the line once; the rate limit still holds for the next draw.
  out.str("");
  progress.clear();
  progress.clear();
  CHECK(out.str() == "\r\033[K");
  out.str("");
  progress.runs(10, 10, 0);
  CHECK(out.str().empty());
  clock.now_s += 0.25;
  progress.runs(10, 10, 0);
  CHECK(count_of(out.str(), "\r") == 1);
}

TEST_CASE("progress: nothing at all when disabled (not a terminal, or --quiet)",
          "[cli][progress]") {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress progress(out, false, clock.fn(), "sweep");
    clock.now_s += 10;
    progress.runs(5, 10, 1);
    progress.simulated(kSecond_us, 2 * kSecond_us, 1000);
    progress.clear();
  }
  CHECK(out.str().empty());
  CHECK_FALSE(progress_wanted(true));
  CHECK(progress_wanted(false) == (isatty(fileno(stderr)) == 1));
  // The destructor erases a line left on the terminal.
  {
    Progress progress(out, true, clock.fn(), "sweep");
    clock.now_s += 5;
    progress.runs(5, 10, 0);
  }
  CHECK(out.str().size() > 3);
  CHECK(out.str().substr(out.str().size() - 4) == "\r\033[K");
}

TEST_CASE("progress: ETA and rate texts", "[cli][progress]") {
  CHECK(eta_text(0) == "0s");
  CHECK(eta_text(-3) == "0s");
  CHECK(eta_text(59.4) == "59s");
  CHECK(eta_text(65) == "1m05s");
  CHECK(eta_text(3599) == "59m59s");
  CHECK(eta_text(3725) == "1h02m");
  CHECK(rate_text(4.25) == "4.2");
  CHECK(rate_text(412.4) == "412");
  CHECK(rate_text(43'210) == "43k");
  CHECK(rate_text(1'250'000) == "1.2M");
}

TEST_CASE("seed ranges end at 2^64 - 1 and are bounded", "[cli][seeds]") {
  const auto top = std::numeric_limits<uint64_t>::max();
  CHECK(parse_seed_range("18446744073709551614..18446744073709551615", "--seeds") ==
        std::vector<uint64_t>{top - 1, top});
  CHECK(parse_seed_range("18446744073709551615..18446744073709551615", "--seeds") ==
        std::vector<uint64_t>{top});
  CHECK(parse_seed_range("1..3,9", "--seeds") == std::vector<uint64_t>{1, 2, 3, 9});
  CHECK(parse_seed_range("1..1000000", "--seeds").size() == kMaxSeeds);
  for (const char* text : {"0..18446744073709551615", "1..1000001", "1..999999,5,6"}) {
    try {
      parse_seed_range(text, "--seeds");
      FAIL("accepted " << text);
    } catch (const InputError& e) {
      CHECK(e.path() == "--seeds");
      CHECK(std::string(e.what()).find("at most 1000000 seeds") == 0);
    }
  }
}

TEST_CASE("repro lines quote paths and --set values for a POSIX shell", "[cli][repro]") {
  CHECK(shell_quote("scenarios/raft-figure8.json") == "scenarios/raft-figure8.json");
  CHECK(shell_quote("a b.json") == "'a b.json'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$HOME/`x`\\") == "'$HOME/`x`\\'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("*.json") == "'*.json'");
  CHECK(repro_command("/lessons/my dir/x.json", "raft", 7, {"name=\"a b\"", "nodes=5"}) ==
        "ballot run '/lessons/my dir/x.json' --algo raft --seed 7 --set 'name=\"a b\"' --set "
        "nodes=5");
  // A relative path is made absolute, so the line works from any directory.
  const std::string cwd = std::filesystem::current_path().string();
  CHECK(repro_command("x.json", "raft", 7, {}) ==
        "ballot run " + shell_quote(cwd + "/x.json") + " --algo raft --seed 7");
}

TEST_CASE("input files are read under a cap, devices included", "[cli][input]") {
  CHECK(byte_size(uint64_t{16} << 20) == "16 MiB");
  CHECK(byte_size(512 * 1024) == "512 KiB");
  CHECK(byte_size(100) == "100 bytes");
  std::string text, error;
  CHECK_FALSE(read_file_capped("/dev/zero", 1 << 20, "scenario", text, error));
  CHECK(error == "the scenario is larger than the 1 MiB limit for scenario files (docs/cli.md)");
  CHECK(text.empty());
  CHECK_FALSE(read_file_capped(BALLOT_SOURCE_DIR, 1 << 20, "history", text, error));
  CHECK(error == "cannot read the history: it is a directory");
  CHECK(read_file_capped(BALLOT_SOURCE_DIR "/scenarios/bully-partition.json", 1 << 20, "scenario",
                         text, error));
  CHECK(text.find("\"nodes\"") != std::string::npos);
  CHECK_FALSE(read_file_capped(BALLOT_SOURCE_DIR "/scenarios/bully-partition.json", 10, "scenario",
                               text, error));
  CHECK(error.find("larger than the 10 bytes limit") != std::string::npos);

  std::istringstream in("short\n" + std::string(100, 'x') + "\nlast");
  std::string line;
  CHECK(read_line_capped(in, line, 10) == LineRead::Line);
  CHECK(line == "short");
  CHECK(read_line_capped(in, line, 10) == LineRead::TooLong);
  std::istringstream rest("abc\n\nlast");
  CHECK(read_line_capped(rest, line, 10) == LineRead::Line);
  CHECK(read_line_capped(rest, line, 10) == LineRead::Line);
  CHECK(line.empty());
  CHECK(read_line_capped(rest, line, 10) == LineRead::Line);
  CHECK(line == "last");
  CHECK(read_line_capped(rest, line, 10) == LineRead::End);
}
