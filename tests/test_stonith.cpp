// STONITH (docs/stonith.md): the fencing device on the kernel, with a toy node that asks it to
// power off node 0; the scenario reader's "stonith" block and the device's name in faults; and
// the shipped STONITH scenarios, with the device unreachable under "wait" and "proceed".
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "sim/api/input_error.h"
#include "sim/kernel/scenario.h"
#include "sim/kernel/simulator.h"

using namespace ballot;

namespace {

constexpr Time_us ms = kMillisecond_us;

// Node 1 asks the device to power off node 0 when its timer fires at 1s, and records the answers.
struct Answer {
  NodeId target = kNoNode;
  bool powered_off = false;
  Time_us at_us = 0;
};
std::vector<Answer>* g_answers = nullptr;
bool* g_fence_returned = nullptr;

class Asker final : public Node {
 public:
  using Node::Node;
  void on_start() override {
    if (ctx_.self() == 1) ctx_.set_timer(1 * kSecond_us, 1);
  }
  void on_message(NodeId, const Message&) override {}
  void on_timer(uint64_t) override { *g_fence_returned = ctx_.fence(0); }
  void on_fenced(NodeId target, bool powered_off) override {
    g_answers->push_back({target, powered_off, ctx_.now()});
  }
};

// Fault events and crash texts, from the event stream.
struct Probe final : Observer {
  std::vector<std::string> crash_texts;
  std::vector<std::string> fault_kinds;  // "begin" events only
  int notes_asking_again = 0;
  void on_event(const TraceEvent& ev) override {
    if (ev.kind == EventKind::Crash) crash_texts.emplace_back(ev.text);
    if (ev.kind == EventKind::Fault && ev.phase == "begin") fault_kinds.emplace_back(ev.text);
    if (ev.kind == EventKind::Note && std::string(ev.text).find("asks again") != std::string::npos)
      ++notes_asking_again;
  }
};

struct Outcome {
  bool fence_returned = false;
  std::vector<Answer> answers;
  bool target_crashed = false;
  Probe probe;
};

Outcome run_asker(const std::string& stonith, const std::string& faults) {
  const std::string text = R"({"nodes": 3, "duration": "3s", "algorithm": "bully",
    "network": {"latency": {"dist": "constant", "value": "1ms"}})" +
                           (stonith.empty() ? "" : ", \"stonith\": " + stonith) +
                           ", \"faults\": [" + faults + "]}";
  const Scenario s = parse_scenario(text, "stonith-test.json");
  Outcome out;
  g_answers = &out.answers;
  g_fence_returned = &out.fence_returned;
  Simulator sim(
      s, [](Context& ctx) { return std::make_unique<Asker>(ctx); }, false);
  sim.watch(&out.probe);
  sim.run();
  out.target_crashed = sim.is_crashed(0);
  g_answers = nullptr;
  g_fence_returned = nullptr;
  return out;
}

}  // namespace

TEST_CASE("STONITH: without a device, fence returns false and nothing is powered off",
          "[stonith][kernel]") {
  const Outcome o = run_asker("", "");
  CHECK_FALSE(o.fence_returned);
  CHECK(o.answers.empty());
  CHECK_FALSE(o.target_crashed);
  CHECK(o.probe.fault_kinds.empty());
}

TEST_CASE(
    "STONITH: the device powers the target off through the kernel's crash path, then the "
    "requester hears on_fenced",
    "[stonith][kernel]") {
  const Outcome o = run_asker(R"({"on_unreachable": "wait"})", "");
  CHECK(o.fence_returned);
  CHECK(o.target_crashed);
  REQUIRE(o.answers.size() == 1);
  CHECK(o.answers[0].target == 0);
  CHECK(o.answers[0].powered_off);
  CHECK(o.answers[0].at_us == 1 * kSecond_us + 2 * ms);  // there and back, 1ms each way
  REQUIRE(o.probe.crash_texts.size() == 1);
  CHECK(o.probe.crash_texts[0].rfind("stonith", 0) == 0);
  CHECK(o.probe.fault_kinds == std::vector<std::string>{"crash"});  // the viewer's fault lane
}

TEST_CASE(
    "STONITH: an isolated device: wait keeps asking and never answers, proceed answers "
    "false after the timeout",
    "[stonith][kernel]") {
  const std::string isolated = R"({"at": "0s", "kind": "isolate", "nodes": ["stonith"]})";
  SECTION("wait") {
    const Outcome o = run_asker(R"({"on_unreachable": "wait", "timeout": "100ms"})", isolated);
    CHECK(o.fence_returned);
    CHECK(o.answers.empty());
    CHECK_FALSE(o.target_crashed);
    CHECK(o.probe.notes_asking_again >= 15);  // every 100ms from 1s to 3s
  }
  SECTION("proceed") {
    const Outcome o = run_asker(R"({"on_unreachable": "proceed", "timeout": "100ms"})", isolated);
    REQUIRE(o.answers.size() == 1);
    CHECK_FALSE(o.answers[0].powered_off);
    CHECK(o.answers[0].at_us == 1100 * ms);
    CHECK_FALSE(o.target_crashed);
    CHECK(o.probe.notes_asking_again == 0);
  }
}

