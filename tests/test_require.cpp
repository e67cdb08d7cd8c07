// Invariants that survive Release: BALLOT_REQUIRE (sim/api/require.h) and the kernel's own checks.
//
// This file is compiled with NDEBUG, as a Release build is, so that a BALLOT_REQUIRE that
// compiled out like assert() would fail these tests in every build type. A failing check aborts
// the process, so each one runs in a forked child whose stderr comes back through a pipe.
#ifndef NDEBUG
#define NDEBUG
#endif

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <functional>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "sim/api/require.h"
#include "sim/kernel/event_queue.h"
#include "sim/kernel/local_clock.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"
#include "support/probe.h"

using namespace ballot;

namespace {

struct ChildOutcome {
  bool aborted = false;  // killed by SIGABRT
  int exit_code = -1;    // when it exited instead
  std::string err;       // everything it wrote to stderr
};

// Runs `body` in a forked child with stderr captured; the child exits 0 if `body` returns.
ChildOutcome run_in_child(const std::function<void()>& body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Catch2's fatal-signal handler would report the abort as a failure of the child's copy of
    // the test; the child must simply die of it.
    std::signal(SIGABRT, SIG_DFL);
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    close(fds[1]);
    body();
    _exit(0);
  }
  close(fds[1]);
  ChildOutcome out;
  char buf[4096];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) {
    out.err.append(buf, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  out.aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A check that fails for any answer but 42, on a line the test below knows.
const int kRequireLine = __LINE__ + 2;
void check_the_answer(int answer) {
  BALLOT_REQUIRE(answer == 42, std::string("the answer is ") + std::to_string(answer));
}

}  // namespace

TEST_CASE("this file is built as Release builds are, with NDEBUG", "[require]") {
#ifdef NDEBUG
  SUCCEED("NDEBUG is defined");
#else
  FAIL("NDEBUG is not defined: the tests below would not show that checks survive Release");
#endif
}

TEST_CASE("BALLOT_REQUIRE evaluates its condition under NDEBUG", "[require]") {
  int evaluated = 0;
  BALLOT_REQUIRE(++evaluated == 1, "the condition runs once");
  CHECK(evaluated == 1);  // 0 if the macro compiled out, as assert() does under NDEBUG
}

TEST_CASE("BALLOT_REQUIRE builds its message only on failure", "[require]") {
  int built = 0;
  const auto message = [&built] {
    ++built;
    return std::string("expensive message");
  };
  for (int i = 0; i < 3; ++i) BALLOT_REQUIRE(i < 3, message());
  CHECK(built == 0);
}

TEST_CASE("a failing BALLOT_REQUIRE aborts under NDEBUG, naming file, line, condition, message",
          "[require]") {
  const ChildOutcome out = run_in_child([] { check_the_answer(41); });
  INFO(out.err);
  CHECK(out.aborted);
  CHECK(contains(out.err, "ballot: invariant violated at "));
  CHECK(contains(out.err, std::string(__FILE__) + ":" + std::to_string(kRequireLine) + ": "));
  CHECK(contains(out.err, "answer == 42: the answer is 41"));
}

TEST_CASE("a passing BALLOT_REQUIRE lets the child run on", "[require]") {
  const ChildOutcome out = run_in_child([] { BALLOT_REQUIRE(1 + 1 == 2, "arithmetic"); });
  CHECK_FALSE(out.aborted);
  CHECK(out.exit_code == 0);
  CHECK(out.err.empty());
}

TEST_CASE("kernel data structures check their use in every build type", "[require][kernel]") {
  SECTION("popping an empty event queue") {
    const ChildOutcome out = run_in_child([] {
      struct Less {
        bool operator()(int a, int b) const { return a < b; }
      };
      EventQueue<int, Less> q;
      (void)q.pop();
    });
    CHECK(out.aborted);
    CHECK(contains(out.err, "event_queue.h:"));
    CHECK(contains(out.err, "pop() from an empty event queue"));
  }
  SECTION("a drift that would stop a local clock") {
    const ChildOutcome out = run_in_child([] {
      LocalClock clock;
      clock.change(0, -1000000, 0);
    });
    CHECK(out.aborted);
    CHECK(contains(out.err, "local_clock.h:"));
    CHECK(contains(out.err, "drift must keep the clock moving forward"));
  }
}

namespace {

// Breaks one kernel invariant from an observer: on the first delivery to n2 at or after 500ms
// (whose handler has not run yet), or at that instant for the other breakages.
class Saboteur final : public Observer {
 public:
  Saboteur(Simulator& sim, Simulator::Breakage what) : sim_(sim), what_(what) {}
  void on_event(const TraceEvent& ev) override {
    if (done_ || ev.time_us < 500 * kMillisecond_us) return;
    if (ev.kind != EventKind::Deliver || ev.node != 1) return;
    done_ = true;
    sim_.break_for_test(what_, 1);
  }

 private:
  Simulator& sim_;
  Simulator::Breakage what_;
  bool done_ = false;
};

// A probe cluster run with one invariant broken at 500ms; returns what the child printed.
ChildOutcome run_broken(Simulator::Breakage what) {
  return run_in_child([what] {
    const Scenario scenario = parse_scenario(
        R"({"nodes": 3, "duration": "2s",
            "network": {"latency": {"dist": "constant", "value": "10ms"}}})",
        "broken");
    test::ProbeLog log;
    test::ProbeOptions options;
    options.one_shot_timers = {{900 * kMillisecond_us, 7}};
    Simulator sim(scenario, test::probe_factory(log, options), true);
    Saboteur saboteur(sim, what);
    sim.watch(&saboteur);
    sim.run();
  });
}

}  // namespace

TEST_CASE("the kernel's invariants are live: breaking each aborts the run with its message",
          "[require][kernel]") {
  using B = Simulator::Breakage;
  SECTION("unbroken, the same run completes") {
    const ChildOutcome out = run_in_child([] {
      const Scenario scenario = parse_scenario(R"({"nodes": 3, "duration": "2s"})", "fine");
      test::ProbeLog log;
      Simulator sim(scenario, test::probe_factory(log), true);
      sim.run();
    });
    CHECK_FALSE(out.aborted);
    CHECK(out.exit_code == 0);
  }
  SECTION("virtual time never goes backwards") {
    const ChildOutcome out = run_broken(B::TimeBackwards);
    INFO(out.err);
    CHECK(out.aborted);
    CHECK(contains(out.err, "event_loop.cpp:"));  // the loop checks it (sim/kernel/event_loop.cpp)
    CHECK(contains(out.err, "virtual time would go backwards"));
  }
  SECTION("a crashed node runs no handler and is delivered nothing") {
    const ChildOutcome out = run_broken(B::Crash);
    INFO(out.err);
    CHECK(out.aborted);
    CHECK(contains(out.err, "a crashed node would run a handler"));
  }
  SECTION("a paused node runs nothing until resumed") {
    const ChildOutcome out = run_broken(B::Pause);
    INFO(out.err);
    CHECK(out.aborted);
    CHECK(contains(out.err, "a paused node would run a handler"));
  }
  SECTION("a timer never fires before its deadline on its node's local clock") {
    const ChildOutcome out = run_broken(B::TimerEarly);
    INFO(out.err);
    CHECK(out.aborted);
    CHECK(contains(out.err, "a timer would fire before its deadline on its node's local clock"));
  }
}
