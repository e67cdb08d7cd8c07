// The table of fault kinds (sim/kernel/fault_kinds.cpp) is the one place a kind is described: the
// docs' table, the scenario reader and the trace header must all agree with it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "algorithms/registry.h"
#include "cli/runner.h"
#include "cli/trace_file.h"
#include "sim/api/input_error.h"
#include "sim/kernel/fault_kinds.h"
#include "sim/kernel/scenario.h"

using namespace ballot;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The error message reading `fault` (one fault in a 3-node, 10 s scenario) gives; "" when it
// reads without one.
std::string fault_error(const std::string& fault) {
  const std::string text = R"({"nodes": 3, "duration": "10s", "faults": [)" + fault + "]}";
  try {
    parse_scenario(text, "test.json");
  } catch (const InputError& e) {
    return e.path() + ": " + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the fault table has every kind once, in enum order, with distinct names") {
  std::set<std::string> names;
  for (size_t i = 0; i < fault_kinds().size(); ++i) {
    const FaultKindInfo& k = fault_kinds()[i];
    CHECK(static_cast<size_t>(k.kind) == i);
    CHECK(names.insert(std::string(k.name)).second);
    CHECK(fault_kind_from_name(std::string(k.name)) == k.kind);
    CHECK(std::string(fault_kind_name(k.kind)) == k.name);
    CHECK_FALSE(k.summary.empty());
    CHECK_FALSE(k.effect.empty());
    CHECK(fault_look_from_name(fault_look_name(k.look)) == k.look);
  }
  CHECK(fault_kinds().size() == static_cast<size_t>(FaultKind::DropMessage) + 1);
  CHECK_FALSE(fault_kind_from_name("no_such_kind").has_value());
}

TEST_CASE(
    "docs/scenario-format.md holds the fault table generated from sim/kernel/fault_kinds.cpp") {
  const std::string doc = read_text(std::string(BALLOT_SOURCE_DIR) + "/docs/scenario-format.md");
  const std::string begin = "<!-- fault-kinds:", end = "<!-- end fault-kinds -->";
  const size_t a = doc.find(begin);
  REQUIRE(a != std::string::npos);
  const size_t body = doc.find('\n', a) + 1;
  const size_t b = doc.find(end, body);
  REQUIRE(b != std::string::npos);
  INFO("regenerate with: ballot list faults --markdown");
  CHECK(doc.substr(body, b - body) == fault_kinds_markdown());
}

TEST_CASE("the scenario reader takes exactly the fields the table gives each kind") {
  for (const FaultKindInfo& k : fault_kinds()) {
    const std::string name(k.name);
    INFO("kind " << name);
    // A field no kind has: the message lists what the kind takes, from the table.
    std::string takes = "at, kind";
    if (!k.instantaneous()) takes += ", duration";
    for (const FaultField& f : k.fields)
      if (f.required) takes += ", " + std::string(f.name);
    for (const FaultField& f : k.fields)
      if (!f.required) takes += ", " + std::string(f.name);
    const std::string stray = k.field("jump") ? "loss" : "jump";
    const std::string err =
        fault_error(R"({"at": "1s", "kind": ")" + name + R"(", ")" + stray + R"(": 1})");
    CHECK(err.find("(" + name + " takes: " + takes + ")") != std::string::npos);
    // Each required field is required.
    for (const FaultField& f : k.fields) {
      if (!f.required) continue;
      const std::string missing = fault_error(R"({"at": "1s", "kind": ")" + name + R"("})");
      CHECK(missing.find("'" + std::string(f.name) + "'") != std::string::npos);
      break;  // the first missing one is named
    }
    // Instantaneous kinds take no duration.
    const std::string timed =
        fault_error(R"({"at": "1s", "duration": "1s", "kind": ")" + name + R"("})");
    CHECK((timed.find("field 'duration' does not belong") != std::string::npos) ==
          k.instantaneous());
  }
}

TEST_CASE("the scenario schema knows every field of the fault table") {
  // A heal takes no field: a field any kind takes is refused as not belonging to a heal (the
  // schema knows it), a name no kind takes as an unknown key.
  std::set<std::string> fields;
  for (const FaultKindInfo& k : fault_kinds())
    for (const FaultField& f : k.fields) fields.insert(std::string(f.name));
  REQUIRE(fields.size() > 10);
  for (const std::string& name : fields) {
    INFO("field " << name);
    const std::string err = fault_error(R"({"at": "1s", "kind": "heal", ")" + name + R"(": 1})");
    CHECK(err.find("field '" + name + "' does not belong to a heal fault") != std::string::npos);
  }
  const std::string unknown = fault_error(R"({"at": "1s", "kind": "heal", "groupz": 1})");
  CHECK(unknown.find("does not belong") == std::string::npos);
  CHECK(unknown.find("groupz") != std::string::npos);
}

TEST_CASE("the trace header carries the fault table and the reader gives it back") {
  Scenario s;
  s.resolved_json = "{}";
  const TraceHeader h = parse_trace_header(trace_header(s));
  REQUIRE(h.fault_kinds.size() == fault_kinds().size());
  for (const FaultKindInfo& k : fault_kinds()) {
    const auto it = h.fault_kinds.find(std::string(k.name));
    REQUIRE(it != h.fault_kinds.end());
    CHECK(it->second.acts_on == fault_acts_on_name(k.acts_on));
    CHECK(it->second.instantaneous == k.instantaneous());
    CHECK(it->second.look == fault_look_name(k.look));
  }
  // A header without the table (an older writer) gets this ballot's.
  const TraceHeader old =
      parse_trace_header(R"({"format":"ballot-trace","format_version":2,"scenario":{}})");
  CHECK(old.fault_kinds.size() == fault_kinds().size());
  CHECK(old.fault_kinds.at("crash").look == "crash");
}

TEST_CASE("each algorithm lists every message type its nodes send (drop_message checks them)") {
  for (const AlgorithmInfo& algo : algorithms()) {
    INFO(algo.name);
    REQUIRE_FALSE(algo.message_types.empty());
    const Scenario s =
        parse_scenario(R"({"nodes": 5, "duration": "4s", "algorithm": ")" + algo.name + R"(",
            "network": {"loss": 0.05},
            "nemesis": {"kinds": ["partition", "crash", "pause"], "mean_interval": "300ms"},
            "workload": {"clients": 2, "mean_interval": "100ms", "read_fraction": 0.3}})",
                       "test.json");
    const RunReport report = run_scenario(s);
    CHECK(report.result.traffic_by_type.size() >= 2);
    for (const auto& [type, counts] : report.result.traffic_by_type) {
      INFO(type);
      CHECK(std::find(algo.message_types.begin(), algo.message_types.end(), type) !=
            algo.message_types.end());
    }
  }
}