TEST_CASE("STONITH: a crashed device answers once it is back, when the requester waits",
          "[stonith][kernel]") {
  const Outcome o =
      run_asker(R"({"on_unreachable": "wait", "timeout": "100ms"})",
                R"({"at": "500ms", "duration": "1s", "kind": "crash", "nodes": ["stonith"]})");
  REQUIRE(o.answers.size() == 1);
  CHECK(o.answers[0].powered_off);
  CHECK(o.answers[0].at_us > 1500 * ms);  // the first retry after the device restarts
  CHECK(o.answers[0].at_us < 1700 * ms);
  CHECK(o.target_crashed);
}

TEST_CASE("STONITH: a partition decides which side reaches the device", "[stonith][kernel]") {
  const std::string stonith = R"({"on_unreachable": "proceed", "timeout": "100ms"})";
  SECTION("the device with the requester") {
    const Outcome o = run_asker(
        stonith,
        R"({"at": "0s", "kind": "partition", "groups": [["n1"], ["n2", "n3", "stonith"]]})");
    REQUIRE(o.answers.size() == 1);
    CHECK(o.answers[0].powered_off);
    CHECK(o.target_crashed);
  }
  SECTION("the device on the other side") {
    const Outcome o = run_asker(
        stonith,
        R"({"at": "0s", "kind": "partition", "groups": [["n1", "stonith"], ["n2", "n3"]]})");
    REQUIRE(o.answers.size() == 1);
    CHECK_FALSE(o.answers[0].powered_off);
    CHECK_FALSE(o.target_crashed);
  }
  SECTION("a partition that does not name the device leaves it reachable by all") {
    const Outcome o = run_asker(
        stonith, R"({"at": "0s", "kind": "partition", "groups": [["n1"], ["n2", "n3"]]})");
    REQUIRE(o.answers.size() == 1);
    CHECK(o.answers[0].powered_off);
  }
}

TEST_CASE("STONITH: the reader's stonith block and the device's name in faults",
          "[stonith][scenario]") {
  auto error_of = [](const std::string& body) -> std::string {
    try {
      parse_scenario("{\"nodes\": 3, " + body + "}", "x.json");
    } catch (const InputError& e) {
      return e.path() + ": " + e.what();
    }
    return "";
  };
  SECTION("defaults") {
    const Scenario s = parse_scenario(R"({"nodes": 3, "stonith": {}})", "x.json");
    CHECK(s.stonith.enabled);
    CHECK_FALSE(s.stonith.proceed);
    CHECK(s.stonith.timeout_us == 100 * ms);
    CHECK_FALSE(parse_scenario(R"({"nodes": 3})", "x.json").stonith.enabled);
  }
  SECTION("the device is node n in faults") {
    const Scenario s = parse_scenario(
        R"({"nodes": 3, "stonith": {"on_unreachable": "proceed"},
            "faults": [{"at": "1s", "kind": "crash", "nodes": ["n1", "stonith"]}]})",
        "x.json");
    CHECK(s.stonith.proceed);
    CHECK(s.faults.at(0).nodes == std::vector<NodeId>{0, 3});
  }
  CHECK(error_of(R"("stonith": {"on_unreachable": "later"})").find("stonith.on_unreachable") == 0);
  CHECK(error_of(R"("faults": [{"at": "1s", "kind": "crash", "nodes": ["stonith"]}])")
            .find("faults[0].nodes[0]") == 0);
  CHECK(
      error_of(
          R"("stonith": {}, "faults": [{"at": "1s", "kind": "slow_node", "nodes": ["stonith"], "delay": "1ms", "duration": "1s"}])")
          .find("faults[0].nodes[0]") == 0);
  CHECK(error_of(R"("stonith": {}, "topology": {"kind": "ring"})").find("stonith") == 0);
  CHECK(
      error_of(
          R"("stonith": {}, "faults": [{"at": "1s", "duration": "1s", "kind": "partition", "groups": [["leader", "stonith"], ["n1"]]}])")
          .find("faults[0].groups[0]") == 0);
}

// ---- The shipped scenarios: with and without STONITH, and with the device unreachable ----

