// Layering probe (tests/layering.cmake): compiled as an algorithm is, it uses every header of the
// node API, and must compile.
#include <memory>

#include "sim/history.h"
#include "sim/input_error.h"
#include "sim/message.h"
#include "sim/node_api.h"
#include "sim/params.h"
#include "sim/require.h"
#include "sim/rng.h"
#include "sim/time.h"
#include "sim/trace.h"

namespace {

class ProbeNode final : public ballot::Node {
 public:
  using Node::Node;
  void on_start() override { ctx_.set_timer(ballot::kMillisecond_us, 0); }
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
