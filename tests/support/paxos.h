// Multi-Paxos on the test kit: one PaxosNode on its own RecordingContext, driven by hand, with
// every send and reply checked to leave no durable write unsynced (the paper's §2.3 duty: an
// acceptor remembers before it answers).
#pragma once
#include <memory>
#include <string>

#include "algorithms/paxos/messages.h"
#include "algorithms/paxos/node.h"
#include "algorithms/paxos/options.h"
#include "recording_context.h"

namespace paxos_test {

using namespace ballot;
using namespace ballot::paxos;
using testkit::RecordingContext;

inline bool paxos_durable_equal(const DurableState* live_state, const DurableState* synced_state) {
  auto* live = dynamic_cast<const PaxosDurable*>(live_state);
  auto* disk = dynamic_cast<const PaxosDurable*>(synced_state);
  if (live == nullptr || disk == nullptr) return live == disk;
  return *live == *disk;
}

// A put of `key`=`v` by client 0 as operation `op_id`, first proposed in `proposed_in`.
inline Value put(const std::string& key, const std::string& v, uint64_t op_id,
                 int64_t proposed_in) {
  Value value;
  value.command.kind = CommandKind::Put;
  value.command.key = key;
  value.command.value = v;
  value.command.client = 0;
  value.command.op_id = op_id;
  value.proposed_in = proposed_in;
  return value;
}

// One node on its own context, started; restart() crashes it (keeping only synced durable state)
// and starts it again.
struct Single : testkit::Solo<PaxosNode> {
  Single(NodeId id, int32_t n, const PaxosOptions& options = PaxosOptions())
      : Solo(
            id, n, [options](Context& ctx) { return std::make_unique<PaxosNode>(ctx, options); },
            paxos_durable_equal) {}
};

}  // namespace paxos_test