namespace {

RunReport run_file(const std::string& name, const std::vector<std::string>& sets = {}) {
  return run_scenario(
      load_scenario(std::string(BALLOT_SOURCE_DIR) + "/scenarios/" + name + ".json", sets));
}

}  // namespace

TEST_CASE(
    "STONITH in Bully: a paused coordinator does damage without it and is powered off "
    "with it",
    "[stonith][bully]") {
  const RunReport without = run_file("bully-pause");
  CHECK(without.result.metrics.at("split_brain_us") > 2 * kSecond_us);
  CHECK(without.result.metrics.at("lost_writes") > 0);
  CHECK(without.expectations_hold());
  const RunReport with = run_file("bully-pause-stonith");
  CHECK(with.result.metrics.at("split_brain_us") == 0);
  CHECK(with.result.metrics.at("lost_writes") == 0);
  CHECK(with.result.metrics.at("crashes") == 1);
  CHECK(with.linearizable);
  CHECK(with.expectations_hold());
}

TEST_CASE(
    "STONITH in Bully with the device isolated: wait stays safe but unavailable, proceed "
    "brings the damage back",
    "[stonith][bully]") {
  const RunReport wait = run_file("bully-pause-stonith-unreachable");
  CHECK(wait.result.metrics.at("lost_writes") == 0);
  CHECK(wait.result.metrics.at("split_brain_us") == 0);
  CHECK(wait.result.metrics.at("client_unavailable_us") >= 1 * kSecond_us);
  CHECK(wait.linearizable);
  CHECK(wait.expectations_hold());
  const RunReport proceed =
      run_file("bully-pause-stonith-unreachable", {"stonith.on_unreachable=proceed"});
  CHECK(proceed.result.metrics.at("lost_writes") > 0);
  CHECK(proceed.result.metrics.at("split_brain_us") > 1 * kSecond_us);
  CHECK_FALSE(proceed.linearizable);
}

TEST_CASE(
    "STONITH in the lease lock: the paused holder is powered off before the new holder "
    "writes, without fencing tokens",
    "[stonith][lease]") {
  const RunReport without = run_file("lease-pause");
  CHECK(without.result.metrics.at("lost_writes") > 0);
  CHECK(without.expectations_hold());
  const RunReport with = run_file("lease-pause-stonith");
  CHECK(with.result.metrics.at("lost_writes") == 0);
  CHECK(with.result.metrics.at("fencing_stale_writes_accepted") == 0);
  CHECK(with.result.metrics.at("id_duplicates") == 0);
  CHECK(with.result.metrics.at("crashes") == 1);
  CHECK(with.linearizable);
  CHECK(with.expectations_hold());
}

TEST_CASE(
    "STONITH in the lease lock with the device isolated: wait stays safe, proceed writes "
    "stale",
    "[stonith][lease]") {
  const RunReport wait = run_file("lease-pause-stonith-unreachable");
  CHECK(wait.result.metrics.at("lost_writes") == 0);
  CHECK(wait.result.metrics.at("fencing_stale_writes_accepted") == 0);
  CHECK(wait.linearizable);
  CHECK(wait.expectations_hold());
  const RunReport proceed =
      run_file("lease-pause-stonith-unreachable", {"stonith.on_unreachable=proceed"});
  CHECK(proceed.result.metrics.at("lost_writes") > 0);
  CHECK(proceed.result.metrics.at("fencing_stale_writes_accepted") > 0);
  CHECK_FALSE(proceed.linearizable);
}

TEST_CASE(
    "STONITH without quorum: in a partition the minority powers off the majority's "
    "coordinator, and split brain remains",
    "[stonith][bully]") {
  const RunReport r = run_file("bully-partition-stonith");
  CHECK(r.result.metrics.at("split_brain_us") > 3 * kSecond_us);
  CHECK(r.result.metrics.at("crashes") == 1);
  CHECK(r.result.metrics.at("final_leader") == 4);
  CHECK(r.expectations_hold());
}

// ---- Raft and Multi-Paxos: a won election waits for the device before acting as leader ----

