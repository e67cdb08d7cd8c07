// Paxos parameters: defaults, every key settable, per-node overrides, and clear errors.
#include <catch2/catch.hpp>

#include "sim/api/input_error.h"
#include "support/input_error_of.h"
#include "support/paxos.h"

using namespace paxos_test;

namespace {

// The error read_paxos_options throws for these values, as "path: message" ("no error" if none).
std::string error_for(std::map<std::string, ParamValue> values) {
  Params params("params.paxos", std::move(values));
  return testkit::input_error_of([&] { read_paxos_options(params, 3); });
}

}  // namespace

TEST_CASE("Paxos options: defaults", "[paxos][options]") {
  Params params("params.paxos", {});
  const std::vector<PaxosOptions> options = read_paxos_options(params, 3);
  REQUIRE(options.size() == 3);
  CHECK(options[0].election_timeout_min_us == 150 * kMillisecond_us);
  CHECK(options[0].election_timeout_max_us == 300 * kMillisecond_us);
  CHECK(options[0].heartbeat_interval_us == 50 * kMillisecond_us);
  CHECK(options[0].retransmit_timeout_us == 100 * kMillisecond_us);
  CHECK(options[0].max_decides_per_message == 64);
  CHECK(options[0].leader_liveness == LeaderLiveness::None);
  CHECK_FALSE(options[0].bugs.ignore_accepted_in_promises);
  CHECK_FALSE(options[0].bugs.accept_despite_promise);
}

TEST_CASE("Paxos options: every key is read, with per-node timing overrides", "[paxos][options]") {
  Params params("params.paxos", {{"election_timeout_min", ParamValue::of_string("20ms")},
                                 {"election_timeout_max", ParamValue::of_string("30ms")},
                                 {"heartbeat_interval", ParamValue::of_string("5ms")},
                                 {"retransmit_timeout", ParamValue::of_string("30ms")},
                                 {"max_decides_per_message", ParamValue::of_int(8)},
                                 {"leader_liveness", ParamValue::of_string("check_quorum")},
                                 {"bugs.ignore_accepted_in_promises", ParamValue::of_bool(true)},
                                 {"bugs.accept_despite_promise", ParamValue::of_bool(true)},
                                 {"n2.election_timeout_min", ParamValue::of_string("40ms")},
                                 {"n2.election_timeout_max", ParamValue::of_string("40ms")},
                                 {"n2.heartbeat_interval", ParamValue::of_string("10ms")}});
  const std::vector<PaxosOptions> options = read_paxos_options(params, 3);
  CHECK(options[0].election_timeout_min_us == 20 * kMillisecond_us);
  CHECK(options[0].election_timeout_max_us == 30 * kMillisecond_us);
  CHECK(options[0].heartbeat_interval_us == 5 * kMillisecond_us);
  CHECK(options[1].election_timeout_min_us == 40 * kMillisecond_us);
  CHECK(options[1].election_timeout_max_us == 40 * kMillisecond_us);
  CHECK(options[1].heartbeat_interval_us == 10 * kMillisecond_us);
  CHECK(options[2].election_timeout_min_us == 20 * kMillisecond_us);
  for (const PaxosOptions& o : options) {
    CHECK(o.retransmit_timeout_us == 30 * kMillisecond_us);
    CHECK(o.max_decides_per_message == 8);
    CHECK(o.leader_liveness == LeaderLiveness::CheckQuorum);
    CHECK(o.bugs.ignore_accepted_in_promises);
    CHECK(o.bugs.accept_despite_promise);
  }
}

TEST_CASE("Paxos options: bad values are InputErrors naming the path and what was expected",
          "[paxos][options]") {
  CHECK(error_for({{"election_timeout_max", ParamValue::of_string("100ms")}}) ==
        "params.paxos.election_timeout_max: expected at least election_timeout_min (150ms), got "
        "100ms");
  CHECK(error_for({{"heartbeat_interval", ParamValue::of_string("150ms")}}) ==
        "params.paxos.heartbeat_interval: expected less than election_timeout_min (150ms) so that "
        "followers hear from a live leader, got 150ms");
  CHECK(error_for({{"n3.election_timeout_min", ParamValue::of_string("400ms")}}) ==
        "params.paxos.n3.election_timeout_max: expected at least election_timeout_min (400ms), "
        "got 300ms");
  CHECK(error_for({{"max_decides_per_message", ParamValue::of_int(0)}})
            .rfind("params.paxos.max_decides_per_message: ", 0) == 0);
  CHECK(error_for({{"retransmit_timeout", ParamValue::of_string("0ms")}})
            .rfind("params.paxos.retransmit_timeout: ", 0) == 0);
  CHECK(error_for({{"leader_liveness", ParamValue::of_string("check-quorum")}}) ==
        "params.paxos.leader_liveness: unknown value \"check-quorum\" (did you mean "
        "'check_quorum'?): expected one of none, check_quorum");
  CHECK(error_for({{"bugs.ignore_accepted_in_promises", ParamValue::of_string("yes")}})
            .rfind("params.paxos.bugs.ignore_accepted_in_promises: ", 0) == 0);
  const std::string unknown = error_for({{"election_timout_min", ParamValue::of_string("100ms")}});
  CHECK(unknown.find("election_timout_min") != std::string::npos);
  CHECK(unknown.find("did you mean 'election_timeout_min'") != std::string::npos);
  CHECK(error_for({{"election_timeout_min", ParamValue::of_string("0ms")}}) != "no error");
}
