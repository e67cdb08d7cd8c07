// Layering probe (tests/layering.cmake): compiled as an algorithm is, it uses every header of the
// node API, and must compile.
#include <memory>

#include "sim/api/history.h"
#include "sim/api/input_error.h"
#include "sim/api/message.h"
#include "sim/api/node_api.h"
#include "sim/api/params.h"
#include "sim/api/require.h"
#include "sim/api/rng.h"
#include "sim/api/situation.h"
#include "sim/api/time.h"
#include "sim/api/trace.h"

namespace {

class ProbeNode final : public ballot::Node {
 public:
  using Node::Node;
  void on_start() override {
    ctx_.set_timer(ballot::kMillisecond_us, 0);
    ctx_.reached(ballot::SituationId{0});
  }
  void on_message(ballot::NodeId from, const ballot::Message& msg) override {
    (void)from;
    (void)msg;
  }
  void on_timer(uint64_t tag) override { BALLOT_REQUIRE(tag == 0, "one timer"); }
};

class ProbeChecker final : public ballot::Observer {
 public:
  void on_event(const ballot::TraceEvent& ev) override { (void)ev; }
};

}  // namespace

std::unique_ptr<ballot::Node> layering_probe_node(ballot::Context& ctx) {
  return std::make_unique<ProbeNode>(ctx);
}
std::unique_ptr<ballot::Observer> layering_probe_checker() {
  return std::make_unique<ProbeChecker>();
}
