// What the kernel property tests of Raft and Paxos share beyond the scenario (nemesis.h): a sweep
// of seeds that must all be safe and live, the hunt for the first seed a bug toggle breaks, the
// command that repeats a failing seed, and an observer of how far the cluster had got by a time.
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/api/trace.h"

namespace ballot::test {

// The highest `field` of the facts of type F that any node recorded, as it stood when the clock
// first passed `at_us` (at the end if it never did).
template <class F>
class HighestFactBy final : public Observer {
 public:
  HighestFactBy(Time_us at_us, int64_t F::*field) : at_us_(at_us), field_(field) {}
  void on_event(const TraceEvent& ev) override {
    if (snapshot_ < 0 && ev.time_us >= at_us_) snapshot_ = highest_;
    if (ev.kind != EventKind::Record) return;
    if (auto* fact = dynamic_cast<const F*>(ev.payload))
      highest_ = std::max(highest_, fact->*field_);
  }
  int64_t snapshot() const { return snapshot_ < 0 ? highest_ : snapshot_; }

 private:
  Time_us at_us_;
  int64_t F::*field_;
  int64_t highest_ = 0;
  int64_t snapshot_ = -1;
};

struct SweepOutcome {
  std::string problems;  // empty when safe (and live, when liveness was checked)
  int64_t client_ok = 0;
  std::set<std::string> broken;  // checker names that reported a violation
};

// One run of the nemesis scenario with `seed` and the --set overrides `sets`.
using SweepRun = std::function<SweepOutcome(uint64_t seed, const std::vector<std::string>& sets,
                                            bool check_liveness)>;

class NemesisSweep {
 public:
  // `test` and `file`: the test binary and source that hold the scenario, for the repro line.
  NemesisSweep(std::string test, std::string file, SweepRun run)
      : test_(std::move(test)), file_(std::move(file)), run_(std::move(run)) {}

  std::string repro(uint64_t seed, const std::vector<std::string>& sets) const {
    std::string cmd = test_ + " \"[kernel]\"; the scenario is test::nemesis_scenario in " + file_ +
                      " with seed " + std::to_string(seed);
    for (const std::string& s : sets) cmd += " --set " + s;
    return cmd;
  }
  // Seeds 1..seeds are all safe and live, and clients got work done.
  void expect_safe_and_live(const std::vector<std::string>& sets, uint64_t seeds) const {
    int64_t ok = 0;
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      const SweepOutcome out = run_(seed, sets, true);
      INFO(repro(seed, sets));
      REQUIRE(out.problems == "");
      ok += out.client_ok;
    }
    CHECK(ok > static_cast<int64_t>(seeds) * 50);  // clients got work done
  }
  // The first seed whose run is unsafe (0 if none within `seeds`).
  uint64_t first_unsafe_seed(const std::vector<std::string>& sets, uint64_t seeds) const {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      if (!run_(seed, sets, false).problems.empty()) return seed;
    }
    return 0;
  }
  // The first seed whose run breaks the checker `property` (0 if none within `seeds`).
  uint64_t first_seed_breaking(const std::string& property, const std::vector<std::string>& sets,
                               uint64_t seeds) const {
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      if (run_(seed, sets, false).broken.count(property) != 0) return seed;
    }
    return 0;
  }

 private:
  std::string test_;
  std::string file_;
  SweepRun run_;
};

}  // namespace ballot::test