namespace {

// What happens after the first leader (`old_leader`) is isolated at 1s: the first message a new
// leader sends as leader (AppendEntries in Raft; Accept or Heartbeat in Paxos), the first
// power-off, and the first request to the device.
struct LeaderProbe final : Observer {
  std::string_view algorithm;
  NodeId old_leader = kNoNode;
  uint64_t first_lead_send = UINT64_MAX;  // event index
  Time_us first_lead_send_us = -1;
  NodeId first_lead_sender = kNoNode;
  uint64_t first_power_off = UINT64_MAX;
  NodeId powered_off = kNoNode;
  int crashes = 0;
  Time_us first_ask_us = -1;
  void on_event(const TraceEvent& ev) override {
    if (ev.kind == EventKind::Role && ev.role == Role::Leader && old_leader == kNoNode)
      old_leader = ev.node;
    if (ev.kind == EventKind::Crash) {
      ++crashes;
      if (first_power_off == UINT64_MAX &&
          std::string(ev.text).find("stonith: powered off by the fencing device") == 0) {
        first_power_off = ev.index;
        powered_off = ev.node;
      }
    }
    if (ev.kind == EventKind::Note && first_ask_us < 0 &&
        std::string(ev.text).find("stonith: asks the fencing device") == 0)
      first_ask_us = ev.time_us;
    if (ev.kind == EventKind::Send && ev.node != old_leader && ev.payload != nullptr &&
        first_lead_send == UINT64_MAX) {
      const std::string_view type = ev.payload->type();
      const bool as_leader =
          algorithm == "raft" ? type == "AppendEntries" : type == "Accept" || type == "Heartbeat";
      if (as_leader) {
        first_lead_send = ev.index;
        first_lead_send_us = ev.time_us;
        first_lead_sender = ev.node;
      }
    }
  }
};

// 3 nodes, constant 1ms latency; the leader is isolated from 1s to the end of the 4s run; the
// device (when `stonith` is given) is isolated too when `device_isolated`.
LeaderProbe run_leader_change(const std::string& algorithm, const std::string& stonith,
                              bool device_isolated) {
  std::string faults = R"({"at": "1s", "duration": "3s", "kind": "isolate", "nodes": ["leader"]})";
  if (device_isolated)
    faults += R"(, {"at": "500ms", "duration": "4s", "kind": "isolate", "nodes": ["stonith"]})";
  const std::string text = R"({"nodes": 3, "duration": "4s", "algorithm": ")" + algorithm +
                           R"(", "network": {"latency": {"dist": "constant", "value": "1ms"}})" +
                           (stonith.empty() ? "" : ", \"stonith\": " + stonith) +
                           ", \"faults\": [" + faults + "]}";
  const Scenario s = parse_scenario(text, "stonith-leader.json");
  const AlgorithmInfo* algo = find_algorithm(algorithm);
  REQUIRE(algo != nullptr);
  LeaderProbe probe;
  probe.algorithm = algorithm == "raft" ? "raft" : "paxos";
  std::unique_ptr<Simulator> sim = make_simulator(*algo, s);
  sim->watch(&probe);
  sim->run();
  return probe;
}

}  // namespace

TEST_CASE(
    "STONITH in Raft and Multi-Paxos: the old leader is powered off before the new leader "
    "sends anything as leader",
    "[stonith][raft][paxos]") {
  for (const std::string algorithm : {"raft", "paxos"}) {
    INFO(algorithm);
    const LeaderProbe without = run_leader_change(algorithm, "", false);
    REQUIRE(without.old_leader != kNoNode);
    CHECK(without.crashes == 0);
    CHECK(without.first_lead_send != UINT64_MAX);  // a new leader acts at once
    CHECK(without.first_ask_us < 0);
    const LeaderProbe with = run_leader_change(algorithm, R"({"timeout": "100ms"})", false);
    REQUIRE(with.old_leader != kNoNode);
    CHECK(with.crashes == 1);
    CHECK(with.powered_off == with.old_leader);
    REQUIRE(with.first_power_off != UINT64_MAX);
    REQUIRE(with.first_lead_send != UINT64_MAX);
    CHECK(with.first_power_off < with.first_lead_send);
  }
}

TEST_CASE(
    "STONITH in Raft and Multi-Paxos with the device isolated: wait never acts as leader, "
    "proceed acts after the timeout",
    "[stonith][raft][paxos]") {
  for (const std::string algorithm : {"raft", "paxos"}) {
    INFO(algorithm);
    const LeaderProbe wait =
        run_leader_change(algorithm, R"({"on_unreachable": "wait", "timeout": "100ms"})", true);
    REQUIRE(wait.old_leader != kNoNode);
    CHECK(wait.first_ask_us >= 1 * kSecond_us);  // a new leader was elected and asked
    CHECK(wait.crashes == 0);
    CHECK(wait.first_lead_send == UINT64_MAX);  // and never acted
    const LeaderProbe proceed =
        run_leader_change(algorithm, R"({"on_unreachable": "proceed", "timeout": "100ms"})", true);
    REQUIRE(proceed.old_leader != kNoNode);
    CHECK(proceed.crashes == 0);
    REQUIRE(proceed.first_ask_us >= 1 * kSecond_us);
    REQUIRE(proceed.first_lead_send != UINT64_MAX);
    CHECK(proceed.first_lead_send_us >= proceed.first_ask_us + 100 * ms);
  }
}
